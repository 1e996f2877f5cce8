"""Statistical submissions: how the global picture is compiled without anyone seeing another
State's cases.

A State exports, for one year, aggregated figures only (no reference, no name, no summary);
every count between 1 and the threshold is replaced by null and listed as suppressed, so that a
rare combination cannot point at a case. The secretariat imports many States' submissions.

Format `comity/statistical-submission` version 2 (JSON), documented in docs/data-call.md. A
submission is one State's: every authority of the State in Comity consolidated (see
statistics.national), a request between two of them counted once.
  {"format", "version", "state" (ISO alpha-2), "period" (year of receipt or sending), "as_of",
   "threshold", "generated_at",
   "tables": {NAME: [{"<key>": code, ..., "count": n | null}, ...]},
   "time_to_execution": [{"type": code, "n_closed": n|null, "n_pending": n|null,
                          "median_days": x|null, "km_median_days": x|null}],
   "assets": the asset recovery section (statistics.national.asset_section),
   "correction": true when it replaces an earlier submission of the same State and period}
Tables: type_direction, offences, iccs, legal_basis, measures, outcome, refusal_grounds,
counterpart_country.
"""

import datetime
import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from comity.reference.choices import Barrier, StateRole
from comity.reference.countries import is_country, region_of
from comity.reference.uncac_parties import AS_OF as PARTIES_AS_OF
from comity.reference.uncac_parties import SOURCE as PARTIES_SOURCE
from comity.reference.uncac_parties import STATES_PARTIES
from comity.statistics.models import Submission
from comity.statistics.national import asset_section, national_requests, suppress
from comity.statistics.selectors import StateParty, figures_over

FORMAT, VERSION = "comity/statistical-submission", 2
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


def build_submission(country: str, period: int, threshold: int | None = None) -> dict[str, Any]:
    """The submission of the State `country` for the year `period`: its authorities consolidated."""
    threshold = settings.COMITY_SUBMISSION_THRESHOLD if threshold is None else threshold
    today = timezone.localdate()
    as_of = min(datetime.date(period, 12, 31), today)
    party = StateParty(country)
    requests = (
        national_requests(country)
        .annotate(period_year=ExtractYear(Coalesce("received_on", "sent_on")))
        .filter(period_year=period)
    )
    tables: dict[str, list[dict[str, Any]]] = {}
    for name, keys in TABLES.items():
        figures = figures_over(party, requests, keys, as_of)
        tables[name] = [
            {**g.key, "count": suppress(g.count, threshold)}
            for g in figures.groups
            if all(v is not None for v in g.key.values())
        ]
    by_type = figures_over(party, requests, ["type"], as_of)
    times = []
    for group in by_type.groups:
        t = group.time_to_execution
        enough = t.n_closed >= threshold
        times.append(
            {
                "type": group.key["type"],
                "n_closed": suppress(t.n_closed, threshold),
                "n_pending": suppress(t.n_pending, threshold),
                "median_days": t.median_days if enough else None,
                "km_median_days": t.km_median_days if enough else None,
            }
        )
    return {
        "format": FORMAT,
        "version": VERSION,
        "state": country,
        "period": period,
        "as_of": as_of.isoformat(),
        "threshold": threshold,
        "generated_at": timezone.now().replace(microsecond=0).isoformat(),
        "correction": False,
        "tables": tables,
        "time_to_execution": times,
        "assets": asset_section(country, period, threshold, today),
    }


# A State's submission is a few hundred rows: a file above this is not one.
MAX_FILE_BYTES = 2 * 1024 * 1024


def read_file(data: bytes) -> Any:
    """A submission file's JSON, whatever it holds (`check` judges that); a file that is too large
    or not JSON text is refused, naming the file."""
    if len(data) > MAX_FILE_BYTES:
        raise ValidationError(
            [
                _("file: larger than %(size)d MB; a submission is far smaller.")
                % {"size": MAX_FILE_BYTES >> 20}
            ]
        )
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ValidationError([_("file: not a JSON submission (UTF-8 text).")]) from None


