"""Reads on cooperation requests, scoped at the source: every function takes the acting user
and returns only what that user's authority may see. Views never filter for security."""

import datetime
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import CharField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Cast

from comity.accounts.choices import Role
from comity.accounts.models import User
from comity.cooperation.choices import NamesVisibleTo, Status
from comity.cooperation.filters import AccessLogFilterSet, RequestFilterSet
from comity.cooperation.models import (
    Event,
    Request,
    RequestBarrier,
    RequestMeasure,
    RequestOffence,
    RequestRefusalGround,
    RequestShare,
    RequestSides,
    Subject,
)
from comity.core.expressions import JoinedCodes
from comity.core.filters import valid_filters
from comity.core.models import AccessEntry
from comity.core.pagination import Page, keyset_page
from comity.core.policy import visible_or_404
from comity.core.services import record_access


def requests_visible_to(user: User) -> QuerySet[Request]:
    """The requests of the user's authority: as requesting or requested party, or shared with it.

    The secretariat, administrators and users without an authority see none.
    """
    return _visible(user, Request.objects.all())


def _readable_authority(user: User) -> int | None:
    """The authority whose requests `user` may read, if any."""
    if not user.is_authenticated or not user.reads_cases:
        return None
    return user.authority_id


def _visible(user: User, queryset: QuerySet[Request, Any]) -> QuerySet[Request, Any]:
    authority_id = _readable_authority(user)
    if authority_id is None:
        return queryset.none()
    return _of_authority(authority_id, queryset)


def _of_authority(authority_id: int, queryset: QuerySet[Request, Any]) -> QuerySet[Request, Any]:
    # The shared requests as a set (`id IN (SELECT ...)`), not a test per row (`EXISTS`): the
    # database gathers the authority's few shares once, instead of looking them up for each of
    # the other authorities' requests a statistics query scans (measured in the commit that made it).
    shared = RequestShare.objects.filter(authority_id=authority_id).values("request_id")
    return queryset.filter(
        Q(requesting_authority_id=authority_id) | Q(requested_authority_id=authority_id) | Q(pk__in=shared)
    )


def may_see_subject_names(user: User, request: Request) -> bool:
    if not request.confidential or user.role == Role.HEAD:
        return True
    return user.role == Role.OFFICER and request.names_visible_to == NamesVisibleTo.OFFICERS


def request_list(user: User) -> QuerySet[Request]:
    """The visible requests with their authorities (for lists of model instances)."""
    return requests_visible_to(user).select_related("requesting_authority", "requested_authority")


def request_filters(user: User, params: Mapping[str, Any] | None, *, rows: bool = False) -> RequestFilterSet:
    """The request list's filters under `params` (a query string's), over the requests `user` may
    see: model instances, or with `rows` the list's rows (`request_page`). The one place the list's
    filters are built, for the list, the API, the statistics, the home page and the exports."""
    visible = request_rows_visible_to(user) if rows else request_list(user)
    return RequestFilterSet(params, queryset=visible, user=user)


def request_selection(user: User, params: Mapping[str, Any] | None) -> QuerySet[Request]:
    """The requests `user` may see that the filters `params` select; ValidationError (422) naming
    each filter that is not valid."""
    return valid_filters(request_filters(user, params))


def access_log_filters(user: User, params: Mapping[str, Any] | None) -> AccessLogFilterSet:
    """The access log's filters under `params`, over the reads `user` may see (a head's only)."""
    return AccessLogFilterSet(params, queryset=access_log_visible_to(user), user=user)


@dataclass(frozen=True, slots=True)
class AuthorityRef:
    pk: int
    name: str
    country: str
    kind: str


@dataclass(slots=True)
class RequestRow(RequestSides):
    """A request as the list shows it: its columns read as plain values, not a model instance
    with two related authorities, whose building weighed on every list endpoint call."""

    pk: int
    type: str
    legal_basis: str
    proceeding: str
    requesting_authority_id: int
    requested_authority_id: int
    requesting_reference: str
    requested_reference: str
    urgent: bool
    confidential: bool
    status: str
    sent_on: datetime.date | None
    received_on: datetime.date | None
    closed_on: datetime.date | None
    outcome: str
    due_on: datetime.date
    is_open: bool
    requesting_authority: AuthorityRef
    requested_authority: AuthorityRef
    offence_codes: list[str]


_AUTHORITY_FIELDS = ("pk", "name", "country", "kind")
_SIDES = ("requesting_authority", "requested_authority")
# RequestRow's own columns, in its order, then its authorities'.
_COLUMNS = [name for name in RequestRow.__dataclass_fields__ if name not in {*_SIDES, "offence_codes"}]
_ROW_FIELDS = [*_COLUMNS, *(f"{side}__{field}" for side in _SIDES for field in _AUTHORITY_FIELDS)]


