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
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, ExtractYear, TruncDate
from django.http import QueryDict

from comity.accounts.models import User
from comity.cooperation.filters import RequestFilterSet
from comity.cooperation.models import Request, RequestRefusalGround
from comity.cooperation.selectors import request_selection
from comity.core.filters import valid_filters
from comity.reference.choices import GROUNDS_NOT_ALLOWED_BY_UNCAC, ICCS_BY_OFFENCE, Outcome
from comity.statistics.expressions import DaysBetween
from comity.statistics.national import national_requests
from comity.statistics.survival import SurvivalPoint, kaplan_meier, median_time, quantile, quantiles

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
# A request between two authorities of the same State, seen from that State: counted once.
DOMESTIC = "domestic"


@dataclass(frozen=True, slots=True)
class StateParty:
    """A State as one party: all its authorities together (the national coordinator's figures, a
    State's submission). Direction and counterpart are seen from the State; a request between two
    of its authorities is one request, `domestic`, whose counterpart is the State itself."""

    country: str


# Whose side the figures take: one authority (its id), a whole State, or none (the secretariat's).
Party = int | StateParty | None
PENDING = "pending"
TOTAL = "_total"
MULTI_VALUED_KEYS = frozenset({"offences", "measures", "refusal_grounds", "iccs"})


def _key_expression(name: str, party: Party, as_of: datetime.date) -> Any:
    closed_by_then = Q(closed_on__lte=as_of)
    if isinstance(party, StateParty):
        ours_requested, ours_requesting = (
            Q(requested_country=party.country),
            Q(requesting_country=party.country),
        )
    else:
        ours_requested, ours_requesting = Q(requested_authority_id=party), Q(requesting_authority_id=party)
    match name:
        case "_total":
            return Value("all")
        case "direction":
            return Case(
                *(
                    [When(ours_requested & ours_requesting, then=Value(DOMESTIC))]
                    if isinstance(party, StateParty)
                    else []
                ),
                When(ours_requested, then=Value("incoming")),
                When(ours_requesting, then=Value("outgoing")),
                default=Value("shared"),
            )
        case "counterpart_country":
            return Case(
                When(ours_requested, then=F("requesting_country")),
                default=F("requested_country"),
            )
        case "year":
            # An integer in SQL: PostgreSQL's EXTRACT gives a numeric (see `_plain_rows`).
            return Cast(ExtractYear(Coalesce("received_on", "sent_on")), IntegerField())
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


# A request's state as of the date, one column of the grouped query.
_PENDING, _EXECUTED, _CLOSED_OTHERWISE = 0, 1, 2


@dataclass(slots=True)
class _Buckets:
    """One group's buckets, added as they are read: its counts, its times to execution (day ->
    [executed, censored]) and the ages of its pending requests (day -> count)."""

    group: Group
    times: dict[int, list[int]] = field(default_factory=dict)
    received_by_state: list[int] = field(default_factory=lambda: [0, 0, 0])
    ages: dict[int, int] = field(default_factory=dict)

    def add(self, span: int, received: int, state: int, n: int, overdue: int, refused: int) -> None:
        group, day = self.group, max(span, 0)
        group.count += n
        group.overdue += overdue
        group.refused_on_grounds_not_allowed += refused
        if state == _PENDING:
            group.pending += n
            self.ages[day] = self.ages.get(day, 0) + n
        if received:
            self.received_by_state[state] += n
            slot = self.times.get(day)
            if slot is None:
                slot = self.times[day] = [0, 0]
            slot[0 if state == _EXECUTED else 1] += n

    def absorb(self, other: "_Buckets") -> None:
        """Add another group's buckets to these (the total of a partition)."""
        group, theirs = self.group, other.group
        group.count += theirs.count
        group.pending += theirs.pending
        group.overdue += theirs.overdue
        group.refused_on_grounds_not_allowed += theirs.refused_on_grounds_not_allowed
        for day, (executed, censored) in other.times.items():
            slot = self.times.setdefault(day, [0, 0])
            slot[0] += executed
            slot[1] += censored
        for state, n in enumerate(other.received_by_state):
            self.received_by_state[state] += n
        for day, n in other.ages.items():
            self.ages[day] = self.ages.get(day, 0) + n

    def finish(self) -> Group:
        group = self.group
        group.time_to_execution = _time_to_execution(self.times, self.received_by_state)
        ages = sorted(self.ages.items())
        if ages:
            group.pending_median_age_days = quantile(ages, 0.5)
            group.pending_max_age_days = ages[-1][0]
        return group


