import random
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from comity.accounts.demo import DEMO_PASSWORD, USER_COUNTRIES, create_authorities_and_users, demo_logins
from comity.accounts.models import Authority
from comity.assets.demo import create_asset_cases
from comity.cooperation.demo import create_requests
from comity.core.bulk import analyze
from comity.guidance.demo import create_library, create_national_offences, create_profiles
from comity.ledger.demo import create_ledger
from comity.network.demo import (
    create_alerts_and_meetings,
    create_consultations,
    create_directory,
    create_network,
)
from comity.statistics.demo import (
    DEMO_PERIOD,
    DEMO_PERIODS,
    DOMESTIC_REQUESTS,
    create_barriers_of_the_years,
    create_national_coordination,
    create_submissions,
)


class Command(BaseCommand):
    help = "Load synthetic, deterministic demo data: authorities of 36 States, users, requests 2010–2026."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2026, help="Same seed, same data")
        parser.add_argument("--requests", type=int, default=3000, help="How many cooperation requests")
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when the database has data")
        parser.add_argument("--logins", action="store_true", help="Only print the demo logins")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["logins"]:
            self._print_logins()
            return
        if Authority.objects.exists():
            if options["if_empty"]:
                self.stdout.write("The database already has data; demo data not loaded.")
                return
            self.stderr.write("The database already has data: load the demo into an empty database only.")
            raise SystemExit(1)
        rng = random.Random(options["seed"])
        with transaction.atomic():
            authorities = create_authorities_and_users()
        focus = [a for a in authorities if a.country in USER_COUNTRIES]
        # Peru's national coordination adds requests between its two authorities: they are part of
        # the number asked for.
        total = max(options["requests"] - DOMESTIC_REQUESTS, 0)
        step = max(1, total // 10)
        done = 0
        while done < total:
            done += create_requests(rng, authorities, min(step, total - done), focus, first_number=done + 1)
            self.stdout.write(f"  requests: {done}/{total}", ending="\r")
            self.stdout.flush()
        self.stdout.write("")
        with transaction.atomic():
            assets = create_asset_cases(random.Random(options["seed"]), authorities)
        entries = create_ledger(random.Random(options["seed"]))
        with transaction.atomic():
            create_national_coordination(random.Random(options["seed"]))
            create_barriers_of_the_years(random.Random(options["seed"]), authorities)
            submissions = create_submissions(authorities)
        # The network (the States with logins its members) and the directory of every demo authority.
        with transaction.atomic():
            network = create_network(random.Random(options["seed"]))
            contacts = create_directory(random.Random(options["seed"]))
        self.stdout.write(
            f"Network {network.code}: {network.memberships.count()} members, {contacts} contact persons "
            "in its directory."
        )
        # After the network and its directory: alerts and meetings are between its members.
        alerts, meetings = create_alerts_and_meetings(random.Random(options["seed"]))
        # The network's consultations, between the members (none before the memberships exist).
        with transaction.atomic():
            consultations = create_consultations(random.Random(options["seed"]))
        if consultations:
            self.stdout.write(f"Network: {consultations} consultations.")
        # Requirement profiles of the demo States, marked as demonstration data, not legal guidance.
        with transaction.atomic():
            profiles = create_profiles()
            create_national_offences()
        # Each document in its own transaction (the library's service is durable).
        documents = create_library(with_forms=tuple(USER_COUNTRIES))
        self.stdout.write(
            f"Guidance: {profiles} requirement profiles, their national offences and {documents} library "
            "documents (demonstration data, not legal guidance)."
        )
        analyze()
        if alerts or meetings:
            self.stdout.write(f"Network: {alerts} urgent freezing alerts, {meetings} coordination meetings.")
        self.stdout.write(
            f"Demo data loaded: {len(authorities)} States, {done + DOMESTIC_REQUESTS} requests, {assets} assets in asset recovery "
            f"cases, {entries} transparency-log entries, {submissions} States' statistical submissions "
            f"for {DEMO_PERIODS[0]}–{DEMO_PERIOD} (seed {options['seed']})."
        )

    def _print_logins(self) -> None:
        logins = demo_logins()
        if not logins:
            return
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        for login in logins:
            self.stdout.write(f"  {login.username:<14} {login.role:<12} {login.authority}")
        self.stdout.write("  (also gb-, fr-, br- officer/head/viewer)\n")
