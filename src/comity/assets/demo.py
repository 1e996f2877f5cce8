"""Synthetic asset recovery cases for the demo: real States, UNCAC offences, plausible amounts,
currencies and durations (freezing to confiscation in one to five years), deterministic under a seed.
Written through the services, so the demo obeys every rule a user meets."""

import datetime
import random
from decimal import Decimal

from django.core.exceptions import ValidationError

from comity.accounts.choices import Role
from comity.accounts.models import Authority, User
from comity.assets import services
from comity.assets.choices import StepKind
from comity.assets.models import Asset, AssetCase

SCHEMES = [
    ("NG", "Abacha-era public funds", ["uncac-17", "uncac-23"], "GB"),
    ("NG", "Oil licence bribes", ["uncac-15", "uncac-16", "uncac-23"], "FR"),
    ("NG", "Ministry procurement kickbacks", ["uncac-15", "uncac-23"], ""),
    ("PE", "Montesinos accounts", ["uncac-17", "uncac-20", "uncac-23"], ""),
    ("PE", "Highway concession bribes", ["uncac-15", "uncac-16", "uncac-23"], "BR"),
    ("PE", "Regional government embezzlement", ["uncac-17", "uncac-24"], ""),
    ("BR", "State oil company contracts", ["uncac-15", "uncac-16", "uncac-23"], "BR"),
    ("BR", "Stadium construction overpricing", ["uncac-17", "uncac-23"], ""),
    ("UZ", "Telecom licence bribes", ["uncac-15", "uncac-16", "uncac-23"], "SE"),
    ("MY", "Sovereign fund diversion", ["uncac-17", "uncac-23", "uncac-24"], ""),
    ("UA", "Presidential residence funds", ["uncac-17", "uncac-20"], ""),
    ("TN", "Former ruling family assets", ["uncac-17", "uncac-20", "uncac-23"], ""),
    ("EG", "Privatisation proceeds", ["uncac-17", "uncac-19", "uncac-23"], ""),
    ("KE", "Security contracts", ["uncac-15", "uncac-17"], "GB"),
    ("GQ", "Timber and oil revenues", ["uncac-17", "uncac-20", "uncac-23"], ""),
    ("PE", "Mining permits", ["uncac-15", "uncac-18"], "CA"),
    ("NG", "Arms procurement", ["uncac-17", "uncac-23"], ""),
    ("BR", "Port authority bribes", ["uncac-15", "uncac-23"], "BR"),
]
LOCATIONS = [
    ("CH", "CHF"),
    ("GB", "GBP"),
    ("FR", "EUR"),
    ("US", "USD"),
    ("LU", "EUR"),
    ("SG", "SGD"),
    ("AE", "USD"),
]
TYPES = [
    "bank-account",
    "bank-account",
    "bank-account",
    "real-estate",
    "securities",
    "vessel",
    "aircraft",
    "business",
    "art-valuables",
    "vehicle",
]
# What an asset of each type is, and where it is held or registered.
DESCRIPTIONS = {
    "bank-account": (
        ["Account held through a shell company", "Numbered account", "Correspondent account of a trust"],
        ["Private bank", "Custodian bank"],
    ),
    "real-estate": (["Apartment", "Beachfront villa", "Office building"], ["Land registry"]),
    "securities": (
        ["Portfolio of listed shares", "Government bonds"],
        ["Custodian bank", "Central securities depository"],
    ),
    "vessel": (["Motor yacht", "Sailing yacht"], ["Ship registry"]),
    "aircraft": (["Private jet", "Helicopter"], ["Civil aviation registry"]),
    "business": (["Holding company shares", "Hotel operating company"], ["Company registry"]),
    "art-valuables": (["Paintings", "Jewellery", "Gold bullion"], ["Freeport storage", "Custodian bank"]),
    "vehicle": (["Luxury cars", "Armoured vehicle"], ["Vehicle registry"]),
}
PROCEEDINGS = ["criminal", "criminal", "non-conviction-based", "civil", "settlement"]
CUTOFF = datetime.date(2026, 10, 31)


def _officer(authority: Authority) -> User | None:
    return authority.users.filter(role=Role.OFFICER, is_active=True).first()


def _day(rng: random.Random, start: datetime.date, low: int, high: int) -> datetime.date:
    return start + datetime.timedelta(days=rng.randint(low, high))


