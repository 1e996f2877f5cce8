"""Synthetic but plausible cooperation requests, deterministic under a seed.

Durations follow log-normal laws with medians near those States report (a few weeks to be
received, months to execute, longer for extradition); outcomes and refusal grounds follow
rough shares; every timeline is replayed through the state machine before it is stored.
"""

import datetime
import math
import random
from collections.abc import Iterator, Sequence

from django.db import transaction

from comity.accounts.models import Authority
from comity.cooperation.choices import EventKind, NamesVisibleTo, SubjectKind
from comity.cooperation.services import BulkRequest, SubjectInput, bulk_register, timeline_fields
from comity.cooperation.statemachine import replay
from comity.reference.choices import LegalBasis, Measure, Offence, Proceeding, RefusalGround, RequestType

# The demo's "today": the data do not change with the day they are generated.
DEMO_TODAY = datetime.date(2026, 11, 1)
FIRST_DAY = datetime.date(2010, 1, 4)
BATCH = 2000

TYPES = [
    (RequestType.MLA, 66),
    (RequestType.EXTRADITION, 12),
    (RequestType.LAW_ENFORCEMENT, 10),
    (RequestType.SPONTANEOUS_INFORMATION, 5),
    (RequestType.TRANSFER_OF_PROCEEDINGS, 3),
    (RequestType.JOINT_INVESTIGATION, 4),
]
OFFENCES = [
    (Offence.UNCAC_23, 30),
    (Offence.UNCAC_15, 16),
    (Offence.UNCAC_17, 16),
    (Offence.UNCAC_16, 10),
    (Offence.UNCAC_19, 6),
    (Offence.UNCAC_20, 5),
    (Offence.UNCAC_18, 4),
    (Offence.UNCAC_21, 4),
    (Offence.UNCAC_22, 3),
    (Offence.UNCAC_24, 3),
    (Offence.UNCAC_25, 1),
    (Offence.OTHER, 2),
]
LEGAL_BASES = [
    (LegalBasis.UNCAC, 30),
    (LegalBasis.BILATERAL_TREATY, 35),
    (LegalBasis.REGIONAL_INSTRUMENT, 15),
    (LegalBasis.RECIPROCITY, 12),
    (LegalBasis.DOMESTIC_LAW, 7),
    (LegalBasis.OTHER, 1),
]
PROCEEDINGS = [
    (Proceeding.CRIMINAL, 86),
    (Proceeding.NON_CONVICTION_BASED, 7),
    (Proceeding.CIVIL, 5),
    (Proceeding.ADMINISTRATIVE, 2),
]
MEASURES_BY_TYPE: dict[str, list[str]] = {
    RequestType.MLA: [
        Measure.BANK_RECORDS,
        Measure.ASSET_TRACING,
        Measure.BENEFICIAL_OWNERSHIP,
        Measure.SEARCH_SEIZURE,
        Measure.FREEZING,
        Measure.CONFISCATION_ENFORCEMENT,
        Measure.ASSET_RETURN,
        Measure.TESTIMONY,
        Measure.SERVICE_OF_DOCUMENTS,
        Measure.VIDEOCONFERENCE,
        Measure.ELECTRONIC_EVIDENCE,
    ],
    RequestType.LAW_ENFORCEMENT: [Measure.ASSET_TRACING, Measure.BENEFICIAL_OWNERSHIP, Measure.BANK_RECORDS],
    RequestType.JOINT_INVESTIGATION: [Measure.ASSET_TRACING, Measure.ELECTRONIC_EVIDENCE, Measure.TESTIMONY],
}
# Median days from receipt to a final answer, by type.
MEDIAN_EXECUTION_DAYS: dict[str, int] = {
    RequestType.MLA: 210,
    RequestType.EXTRADITION: 330,
    RequestType.LAW_ENFORCEMENT: 45,
    RequestType.SPONTANEOUS_INFORMATION: 20,
    RequestType.TRANSFER_OF_PROCEEDINGS: 260,
    RequestType.JOINT_INVESTIGATION: 400,
}
REFUSAL_GROUNDS = [
    (RefusalGround.DUAL_CRIMINALITY, 20),
    (RefusalGround.INSUFFICIENT_INFORMATION, 25),
    (RefusalGround.MISSING_CERTIFICATION, 8),
    (RefusalGround.BANK_SECRECY, 4),
    (RefusalGround.FISCAL_OFFENCE, 3),
    (RefusalGround.POLITICAL_OFFENCE, 3),
    (RefusalGround.ESSENTIAL_INTERESTS, 4),
    (RefusalGround.DE_MINIMIS, 6),
    (RefusalGround.NE_BIS_IN_IDEM, 4),
    (RefusalGround.STATUTE_OF_LIMITATIONS, 9),
    (RefusalGround.HUMAN_RIGHTS, 4),
    (RefusalGround.ONGOING_PROCEEDINGS, 8),
    (RefusalGround.OTHER, 2),
]
GIVEN = [
    "Carlos",
    "María",
    "Ibrahim",
    "Aisha",
    "John",
    "Elena",
    "Wei",
    "Olga",
    "Ahmed",
    "Fatima",
    "Luis",
    "Ngozi",
    "Pierre",
    "Sofia",
    "Dmitri",
    "Ana",
    "Kwame",
    "Priya",
    "Tomás",
    "Grace",
    "Yusuf",
    "Lucía",
]
FAMILY = [
    "Mendoza",
    "Okafor",
    "Schmid",
    "Dubois",
    "Silva",
    "Haddad",
    "Ivanova",
    "Tan",
    "Mensah",
    "García",
    "Rossi",
    "Adeyemi",
    "Müller",
    "Santos",
    "Kariuki",
    "Nair",
    "Petrenko",
    "Lim",
    "Quispe",
    "Benali",
]
COMPANY = [
    "Andes",
    "Atlantic",
    "Orion",
    "Meridian",
    "Harbour",
    "Sahel",
    "Cedar",
    "Pacific",
    "Alpine",
    "Delta",
    "Summit",
    "Crescent",
    "Baltic",
    "Sierra",
    "Lagoon",
    "Granite",
]
COMPANY_FORM = [
    "Holdings Ltd",
    "Trading SA",
    "Investments Inc.",
    "Consulting LLC",
    "Group AG",
    "Services FZE",
]
URGENCY = [
    "Risk of dissipation of the funds",
    "Suspect about to leave the jurisdiction",
    "Statute of limitations expires soon",
    "Freezing order must be renewed",
]
FACTS = [
    "Bribes paid to a procurement official for public works contracts were laundered through accounts abroad.",
    "A former minister is suspected of embezzling public funds and transferring them to shell companies.",
    "Kickbacks on an oil licence were routed through intermediaries and invested in real estate.",
    "Customs officials received payments to release goods; proceeds were placed in foreign bank accounts.",
    "A state-owned company's funds were diverted through inflated consultancy invoices.",
]


