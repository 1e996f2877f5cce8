"""Figures over the cooperation requests a user may see, for any filter of the list, as of a date.

Each call runs one aggregate query whatever the number of requests (two when a key has several
values per request, for the total), then folds its buckets into counts, times to execution and
ages of pending requests.

"As of" a date D: a request counts if it was received (or sent, or registered) by D; it is
pending if it was not closed by D. Time to execution runs from receipt to the closing of an
executed or partially executed request; requests still pending at D are right-censored at D,
and those closed otherwise (refused, withdrawn, lapsed) are censored at their closing.
"""

import datetime
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, ExtractYear, TruncDate

from comity.cooperation.models import Request, RequestRefusalGround
from comity.reference.choices import GROUNDS_NOT_ALLOWED_BY_UNCAC, ICCS_BY_OFFENCE, Outcome
from comity.statistics.expressions import DaysBetween
from comity.statistics.survival import SurvivalPoint, kaplan_meier, median_time, quantile

# The import columns, plus year, counterpart_country and iccs.
GROUP_KEYS = (
    "direction",
    "type",
    "requesting_country",
    "requested_country",
    "legal_basis",
    "offences",
    "measures",
    "proceeding",
    "outcome",
    "refusal_grounds",
    "year",
    "counterpart_country",
    "iccs",
)
EXECUTED = (Outcome.EXECUTED, Outcome.PARTIALLY_EXECUTED)
PENDING = "pending"
TOTAL = "_total"
MULTI_VALUED_KEYS = frozenset({"offences", "measures", "refusal_grounds", "iccs"})


def _key_expression(name: str, authority_id: int | None, as_of: datetime.date) -> Any:
    closed_by_then = Q(closed_on__lte=as_of)
    match name:
        case "_total":
            return Value("all")
        case "direction":
            return Case(
                When(requested_authority_id=authority_id, then=Value("incoming")),
                When(requesting_authority_id=authority_id, then=Value("outgoing")),
                default=Value("shared"),
            )
        case "counterpart_country":
            return Case(
                When(requested_authority_id=authority_id, then=F("requesting_country")),
                default=F("requested_country"),
            )
        case "year":
            return ExtractYear(Coalesce("received_on", "sent_on"))
        case "offences":
            return F("offence_rows__code")
        case "measures":
            return F("measure_rows__code")
        case "iccs":
            return Case(
                *[
                    When(offence_rows__code=code, then=Value(iccs))
                    for code, iccs in ICCS_BY_OFFENCE.items()
                    if iccs
                ],
                default=Value(None),
            )
        case "outcome":
            return Case(When(closed_by_then, then=F("outcome")), default=Value(PENDING))
        case "refusal_grounds":
            return Case(When(closed_by_then, then=F("refusal_ground_rows__code")), default=Value(None))
        case _:
            return F(name)


@dataclass
class TimeToExecution:
    n_closed: int = 0
    n_pending: int = 0
    n_closed_otherwise: int = 0
    median_days: float | None = None
    p25_days: float | None = None
    p75_days: float | None = None
    p90_days: float | None = None
    km_median_days: int | None = None
    km_median_ci_days: tuple[int | None, int | None] = (None, None)
    curve: list[SurvivalPoint] = field(default_factory=list)


@dataclass
class Group:
    key: dict[str, Any]
    count: int = 0
    pending: int = 0
    overdue: int = 0
    pending_median_age_days: float | None = None
    pending_max_age_days: int | None = None
    refused_on_grounds_not_allowed: int = 0
    time_to_execution: TimeToExecution = field(default_factory=TimeToExecution)


@dataclass
class Figures:
    as_of: datetime.date
    group_by: list[str]
    total: Group
    groups: list[Group]


def _aliases(keys: Sequence[str]) -> list[str]:
    return [f"k_{key}" for key in keys]


def _key_of(row: dict[str, Any], keys: Sequence[str]) -> tuple:
    return tuple(row[f"k_{key}"] for key in keys)


def _time_to_execution(rows: list[dict[str, Any]]) -> TimeToExecution:
    """Rows: t_days, t_executed (1/0), t_pending (1/0) and their count n, ordered by t_days."""
    result = TimeToExecution()
    by_day: dict[int, list[int]] = {}
    for row in rows:
        events, censored = by_day.setdefault(max(row["t_days"], 0), [0, 0]), row["n"]
        if row["t_executed"]:
            events[0] += censored
            result.n_closed += censored
        else:
            events[1] += censored
            if row["t_pending"]:
                result.n_pending += censored
            else:
                result.n_closed_otherwise += censored
    histogram = [(day, counts[0]) for day, counts in sorted(by_day.items()) if counts[0]]
    result.median_days = quantile(histogram, 0.5)
    result.p25_days, result.p75_days, result.p90_days = (quantile(histogram, q) for q in (0.25, 0.75, 0.9))
    total = result.n_closed + result.n_pending + result.n_closed_otherwise
    result.curve = kaplan_meier(((day, e, c) for day, (e, c) in sorted(by_day.items())), total)
    result.km_median_days = median_time(result.curve)
    result.km_median_ci_days = (median_time(result.curve, "lower"), median_time(result.curve, "upper"))
    return result


