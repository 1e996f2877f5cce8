"""Cooperation-network benchmark (#22 "Speed and scale"), run in its own process per database (see run.py).

A network's directory of 2,000 authorities and 10,000 contact persons, and 100,000 consultations
with 1,000,000 messages between them (sizes times NETWORK_BENCH_SCALE, default 1), written in bulk
(`build`). The Peruvian central authority takes part in about 2% of the consultations, as does
each other authority with logins; the rest are between others, so that every read is scoped.
Then, as the demo's Peruvian officer, p50/p95 under 20 concurrent clients on loopback (wrk, 20
connections; the median of NETWORK_BENCH_ROUNDS rounds) of the consultation inbox (page and
endpoint) and of the finder (page and endpoint, once they exist), beside a static Django view.
"""

import datetime
import io
import itertools
import json
import os
import random
import shutil
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from typing import Any

import django
from loadtest import CLIENTS, credentials, measure, served

SCALE = float(os.environ.get("NETWORK_BENCH_SCALE", "1"))
DURATION = int(os.environ.get("NETWORK_BENCH_SECONDS", "15"))
ROUNDS = int(os.environ.get("NETWORK_BENCH_ROUNDS", "3"))
AUTHORITIES, CONTACTS, CONSULTATIONS, MESSAGES = 2_000, 10_000, 100_000, 1_000_000
# The share of all consultations each authority with logins takes part in (the measured user's
# among them): about 2,000 at full scale, of which about 60% open.
BUSY_SHARE = 0.02
# The measured query: a State with many authorities in the directory, an asset measure.
FINDER_COUNTRY, FINDER_MEASURE = "BR", "freezing"
LANGUAGES = ["en", "fr", "es", "ar", "ru", "zh-hans", "pt", "de", "it", "nl"]
ZONES = ["UTC", "Europe/Zurich", "America/Lima", "Africa/Lagos", "Europe/London", "Asia/Singapore"]
SUBJECTS = [
    "Accounts of a former minister of public works",
    "Beneficial owner of a shell company in a procurement fraud",
    "Non-conviction-based confiscation of a villa",
    "Hearing of a witness by video link",
    "Bank records of a state oil company's agent",
    "Freezing of shares held through a nominee",
    "Extradition of a former customs director",
    "Return of embezzled pension funds",
]
PHRASES = [
    "Dear colleagues, before we send a formal request we would value your view on the questions above.",
    "Thank you. A request under UNCAC is accepted; please name the accounts and the amounts.",
    "Attached is a draft of the request; the domestic freezing order follows once the court has ruled.",
    "Our law requires dual criminality for coercive measures; bribery of foreign officials qualifies.",
    "The bank has confirmed that the account was open until March; the balance then moved abroad.",
    "Could you tell us which court would execute a non-conviction-based confiscation order?",
    "We can hear the witness by video link within six weeks of receiving the request.",
    "Please send the request through the central authority; diplomatic channels add three months.",
]


@dataclass
class Sizes:
    """What `build` wrote, for the results."""

    authorities: int = 0
    directory_entries: int = 0
    contact_persons: int = 0
    consultations: int = 0
    participants: int = 0
    messages: int = 0
    receipts: int = 0
    notifications: int = 0
    seen_by_user: dict[str, int] = field(default_factory=dict)


def _next_id(model: Any) -> int:
    from django.db.models import Max

    return (model.objects.aggregate(last=Max("pk"))["last"] or 0) + 1


def _reset_sequences(*models: Any) -> None:
    """On PostgreSQL, move the id sequences past the ids written here (SQLite follows by itself)."""
    from django.core.management.color import no_style
    from django.db import connection

    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), list(models)):
            cursor.execute(statement)