def _pick(rng: random.Random, weighted: Sequence[tuple[str, int]]) -> str:
    return rng.choices([v for v, _w in weighted], weights=[w for _v, w in weighted])[0]


def _lognormal_days(rng: random.Random, median: float, sigma: float = 0.8) -> int:
    return max(1, int(rng.lognormvariate(math.log(median), sigma)))


def _timeline(
    rng: random.Random, request_type: str, sent: datetime.date
) -> list[tuple[str, datetime.date, list]]:
    """A plausible life for one request, cut at DEMO_TODAY."""
    events: list[tuple[str, datetime.date, list]] = [
        (EventKind.CREATED, sent - datetime.timedelta(days=rng.randint(0, 10)), []),
        (EventKind.SENT, sent, []),
    ]
    day = sent + datetime.timedelta(days=_lognormal_days(rng, 12, 0.6))

    def add(kind: str, when: datetime.date, grounds: list | None = None) -> bool:
        if when > DEMO_TODAY:
            return False
        events.append((kind, when, grounds or []))
        return True

    if not add(EventKind.RECEIVED, day):
        return events
    if rng.random() < 0.7:
        day += datetime.timedelta(days=_lognormal_days(rng, 9, 0.7))
        if not add(EventKind.ACKNOWLEDGED, day):
            return events
    if rng.random() < 0.22:
        day += datetime.timedelta(days=_lognormal_days(rng, 40))
        if not add(EventKind.INFORMATION_REQUESTED, day):
            return events
        if rng.random() < 0.2:
            day += datetime.timedelta(days=_lognormal_days(rng, 200, 0.5))
            if rng.random() < 0.6:
                add(EventKind.REFUSED, day, [RefusalGround.INSUFFICIENT_INFORMATION])
            else:
                add(EventKind.LAPSED, day)
            return events
        day += datetime.timedelta(days=_lognormal_days(rng, 45))
        if not add(EventKind.INFORMATION_PROVIDED, day):
            return events
    total = _lognormal_days(rng, MEDIAN_EXECUTION_DAYS[request_type], 0.75)
    day += datetime.timedelta(days=max(1, total // 4))
    if not add(EventKind.EXECUTION_STARTED, day):
        return events
    for _reminder in range(rng.choice([0, 0, 0, 1, 2])):
        if not add(EventKind.REMINDER_SENT, day + datetime.timedelta(days=rng.randint(30, 120))):
            break
        day = events[-1][1]
    day += datetime.timedelta(days=max(1, total - total // 4))
    roll = rng.random()
    if roll < 0.66:
        add(EventKind.EXECUTED, day)
    elif roll < 0.80:
        add(EventKind.PARTIALLY_EXECUTED, day)
    elif roll < 0.93:
        grounds = sorted({_pick(rng, REFUSAL_GROUNDS) for _g in range(rng.choice([1, 1, 2]))})
        add(EventKind.REFUSED, day, grounds)
    else:
        add(EventKind.WITHDRAWN, day)
    return events


def _subjects(rng: random.Random) -> Iterator[tuple[str, str, str]]:
    for _n in range(rng.choice([1, 1, 2, 2, 3])):
        if rng.random() < 0.7:
            yield (
                SubjectKind.NATURAL,
                f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}",
                f"born {rng.randint(1950, 1990)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            )
        else:
            yield (
                SubjectKind.LEGAL,
                f"{rng.choice(COMPANY)} {rng.choice(COMPANY_FORM)}",
                f"reg. no. {rng.randint(100000, 999999)}",
            )


def create_requests(
    rng: random.Random,
    authorities: Sequence[Authority],
    count: int,
    focus: Sequence[Authority],
    first_number: int = 1,
) -> int:
    """`count` requests, each with at least one party among `focus` (the authorities with users).

    `first_number` numbers the references, so that successive calls never reuse one.
    """
    span = (DEMO_TODAY - FIRST_DAY).days
    created = 0
    while created < count:
        size = min(BATCH, count - created)
        rows = []
        for _i in range(size):
            ours = rng.choice(focus)
            other = rng.choice([a for a in authorities if a.pk != ours.pk])
            requesting, requested = (ours, other) if rng.random() < 0.5 else (other, ours)
            request_type = _pick(rng, TYPES)
            # Recent years see more requests, as central authorities report.
            sent = FIRST_DAY + datetime.timedelta(days=int(span * rng.random() ** 0.8))
            events = _timeline(rng, request_type, sent)
            timeline = replay((k, d, g) for k, d, g in events)
            urgent = rng.random() < 0.08
            number = first_number + created + _i
            offences = sorted({_pick(rng, OFFENCES) for _o in range(rng.choice([1, 1, 2, 3]))})
            measure_pool = MEASURES_BY_TYPE.get(request_type, [])
            measures = sorted(rng.sample(measure_pool, k=min(len(measure_pool), rng.randint(1, 3))))
            created_at = datetime.datetime.combine(events[0][1], datetime.time(9), tzinfo=datetime.UTC)
            fields = {
                "type": request_type,
                "legal_basis": _pick(rng, LEGAL_BASES),
                "proceeding": _pick(rng, PROCEEDINGS),
                "requesting_authority_id": requesting.pk,
                "requested_authority_id": requested.pk,
                "requesting_country": requesting.country,
                "requested_country": requested.country,
                "requesting_reference": f"{requesting.country}-{request_type[:3].upper()}-{sent.year}-{number:06d}",
                "requested_reference": (
                    f"{requested.country}/{sent.year}/{number:06d}" if timeline.received_on else ""
                ),
                "summary": rng.choice(FACTS),
                "urgent": urgent,
                "urgency_reason": rng.choice(URGENCY) if urgent else "",
                "confidential": rng.random() < 0.15,
                "names_visible_to": NamesVisibleTo.HEADS if rng.random() < 0.3 else NamesVisibleTo.OFFICERS,
                "created_at": created_at,
                **timeline_fields(
                    timeline, request_type=request_type, urgent=urgent, created_on=created_at.date()
                ),
            }
            subjects = [SubjectInput(kind=k, name=n, identifiers=i) for k, n, i in _subjects(rng)]
            rows.append(BulkRequest(fields, events, offences, measures, subjects))
        _store(rows)
        created += size
    return created


@transaction.atomic
def _store(rows: list[BulkRequest]) -> None:
    bulk_register(rows)
