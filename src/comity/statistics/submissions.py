"""Statistical submissions: how the global picture is compiled without anyone seeing another
State's cases.

A State exports, for one year, aggregated figures only (no reference, no name, no summary);
every count between 1 and the threshold is replaced by null and listed as suppressed, so that a
rare combination cannot point at a case. The secretariat imports many States' submissions.

Format `comity/statistical-submission` version 1 (JSON):
  {"format", "version", "state" (ISO alpha-2), "period" (year of receipt or sending), "as_of",
   "threshold", "generated_at",
   "tables": {NAME: [{"<key>": code, ..., "count": n | null}, ...]},
   "time_to_execution": [{"type": code, "n_closed": n|null, "n_pending": n|null,
                          "median_days": x|null, "km_median_days": x|null}]}
Tables: type_direction, offences, iccs, legal_basis, measures, outcome, refusal_grounds,
counterpart_country.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from comity.accounts.models import Authority
from comity.cooperation.models import Request
from comity.reference.countries import is_country, region_of
from comity.statistics.models import Submission
from comity.statistics.selectors import figures_over

FORMAT, VERSION = "comity/statistical-submission", 1
TABLES = {
    "type_direction": ["type", "direction"],
    "offences": ["offences"],
    "iccs": ["iccs"],
    "legal_basis": ["legal_basis"],
    "measures": ["measures"],
    "outcome": ["outcome"],
    "refusal_grounds": ["refusal_grounds"],
    "counterpart_country": ["counterpart_country"],
}


def _suppress(count: int, threshold: int) -> int | None:
    return None if 0 < count < threshold else count


def build_submission(authority: Authority, period: int, threshold: int | None = None) -> dict[str, Any]:
    threshold = settings.COMITY_SUBMISSION_THRESHOLD if threshold is None else threshold
    as_of = min(datetime.date(period, 12, 31), timezone.localdate())
    requests = (
        Request.objects.filter(Q(requesting_authority=authority) | Q(requested_authority=authority))
        .annotate(period_year=ExtractYear(Coalesce("received_on", "sent_on")))
        .filter(period_year=period)
    )
    tables: dict[str, list[dict[str, Any]]] = {}
    for name, keys in TABLES.items():
        figures = figures_over(authority.pk, requests, keys, as_of)
        tables[name] = [
            {**g.key, "count": _suppress(g.count, threshold)}
            for g in figures.groups
            if all(v is not None for v in g.key.values())
        ]
    by_type = figures_over(authority.pk, requests, ["type"], as_of)
    times = []
    for group in by_type.groups:
        t = group.time_to_execution
        enough = t.n_closed >= threshold
        times.append(
            {
                "type": group.key["type"],
                "n_closed": _suppress(t.n_closed, threshold),
                "n_pending": _suppress(t.n_pending, threshold),
                "median_days": t.median_days if enough else None,
                "km_median_days": t.km_median_days if enough else None,
            }
        )
    return {
        "format": FORMAT,
        "version": VERSION,
        "state": authority.country,
        "period": period,
        "as_of": as_of.isoformat(),
        "threshold": threshold,
        "generated_at": timezone.now().replace(microsecond=0).isoformat(),
        "tables": tables,
        "time_to_execution": times,
    }


def check(payload: Any) -> list[str]:
    if not isinstance(payload, dict):
        return [_("The file is not a JSON object.")]
    problems = []
    if payload.get("format") != FORMAT or payload.get("version") != VERSION:
        problems.append(_("format: expected %(f)s version %(v)d.") % {"f": FORMAT, "v": VERSION})
    if not is_country(str(payload.get("state", ""))):
        problems.append(_("state: not an ISO 3166-1 alpha-2 code."))
    if not isinstance(payload.get("period"), int) or not 1990 <= payload["period"] <= 2100:
        problems.append(_("period: a year is expected."))
    threshold = payload.get("threshold")
    if not isinstance(threshold, int) or isinstance(threshold, bool) or threshold < 1:
        problems.append(_("threshold: the whole number below which counts were suppressed is expected."))
    tables = payload.get("tables")
    if not isinstance(tables, dict) or set(tables) != set(TABLES):
        problems.append(_("tables: expected %(t)s.") % {"t": ", ".join(TABLES)})
        return problems
    for name, rows in tables.items():
        for position, row in enumerate(rows if isinstance(rows, list) else [None]):
            if not isinstance(row, dict) or set(row) != {*TABLES[name], "count"}:
                problems.append(
                    _("tables.%(t)s[%(i)d]: expected the keys %(k)s and count.")
                    % {"t": name, "i": position, "k": ", ".join(TABLES[name])}
                )
            elif row["count"] is not None and (not isinstance(row["count"], int) or row["count"] < 0):
                problems.append(
                    _("tables.%(t)s[%(i)d].count: a count is a whole number.") % {"t": name, "i": position}
                )
    return problems


@dataclass(frozen=True, slots=True)
class Bounds:
    """A figure added up from counts of which some were suppressed: a suppressed count is at least 1
    and below its submission's threshold, so the figure lies between `low` and `high` (equal when
    nothing was suppressed). Shown as "17" or "19–25", never as if a suppressed count were zero."""

    low: int = 0
    high: int = 0

    def plus(self, count: int | None, threshold: int) -> "Bounds":
        if count is None:
            return Bounds(self.low + 1, self.high + threshold - 1)
        return Bounds(self.low + count, self.high + count)

    def __add__(self, other: "Bounds") -> "Bounds":
        return Bounds(self.low + other.low, self.high + other.high)

    def __sub__(self, other: "Bounds") -> "Bounds":
        return Bounds(max(self.low - other.high, 0), self.high - other.low)

    def __and__(self, other: "Bounds") -> "Bounds":
        """What both bounds allow: the same figure, added up from two tables."""
        return Bounds(max(self.low, other.low), min(self.high, other.high))

    def __str__(self) -> str:
        return str(self.low) if self.low == self.high else f"{self.low}–{self.high}"


FIGURES = ("requests", "incoming", "outgoing", "executed", "refused")
# Tables whose cells count each request exactly once (one value per request): each adds up to the
# State's requests, suppressing different cells, so the requests lie in all their ranges at once.
PARTITIONS = ("type_direction", "outcome", "legal_basis", "counterpart_country")


def _sum(cells: list[dict[str, Any]], threshold: int) -> Bounds:
    total = Bounds()
    for cell in cells:
        total = total.plus(cell["count"], threshold)
    return total


def _cells_by(cells: list[dict[str, Any]], key: str) -> dict[str, list[dict[str, Any]]]:
    """A table's cells by the value of one of their keys."""
    found: dict[str, list[dict[str, Any]]] = {}
    for cell in cells:
        found.setdefault(cell[key], []).append(cell)
    return found