def build(scale: float = SCALE, seed: int = 1) -> Sizes:
    """The network at `scale` (1: the sizes of #22), on top of the demo's authorities and users
    (`create_authorities_and_users`), written in bulk with explicit ids; deterministic under `seed`."""
    from django.db import transaction

    from comity.accounts.choices import AuthorityKind, Role
    from comity.accounts.models import Authority, User
    from comity.core.bulk import analyze, collector_paused, db_adapter, insert_rows, sqlite_cache_enlarged
    from comity.core.countries import country_codes
    from comity.network.choices import Affiliation, Channel, Competence, MembershipState, NotificationKind
    from comity.network.models import (
        Consultation,
        ConsultationMessage,
        ConsultationParticipant,
        ConsultationReceipt,
        ContactPerson,
        DirectoryEntry,
        Membership,
        Network,
        Notification,
    )
    from comity.reference.choices import Handling, Measure, Offence

    rng = random.Random(seed)
    adapt = db_adapter()
    now = datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)
    today = now.date()
    sizes = Sizes()
    with transaction.atomic(), collector_paused(), sqlite_cache_enlarged():
        # The directory: the demo's authorities and as many more as make AUTHORITIES, in every State.
        countries = [c for c in country_codes() if c != "AQ"]
        kinds = [k for k in AuthorityKind.values if k != AuthorityKind.SECRETARIAT]
        existing = list(Authority.objects.exclude(kind=AuthorityKind.SECRETARIAT).order_by("pk"))
        more = max(0, round(AUTHORITIES * scale) - len(existing))
        first = _next_id(Authority)
        insert_rows(
            Authority,
            ["id", "name", "country", "kind", "external", "created_at"],
            (
                (
                    first + n,
                    f"Bench authority {n}",
                    countries[n % len(countries)],
                    kinds[n % len(kinds)],
                    False,
                    adapt(now),
                )
                for n in range(more)
            ),
        )
        authorities = existing + list(Authority.objects.filter(pk__gte=first).order_by("pk"))
        sizes.authorities = len(authorities)
        network = Network.objects.create(code="bench", name="Bench network")
        insert_rows(
            Membership,
            ["network", "authority", "state", "requested_at", "decided_on", "note"],
            ((network.pk, a.pk, MembershipState.APPROVED, adapt(now), adapt(today), "") for a in authorities),
        )
        entry_first = _next_id(DirectoryEntry)
        competences_of = {
            AuthorityKind.CENTRAL_AUTHORITY: [Competence.MLA, Competence.EXTRADITION],
            AuthorityKind.ASSET_RECOVERY_OFFICE: [Competence.ASSET_RECOVERY],
            AuthorityKind.PROSECUTION: [Competence.MLA],
            AuthorityKind.FIU: [Competence.PREVENTION],
            AuthorityKind.ASSET_MANAGEMENT_OFFICE: [Competence.ASSET_RECOVERY],
            AuthorityKind.COURT: [Competence.CIVIL_ADMINISTRATIVE],
            AuthorityKind.LAW_ENFORCEMENT: [Competence.URGENT],
        }

        def entry(n: int, authority: Any) -> tuple:
            competences = list(competences_of.get(authority.kind, [Competence.MLA]))
            if rng.random() < 0.3 and Competence.URGENT not in competences:
                competences.append(Competence.URGENT)
            confirmed = today - datetime.timedelta(days=rng.randrange(30, 600))
            return (
                entry_first + n,
                authority.pk,
                json.dumps(competences),
                json.dumps(rng.sample(LANGUAGES, rng.randint(1, 3))),
                json.dumps(rng.sample(Channel.values, rng.randint(1, 3))),
                rng.random() < 0.3,
                rng.random() < 0.2,
                rng.random() < 0.9,
                "Call the duty prosecutor; a written request follows within 24 hours."
                if Competence.URGENT in competences
                else "",
                json.dumps(rng.sample(Affiliation.values, rng.randint(0, 3))),
                json.dumps(
                    [{"url": "https://example.org/mla-guide", "title": "Guide for requesting States"}]
                ),
                adapt(confirmed),
                adapt(now),
            )

        sizes.directory_entries = insert_rows(
            DirectoryEntry,
            [
                "id",
                "authority",
                "competences",
                "languages",
                "channels",
                "encryption_required",
                "signature_required",
                "uncac_accepted",
                "urgent_procedure",
                "affiliations",
                "links",
                "last_confirmed_on",
                "updated_at",
            ],
            [entry(n, a) for n, a in enumerate(authorities)],
        )
        # Contact persons: every entry one at least, the rest spread unevenly.
        entry_ids = list(range(entry_first, entry_first + len(authorities)))
        contact_count = max(len(entry_ids), round(CONTACTS * scale))
        owners = entry_ids + rng.choices(entry_ids, k=contact_count - len(entry_ids))
        positions: dict[int, int] = {}

        def contact(n: int, entry_id: int) -> tuple:
            position = positions[entry_id] = positions.get(entry_id, -1) + 1
            return (
                entry_id,
                f"Contact {n}",
                rng.choice(["Prosecutor", "Head of unit", "Legal officer", "Duty officer"]),
                json.dumps(rng.sample(LANGUAGES, rng.randint(1, 3))),
                f"+41 58 462 {n % 10000:04d}",
                f"contact{n}@example.org",
                f"unit{entry_id}@example.org" if position == 0 else "",
                rng.choice(ZONES),
                "Mon–Fri 08:00–17:00",
                position == 1,
                position,
            )

        sizes.contact_persons = insert_rows(
            ContactPerson,
            [
                "entry",
                "name",
                "function",
                "languages",
                "phone",
                "email",
                "mailbox",
                "time_zone",
                "working_hours",
                "urgent",
                "position",
            ],
            (contact(n, entry_id) for n, entry_id in enumerate(sorted(owners))),
        )

        # Consultations: each authority with logins takes part in BUSY_SHARE of them, the others
        # are spread evenly; two to four participants, the opener first.
        users = list(
            User.objects.filter(authority__isnull=False, role__in=[Role.OFFICER, Role.HEAD, Role.VIEWER])
            .order_by("pk")
            .values_list("pk", "authority_id", "role")
        )
        officers = {authority_id: pk for pk, authority_id, role in users if role == Role.OFFICER}
        readers: dict[int, list[int]] = {}
        for pk, authority_id, _role in users:
            readers.setdefault(authority_id, []).append(pk)
        busy = sorted(readers)
        ids = [a.pk for a in authorities]
        count = round(CONSULTATIONS * scale)
        message_total = max(count, round(MESSAGES * scale))
        # One message each, the rest drawn with uneven weights: most threads short, some long.
        weights = [rng.expovariate(1.0) for _n in range(count)]
        lengths = [1] * count
        for index in rng.choices(range(count), weights=weights, k=message_total - count):
            lengths[index] += 1
        start = datetime.datetime(2023, 1, 1, tzinfo=datetime.UTC)
        span = (now - start).total_seconds()
        handlings = Handling.values
        consultation_first, message_first = _next_id(Consultation), _next_id(ConsultationMessage)
        receipt_rows: list[tuple] = []
        participant_rows: list[tuple] = []
        consultation_rows: list[tuple] = []
        message_id = message_first

        def messages() -> Any:
            # Bodies from a few phrases, two to four of them: realistic lengths, cheap to make.
            for consultation_id, parties, created, gaps in thread_plan:
                posted = created
                for position, gap in enumerate(gaps):
                    posted += gap
                    authority_id = parties[0] if position == 0 else rng.choice(parties)
                    body = " ".join(rng.sample(PHRASES, rng.randint(2, 4)))
                    yield (
                        next(message_numbers),
                        consultation_id,
                        officers.get(authority_id),
                        authority_id,
                        body,
                        adapt(posted),
                    )

        thread_plan: list[tuple[int, list[int], datetime.datetime, list[datetime.timedelta]]] = []
        for n in range(count):
            consultation_id = consultation_first + n
            parties = rng.sample(ids, rng.choice([2, 2, 2, 3, 3, 4]))
            for authority_id in busy:
                if rng.random() < BUSY_SHARE and authority_id not in parties:
                    parties[rng.randrange(len(parties))] = authority_id
            parties = list(dict.fromkeys(parties))
            if len(parties) < 2:
                parties.append(next(pk for pk in ids if pk not in parties))
            created = start + datetime.timedelta(seconds=rng.random() * span * 0.98)
            gaps = [datetime.timedelta(minutes=rng.randrange(1, 60))] + [
                datetime.timedelta(hours=rng.expovariate(1 / 30)) for _m in range(lengths[n] - 1)
            ]
            last_at = min(now, created + sum(gaps, datetime.timedelta()))
            last_id = message_id + lengths[n] - 1
            closed = last_at + datetime.timedelta(days=rng.randint(1, 20))
            closed_at = closed if closed < now and rng.random() < 0.4 else None
            subject = rng.choice(SUBJECTS)
            consultation_rows.append(
                (
                    consultation_id,
                    subject,
                    rng.choice(handlings),
                    f"{subject}: what the requesting State knows so far.",
                    "Which measures can you take, and what must the request contain?",
                    json.dumps(rng.sample(Offence.values[:8], rng.randint(1, 2))),
                    json.dumps(rng.sample(Measure.values, rng.randint(0, 2))),
                    "[]",
                    officers.get(parties[0]),
                    parties[0],
                    adapt(created),
                    last_id,
                    adapt(last_at),
                    adapt(closed_at) if closed_at else None,
                    "",
                    "",
                    "",
                )
            )
            for authority_id in parties:
                participant_rows.append(
                    (consultation_id, authority_id, adapt(created), adapt(last_at), closed_at is not None)
                )
                for user_id in readers.get(authority_id, []):
                    if rng.random() < 0.7:
                        read = last_id if rng.random() < 0.8 else rng.randint(message_id, last_id)
                        receipt_rows.append((consultation_id, user_id, authority_id, read, adapt(last_at)))
            thread_plan.append((consultation_id, parties, created, gaps))
            message_id = last_id + 1
        message_numbers = itertools.count(message_first)
        sizes.consultations = insert_rows(
            Consultation,
            [
                "id",
                "subject",
                "handling",
                "summary",
                "questions",
                "offences",
                "measures",
                "subjects",
                "opened_by",
                "opened_by_authority",
                "created_at",
                "last_message_id",
                "last_activity_at",
                "closed_at",
                "request_type",
                "legal_basis",
                "proceeding",
            ],
            consultation_rows,
        )
        sizes.participants = insert_rows(
            ConsultationParticipant,
            ["consultation", "authority", "joined_at", "last_activity_at", "closed"],
            participant_rows,
        )
        sizes.messages = insert_rows(
            ConsultationMessage,
            ["id", "consultation", "author", "authority", "body", "posted_at"],
            messages(),
        )
        sizes.receipts = insert_rows(
            ConsultationReceipt, ["consultation", "user", "authority", "read_up_to", "read_at"], receipt_rows
        )
        # Each user's in-app inbox: a few hundred notifications, the recent ones unread.
        notification_rows = []
        for user_id in sorted({pk for pks in readers.values() for pk in pks}):
            for n in range(max(1, round(300 * min(scale, 1)))):
                at = now - datetime.timedelta(hours=n * 7)
                notification_rows.append(
                    (
                        user_id,
                        NotificationKind.MESSAGE,
                        f"/network/consultations/{consultation_first + n % count}/",
                        False,
                        adapt(at),
                        adapt(at) if n > 10 else None,
                        adapt(at) if n > 10 else None,
                    )
                )
        sizes.notifications = insert_rows(
            Notification,
            ["user", "kind", "url", "urgent", "created_at", "read_at", "emailed_at"],
            notification_rows,
        )
        _reset_sequences(Authority, DirectoryEntry, Consultation, ConsultationMessage)
    analyze()
    return sizes