def create_asset_cases(rng: random.Random, authorities: list[Authority]) -> int:
    """Create the demo's asset recovery cases; returns how many assets they hold."""
    by_country: dict[str, Authority] = {}
    for authority in authorities:
        if _officer(authority) is not None:
            by_country.setdefault(authority.country, authority)
    made = 0
    for number, (origin, scheme, offences, payer) in enumerate(SCHEMES):
        places = rng.sample(LOCATIONS, rng.randint(1, 3))
        parties = [by_country[c] for c in [origin, *(p for p, _cur in places)] if c in by_country]
        if not parties:
            continue
        actor = _officer(parties[0])
        assert actor is not None
        case = services.case_create(
            actor=actor,
            title=f"{scheme} ({origin})",
            cluster=scheme if number % 3 else "",
            origin_country=origin,
            asset_location_countries=[p for p, _cur in places],
            transit_countries=rng.sample(["PA", "CY", "VG", "HK", "MT"], rng.randint(0, 2)),
            bribe_payer_country=payer if payer != origin else "",
            initiating_country="US" if number % 7 == 3 and "US" not in [p for p, _c in places] else "",
            offences=offences,
            summary="Synthetic demo case.",
            persons=[
                services.PersonInput(kind="natural", role="public-official", name=f"Official {number + 1}")
            ],
            participants=parties[1:],
        )
        for _asset in range(rng.randint(2, 5)):
            country, currency = rng.choice(places)
            holder = (
                parties[[a.country for a in parties].index(country)] if country in by_country else parties[0]
            )
            writer = _officer(holder) or actor
            fate = rng.random()
            # Recent assets are still at the start of their history; old ones have run their course.
            identified = (
                _day(rng, datetime.date(2010, 1, 1), 0, 5400)
                if fate >= 0.5
                else _day(rng, datetime.date(2020, 1, 1), 0, 2400)
            )
            if fate < 0.08:
                identified = CUTOFF - datetime.timedelta(days=rng.randint(3, 60))
            kind = rng.choice(TYPES)
            descriptions, institutions = DESCRIPTIONS[kind]
            asset = services.asset_add(
                actor=writer,
                case=case,
                type=kind,
                location_country=country,
                description=rng.choice(descriptions),
                holder=f"Shell company {rng.randint(100, 999)} Ltd",
                institution=rng.choice(institutions),
                identified_on=min(identified, CUTOFF),
            )
            made += 1
            _history(rng, writer, asset, currency, origin, identified, fate)
            if asset.location_country != origin and rng.random() < 0.5:
                services.contact_record(
                    actor=actor,
                    case=case,
                    asset=asset,
                    country=asset.location_country,
                    on=CUTOFF - datetime.timedelta(days=rng.randint(1, 200)),
                    note="Status update requested.",
                )
        _extras(rng, case, parties, origin)
    return made


