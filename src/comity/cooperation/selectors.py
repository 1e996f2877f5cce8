"""Reads on cooperation requests, scoped at the source: every function takes the acting user
and returns only what that user's authority may see. Views never filter for security."""

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from comity.accounts.choices import Role
from comity.accounts.models import User
from comity.cooperation.choices import NamesVisibleTo, Status
from comity.cooperation.models import Event, Request, RequestOffence, RequestShare, Subject
from comity.core.services import record_access


def requests_visible_to(user: User) -> QuerySet[Request]:
    """The requests of the user's authority: as requesting or requested party, or shared with it.

    The secretariat, administrators and users without an authority see none.
    """
    authority_id = user.authority_id
    if not user.is_authenticated or not user.reads_cases or authority_id is None:
        return Request.objects.none()
    shared = RequestShare.objects.filter(request=OuterRef("pk"), authority_id=authority_id)
    return Request.objects.filter(
        Q(requesting_authority_id=authority_id) | Q(requested_authority_id=authority_id) | Exists(shared)
    )


def subject_names_visible_q(user: User, prefix: str = "") -> Q:
    """Requests whose subjects' names `user` may know (confidential ones hide them from some roles)."""
    open_q = Q(**{f"{prefix}confidential": False})
    if user.role == Role.HEAD:
        return Q()
    if user.role == Role.OFFICER:
        return open_q | Q(**{f"{prefix}names_visible_to": NamesVisibleTo.OFFICERS})
    return open_q


def may_see_subject_names(user: User, request: Request) -> bool:
    if not request.confidential or user.role == Role.HEAD:
        return True
    return user.role == Role.OFFICER and request.names_visible_to == NamesVisibleTo.OFFICERS


def request_list(user: User) -> QuerySet[Request]:
    """The visible requests with their authorities; `with_offence_codes` adds a page's offences."""
    return requests_visible_to(user).select_related("requesting_authority", "requested_authority")


def with_offence_codes(requests: list[Request]) -> list[Request]:
    """Set `offence_codes` on each request of a page, in one flat query: a prefetch builds a
    queryset per request, which cost more than the page's own query."""
    codes: dict[int, list[str]] = {request.pk: [] for request in requests}
    for request_id, code in RequestOffence.objects.filter(request_id__in=list(codes)).values_list(
        "request_id", "code"
    ):
        codes[request_id].append(code)
    for request in requests:
        request.offence_codes = sorted(codes[request.pk])  # type: ignore[attr-defined]
    return requests


def offence_codes(request: Request) -> list[str]:
    codes = getattr(request, "offence_codes", None)
    return codes if codes is not None else sorted(row.code for row in request.offence_rows.all())


def request_detail(user: User, pk: int, *, channel: str) -> Request:
    """One visible request, or 404 whether it does not exist or is not the user's to see.

    Every successful read is written to the access log.
    """
    request = (
        requests_visible_to(user)
        .select_related("requesting_authority", "requested_authority", "created_by")
        .prefetch_related(
            "offence_rows",
            "measure_rows",
            "refusal_ground_rows",
            "shares__authority",
            Prefetch("subjects", queryset=Subject.objects.order_by("id")),
        )
        .filter(pk=pk)
        .first()
    )
    if request is None:
        raise Http404
    record_access(user=user, obj=request, channel=channel)
    return request


def request_for_write(user: User, pk: int) -> Request:
    """A request the user may see, to hand to a service (which checks the right to write)."""
    request = requests_visible_to(user).filter(pk=pk).first()
    if request is None:
        raise Http404
    return request


def events_visible(user: User, request: Request) -> QuerySet[Event]:
    """The timeline, without the other side's internal notes."""
    return (
        Event.objects.filter(request=request)
        .filter(Q(internal=False) | Q(authority_id=user.authority_id))
        .select_related("actor", "authority")
        .order_by("id")
    )


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
    return request_list(user).filter(ours_to_execute | ours_to_send_or_complete)