def main() -> None:
    if shutil.which("wrk") is None:
        sys.exit("The benchmark measures with wrk: apt-get install wrk (make bench installs it).")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comity.config.settings")
    os.environ.setdefault("COMITY_VAR_DIR", tempfile.mkdtemp(prefix="comity-bench-"))
    # Measured as in production: no debug cursor recording every query, a real secret key.
    os.environ.setdefault("COMITY_DEBUG", "false")
    os.environ.setdefault("COMITY_SECRET_KEY", "benchmark-only-" + os.urandom(16).hex())
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.urls import NoReverseMatch, reverse

    from comity.accounts.demo import create_authorities_and_users
    from comity.accounts.models import User
    from comity.config import gunicorn as web
    from comity.network import selectors

    call_command("migrate", verbosity=0, stdout=io.StringIO())
    create_authorities_and_users()
    started = time.perf_counter()
    sizes = build(SCALE)
    seconds = time.perf_counter() - started
    user = User.objects.select_related("authority").get(username="pe-officer")
    sizes.seen_by_user = {
        "consultations": selectors.consultations_visible_to(user).count(),
        "open": selectors.consultations_visible_to(user).filter(closed_at__isnull=True).count(),
    }
    postgres = connection.vendor == "postgresql"
    # Planner statistics as an operator has them after a bulk load (autovacuum would gather them
    # minutes later, competing for the CPU with the measurements).
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    result: dict = {
        "database": connection.vendor,
        "scale": SCALE,
        "sizes": sizes.__dict__,
        "build_seconds": round(seconds, 1),
        "user": "pe-officer (an officer of the Peruvian central authority)",
    }
    with served() as base:
        bearer, cookie = credentials(user)
        urls = {
            "static_view": (f"{base}/healthz", {}),
            "inbox_page": (f"{base}{reverse('consultation-list')}", cookie),
            "inbox_endpoint": (f"{base}/api/v1/consultations", bearer),
        }
        # The finder, where this version has it.
        finder = f"country={FINDER_COUNTRY}&measure={FINDER_MEASURE}"
        try:
            urls["finder_page"] = (f"{base}{reverse('network-finder')}?{finder}", cookie)
        except NoReverseMatch:
            pass
        else:
            urls["finder_endpoint"] = (f"{base}/api/v1/network/finder?{finder}", bearer)
        # Each URL answers the user with its page, not a login page or an error.
        for name, (url, headers) in urls.items():
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as answer:
                if answer.status != 200 or answer.url != url:
                    sys.exit(f"{name}: {url} answered {answer.status} at {answer.url}")
        result["load"] = {
            **measure(urls, rounds=ROUNDS, seconds=DURATION),
            "target_p95_ms": 100,
            "clients": CLIENTS,
            "how": f"wrk, {CLIENTS} connections, {ROUNDS} rounds of {DURATION} s per URL, the median round",
            "server": f"gunicorn -c python:comity.config.gunicorn, {web.workers} sync workers",
        }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