def _extras(rng: random.Random, case: AssetCase, parties: list[Authority], origin: str) -> None:
    """A foreign order, a managed vessel or aircraft, a public notice and a claim, where they fit."""
    assets = list(case.assets.all())
    foreign = [
        a
        for a in assets
        if a.location_country != origin and a.location_country in {p.country for p in parties}
    ]
    if foreign:
        asset = foreign[0]
        officer = _officer(next(p for p in parties if p.country == asset.location_country))
        assert officer is not None
        issued = max(asset.identified_on or CUTOFF, datetime.date(2012, 1, 1)) + datetime.timedelta(days=30)
        if issued < CUTOFF - datetime.timedelta(days=60):
            order = services.foreign_order_register(
                actor=officer,
                case=case,
                asset=asset,
                kind=rng.choice(["interim", "final"]),
                issuing_country=origin,
                court="High Court",
                issued_on=issued,
                received_on=issued + datetime.timedelta(days=rng.randint(10, 40)),
                conviction_based=rng.random() < 0.7,
                certified=rng.random() < 0.6,
                translated=rng.random() < 0.5,
            )
            services.foreign_order_step(
                actor=officer,
                order=order,
                kind="registration-applied",
                on=issued + datetime.timedelta(days=50),
            )
    movable = [
        a for a in assets if a.type in ("vessel", "aircraft", "vehicle", "art-valuables") and a.frozen_on
    ]
    for asset in movable[:1]:
        officer = _officer(parties[-1]) or _officer(parties[0])
        assert officer is not None
        services.management_set(
            actor=officer,
            asset=asset,
            custodian="Asset management office",
            storage="Bonded warehouse",
            insured=True,
        )
        value = Decimal(rng.randint(2, 40) * 100_000)
        assert asset.frozen_on is not None  # the demo manages only frozen assets
        for year in range(3):
            day = asset.frozen_on + datetime.timedelta(days=365 * year)
            if day <= CUTOFF:
                services.valuation_record(
                    actor=officer,
                    asset=asset,
                    on=day,
                    value=value,
                    currency="USD",
                    source="Court-appointed valuer",
                )
                value = (value * Decimal("0.82")).quantize(Decimal("1"))
                services.cost_record(
                    actor=officer,
                    asset=asset,
                    on=day,
                    amount=Decimal(rng.randint(5, 60) * 1000),
                    currency="USD",
                    description="Storage and insurance",
                )
    if assets and rng.random() < 0.4 and assets[0].frozen_on:
        officer = _officer(parties[0])
        assert officer is not None
        published = assets[0].frozen_on + datetime.timedelta(days=60)
        if published < CUTOFF:
            notice = services.notice_publish(
                actor=officer,
                case=case,
                published_on=published,
                medium="Official Gazette",
                deadline_on=published + datetime.timedelta(days=90),
            )
            services.claim_lodge(
                actor=officer,
                asset=assets[0],
                claimant="Bona fide purchaser",
                claimant_kind="third-party",
                basis="Purchased before the freezing order",
                lodged_on=published + datetime.timedelta(days=30),
                notice=notice,
            )


def _history(
    rng: random.Random,
    actor: User,
    asset: Asset,
    currency: str,
    origin: str,
    identified: datetime.date,
    fate: float,
) -> None:
    if fate < 0.08:
        return  # identified only: the follow-up asks for urgent freezing
    frozen_on = _day(rng, identified, 5, 200)
    if frozen_on > CUTOFF:
        return
    frozen = Decimal(rng.choice([rng.randint(50_000, 900_000), rng.randint(1_000_000, 60_000_000)]))
    try:
        services.step_record(
            actor=actor,
            asset=asset,
            kind=StepKind.FROZEN,
            on=frozen_on,
            amount=frozen,
            currency=currency,
            order_reference=f"ORD-{frozen_on.year}-{rng.randint(10, 999)}",
            order_country=asset.location_country,
            review_on=max(_day(rng, frozen_on, 180, 1100), CUTOFF - datetime.timedelta(days=20))
            if fate < 0.5
            else _day(rng, frozen_on, 180, 1100),
        )
        if fate < 0.16:
            released = _day(rng, frozen_on, 200, 900)
            if released <= CUTOFF:
                services.step_record(
                    actor=actor,
                    asset=asset,
                    kind=StepKind.RELEASED,
                    on=released,
                    reason="No link to the offence established.",
                )
            return
        if fate < 0.5:
            return  # still frozen
        confiscated_on = _day(rng, frozen_on, 365, 1800)
        if confiscated_on > CUTOFF:
            return
        confiscated = (frozen * Decimal(rng.randint(45, 100)) / 100).quantize(Decimal("1"))
        services.step_record(
            actor=actor,
            asset=asset,
            kind=StepKind.CONFISCATED,
            on=confiscated_on,
            amount=confiscated,
            currency=currency,
            proceeding=rng.choice(PROCEEDINGS),
        )
        if fate < 0.7:
            return
        returned_on = _day(rng, confiscated_on, 90, 1000)
        if returned_on > CUTOFF:
            return
        services.step_record(
            actor=actor,
            asset=asset,
            kind=StepKind.RETURNED,
            on=returned_on,
            amount=(confiscated * Decimal(rng.randint(60, 100)) / 100).quantize(Decimal("1")),
            currency=currency,
            returned_to_country=origin,
            return_agreement=f"Return agreement {returned_on.year}",
        )
    except ValidationError:
        # A rate the ECB does not publish for that day (SGD before 2024, say): the asset stays as far
        # as its history could be recorded, as a real one would until the rate is loaded.
        return
