"""Demo statistical submissions: what the States with users would send the secretariat, so that
its global figures are not empty in the demo."""

import datetime
import json
import random
from decimal import Decimal

from django.contrib.auth.hashers import make_password

from comity.accounts.choices import AuthorityKind, Role
from comity.accounts.models import Authority, User
from comity.accounts.passwords import DEMO_PASSWORD
from comity.accounts.services import directory_bulk_create
from comity.assets.choices import StepKind
from comity.assets.demo import DESCRIPTIONS
from comity.assets.models import AssetCase
from comity.assets.services import asset_add, case_barrier_record, case_create, step_record
from comity.cooperation.models import Request
from comity.cooperation.services import request_barrier_record, request_create
from comity.reference.choices import AssetType, Barrier, LegalBasis, Measure, Offence, Proceeding, RequestType
from comity.statistics.services import submission_receive
from comity.statistics.submissions import build_submission

# Requests between Peru's two authorities: part of the demo's number of requests.
DOMESTIC_REQUESTS = 4

# The latest full year, and the years before it the demo's States answered the data call for: the
# secretariat's figures by year and its coverage per period have more than one year to show.
DEMO_PERIOD = 2025
DEMO_PERIODS = (2023, 2024, DEMO_PERIOD)


def _submitting(authorities: list[Authority]) -> list[str]:
    return sorted(
        {a.country for a in authorities if a.kind == AuthorityKind.CENTRAL_AUTHORITY and not a.external}
    )


def create_submissions(authorities: list[Authority]) -> int:
    """Each State with users builds its submission for each of the demo's years as `comity export
    submission` does, and the secretariat receives it as `comity import submission` does. Returns
    how many States submitted."""
    submitting = _submitting(authorities)
    for period in DEMO_PERIODS:
        for country in submitting:
            # Through JSON, as the file travels.
            payload = json.loads(json.dumps(build_submission(country, period)))
            submission_receive(actor=None, payload=payload)
    return len(submitting)


# Met often in the 2020 report's responses (000 §29): most of a year's barriers are of these.
COMMON_BARRIERS = [Barrier.BANK_SECRECY, Barrier.LATE_RESPONSE, Barrier.DUAL_CRIMINALITY]


def create_barriers_of_the_years(rng: random.Random, authorities: list[Authority]) -> int:
    """Barriers the submitting States' authorities met in their asset recovery cases in each of the
    demo's years, recorded by an officer of the authority with the case's other State, so that
    each State's submission and the secretariat's barriers are not empty. Returns how many."""
    submitting = set(_submitting(authorities))
    officers = {
        user.authority_id: user
        for user in User.objects.filter(role=Role.OFFICER, authority__country__in=submitting).order_by("-pk")
    }
    recorded = 0
    cases = AssetCase.objects.prefetch_related("participants__authority", "assets").order_by("pk")
    for case in cases:
        countries = {case.origin_country, *(a.location_country for a in case.assets.all())}
        for participant in case.participants.all():
            officer = officers.get(participant.authority_id)
            if officer is None:
                continue
            own = participant.authority.country
            other = sorted(countries - {own}) or ["CH" if own != "CH" else "FR"]
            for period in DEMO_PERIODS:
                code = rng.choice(COMMON_BARRIERS) if rng.random() < 0.8 else rng.choice(BARRIERS)
                case_barrier_record(
                    actor=officer,
                    case=case,
                    code=code,
                    on=datetime.date(period, rng.randint(1, 12), rng.randint(1, 28)),
                    country=rng.choice(other),
                )
                recorded += 1
    return recorded


def create_national_coordination(rng: random.Random) -> int:
    """Peru's national coordination (000 §32): a coordinator, an officer at its asset recovery
    office, requests between its two authorities (each counted once in the State's figures), a case
    both take part in, and barriers met in Peru's and others' cases and requests. Returns how many
    barriers were recorded."""
    central = Authority.objects.get(country="PE", kind=AuthorityKind.CENTRAL_AUTHORITY)
    office = Authority.objects.filter(country="PE", kind=AuthorityKind.ASSET_RECOVERY_OFFICE).first()
    officer = User.objects.get(username="pe-officer")
    password = make_password(DEMO_PASSWORD)
    # As the demo's other users: the published demo password, which user_create refuses.
    users = [User(username="pe-coordinator", authority=central, role=Role.COORDINATOR, password=password)]
    if office is not None:
        users.append(User(username="pe-aro-officer", authority=office, role=Role.OFFICER, password=password))
    directory_bulk_create([], users)
    if office is None:
        return 0
    office_officer = User.objects.get(username="pe-aro-officer")
    for number in range(DOMESTIC_REQUESTS):
        requesting, requested = (central, office) if number % 2 == 0 else (office, central)
        request_create(
            actor=officer if requesting == central else office_officer,
            requesting_authority=requesting,
            requested_authority=requested,
            type=RequestType.LAW_ENFORCEMENT,
            legal_basis=LegalBasis.DOMESTIC_LAW,
            proceeding=Proceeding.CRIMINAL,
            offences=[Offence.UNCAC_23],
            measures=[Measure.ASSET_TRACING],
            summary="Synthetic demo request between two Peruvian authorities.",
            requesting_reference=f"PE-DOM-{2023 + number % 3}-{number + 1:04d}",
            sent_on=datetime.date(2023 + number % 3, 3 + number, 10),
        )
    case = case_create(
        actor=office_officer,
        title="Synthetic demo case of the asset recovery office (PE)",
        origin_country="PE",
        asset_location_countries=["CH"],
        offences=[Offence.UNCAC_17, Offence.UNCAC_23],
        summary="Synthetic demo case.",
        participants=[central],
    )
    asset = asset_add(
        actor=office_officer,
        case=case,
        type=AssetType.BANK_ACCOUNT,
        location_country="CH",
        description=DESCRIPTIONS[AssetType.BANK_ACCOUNT][0][0],
        institution=DESCRIPTIONS[AssetType.BANK_ACCOUNT][1][0],
        identified_on=datetime.date(2023, 2, 1),
    )
    step_record(
        actor=office_officer,
        asset=asset,
        kind=StepKind.FROZEN,
        on=datetime.date(2023, 5, 2),
        amount=Decimal("2500000.00"),
        currency="CHF",
    )
    recorded = 0
    for case in AssetCase.objects.filter(participants__authority=central).order_by("pk"):
        for code in rng.sample(BARRIERS, rng.choice([0, 1, 1, 2])):
            elsewhere = case.assets.exclude(location_country="PE").values_list("location_country", flat=True)
            case_barrier_record(
                actor=officer,
                case=case,
                code=code,
                on=datetime.date(rng.randint(2015, 2025), rng.randint(1, 12), rng.randint(1, 28)),
                country=next(iter(elsewhere), "CH"),
            )
            recorded += 1
    for request in Request.objects.filter(requesting_authority=central).exclude(requested_country="PE")[:12]:
        request_barrier_record(
            actor=officer,
            request=request,
            code=rng.choice(BARRIERS),
            on=request.sent_on or datetime.date(2025, 1, 2),
        )
        recorded += 1
    return recorded


BARRIERS = [
    Barrier.BANK_SECRECY,
    Barrier.LATE_RESPONSE,
    Barrier.NO_RESPONSE,
    Barrier.DUAL_CRIMINALITY,
    Barrier.PROVISIONAL_MEASURES_LATE,
    Barrier.TRANSLATION,
    Barrier.THIRD_PARTY_CLAIMS,
]