@functools.cache
def _rows() -> QuerySet[Request, dict[str, Any]]:
    """Every request as the list's rows: its columns, its authorities' and its offences (joined by
    a subquery). Built once per process and never evaluated itself: resolving its 29 columns at
    every call weighed on the list endpoint, and each request's filters clone it instead."""
    return Request.objects.values(*_ROW_FIELDS, offences=joined_codes(RequestOffence))


def joined_codes(rows: type[RequestOffence | RequestMeasure | RequestRefusalGround]) -> Subquery:
    """A request's codes of one kind (offences, measures, refusal grounds) as one column, joined
    by "," in no particular order: one subquery in the request's own query, instead of a query
    and a model instance for each code."""
    return Subquery(
        rows.objects.filter(request=OuterRef("pk"))
        .values("request")
        .annotate(codes=JoinedCodes("code"))
        .values("codes")
    )


def request_rows_visible_to(user: User) -> QuerySet[Request, dict[str, Any]]:
    """`requests_visible_to`, read as the list's rows (for `request_page`)."""
    authority_id = _readable_authority(user)
    if authority_id is None:
        return _rows().none()
    # A clone: the kept queryset itself, once evaluated by a caller, would hold its rows for ever.
    return _rows_of_authority(authority_id).all()


@functools.lru_cache(maxsize=1024)
def _rows_of_authority(authority_id: int) -> QuerySet[Request, dict[str, Any]]:
    """`_rows()` scoped to one authority, built once per authority and process like `_rows()`
    itself (never evaluated, only cloned): adding the scope's three conditions anew at each call
    weighed on the list endpoint. The scope is read in SQL at each query, so shares made since
    count at once."""
    return _of_authority(authority_id, _rows())


def request_page(
    queryset: QuerySet[Request, dict[str, Any]], *, sort: str, cursor: str | None
) -> Page[RequestRow]:
    """One page (see `keyset_page`) of `request_rows_visible_to`, filtered, as `RequestRow`s."""
    page = keyset_page(queryset, sort=sort, cursor=cursor, size=settings.COMITY_PAGE_SIZE)
    authorities: dict[int, AuthorityRef] = {}

    def authority(row: dict[str, Any], side: str) -> AuthorityRef:
        pk = row[f"{side}_id"]
        if pk not in authorities:
            authorities[pk] = AuthorityRef(*(row[f"{side}__{field}"] for field in _AUTHORITY_FIELDS))
        return authorities[pk]

    return Page(
        [
            RequestRow(
                *[row[name] for name in _COLUMNS],
                *[authority(row, side) for side in _SIDES],
                sorted(row["offences"].split(",")) if row["offences"] else [],  # type: ignore[call-arg]
            )
            for row in page.items
        ],
        page.next_cursor,
    )


def offence_codes(request: Request | RequestRow) -> list[str]:
    if isinstance(request, RequestRow):
        return request.offence_codes
    return sorted(row.code for row in request.offence_rows.all())


def request_detail(user: User, pk: int, *, channel: str) -> Request:
    """One visible request, or 404 whether it does not exist or is not the user's to see.

    Every successful read is written to the access log.
    """
    visible = (
        requests_visible_to(user)
        .select_related("requesting_authority", "requested_authority", "created_by")
        .prefetch_related(
            "offence_rows",
            "measure_rows",
            "refusal_ground_rows",
            "shares__authority",
            Prefetch("subjects", queryset=Subject.objects.order_by("id")),
        )
    )
    request = visible_or_404(visible, pk)
    record_access(user=user, obj=request, channel=channel)
    return request


def request_for_write(user: User, pk: int) -> Request:
    """A request the user may see, to hand to a service (which checks the right to write)."""
    return visible_or_404(requests_visible_to(user), pk)


def barriers_visible(user: User, request: Request) -> list[RequestBarrier]:
    """The barriers met in a request: codes and days to both parties, each note to the authority
    that wrote it only (the counterpart may be what it is about)."""
    barriers = list(RequestBarrier.objects.filter(request=request).order_by("on", "pk"))
    for barrier in barriers:
        if barrier.authority_id != user.authority_id:
            barrier.note = ""
    return barriers


def events_visible(user: User, request: Request) -> QuerySet[Event]:
    """The timeline, without the other side's internal notes."""
    return (
        Event.objects.filter(request=request)
        .filter(Q(internal=False) | Q(authority_id=user.authority_id))
        .select_related("actor", "authority")
        .order_by("id")
    )


