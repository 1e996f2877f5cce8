"""Figures on asset recovery: amounts frozen, confiscated and returned, their funnel, the role of
each State, and the time from freezing to confiscation and to return (000 §28, §31).

Conventions, so that a statistician can sign the numbers:
- an amount is counted on the date of its step (frozen, confiscated or returned) and converted
  at that date's rate: in US dollars the rate stored with the step, in another currency the
  rate of that day; a missing rate is an error naming currency and day, never a zero;
- each amount is rounded to the cent once converted, before it is added: the groups of any key
  then add up to the total to the cent (a State's submissions of every year to its figures);
- `year` groups each amount by the year of its step; the other keys by the asset (its State of
  location, type, proceeding and status as of the date asked) or its case (State of origin), so
  that the groups of one key add up to the total;
- a freeze released is still counted as frozen: the funnel compares what was ever frozen with
  what was confiscated and returned;
- time to confiscation (to return) runs from an asset's first freezing; an asset not yet
  confiscated (returned) is censored on the date asked, or on its last step when released.
"""

import datetime
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from comity.assets.choices import AssetProceeding, CaseCountryRole, StepKind
from comity.assets.models import Asset, AssetCase, AssetCaseCountry, AssetStep
from comity.assets.rules import History
from comity.reference.choices import StateRole
from comity.reference.money import USD, MissingRate, convert
from comity.statistics.survival import SurvivalPoint, kaplan_meier, median_time

ASSET_GROUP_KEYS = (
    "year",
    "country_of_origin",
    "country_of_asset_location",
    "proceeding",
    "asset_type",
    "status",
)
FUNNEL_STEPS = (StepKind.FROZEN, StepKind.CONFISCATED, StepKind.RETURNED)
CENT = Decimal("0.01")


@dataclass
class AmountGroup:
    key: dict[str, Any]
    assets: int = 0
    frozen: Decimal = Decimal(0)
    confiscated: Decimal = Decimal(0)
    returned: Decimal = Decimal(0)
    # Of each amount, the part converted at a provisional rate (the last known, older than its day).
    provisional: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(FUNNEL_STEPS, Decimal(0)))
    asset_ids: set[int] = field(default_factory=set, repr=False)

    def add(self, kind: str, amount: Decimal, provisional: bool = False) -> None:
        setattr(self, kind, getattr(self, kind) + amount)
        if provisional:
            self.provisional[kind] += amount


@dataclass(frozen=True)
class Survival:
    assets: int
    events: int
    km_median_days: int | None
    curve: list[SurvivalPoint]


@dataclass
class AssetFigures:
    as_of: datetime.date
    currency: str
    group_by: list[str]
    total: AmountGroup
    groups: list[AmountGroup]
    settlements: AmountGroup
    time_to_confiscation: Survival
    time_to_return: Survival


def ratio(part: Decimal, whole: Decimal) -> float | None:
    return None if not whole else round(float(part / whole), 4)


def funnel(group: AmountGroup) -> dict[str, float | None]:
    return {
        "confiscated_of_frozen": ratio(group.confiscated, group.frozen),
        "returned_of_confiscated": ratio(group.returned, group.confiscated),
        "returned_of_frozen": ratio(group.returned, group.frozen),
    }


class _Converter:
    """Amounts in the currency asked, each at the rate of its step's day (cached per day)."""

    def __init__(self, currency: str) -> None:
        self.currency = currency
        self._rate = cache(self._rate_of)

    def _rate_of(self, currency: str, day: datetime.date) -> tuple[Decimal, bool]:
        conversion = convert(Decimal(1), currency, self.currency, day)
        return conversion.rate, conversion.provisional

    def __call__(self, step: dict[str, Any]) -> tuple[Decimal, bool]:
        """The step's amount in the currency asked, and whether a provisional rate made it."""
        if self.currency == USD:
            return step["usd_amount"], step["rate_provisional"]
        if step["currency"] == self.currency:
            return step["amount"], False
        try:
            rate, provisional = self._rate(step["currency"], step["on"])
        except MissingRate as missing:
            raise ValidationError({"currency": [str(missing)]}) from missing
        return step["amount"] * rate, provisional


def _survival(durations: list[tuple[int, bool]]) -> Survival:
    counts = Counter(durations)
    rows = [
        (days, counts.get((days, True), 0), counts.get((days, False), 0))
        for days in sorted({days for days, _event in counts})
    ]
    points = kaplan_meier(rows, len(durations))
    return Survival(
        assets=len(durations),
        events=sum(1 for _days, event in durations if event),
        km_median_days=median_time(points),
        curve=points,
    )


def _duration(start: datetime.date, event: datetime.date | None, censor: datetime.date) -> tuple[int, bool]:
    if event is not None:
        return (event - start).days, True
    return max((censor - start).days, 0), False


def asset_figures(
    cases: QuerySet[AssetCase], group_by: Sequence[str], currency: str, as_of: datetime.date
) -> AssetFigures:
    """Figures over the assets of `cases` as known on `as_of`, in `currency`."""
    [figures] = asset_figures_by(cases, [group_by], currency, as_of)
    return figures