@contextmanager
def _aggregate_memory() -> Iterator[None]:
    """On PostgreSQL, room for the grouping to hash or sort in memory (SET LOCAL: these queries
    only): with the default 4 MB a million requests sort through temporary files."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = %s", [settings.COMITY_STATISTICS_WORK_MEM])
        yield


def request_figures(
    authority_id: int | None, queryset: QuerySet[Request], group_by: Sequence[str], as_of: datetime.date
) -> Figures:
    """Figures over `queryset` (already scoped and filtered), grouped by up to two keys; direction and
    counterpart are seen from `authority_id`."""
    with _aggregate_memory():
        return _request_figures(authority_id, queryset, group_by, as_of)


def _request_figures(
    authority_id: int | None, queryset: QuerySet[Request], group_by: Sequence[str], as_of: datetime.date
) -> Figures:
    # With no grouping, one constant key makes the same three queries return one overall group.
    keys = list(group_by) or [TOTAL]
    # A key with several values per request (offences…) joins child rows: count requests once.
    distinct = bool(MULTI_VALUED_KEYS & set(keys))
    expressions = {f"k_{key}": _key_expression(key, authority_id, as_of) for key in keys}
    base = (
        queryset.order_by()
        .prefetch_related(None)
        .select_related(None)
        .annotate(start_on=Coalesce("received_on", "sent_on", TruncDate("created_at")))
        .filter(start_on__lte=as_of)
    )
    pending_q = Q(closed_on__isnull=True) | Q(closed_on__gt=as_of)
    end_on = Case(When(closed_on__lte=as_of, then=F("closed_on")), default=Value(as_of))

    def flag(condition: Q) -> Case:
        return Case(When(condition, then=Value(1)), default=Value(0))

    # One pass over the requests: each row of the result is a bucket of requests alike in their
    # keys, their span in days (receipt to closing or to `as_of` once received, else start to
    # `as_of`) and five flags; counts, times to execution and ages of pending requests are all
    # folded from these buckets.
    rows = (
        base.annotate(
            not_allowed=Exists(
                RequestRefusalGround.objects.filter(
                    request=OuterRef("pk"), code__in=GROUNDS_NOT_ALLOWED_BY_UNCAC
                )
            )
        )
        .values(
            **expressions,
            span=Case(
                When(received_on__isnull=False, then=DaysBetween(end_on, "received_on")),
                default=DaysBetween(Value(as_of), "start_on"),
            ),
            received=flag(Q(received_on__isnull=False)),
            executed=flag(Q(closed_on__lte=as_of, outcome__in=EXECUTED)),
            pending=flag(pending_q),
            overdue=flag(pending_q & Q(due_on__lt=as_of)),
            # The cheap tests first, so that the subquery runs for refused requests only.
            refused_not_allowed=flag(
                Q(outcome=Outcome.REFUSED) & Q(closed_on__lte=as_of) & Q(not_allowed=True)
            ),
        )
        .annotate(n=Count("pk", distinct=distinct))
        .order_by()
    )

    # When every key has one value per request, the groups partition the requests and the
    # total is folded from the same rows; list-valued keys (a request with two offences is in
    # two groups) need the total counted on its own.
    partition = not MULTI_VALUED_KEYS & set(keys)
    groups: dict[tuple, Group] = {}
    durations: dict[tuple, list[dict[str, Any]]] = {}
    ages: dict[tuple, dict[int, int]] = {}
    for row in rows:
        key = _key_of(row, keys)
        group = groups.get(key)
        if group is None:
            group = groups[key] = Group({k: v for k, v in zip(keys, key, strict=True) if k != TOTAL})
            durations[key], ages[key] = [], {}
        n = row["n"]
        group.count += n
        group.pending += n if row["pending"] else 0
        group.overdue += n if row["overdue"] else 0
        group.refused_on_grounds_not_allowed += n if row["refused_not_allowed"] else 0
        if row["received"]:
            durations[key].append(
                {"t_days": row["span"], "t_executed": row["executed"], "t_pending": row["pending"], "n": n}
            )
        if row["pending"]:
            age = max(row["span"], 0)
            ages[key][age] = ages[key].get(age, 0) + n
    total = Group({})
    total_durations: dict[tuple[int, int, int], int] = {}
    total_ages: dict[int, int] = {}
    for key, group in groups.items():
        group.time_to_execution = _time_to_execution(durations[key])
        _set_ages(group, sorted(ages[key].items()))
        total.count += group.count
        total.pending += group.pending
        total.overdue += group.overdue
        total.refused_on_grounds_not_allowed += group.refused_on_grounds_not_allowed
        for row in durations[key]:
            slot = (row["t_days"], row["t_executed"], row["t_pending"])
            total_durations[slot] = total_durations.get(slot, 0) + row["n"]
        for age, n in ages[key].items():
            total_ages[age] = total_ages.get(age, 0) + n
    ordered = sorted(groups.values(), key=lambda g: tuple((v is None, str(v)) for v in g.key.values()))
    if keys == [TOTAL]:
        return Figures(as_of, [], ordered[0] if ordered else Group({}), [])
    if not partition:
        return Figures(as_of, keys, _request_figures(authority_id, queryset, [], as_of).total, ordered)
    total.time_to_execution = _time_to_execution(
        [
            {"t_days": d, "t_executed": e, "t_pending": p, "n": n}
            for (d, e, p), n in sorted(total_durations.items())
        ]
    )
    _set_ages(total, sorted(total_ages.items()))
    return Figures(as_of, keys, total, ordered)


def _set_ages(group: Group, histogram: list[tuple[int, int]]) -> None:
    if histogram:
        group.pending_median_age_days = quantile(histogram, 0.5)
        group.pending_max_age_days = histogram[-1][0]