@dataclass
class TimelineEntry:
    """An event as the timeline shows it, with what corrections say of its date."""

    event: Event
    on: datetime.date  # its date now: that of its latest correction, else its own
    corrected_by: Event | None = None  # the latest correction of its date
    replaced_on: datetime.date | None = None  # for a correction: the date it superseded
    corrects: Event | None = None  # for a correction: the event it corrects


def timeline_visible(user: User, request: Request) -> list[TimelineEntry]:
    """`events_visible` in order, each with its date as corrected (corrections never concern the
    other side's internal notes, which are not corrected)."""
    entries: dict[int, TimelineEntry] = {}
    for event in events_visible(user, request):
        entry = entries[event.pk] = TimelineEntry(event, event.occurred_on)
        target = entries.get(event.corrects_id) if event.corrects_id else None
        if target is not None:
            entry.corrects, entry.replaced_on = target.event, target.on
            target.on, target.corrected_by = event.occurred_on, event
    return list(entries.values())


def awaiting_action(user: User) -> QuerySet[Request]:
    """Open requests whose next step is on the user's side."""
    authority_id = user.authority_id
    ours_to_execute = Q(
        requested_authority_id=authority_id,
        status__in=[
            Status.DRAFT,
            Status.RECEIVED,
            Status.ACKNOWLEDGED,
            Status.IN_EXECUTION,
            Status.POSTPONED,
        ],
    )
    ours_to_send_or_complete = Q(
        requesting_authority_id=authority_id, status__in=[Status.DRAFT, Status.AWAITING_INFORMATION]
    )
    # Every status above is an open one: saying so lets the database use the open requests' index.
    return request_list(user).filter(ours_to_execute | ours_to_send_or_complete, is_open=True)


@dataclass(frozen=True, slots=True)
class AccessRow:
    """One read of a request, as the head of one of its parties sees it: the reader's name only
    when the reader works in the head's own authority (another authority's staff are its own
    business), and the request by the head's own reference."""

    pk: int
    at: datetime.datetime
    channel: str
    request_id: int
    reference: str
    reader: str
    reader_authority: str


def access_log_visible_to(user: User) -> QuerySet[AccessEntry]:
    """The reads of the requests the user's authority is a party to; a head of unit's only, empty
    for everyone else (the page and the API answer them 404)."""
    if not may_read_access_log(user):
        return AccessEntry.objects.none()
    authority_id = user.authority_id
    ours = Request.objects.filter(
        Q(requesting_authority_id=authority_id) | Q(requested_authority_id=authority_id)
    ).values(text_id=Cast("pk", output_field=CharField()))
    return AccessEntry.objects.filter(object_type=Request._meta.label_lower, object_id__in=ours)


def may_read_access_log(user: User) -> bool:
    return bool(user.is_authenticated and user.reads_cases and user.is_head)


ACCESS_FIELDS = (
    "pk",
    "at",
    "channel",
    "object_id",
    "user__username",
    "user__authority_id",
    "user__authority__name",
)


def access_rows(user: User, entries: Iterable[dict[str, Any]]) -> list[AccessRow]:
    """`entries` (`values(*ACCESS_FIELDS)` of `access_log_visible_to`) as rows, each request read
    once for its reference."""
    entries = list(entries)
    requests = {
        r.pk: r
        for r in Request.objects.filter(pk__in={int(e["object_id"]) for e in entries}).only(
            "pk",
            "requesting_authority_id",
            "requested_authority_id",
            "requesting_reference",
            "requested_reference",
        )
    }
    rows = []
    for entry in entries:
        request = requests.get(int(entry["object_id"]))
        own = entry["user__authority_id"] == user.authority_id
        rows.append(
            AccessRow(
                pk=entry["pk"],
                at=entry["at"],
                channel=entry["channel"],
                request_id=int(entry["object_id"]),
                reference=(request.reference_for(user.authority_id) if request else "")
                or f"#{entry['object_id']}",
                reader=entry["user__username"] if own else "",
                reader_authority=entry["user__authority__name"] or "",
            )
        )
    return rows


def access_page(user: User, queryset: QuerySet[AccessEntry], *, cursor: str | None) -> Page[AccessRow]:
    """One page of a head's access log, newest read first."""
    page = keyset_page(
        queryset.values(*ACCESS_FIELDS), sort="-id", cursor=cursor, size=settings.COMITY_PAGE_SIZE
    )
    return Page(access_rows(user, page.items), page.next_cursor)