def global_figures(period: int) -> dict[str, Any]:
    """Per State, per UN region and in total, from the submissions of one period: requests (by
    direction) and the executed and refused ones, each as the `Bounds` its suppressed counts allow,
    and how many cells were suppressed."""
    submissions = list(Submission.objects.filter(period=period))
    states = []
    for submission in submissions:
        tables, threshold = submission.payload["tables"], submission.payload["threshold"]
        # The requests lie in every partition's range (e.g. 5-7 by type and direction, 6 by
        # outcome: 6); each direction in its own cells' range and in the requests less the others.
        requests = _sum(tables[PARTITIONS[0]], threshold)
        for name in PARTITIONS[1:]:
            requests &= _sum(tables[name], threshold)
        directions = _cells_by(tables["type_direction"], "direction")
        by_outcome = _cells_by(tables["outcome"], "outcome")
        outcomes = {outcome: by_outcome.get(outcome, []) for outcome in ("executed", "refused")}
        by_direction = {direction: _sum(group, threshold) for direction, group in directions.items()}
        counted = [*tables["type_direction"], *outcomes["executed"], *outcomes["refused"]]
        row: dict[str, Any] = {
            "state": submission.state,
            "requests": requests,
            **{outcome: _sum(group, threshold) for outcome, group in outcomes.items()},
            "suppressed": sum(cell["count"] is None for cell in counted),
        }
        for direction in ("incoming", "outgoing"):
            others = sum((b for d, b in by_direction.items() if d != direction), Bounds())
            row[direction] = by_direction.get(direction, Bounds()) & (requests - others)
        states.append(row)
    empty: dict[str, Any] = {"suppressed": 0} | dict.fromkeys(FIGURES, Bounds())
    totals = dict(empty)
    regions: dict[str, dict[str, Any]] = {}
    for row in states:
        region = region_of(row["state"])[0]
        into = regions.setdefault(region, {"region": region, "states": 0} | empty)
        into["states"] += 1
        for summed in (into, totals):
            for key in empty:
                summed[key] += row[key]
    return {
        "period": period,
        "states": sorted(states, key=lambda r: r["state"]),
        "regions": sorted(regions.values(), key=lambda r: r["region"]),
        "total": totals,
    }
