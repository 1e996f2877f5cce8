"""Barriers met (000 §28, §45–47), counted by the role of the State that met them and by the State
they were met with. Codes, roles and States only: a barrier's note never enters a figure.

In an asset recovery case the role is the recording authority's State's in the case (`origin`,
`asset-location`, `both`, `third`); in a request it is its side (`requesting`, `requested`) and the
counterpart is the other party's State. Each figure counts cases (requests) once per barrier, however
many times the barrier was recorded in them.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from comity.assets.choices import CaseCountryRole
from comity.assets.models import Asset, AssetCase, AssetCaseBarrier, AssetCaseCountry
from comity.cooperation.models import Request, RequestBarrier
from comity.reference.choices import StateRole

REQUESTING, REQUESTED = "requesting", "requested"


def case_roles(cases: QuerySet[AssetCase], countries: Iterable[str]) -> dict[tuple[int, str], str]:
    """(case id, country) -> the role of that State in the case, for each of `countries`: origin,
    asset location, both, or `third` when it is neither (a third State that took legal action, or
    one whose authority takes part for another reason), as the 2020 report presents them."""
    wanted = set(countries)
    origin = dict(cases.values_list("pk", "origin_country"))
    located: set[tuple[int, str]] = set(
        AssetCaseCountry.objects.filter(
            case__in=cases, role=CaseCountryRole.ASSET_LOCATION, country__in=wanted
        ).values_list("case_id", "country")
    )
    located |= set(
        Asset.objects.filter(case__in=cases, location_country__in=wanted).values_list(
            "case_id", "location_country"
        )
    )
    roles = {}
    for pk, origin_country in origin.items():
        for country in wanted:
            is_origin, is_location = origin_country == country, (pk, country) in located
            roles[pk, country] = (
                StateRole.BOTH
                if is_origin and is_location
                else StateRole.ORIGIN
                if is_origin
                else StateRole.ASSET_LOCATION
                if is_location
                else StateRole.THIRD
            ).value
    return roles


@dataclass(frozen=True)
class BarrierFigures:
    """Cases (requests) that met each barrier, by role and by counterpart State."""

    cases_by_role: list[tuple[str, str, int]]  # barrier, role, cases
    cases_by_country: list[tuple[str, str, int]]  # barrier, country, cases
    requests_by_role: list[tuple[str, str, int]]
    requests_by_country: list[tuple[str, str, int]]

    def as_json(self) -> dict[str, Any]:
        def rows(triples: list[tuple[str, str, int]], key: str, unit: str) -> list[dict[str, Any]]:
            return [{"barrier": code, key: value, unit: n} for code, value, n in triples]

        return {
            "cases": {
                "by_role": rows(self.cases_by_role, "role", "cases"),
                "by_country": rows(self.cases_by_country, "country", "cases"),
            },
            "requests": {
                "by_role": rows(self.requests_by_role, "role", "requests"),
                "by_country": rows(self.requests_by_country, "country", "requests"),
            },
        }


def _counted(found: dict[tuple[str, str], set[int]]) -> list[tuple[str, str, int]]:
    return sorted(((code, value, len(ids)) for (code, value), ids in found.items()), key=lambda r: (-r[2], r))


def barrier_figures(
    cases: QuerySet[AssetCase],
    requests: QuerySet[Request],
    recorded_in: Iterable[str] | None = None,
    year: int | None = None,
) -> BarrierFigures:
    """The barriers met in `cases` and `requests`; with `recorded_in`, only those recorded by the
    authorities of those States (a State's own figures, in its submission); with `year`, only those
    met in that year."""
    states = None if recorded_in is None else set(recorded_in)
    case_rows = AssetCaseBarrier.objects.filter(case__in=cases)
    request_rows = RequestBarrier.objects.filter(request__in=requests)
    if year is not None:
        case_rows, request_rows = case_rows.filter(on__year=year), request_rows.filter(on__year=year)
    if states is not None:
        case_rows = case_rows.filter(authority__country__in=states)
        request_rows = request_rows.filter(authority__country__in=states)
    recorded = list(case_rows.values_list("case_id", "code", "country", "authority__country"))
    roles = case_roles(AssetCase.objects.filter(pk__in={r[0] for r in recorded}), {r[3] for r in recorded})
    by_role: dict[tuple[str, str], set[int]] = defaultdict(set)
    by_country: dict[tuple[str, str], set[int]] = defaultdict(set)
    for case_id, code, country, recorder_country in recorded:
        by_role[code, roles[case_id, recorder_country]].add(case_id)
        by_country[code, country].add(case_id)
    request_by_role: dict[tuple[str, str], set[int]] = defaultdict(set)
    request_by_country: dict[tuple[str, str], set[int]] = defaultdict(set)
    for request_id, code, authority_id, requesting_id, requesting, requested in request_rows.values_list(
        "request_id",
        "code",
        "authority_id",
        "request__requesting_authority_id",
        "request__requesting_country",
        "request__requested_country",
    ):
        side = REQUESTING if authority_id == requesting_id else REQUESTED
        request_by_role[code, side].add(request_id)
        request_by_country[code, requested if side == REQUESTING else requesting].add(request_id)
    return BarrierFigures(
        _counted(by_role), _counted(by_country), _counted(request_by_role), _counted(request_by_country)
    )