# "assets.by_role[0].cases: ..." in every language: the path is never translated, the colon after
# it may be spaced (French) or full-width (Chinese).
_PATH = re.compile(r"([a-z_]+(?:\[\d+\])?(?:\.[a-z_]+(?:\[\d+\])?)*)\s*[:\uff1a]\s*(.*)", re.DOTALL)


def by_path(problems: list[str]) -> dict[str, list[str]]:
    """The problems of a submission keyed by the path each names ("assets.cases: ..." under
    "assets.cases"), for an API's one entry per field; one that names no path is the file's."""
    keyed: dict[str, list[str]] = {}
    for problem in problems:
        found = _PATH.fullmatch(problem)
        path, reason = (found[1], found[2]) if found else ("", problem)
        keyed.setdefault(path, []).append(reason)
    return keyed


def check(payload: Any, today: datetime.date | None = None) -> list[str]:
    """Every problem of a submission file, each as "path: reason"; none when it may be imported."""
    if not isinstance(payload, dict):
        return [_("The file is not a JSON object.")]
    today = today or timezone.localdate()
    problems = []
    if payload.get("format") != FORMAT or payload.get("version") != VERSION:
        problems.append(_("format: expected %(f)s version %(v)d.") % {"f": FORMAT, "v": VERSION})
        return problems
    if not is_country(str(payload.get("state", ""))):
        problems.append(_("state: not an ISO 3166-1 alpha-2 code."))
    period: Any = payload.get("period")
    if not _whole(period) or not 1990 <= period <= 2100:
        problems.append(_("period: a year is expected."))
    elif period > today.year:
        problems.append(_("period: %(year)d has not begun.") % {"year": period})
    threshold: Any = payload.get("threshold")
    if not _whole(threshold) or threshold < 1:
        problems.append(_("threshold: the whole number below which counts were suppressed is expected."))
    if not isinstance(payload.get("correction", False), bool):
        problems.append(_("correction: true or false is expected."))
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
            elif not _count(row["count"]):
                problems.append(
                    _("tables.%(t)s[%(i)d].count: a count is a whole number.") % {"t": name, "i": position}
                )
    problems += _asset_problems(payload.get("assets"))
    return problems


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _count(value: Any) -> bool:
    """A count as a submission holds it: a whole number, or null where it was suppressed."""
    return value is None or (_whole(value) and value >= 0)


def _amount(value: Any) -> Decimal | None:
    """An amount as a submission holds it (a decimal string, not negative), or None if it is not one."""
    try:
        amount = Decimal(value) if isinstance(value, str) else None
    except InvalidOperation:
        return None
    return amount if amount is not None and amount.is_finite() and amount >= 0 else None


AMOUNT_KEYS = tuple(f"{kind}_usd" for kind in ("frozen", "confiscated", "returned"))
# The lists of the asset section and the codes in their rows.
ASSET_LISTS: dict[str, dict[str, list[str]]] = {
    "by_role": {"role": StateRole.values},
    "barriers": {"barrier": Barrier.values},
    "barriers_by_role": {"barrier": Barrier.values, "role": StateRole.values},
}


def _amount_problems(section: Any, path: str) -> tuple[list[str], dict[str, Decimal]]:
    problems: list[str] = []
    found: dict[str, Decimal] = {}
    if not isinstance(section, dict):
        return [_("%(path)s: an object is expected.") % {"path": path}], found
    for key in AMOUNT_KEYS:
        amount = _amount(section.get(key))
        if amount is None:
            problems.append(
                _(
                    "%(path)s.%(key)s: an amount in USD, not negative, written as a decimal string, is expected."
                )
                % {"path": path, "key": key}
            )
        else:
            found[key] = amount
        cases_key = key.replace("_usd", "_cases")
        if not _whole(section.get(cases_key)) or section[cases_key] < 0:
            problems.append(
                _("%(path)s.%(key)s: the number of cases behind the amount is expected.")
                % {"path": path, "key": cases_key}
            )
    return problems, found