def _time_to_execution(times: dict[int, list[int]], by_state: list[int]) -> TimeToExecution:
    """`times`: day -> [executed, censored] of the received requests; `by_state`: their counts
    pending, executed and closed otherwise."""
    result = TimeToExecution(
        n_closed=by_state[_EXECUTED],
        n_pending=by_state[_PENDING],
        n_closed_otherwise=by_state[_CLOSED_OTHERWISE],
    )
    days = sorted(times.items())
    histogram = [(day, executed) for day, (executed, _censored) in days if executed]
    result.median_days, result.p25_days, result.p75_days, result.p90_days = quantiles(
        histogram, (0.5, 0.25, 0.75, 0.9)
    )
    result.curve = kaplan_meier(((day, e, c) for day, (e, c) in days), sum(by_state))
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
        # set_config, not SET: a statement bound by the server takes no parameter in a SET.
        cursor.execute("SELECT set_config('work_mem', %s, true)", [settings.COMITY_STATISTICS_WORK_MEM])
        yield


def figures_scope(user: User, params: Mapping[str, Any] | None) -> tuple[Party, QuerySet[Request]]:
    """Whose side the user's figures take and over which requests, with the list's filters: a
    national coordinator's are the State's (each request once, `StateParty`), anyone else's their
    authority's. The one place that decides it, for the pages, the API, the exports and the PDF."""
    country = user.coordinated_country
    if country:
        # The list's direction and counterpart filters are seen from one authority: for a State
        # they would mean the coordinator's own authority, so they are left out (group by
        # direction or counterpart_country instead, which are seen from the State).
        kept: Any = params.copy() if isinstance(params, QueryDict) else dict(params or {})
        for name in ("direction", "counterpart_country"):
            kept.pop(name, None)
        params = kept
        return StateParty(country), valid_filters(
            RequestFilterSet(params, queryset=national_requests(country), user=user)
        )
    return user.authority_id, request_selection(user, params)


def request_figures(
    user: User, params: Mapping[str, Any] | None, group_by: Sequence[str], as_of: datetime.date
) -> Figures:
    """Figures over the requests `user` may see that the list's filters `params` select, grouped by
    up to two keys, direction and counterpart seen from the user's authority; ValidationError (422)
    naming each filter that is not valid. The selector builds the selection itself: no caller hands
    it a queryset."""
    return figures_over(*figures_scope(user, params), group_by, as_of)


def figures_over(
    authority_id: Party, queryset: QuerySet[Request], group_by: Sequence[str], as_of: datetime.date
) -> Figures:
    """Figures over `queryset`, a set its caller chose (a State's register, for the national data
    call), grouped by up to two keys; direction and counterpart are seen from `authority_id` (an
    authority's id or a `StateParty`)."""
    with _aggregate_memory():
        return _request_figures(authority_id, queryset, group_by, as_of)


def _request_figures(
    authority_id: Party, queryset: QuerySet[Request], group_by: Sequence[str], as_of: datetime.date
) -> Figures:
    # With no grouping, one constant key makes the same three queries return one overall group.
    keys = list(group_by) or [TOTAL]
    # A key with several values per request (offences…) joins child rows: count requests once.
    distinct = bool(MULTI_VALUED_KEYS & set(keys))
    expressions = {f"k_{key}": _key_expression(key, authority_id, as_of) for key in keys}
    base = _started_by(queryset, authority_id, as_of)
    pending_q = Q(closed_on__isnull=True) | Q(closed_on__gt=as_of)
    # Received by then: a request the counterpart received only after `as_of` is, as of then, sent.
    received_by_then = Q(received_on__lte=as_of)
    end_on = Case(When(closed_on__lte=as_of, then=F("closed_on")), default=Value(as_of))

    # One pass over the requests: each row of the result is a bucket of requests alike in their
    # keys, their span in days (receipt to closing or to `as_of` once received, else start to
    # `as_of`), whether they were received and their state (pending, executed, closed otherwise),
    # with how many of them are overdue or refused on grounds UNCAC does not allow; counts, times
    # to execution and ages of pending requests are all folded from these buckets. (Those two
    # counted rather than grouped by: fewer columns to group by and fewer buckets to read.) Span,
    # receipt and state travel as one integer, span × 8 + received × 4 + state: the database sorts
    # every request by the grouping columns, and comparing one integer instead of three makes the
    # grouping faster (figures in the commit that made it).
    counted = {
        "n": None,
        "overdue": pending_q & Q(due_on__lt=as_of),
        # The cheap tests first, so that the subquery runs for refused requests only.
        "refused": Q(outcome=Outcome.REFUSED) & Q(closed_on__lte=as_of) & Q(not_allowed=True),
    }
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
            bucket=ExpressionWrapper(
                Case(
                    When(received_by_then, then=DaysBetween(end_on, "received_on")),
                    default=DaysBetween(Value(as_of), "start_on"),
                )
                * Value(8)
                + Case(When(received_by_then, then=Value(4)), default=Value(0))
                + Case(
                    When(pending_q, then=Value(_PENDING)),
                    When(outcome__in=EXECUTED, then=Value(_EXECUTED)),
                    default=Value(_CLOSED_OTHERWISE),
                ),
                output_field=IntegerField(),
            ),
        )
        .annotate(**{name: Count("pk", distinct=distinct, filter=q) for name, q in counted.items()})
        .order_by()
    )
    columns = [*expressions, "bucket", *counted]

    # When every key has one value per request, the groups partition the requests and the
    # total is folded from the same rows; list-valued keys (a request with two offences is in
    # two groups) need the total counted on its own.
    partition = not MULTI_VALUED_KEYS & set(keys)
    buckets: dict[tuple, _Buckets] = {}
    width = len(keys)
    for row in _plain_rows(rows, columns):
        key = row[:width]
        group = buckets.get(key)
        if group is None:
            group = buckets[key] = _Buckets(
                Group({k: v for k, v in zip(keys, key, strict=True) if k != TOTAL})
            )
        span, flags = divmod(row[width], 8)
        group.add(span, flags >> 2, flags & 3, *row[width + 1 :])
    ordered = _in_key_order(b.finish() for b in buckets.values())
    if keys == [TOTAL]:
        return Figures(as_of, [], ordered[0] if ordered else Group({}), [])
    if not partition:
        return Figures(as_of, keys, _request_figures(authority_id, queryset, [], as_of).total, ordered)
    total = _Buckets(Group({}))
    for group in buckets.values():
        total.absorb(group)
    return Figures(as_of, keys, total.finish(), ordered)