def asset_figures_by(
    cases: QuerySet[AssetCase], groupings: Sequence[Sequence[str]], currency: str, as_of: datetime.date
) -> list[AssetFigures]:
    """The figures for each grouping, from one read of the assets and their steps."""
    assets: dict[int, Any] = {
        row["pk"]: row
        for row in Asset.objects.filter(case__in=cases)
        .filter(identified_on__lte=as_of)
        .values("pk", "type", "location_country", "proceeding", "case__origin_country")
    }
    steps: dict[int, list[dict[str, Any]]] = defaultdict(list)
    step_rows: Any = (
        AssetStep.objects.filter(asset_id__in=list(assets))
        .filter(Q(on__isnull=True) | Q(on__lte=as_of))
        .values(
            "asset_id", "kind", "on", "amount", "currency", "usd_amount", "rate_provisional", "proceeding"
        )
        .order_by("pk")
    )
    for step_row in step_rows:
        steps[step_row["asset_id"]].append(step_row)
    to_currency = _Converter(currency)
    return [_fold(assets, steps, group_by, to_currency, as_of) for group_by in groupings]


def _fold(
    assets: dict[int, dict[str, Any]],
    steps: dict[int, list[dict[str, Any]]],
    group_by: Sequence[str],
    to_currency: "_Converter",
    as_of: datetime.date,
) -> AssetFigures:
    total = AmountGroup(key={})
    settlements = AmountGroup(key={"proceeding": AssetProceeding.SETTLEMENT})
    groups: dict[tuple, AmountGroup] = {}
    to_confiscation, to_return = [], []
    for pk, asset in assets.items():
        history = History()
        for step in steps[pk]:
            history.add(step["kind"], step["on"], step["usd_amount"], proceeding=step["proceeding"])
        facts = {
            "country_of_origin": asset["case__origin_country"],
            "country_of_asset_location": asset["location_country"],
            "proceeding": asset["proceeding"] or None,
            "asset_type": asset["type"],
            "status": history.status,
        }
        total.asset_ids.add(pk)
        if not any(step["kind"] in FUNNEL_STEPS for step in steps[pk]) and "year" not in group_by:
            _group(groups, group_by, facts).asset_ids.add(pk)
        for step in steps[pk]:
            if step["kind"] not in FUNNEL_STEPS:
                continue
            amount, provisional = to_currency(step)
            amount = amount.quantize(CENT)
            total.add(step["kind"], amount, provisional)
            if facts["proceeding"] == AssetProceeding.SETTLEMENT:
                settlements.add(step["kind"], amount, provisional)
                settlements.asset_ids.add(pk)
            group = _group(groups, group_by, facts | {"year": step["on"].year})
            group.add(step["kind"], amount, provisional)
            group.asset_ids.add(pk)
        if history.frozen_on:
            censor = (history.last_step_on or as_of) if history.status == "released" else as_of
            to_confiscation.append(_duration(history.frozen_on, history.confiscated_on, censor))
            first_return = min((s["on"] for s in steps[pk] if s["kind"] == StepKind.RETURNED), default=None)
            to_return.append(_duration(history.frozen_on, first_return, censor))
    ordered = [
        groups[key] for key in sorted(groups, key=lambda k: tuple("" if v is None else str(v) for v in k))
    ]
    for group in [total, settlements, *ordered]:
        group.assets = len(group.asset_ids)
        for kind in FUNNEL_STEPS:
            setattr(group, kind, getattr(group, kind).quantize(CENT))
            group.provisional[kind] = group.provisional[kind].quantize(CENT)
    return AssetFigures(
        as_of=as_of,
        currency=to_currency.currency,
        group_by=list(group_by),
        total=total,
        groups=ordered if group_by else [],
        settlements=settlements,
        time_to_confiscation=_survival(to_confiscation),
        time_to_return=_survival(to_return),
    )


def _group(groups: dict[tuple, AmountGroup], group_by: Sequence[str], facts: dict[str, Any]) -> AmountGroup:
    key = tuple(facts[name] for name in group_by)
    if key not in groups:
        groups[key] = AmountGroup(key=dict(zip(group_by, key, strict=True)))
    return groups[key]


@dataclass(frozen=True)
class StateRoles:
    states: list[tuple[str, str, int]]  # country, role, cases
    counts: dict[str, int]


def state_roles(cases: QuerySet[AssetCase]) -> StateRoles:
    """Each State's role across the cases: origin, asset location, both, or a third State that
    took legal action (as the 2020 report presents them, 000 §28)."""
    origin: dict[str, set[int]] = defaultdict(set)
    location: dict[str, set[int]] = defaultdict(set)
    third: dict[str, set[int]] = defaultdict(set)
    for pk, country, initiating in cases.values_list("pk", "origin_country", "initiating_country"):
        origin[country].add(pk)
        if initiating:
            third[initiating].add(pk)
    for pk, country in AssetCaseCountry.objects.filter(
        case__in=cases, role=CaseCountryRole.ASSET_LOCATION
    ).values_list("case_id", "country"):
        location[country].add(pk)
    for pk, country in Asset.objects.filter(case__in=cases).values_list("case_id", "location_country"):
        location[country].add(pk)
    states = []
    for country in sorted(set(origin) | set(location) | set(third)):
        if country in origin and country in location:
            role = StateRole.BOTH
        elif country in origin:
            role = StateRole.ORIGIN
        elif country in location:
            role = StateRole.ASSET_LOCATION
        else:
            role = StateRole.THIRD
        states.append((country, str(role), len(origin[country] | location[country] | third[country])))
    counts = Counter(role for _country, role, _cases in states)
    return StateRoles(states=states, counts={role: counts.get(role, 0) for role in StateRole.values})