def _asset_problems(assets: Any) -> list[str]:
    """The asset recovery section: amounts not negative, a part never above its total, codes of the
    vocabularies."""
    if not isinstance(assets, dict):
        return [_("assets: the asset recovery section is expected.")]
    problems, totals = _amount_problems(assets, "assets")
    more, settled = _amount_problems(assets.get("settlements"), "assets.settlements")
    problems += more
    for key, amount in settled.items():
        if key in totals and amount > totals[key]:
            problems.append(
                _("assets.settlements.%(key)s: %(part)s is more than the total %(total)s.")
                % {"key": key, "part": amount, "total": totals[key]}
            )
    cases = assets.get("cases")
    if not _count(cases):
        problems.append(_("assets.cases: a count is a whole number."))
        cases = None
    if not isinstance(assets.get("no_case"), bool):
        problems.append(_("assets.no_case: true or false is expected."))
    elif assets["no_case"] != (cases == 0):
        problems.append(_("assets.no_case: it must be true exactly when assets.cases is 0."))
    role_sums = dict.fromkeys(AMOUNT_KEYS, Decimal(0))
    for name, codes in ASSET_LISTS.items():
        rows = assets.get(name)
        if not isinstance(rows, list):
            problems.append(_("assets.%(name)s: a list is expected.") % {"name": name})
            continue
        expected = {*codes, "cases", *(AMOUNT_KEYS if name == "by_role" else ())}
        for position, row in enumerate(rows):
            path = f"assets.{name}[{position}]"
            if not isinstance(row, dict) or set(row) != expected:
                problems.append(
                    _("%(path)s: expected the keys %(keys)s.")
                    % {"path": path, "keys": ", ".join(sorted(expected))}
                )
                continue
            for key, allowed in codes.items():
                if row[key] not in allowed:
                    problems.append(
                        _("%(path)s.%(key)s: %(value)s is not one of %(allowed)s.")
                        % {"path": path, "key": key, "value": row[key], "allowed": ", ".join(allowed)}
                    )
            if not _count(row["cases"]):
                problems.append(_("%(path)s.cases: a count is a whole number.") % {"path": path})
            elif cases is not None and row["cases"] is not None and row["cases"] > cases:
                problems.append(
                    _("%(path)s.cases: %(part)d is more than the %(total)d cases.")
                    % {"path": path, "part": row["cases"], "total": cases}
                )
            for key in AMOUNT_KEYS if name == "by_role" else ():
                role_amount = _amount(row[key])
                if role_amount is None:
                    problems.append(
                        _(
                            "%(path)s.%(key)s: an amount in USD, not negative, written as a decimal string, is expected."
                        )
                        % {"path": path, "key": key}
                    )
                else:
                    role_sums[key] += role_amount
        if name == "by_role" and cases is not None:
            given = sum(r["cases"] for r in rows if isinstance(r, dict) and _whole(r.get("cases")))
            if given > cases:
                problems.append(
                    _("assets.by_role: the roles add up to %(part)d, more than the %(total)d cases.")
                    % {"part": given, "total": cases}
                )
    for key, amount in role_sums.items():
        if key in totals and amount > totals[key]:
            problems.append(
                _("assets.by_role: the roles' %(key)s add up to %(part)s, more than the total %(total)s.")
                % {"key": key, "part": amount, "total": totals[key]}
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


def state_role(assets: dict[str, Any]) -> str | None:
    """A State's role over a year's cases, as the 2020 report counts responses (000 §28): `both`
    when it was State of origin and of asset location, else its one role; None without a case. A
    suppressed count is at least one case."""
    present = {row["role"] for row in assets["by_role"] if row["cases"] != 0}
    if StateRole.BOTH in present or {StateRole.ORIGIN, StateRole.ASSET_LOCATION} <= present:
        return StateRole.BOTH.value
    return next(
        (
            str(role)
            for role in (StateRole.ORIGIN, StateRole.ASSET_LOCATION, StateRole.THIRD)
            if role in present
        ),
        None,
    )


def _amounts(section: dict[str, Any]) -> dict[str, Decimal]:
    return {key: Decimal(section[key]) for key in AMOUNT_KEYS}


def _added(into: dict[str, Decimal], amounts: dict[str, Decimal]) -> None:
    for key, amount in amounts.items():
        into[key] = into.get(key, Decimal(0)) + amount


# Coverage below this share of the States parties (or this many States) rests on few States.
FEW_STATES_SHARE, FEW_STATES = 0.25, 10


def global_asset_figures() -> dict[str, Any]:
    """The secretariat's asset recovery figures over every period received: amounts by year, UN
    region and role; the share of answering States by role; barriers by the States that met them
    (and the cases, as the range suppression allows) and by role; and the coverage of each period
    against the dated list of States parties. Amounts are never suppressed; no State's suppressed
    count appears: a count added from suppressed cells is a range."""
    submissions = list(Submission.objects.filter(payload__version=VERSION).order_by("period", "state"))
    by_year: dict[int, dict[str, Decimal]] = {}
    by_region: dict[tuple[int, str], dict[str, Decimal]] = {}
    by_role: dict[tuple[int, str], dict[str, Decimal]] = {}
    roles: dict[int, dict[str, int]] = {}
    barrier_states: dict[str, set[str]] = {}
    barrier_cases: dict[str, Bounds] = {}
    barrier_roles: dict[tuple[str, str], Bounds] = {}
    answered: dict[int, dict[str, list[str]]] = {}
    for submission in submissions:
        payload, period = submission.payload, submission.period
        assets, threshold = payload["assets"], payload["threshold"]
        _added(by_year.setdefault(period, {}), _amounts(assets))
        _added(by_region.setdefault((period, region_of(submission.state)[0]), {}), _amounts(assets))
        for row in assets["by_role"]:
            _added(by_role.setdefault((period, row["role"]), {}), _amounts(row))
        role = state_role(assets)
        counted = roles.setdefault(period, dict.fromkeys([*StateRole.values, "none"], 0))
        counted[role or "none"] += 1
        for row in assets["barriers"]:
            barrier_states.setdefault(row["barrier"], set()).add(submission.state)
            barrier_cases[row["barrier"]] = barrier_cases.get(row["barrier"], Bounds()).plus(
                row["cases"], threshold
            )
        for row in assets.get("barriers_by_role", []):
            key = (row["barrier"], row["role"])
            barrier_roles[key] = barrier_roles.get(key, Bounds()).plus(row["cases"], threshold)
        kind = "no_case" if assets["no_case"] else "submitted"
        answered.setdefault(period, {"submitted": [], "no_case": []})[kind].append(submission.state)
    coverage = []
    for period, states in sorted(answered.items()):
        answering = set(states["submitted"]) | set(states["no_case"])
        parties_answering = answering & STATES_PARTIES
        coverage.append(
            {
                "period": period,
                "parties": len(STATES_PARTIES),
                "submitted": len(set(states["submitted"])),
                "no_case": len(set(states["no_case"])),
                "not_answered": len(STATES_PARTIES - parties_answering),
                "share": round(len(parties_answering) / len(STATES_PARTIES), 4),
                "few_states": len(answering) < max(FEW_STATES, FEW_STATES_SHARE * len(STATES_PARTIES)),
            }
        )
    return {
        "parties_as_of": PARTIES_AS_OF,
        "parties_source": PARTIES_SOURCE,
        "by_year": [{"period": p, **a} for p, a in sorted(by_year.items())],
        "by_region": [{"period": p, "region": r, **a} for (p, r), a in sorted(by_region.items())],
        "by_role": [{"period": p, "role": r, **a} for (p, r), a in sorted(by_role.items())],
        "shares": [
            {
                "period": p,
                "states": sum(counts.values()),
                "roles": [
                    {"role": role, "states": n, "share": round(n / sum(counts.values()), 4)}
                    for role, n in counts.items()
                ],
            }
            for p, counts in sorted(roles.items())
        ],
        "barriers": sorted(
            (
                {"barrier": code, "states": len(states), "cases": barrier_cases[code]}
                for code, states in barrier_states.items()
            ),
            key=lambda row: (-row["states"], row["barrier"]),
        ),
        "barriers_by_role": [
            {"barrier": code, "role": role, "cases": cases}
            for (code, role), cases in sorted(barrier_roles.items())
        ],
        "coverage": coverage,
    }