def request_counts_by(
    user: User, params: Mapping[str, Any] | None, groupings: Sequence[Sequence[str]], as_of: datetime.date
) -> list[list[Group]]:
    """For each grouping, the groups of `request_figures` with their counts only, for charts that
    show no times: GROUP BYs on the keys alone, without the buckets of days and states that times
    need (at a long register, the statistics page drew four of its five charts from those).

    One read of the requests serves all the groupings whose keys have one value per request
    (grouped by all their keys at once, then summed for each); a grouping with a list-valued key
    (offences...), which counts a request in several groups, has a read of its own. Each read of
    a long register is a scan: the page's three single-valued charts took three."""
    authority_id, queryset = figures_scope(user, params)
    single = [list(g) for g in groupings if not MULTI_VALUED_KEYS & set(g)]
    keys = list(dict.fromkeys(key for grouping in single for key in grouping))
    shared = _count_rows(authority_id, queryset, keys, as_of) if single else []
    found = []
    for grouping in groupings:
        if MULTI_VALUED_KEYS & set(grouping):
            rows = _count_rows(authority_id, queryset, list(grouping), as_of)
        else:
            positions = [keys.index(key) for key in grouping]
            sums: dict[tuple, int] = {}
            for row in shared:
                key = tuple(row[i] for i in positions)
                sums[key] = sums.get(key, 0) + row[-1]
            rows = [(*key, n) for key, n in sums.items()]
        found.append(
            _in_key_order(Group(dict(zip(grouping, row[:-1], strict=True)), count=row[-1]) for row in rows)
        )
    return found


def _count_rows(
    authority_id: Party, queryset: QuerySet[Request], keys: Sequence[str], as_of: datetime.date
) -> list[tuple]:
    """(key values..., requests) for each combination of `keys` among the requests started by `as_of`."""
    expressions = {f"k_{key}": _key_expression(key, authority_id, as_of) for key in keys}
    distinct = bool(MULTI_VALUED_KEYS & set(keys))
    rows = (
        _started_by(queryset, authority_id, as_of)
        .values(**expressions)
        .annotate(n=Count("pk", distinct=distinct))
        .order_by()
    )
    with _aggregate_memory():
        return _plain_rows(rows, [*expressions, "n"])


def _started_by(queryset: QuerySet[Request], authority_id: Party, as_of: datetime.date) -> QuerySet[Request]:
    """The requests of `queryset` that existed for `authority_id` by `as_of`, as bare rows to group:
    for the requesting side from the day it sent the request, for the others from its receipt
    (else its sending or registration)."""
    registered = TruncDate("created_at")
    received_first = Coalesce("received_on", "sent_on", registered)
    start_on = (
        received_first  # the figures of no side (the secretariat's): each request from its receipt
        if authority_id is None
        else Case(
            When(
                Q(requesting_country=authority_id.country)
                if isinstance(authority_id, StateParty)
                else Q(requesting_authority_id=authority_id),
                then=Coalesce("sent_on", "received_on", registered),
            ),
            default=received_first,
        )
    )
    return (
        queryset.order_by()
        .prefetch_related(None)
        .select_related(None)
        .annotate(start_on=start_on)
        .filter(start_on__lte=as_of)
    )


def _in_key_order(groups: Iterable[Group]) -> list[Group]:
    return sorted(groups, key=lambda g: tuple((v is None, str(v)) for v in g.key.values()))


def _plain_rows(queryset: QuerySet[Any, Any], names: Sequence[str]) -> list[tuple]:
    """The rows of `queryset` (whose columns are `names`, in order) as the database driver gives
    them: the buckets are plain integers and codes read by the tens of thousands, and Django's
    converters (a call per value) and row building would dominate the Python time at a long
    register."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # a user who may see no request
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = [column[0] for column in cursor.description]
        if columns != list(names):
            raise RuntimeError(f"Expected the columns {names}, the query gives {columns}")
        return cursor.fetchall()
