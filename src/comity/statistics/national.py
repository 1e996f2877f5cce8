"""One State's figures, consolidated over its authorities in Comity (000 §28(a)–(c), §32): what
the national coordinator sees and what the State submits to the secretariat. Aggregates only: no
case, reference or name leaves these functions.

- The State's authorities are those of its country in Comity (not the external ones known by name
  only, nor a secretariat).
- A request counts once if one of them is a party to it, however many of them are: one between two
  of its authorities is `domestic`.
- An asset recovery case counts once if one of them takes part in it, with the State's role in it
  (`third` when the State is neither the State of origin nor of asset location).
- The data call counts the cases with an international element (a State other than the State of
  origin is involved: asset location, transit, a third State, or an authority taking part) and a
  UNCAC offence (any offence code but `other`).
"""

import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from comity.accounts.choices import NON_PARTY_KINDS
from comity.accounts.models import Authority, User
from comity.assets.choices import AssetProceeding, StepKind
from comity.assets.models import (
    Asset,
    AssetCase,
    AssetCaseCountry,
    AssetCaseOffence,
    AssetCaseParticipant,
    AssetStep,
)
from comity.assets.selectors import cases_visible_to
from comity.cooperation.models import Request
from comity.reference.choices import Offence, StateRole
from comity.reference.money import USD
from comity.statistics.assets import FUNNEL_STEPS, asset_figures_by
from comity.statistics.barriers import barrier_figures, case_roles


def state_authorities(country: str) -> QuerySet[Authority]:
    return Authority.objects.filter(country=country, external=False).exclude(kind__in=NON_PARTY_KINDS)


def national_requests(country: str) -> QuerySet[Request]:
    """The requests one of the State's authorities is a party to, each once."""
    ours = state_authorities(country)
    return Request.objects.filter(Q(requesting_authority__in=ours) | Q(requested_authority__in=ours))


def national_cases(country: str) -> QuerySet[AssetCase]:
    """The asset recovery cases one of the State's authorities takes part in, each once."""
    taking_part = AssetCaseParticipant.objects.filter(
        case=OuterRef("pk"), authority__in=state_authorities(country)
    )
    return AssetCase.objects.filter(Exists(taking_part))


def counted_cases(user: User) -> QuerySet[AssetCase]:
    """The cases whose figures `user` reads: a coordinator's, those of the State's authorities; any
    other role's, those of its authority (none for the secretariat). Figures only: a coordinator
    opens no case (cases_visible_to gives them none)."""
    country = user.coordinated_country
    return national_cases(country) if country else cases_visible_to(user)


def data_call_cases(cases: QuerySet[AssetCase]) -> QuerySet[AssetCase]:
    """Of `cases`, those the data call asks about: an international element and a UNCAC offence."""
    elsewhere = Q(
        Exists(
            AssetCaseCountry.objects.filter(case=OuterRef("pk")).exclude(country=OuterRef("origin_country"))
        )
    )
    elsewhere |= Q(
        Exists(Asset.objects.filter(case=OuterRef("pk")).exclude(location_country=OuterRef("origin_country")))
    )
    elsewhere |= Q(
        Exists(
            AssetCaseParticipant.objects.filter(case=OuterRef("pk")).exclude(
                authority__country=OuterRef("origin_country")
            )
        )
    )
    elsewhere |= ~Q(initiating_country="")
    uncac = Exists(AssetCaseOffence.objects.filter(case=OuterRef("pk")).exclude(code=Offence.OTHER))
    return cases.filter(elsewhere).filter(uncac)


def suppress(count: int, threshold: int) -> int | None:
    """A count between 1 and the threshold is not given (null), so that it cannot point at a case."""
    return None if 0 < count < threshold else count


def asset_section(country: str, period: int, threshold: int, today: datetime.date) -> dict[str, Any]:
    """The asset recovery section of a State's submission for one year (see docs/data-call.md).

    Amounts are those of the steps dated within the year, in USD at the rate of each step's date,
    as known `today` (a step recorded late still counts in its year): summed over every year, they
    give the State's asset figures' totals. A case counts in the year if one of its assets was
    identified in it or had a step dated in it."""
    cases = data_call_cases(national_cases(country))
    in_year = Q(on__year=period)
    active = set(
        AssetStep.objects.filter(in_year, asset__case__in=cases).values_list("asset__case_id", flat=True)
    ) | set(
        Asset.objects.filter(case__in=cases, identified_on__year=period).values_list("case_id", flat=True)
    )
    roles = case_roles(AssetCase.objects.filter(pk__in=active), [country])
    of_role: dict[str, list[int]] = {role: [] for role in StateRole.values}
    for pk in active:
        of_role[roles[pk, country]].append(pk)
    by_year, by_proceeding = asset_figures_by(cases, [["year"], ["year", "proceeding"]], USD, today)
    year = next((g for g in by_year.groups if g.key["year"] == period), None)
    settled = next(
        (
            g
            for g in by_proceeding.groups
            if g.key["year"] == period and g.key["proceeding"] == AssetProceeding.SETTLEMENT
        ),
        None,
    )
    behind = {
        kind: set(
            AssetStep.objects.filter(in_year, asset__case__in=cases, kind=kind).values_list(
                "asset__case_id", flat=True
            )
        )
        for kind in FUNNEL_STEPS
    }
    settled_behind = {
        kind: set(
            AssetStep.objects.filter(
                in_year, asset__case__in=cases, kind=kind, asset__proceeding=AssetProceeding.SETTLEMENT
            ).values_list("asset__case_id", flat=True)
        )
        for kind in FUNNEL_STEPS
    }

    def amounts(group: Any, cases_behind: dict[StepKind, set[int]]) -> dict[str, Any]:
        return {f"{kind}_usd": f"{getattr(group, kind) if group else 0:.2f}" for kind in FUNNEL_STEPS} | {
            f"{kind}_cases": len(cases_behind[kind]) for kind in FUNNEL_STEPS
        }

    barriers = barrier_figures(cases, Request.objects.none(), recorded_in=[country], year=period)
    barrier_cases: dict[str, int] = {}
    for code, _role, n in barriers.cases_by_role:
        barrier_cases[code] = barrier_cases.get(code, 0) + n
    role_amounts = {}
    for role, ids in of_role.items():
        [figures] = asset_figures_by(AssetCase.objects.filter(pk__in=ids), [["year"]], USD, today)
        group = next((g for g in figures.groups if g.key["year"] == period), None)
        role_amounts[role] = {
            f"{kind}_usd": f"{getattr(group, kind) if group else 0:.2f}" for kind in FUNNEL_STEPS
        }
    completed = Asset.objects.filter(case__in=cases).filter(
        Exists(AssetStep.objects.filter(asset=OuterRef("pk"), kind=StepKind.RETURNED, on__year=period))
    )
    return {
        "cases": suppress(len(active), threshold),
        "no_case": not active,
        **amounts(year, behind),
        "settlements": amounts(settled, settled_behind),
        "completed_returns": {
            "assets": suppress(completed.count(), threshold),
            "cases": suppress(completed.values("case").distinct().count(), threshold),
        },
        "by_role": [
            {"role": role, "cases": suppress(len(ids), threshold)} | role_amounts[role]
            for role, ids in of_role.items()
        ],
        "barriers": [
            {"barrier": code, "cases": suppress(n, threshold)} for code, n in sorted(barrier_cases.items())
        ],
        "barriers_by_role": [
            {"barrier": code, "role": role, "cases": suppress(n, threshold)}
            for code, role, n in sorted(barriers.cases_by_role)
        ],
    }
