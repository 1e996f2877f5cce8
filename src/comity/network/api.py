"""The network's API: `/api/v1/network` (the directory and the finder), `/api/v1/consultations`,
`/api/v1/meetings`, `/api/v1/alerts`. Members only: to anyone else every operation is a 404; but
alerts between deployments need no membership, federation trust stands for it (selectors.uses_alerts)."""

import base64
import binascii
import datetime
from collections.abc import Callable, Collection
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import orjson
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from comity.accounts.auth import api_auth, gated
from comity.accounts.http import AuthedRequest
from comity.accounts.models import Authority, User
from comity.assets import selectors as assets_selectors
from comity.cooperation.api import authorities_by_id
from comity.cooperation.models import Request
from comity.cooperation.selectors import AuthorityRef, requests_visible_to
from comity.cooperation.services import SubjectInput
from comity.core.api import IDEMPOTENCY_PARAMETER, created_once
from comity.core.errors import FieldErrors
from comity.core.models import AccessEntry
from comity.core.numbers import ObjectId
from comity.core.openapi import filterset_parameters
from comity.core.pagination import keyset_page
from comity.core.policy import visible_or_404
from comity.network import selectors, services
from comity.network.filters import DirectoryFilterSet
from comity.network.forms import FinderForm
from comity.network.http import attachment_response
from comity.network.models import (
    ActionItem,
    Alert,
    Consultation,
    ConsultationMessage,
    ContactPerson,
    DirectoryEntry,
    Meeting,
)
from comity.network.schemas import (
    AcknowledgeIn,
    ActionItemIn,
    AlertIn,
    ConsultationIn,
    ConsultationOut,
    ConsultationPage,
    ConversionIn,
    ConversionOut,
    DirectoryPage,
    FinderAnswer,
    InvitationIn,
    MeetingIn,
    MeetingRecordIn,
    MessageIn,
    MessageOut,
    OutcomeIn,
    RescheduleIn,
    WithdrawIn,
)
from comity.reference.choices import AlertStatus

# Every creation here accepts an `Idempotency-Key`: a retry creates nothing twice.
ONCE = {"parameters": [IDEMPOTENCY_PARAMETER]}
T = TypeVar("T", bound=Model)


def _keyset(queryset: QuerySet[T], *, sort: str, cursor: str) -> tuple[list[T], str | None]:
    """One page of `queryset` (a list's, with what its rows show prefetched) ordered by `sort`
    then id, and the cursor of the next page: the keys are paged, then their rows read."""
    page = keyset_page(
        queryset.order_by().values("pk", sort.lstrip("-")),
        sort=sort,
        cursor=cursor or None,
        size=settings.COMITY_PAGE_SIZE,
    )
    found = queryset.in_bulk([row["pk"] for row in page.items])
    return [found[row["pk"]] for row in page.items], page.next_cursor


_IN_PATH = {
    "consultation_id": selectors.consultations_visible_to,
    "meeting_id": selectors.meetings_visible_to,
    "alert_id": selectors.alerts_visible_to,
}


def _insiders(allowed: Callable[[User], None]) -> Callable[[HttpRequest, User], None]:
    """A check for `gated`, run before django-ninja reads the body so that an outsider learns
    nothing from a 422 either: 404 to whoever `allowed` refuses and, where the path names a
    consultation, a meeting or an alert, to whoever does not take part in it."""

    def check(request: HttpRequest, user: User) -> None:
        allowed(user)
        found = request.resolver_match.kwargs if request.resolver_match else {}
        for name, visible in _IN_PATH.items():
            if name in found and not visible(user).filter(pk=found[name]).exists():
                raise Http404

    return check


# The authentication of every operation that takes a body or typed parameters: network members (a
# suspended one is not), and for the alerts' operations whoever the alerts exist for
# (selectors.uses_alerts: members and, member or not, those a trusted peer's authority may alert
# or has alerted).
insiders = gated(_insiders(selectors.require_member))
alert_insiders = gated(_insiders(selectors.require_alerts))

router = Router(auth=api_auth, tags=["network"])
consultations_router = Router(tags=["consultations"])
meetings_router = Router(tags=["meetings"])
alerts_router = Router(tags=["alerts"])


# Urgent freezing alerts ------------------------------------------------------------------------


def _when(moment: datetime.datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def alert_out(alert: Alert, *, reader: User, detail: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": alert.pk,
        "from_authority": _authority(alert.from_authority),
        "to_authority": _authority(alert.to_authority),
        "status": alert.status,
        "sent_at": _when(alert.sent_at),
        "deadline": _when(alert.deadline),
        "acknowledged_at": _when(alert.acknowledged_at),
        "escalated_at": _when(alert.escalated_at),
        "assets": [
            {
                "id": a.pk,
                "identifier_kind": a.identifier_kind,
                "identifier": a.identifier,
                "amount": None if a.amount is None else f"{a.amount:.2f}",
                "currency": a.currency or None,
                "frozen": a.frozen_step_id is not None,
            }
            for a in alert.assets.all()
        ],
    }
    if detail:
        out |= {
            "reason": alert.reason,
            # The sender's case is the sender's: its id means something to its participants only.
            "asset_case": alert.asset_case_id if alert.from_authority_id == reader.authority_id else None,
            "steps": [
                {
                    "status": s.status,
                    "at": _when(s.at),
                    "authority": s.authority_id,
                    "note": s.note,
                    "order_reference": s.order_reference,
                }
                for s in alert.steps.all()
            ],
        }
    return out


def _authority(authority: Authority) -> dict[str, Any]:
    return {"id": authority.pk, "name": authority.name, "country": authority.country}


def _alert(request: AuthedRequest, alert_id: int) -> dict[str, Any]:
    alert = selectors.alert_detail(request.user, alert_id, channel=AccessEntry.Channel.API)
    return alert_out(alert, reader=request.user)


def _alert_for_write(request: AuthedRequest, alert_id: int) -> Alert:
    # No membership asked here: alerts_visible_to asks it, except of an alert between deployments.
    return visible_or_404(selectors.alerts_visible_to(request.user), alert_id)


@alerts_router.get(
    "", auth=api_auth, summary="List the urgent freezing alerts your authority sent or received"
)
def list_alerts(
    request: AuthedRequest,
    direction: str = "",
    status: str = "",
    cursor: str = "",
) -> dict[str, Any]:
    """`direction`: `sent` or `received` (both if empty); `status`: an alert status (VOCABULARY.md).
    Newest first, a page at a time: `next_cursor` is the `cursor` of the next page (null on the last)."""
    selectors.require_alerts(request.user)
    errors = FieldErrors()
    errors.code("direction", direction, ["sent", "received"], required=False)
    errors.code("status", status, AlertStatus, required=False)
    errors.raise_if_any()
    alerts = selectors.alert_list(request.user, direction=direction, status=status)
    items, next_cursor = _keyset(alerts, sort="-sent_at", cursor=cursor)
    return {
        "items": [alert_out(a, reader=request.user, detail=False) for a in items],
        "next_cursor": next_cursor,
    }


@alerts_router.post(
    "", auth=alert_insiders, response={201: dict}, summary="Send an urgent freezing alert", openapi_extra=ONCE
)
def send_alert(request: AuthedRequest, response: HttpResponse, payload: AlertIn) -> Status:
    selectors.require_alerts(request.user)
    to_authority = Authority.objects.filter(pk=payload.to_authority).first()
    if to_authority is None:
        raise ValidationError(
            {"to_authority": [_("No authority with id %(id)s.") % {"id": payload.to_authority}]}
        )
    case = None
    if payload.asset_case is not None:
        case = assets_selectors.cases_visible_to(request.user).filter(pk=payload.asset_case).first()
        if case is None:
            raise ValidationError(
                {"asset_case": [_("No asset case with id %(id)s.") % {"id": payload.asset_case}]}
            )
    alert = created_once(
        request,
        response,
        Alert,
        lambda: services.alert_send(
            actor=request.user,
            to_authority=to_authority,
            assets=[services.AlertAssetInput(**a.dict()) for a in payload.assets],
            reason=payload.reason,
            deadline=payload.deadline,
            asset_case=case,
        ),
    )
    return Status(201, _alert(request, alert.pk))


@alerts_router.get(
    "/{int:alert_id}", auth=api_auth, summary="Read an alert with each of its steps and their times"
)
def read_alert(request: AuthedRequest, alert_id: ObjectId) -> dict[str, Any]:
    return _alert(request, alert_id)


@alerts_router.post(
    "/{int:alert_id}/acknowledge", auth=alert_insiders, summary="Acknowledge an alert your authority received"
)
def acknowledge_alert(request: AuthedRequest, alert_id: ObjectId, payload: AcknowledgeIn) -> dict[str, Any]:
    services.alert_acknowledge(
        actor=request.user, alert=_alert_for_write(request, alert_id), note=payload.note
    )
    return _alert(request, alert_id)


@alerts_router.post(
    "/{int:alert_id}/outcome",
    auth=alert_insiders,
    summary="Record the outcome: freezing-ordered, frozen, not-possible (with why), request-needed",
)
def record_outcome(request: AuthedRequest, alert_id: ObjectId, payload: OutcomeIn) -> dict[str, Any]:
    data = payload.dict()
    services.alert_outcome(
        actor=request.user,
        alert=_alert_for_write(request, alert_id),
        **(data | {"frozen": [services.FrozenInput(**f) for f in data["frozen"]]}),
    )
    return _alert(request, alert_id)


@alerts_router.post(
    "/{int:alert_id}/withdraw", auth=alert_insiders, summary="Withdraw an alert your authority sent"
)
def withdraw_alert(request: AuthedRequest, alert_id: ObjectId, payload: WithdrawIn) -> dict[str, Any]:
    services.alert_withdraw(
        actor=request.user, alert=_alert_for_write(request, alert_id), reason=payload.reason
    )
    return _alert(request, alert_id)


# Case coordination meetings --------------------------------------------------------------------


def meeting_out(meeting: Meeting, *, detail: bool = True) -> dict[str, Any]:
    participants = [p.authority for p in meeting.participants.all()]
    out: dict[str, Any] = {
        "id": meeting.pk,
        "title": meeting.title,
        "starts_at": _when(meeting.starts_at),
        "ends_at": _when(meeting.ends_at),
        "duration_minutes": meeting.duration_minutes,
        "location": meeting.location,
        "organiser": _authority(meeting.organiser),
        "participants": [_authority(a) for a in participants],
    }
    if detail:
        zones = selectors.time_zones([a.pk for a in participants])
        out |= {
            # The start as each participant reads it on its own clock.
            "local_times": [
                {
                    "authority": a.pk,
                    "time_zone": zones[a.pk],
                    "starts_at": meeting.starts_at.astimezone(ZoneInfo(zones[a.pk])).isoformat(),
                }
                for a in participants
            ],
            "agenda": meeting.agenda,
            "minutes": meeting.minutes,
            "requests": [r.pk for r in meeting.requests.all()],
            "asset_cases": [c.pk for c in meeting.asset_cases.all()],
            "consultations": [c.pk for c in meeting.consultations.all()],
            "action_items": [action_out(i) for i in meeting.action_items.all()],
        }
    return out


def action_out(item: ActionItem) -> dict[str, Any]:
    return {
        "id": item.pk,
        "text": item.text,
        "owner": {"id": item.owner.pk, "name": item.owner.get_full_name() or item.owner.username},
        "due_on": item.due_on.isoformat(),
        "done_on": item.done_on.isoformat() if item.done_on else None,
    }


def _meeting(request: AuthedRequest, meeting_id: int) -> dict[str, Any]:
    return meeting_out(selectors.meeting_detail(request.user, meeting_id, channel=AccessEntry.Channel.API))


def _meeting_for_write(request: AuthedRequest, meeting_id: int) -> Meeting:
    selectors.require_member(request.user)
    return visible_or_404(selectors.meetings_visible_to(request.user), meeting_id)


def _unknown(field: str, asked: list[int], found: Collection[int], what: str) -> None:
    missing = [str(pk) for pk in asked if pk not in found]
    if missing:
        raise ValidationError({field: [what % {"ids": ", ".join(missing)}]})


@meetings_router.get("", auth=insiders, summary="List the coordination meetings your authority takes part in")
def list_meetings(request: AuthedRequest, upcoming: bool = False, cursor: str = "") -> dict[str, Any]:
    """Soonest first, a page at a time: `next_cursor` is the `cursor` of the next page (null on the last)."""
    meetings = selectors.meeting_list(request.user, upcoming=upcoming)
    items, next_cursor = _keyset(meetings, sort="starts_at", cursor=cursor)
    return {"items": [meeting_out(m, detail=False) for m in items], "next_cursor": next_cursor}


@meetings_router.post(
    "", auth=insiders, response={201: dict}, summary="Plan a case coordination meeting", openapi_extra=ONCE
)
def plan_meeting(request: AuthedRequest, response: HttpResponse, payload: MeetingIn) -> Status:
    selectors.require_member(request.user)
    data = payload.dict()
    authorities = {a.pk: a for a in Authority.objects.filter(pk__in=data["participants"])}
    _unknown("participants", data["participants"], authorities, _("No authority with id %(ids)s."))
    requests = {r.pk: r for r in requests_visible_to(request.user).filter(pk__in=data["requests"])}
    _unknown("requests", data["requests"], requests, _("No request with id %(ids)s."))
    cases = {
        c.pk: c for c in assets_selectors.cases_visible_to(request.user).filter(pk__in=data["asset_cases"])
    }
    _unknown("asset_cases", data["asset_cases"], cases, _("No asset case with id %(ids)s."))
    consultations = {
        c.pk: c for c in selectors.consultations_visible_to(request.user).filter(pk__in=data["consultations"])
    }
    _unknown("consultations", data["consultations"], consultations, _("No consultation with id %(ids)s."))
    meeting = created_once(
        request,
        response,
        Meeting,
        lambda: services.meeting_plan(
            actor=request.user,
            **data
            | {
                "participants": list(authorities.values()),
                "requests": list(requests.values()),
                "asset_cases": list(cases.values()),
                "consultations": list(consultations.values()),
            },
        ),
    )
    return Status(201, _meeting(request, meeting.pk))


@meetings_router.get(
    "/{int:meeting_id}", auth=api_auth, summary="Read a meeting: local times, agenda, minutes, actions"
)
def read_meeting(request: AuthedRequest, meeting_id: ObjectId) -> dict[str, Any]:
    selectors.require_member(request.user)
    return _meeting(request, meeting_id)


@meetings_router.get(
    "/{int:meeting_id}.ics",
    auth=api_auth,
    summary="The meeting as an iCalendar invitation",
    response={200: None},
    openapi_extra={"responses": {200: {"description": "text/calendar", "content": {"text/calendar": {}}}}},
)
def meeting_calendar(request: AuthedRequest, meeting_id: ObjectId) -> HttpResponse:
    selectors.require_member(request.user)
    meeting = selectors.meeting_detail(request.user, meeting_id, channel=AccessEntry.Channel.API)
    response = HttpResponse(services.meeting_ics(meeting), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


@meetings_router.post(
    "/{int:meeting_id}/record", auth=insiders, summary="Change the agenda, the place or the minutes"
)
def record_meeting(request: AuthedRequest, meeting_id: ObjectId, payload: MeetingRecordIn) -> dict[str, Any]:
    services.meeting_record(
        actor=request.user, meeting=_meeting_for_write(request, meeting_id), **payload.dict()
    )
    return _meeting(request, meeting_id)


@meetings_router.post(
    "/{int:meeting_id}/reschedule", auth=insiders, summary="Move a meeting or change its length"
)
def reschedule_meeting(request: AuthedRequest, meeting_id: ObjectId, payload: RescheduleIn) -> dict[str, Any]:
    services.meeting_reschedule(
        actor=request.user, meeting=_meeting_for_write(request, meeting_id), **payload.dict()
    )
    return _meeting(request, meeting_id)


@meetings_router.post(
    "/{int:meeting_id}/actions",
    auth=insiders,
    response={201: dict},
    summary="Add an action item (owner, due date)",
)
def add_action(request: AuthedRequest, meeting_id: ObjectId, payload: ActionItemIn) -> Status:
    meeting = _meeting_for_write(request, meeting_id)
    item = services.action_item_add(
        actor=request.user,
        meeting=meeting,
        text=payload.text,
        owner=selectors.action_owners(meeting).filter(pk=payload.owner).first(),
        due_on=payload.due_on,
    )
    item.owner.refresh_from_db()
    return Status(201, action_out(item))


@meetings_router.post(
    "/{int:meeting_id}/actions/{int:item_id}/done", auth=api_auth, summary="Mark an action item done"
)
def action_done(request: AuthedRequest, meeting_id: ObjectId, item_id: ObjectId) -> dict[str, Any]:
    meeting = _meeting_for_write(request, meeting_id)
    item = visible_or_404(
        ActionItem.objects.filter(meeting=meeting).select_related("meeting", "owner"), item_id
    )
    return action_out(services.action_item_done(actor=request.user, item=item))


# Consultations (#22 item 4) ---------------------------------------------------------------------


def _authority_out(authority: Authority | AuthorityRef) -> dict[str, Any]:
    return {"id": authority.pk, "name": authority.name, "country": authority.country, "kind": authority.kind}


def _consultation_row(row: selectors.InboxRow) -> dict[str, Any]:
    return {
        "id": row.pk,
        "subject": row.subject,
        "handling": row.handling,
        "state": row.state,
        "opened_by_authority": _authority_out(row.opened_by_authority),
        "participants": [_authority_out(p) for p in row.participants],
        "created_at": row.created_at,
        "last_activity_at": row.last_activity_at,
        "unread": row.unread,
        "request_id": row.request_id,
    }


def _consultation_out(user: User, consultation: Consultation) -> dict[str, Any]:
    mine = [r.read_up_to for r in consultation.receipts.all() if r.user_id == user.pk]
    return _consultation_row(selectors.InboxRow.of(consultation, mine[0] if mine else 0)) | {
        "summary": consultation.summary,
        "questions": consultation.questions,
        "request_type": consultation.request_type or None,
        "legal_basis": consultation.legal_basis or None,
        "proceeding": consultation.proceeding or None,
        "offences": consultation.offences,
        "measures": consultation.measures,
        "subjects": consultation.subjects,
        "messages": [
            {
                "id": message.pk,
                "authority": _authority_out(message.authority),
                "author": message.author.username if message.author else None,
                "body": message.body,
                "posted_at": message.posted_at,
                "attachments": [
                    {
                        "id": a.pk,
                        "name": a.name,
                        "content_type": a.content_type,
                        "size": a.size,
                        "sha256": a.sha256,
                        "url": f"/api/v1/consultations/{consultation.pk}/attachments/{a.pk}",
                    }
                    for a in message.attachments.all()
                ],
                "read_by": [
                    {"authority": _authority_out(r.authority), "user": r.user.username, "read_at": r.read_at}
                    for r in selectors.readers_of(consultation, message)
                ],
            }
            for message in consultation.messages.all()
        ],
    }


def _member(request: AuthedRequest) -> User:
    """The acting user, if their authority is an approved member (else 404: see selectors)."""
    selectors.require_member(request.user)
    return request.user


def _read(user: User, pk: int) -> dict[str, Any]:
    services.consultation_mark_read(user=user, consultation=selectors.consultation_for_write(user, pk))
    return _consultation_out(user, selectors.consultation_detail(user, pk, channel=AccessEntry.Channel.API))


@consultations_router.get(
    "",
    auth=insiders,
    response=ConsultationPage,
    summary="The consultations your authority takes part in, most recently active first",
)
def list_consultations(
    request: AuthedRequest,
    state: str = "open",
    handling: str = "",
    limit: int = Query(50, ge=1, le=200),
    cursor: str = Query("", description="`next_cursor` of the page before"),
) -> HttpResponse:
    user = request.user  # a member: `insiders` has checked, before `limit` was parsed
    filters = selectors.ConsultationFilters.parse({"state": state, "handling": handling})
    page = selectors.consultation_inbox(user, filters, cursor=cursor or None, size=limit)
    # As the request list does: the rows are built from typed model fields, and re-validating
    # them through the response schema took half the endpoint's time. The schema still documents
    # the shape; times are written as the schema's encoder writes them.
    items = [
        _consultation_row(row)
        | {"created_at": _time(row.created_at), "last_activity_at": _time(row.last_activity_at)}
        for row in page.items
    ]
    return HttpResponse(
        orjson.dumps({"items": items, "next_cursor": page.next_cursor}), content_type="application/json"
    )


_time = DjangoJSONEncoder().default


@consultations_router.post(
    "",
    auth=insiders,
    response={201: ConsultationOut},
    summary="Open a consultation",
    openapi_extra={"parameters": [IDEMPOTENCY_PARAMETER]},
)
def open_consultation(request: AuthedRequest, response: HttpResponse, payload: ConsultationIn) -> Status:
    user = _member(request)
    data = payload.dict()
    participants = authorities_by_id(data.pop("participants"), "participants")
    data["subjects"] = [SubjectInput(**s) for s in data["subjects"]]
    data.update({name: data[name] or "" for name in ("request_type", "legal_basis", "proceeding")})
    consultation = created_once(
        request,
        response,
        Consultation,
        lambda: services.consultation_open(actor=user, participants=participants, **data),
    )
    return Status(201, _read(user, consultation.pk))


@consultations_router.get(
    "/{int:consultation_id}", auth=api_auth, response=ConsultationOut, summary="Read a consultation"
)
def read_consultation(request: AuthedRequest, consultation_id: ObjectId) -> dict[str, Any]:
    return _read(_member(request), consultation_id)


@consultations_router.post(
    "/{int:consultation_id}/messages",
    auth=insiders,
    response={201: MessageOut},
    summary="Post a message (with draft attachments)",
    openapi_extra={"parameters": [IDEMPOTENCY_PARAMETER]},
)
def post_message(
    request: AuthedRequest, response: HttpResponse, consultation_id: ObjectId, payload: MessageIn
) -> Status:
    user = _member(request)
    consultation = selectors.consultation_for_write(user, consultation_id)
    data = payload.dict()
    files = []
    for position, attachment in enumerate(data.pop("attachments"), start=1):
        try:
            content = base64.b64decode(attachment["content_base64"], validate=True)
        except (binascii.Error, ValueError):
            raise ValidationError(
                {f"attachments.{position - 1}.content_base64": [_("This is not base64 (RFC 4648).")]}
            ) from None
        files.append(services.AttachmentInput(name=attachment["name"], content=content))
    body = data.pop("body")
    if data.get("subjects") is not None:
        data["subjects"] = [SubjectInput(**s) for s in data["subjects"]]
    message = created_once(
        request,
        response,
        ConsultationMessage,
        lambda: services.consultation_post(
            actor=user, consultation=consultation, body=body, attachments=files, noted=data
        ),
    )
    out = _read(user, consultation_id)
    return Status(201, next(m for m in out["messages"] if m["id"] == message.pk))


@consultations_router.post(
    "/{int:consultation_id}/participants",
    auth=insiders,
    response={201: ConsultationOut},
    summary="Invite further authorities of the network",
)
def invite(request: AuthedRequest, consultation_id: ObjectId, payload: InvitationIn) -> Status:
    user = _member(request)
    consultation = selectors.consultation_for_write(user, consultation_id)
    authorities = authorities_by_id(payload.authorities, "authorities")
    services.consultation_invite(actor=user, consultation=consultation, authorities=authorities)
    return Status(201, _read(user, consultation_id))


@consultations_router.post(
    "/{int:consultation_id}/close", auth=api_auth, response=ConsultationOut, summary="Close a consultation"
)
def close(request: AuthedRequest, consultation_id: ObjectId) -> dict[str, Any]:
    user = _member(request)
    services.consultation_close(
        actor=user, consultation=selectors.consultation_for_write(user, consultation_id)
    )
    return _read(user, consultation_id)


@consultations_router.post(
    "/{int:consultation_id}/convert",
    auth=insiders,
    response={201: ConversionOut},
    summary="Convert into a cooperation request (returns its id)",
    openapi_extra={"parameters": [IDEMPOTENCY_PARAMETER]},
)
def convert(
    request: AuthedRequest, response: HttpResponse, consultation_id: ObjectId, payload: ConversionIn
) -> Status:
    user = _member(request)
    consultation = selectors.consultation_for_write(user, consultation_id)
    data = payload.dict()
    requested = data.pop("requested_authority")
    target = authorities_by_id([requested], "requested_authority")[0] if requested else None
    data.update({name: data[name] or "" for name in ("type", "legal_basis", "proceeding")})
    created = created_once(
        request,
        response,
        Request,
        lambda: services.consultation_convert(
            actor=user, consultation=consultation, requested_authority=target, **data
        ),
    )
    return Status(201, {"request_id": created.pk})


@consultations_router.get(
    "/{int:consultation_id}/attachments/{int:attachment_id}",
    auth=api_auth,
    summary="Download a draft attachment",
    response={200: bytes},
)
def download_attachment(
    request: AuthedRequest, consultation_id: ObjectId, attachment_id: ObjectId
) -> HttpResponse:
    user = _member(request)
    attachment = selectors.attachment_download(
        user, consultation_id, attachment_id, channel=AccessEntry.Channel.API
    )
    return attachment_response(attachment)


def contact_out(contact: ContactPerson) -> dict[str, Any]:
    return {"id": contact.pk, **{name: getattr(contact, name) for name in services.CONTACT_FIELDS}}


def authority_out(entry: DirectoryEntry) -> dict[str, Any]:
    authority = entry.authority
    return {"id": authority.pk, "name": authority.name, "country": authority.country, "kind": authority.kind}


def entry_out(entry: DirectoryEntry, stale: bool) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "authority": authority_out(entry),
        "country": entry.authority.country,
        **{name: getattr(entry, name) for name in (*services.ENTRY_FIELDS, "last_confirmed_on")},
        "stale": stale,
        "contacts": [contact_out(c) for c in entry.contacts.all()],
    }


@router.get(
    "/directory",
    response=DirectoryPage,
    summary="The network's directory: whom to ask in each State",
    description="Every authority's directory entry with its contact persons, to the network's members "
    "(404 to anyone else). `country`, `kind` and `network` (an affiliation) filter it; `kind` takes an "
    "authority kind (as each item's `authority.kind`: `central-authority`, `asset-recovery-office`...) or a "
    "competence (as its `competences`: `mla`, `urgent-24-7`...), two lists that share no code. "
    "`stale` says it was not confirmed for 13 months.",
    openapi_extra={
        "parameters": [
            *filterset_parameters(DirectoryFilterSet),
            {"in": "query", "name": "cursor", "schema": {"type": "string"}, "required": False},
        ]
    },
)
def directory(request: AuthedRequest) -> dict[str, Any]:
    selectors.require_member(request.user)
    entries = selectors.directory_filtered(request.user, request.GET)
    items, next_cursor = _keyset(entries, sort="id", cursor=request.GET.get("cursor", ""))
    today = timezone.localdate()
    return {"items": [entry_out(e, e.stale_on(today)) for e in items], "next_cursor": next_cursor}


@router.get(
    "/finder",
    response=FinderAnswer,
    summary='"Who do I ask?": the competent authority, contact and channel in a State',
    description="Only `country` is required; `measure`, `offence`, `proceeding` (codes of /api/v1/vocabularies) "
    "and `urgent` (true: the 24/7 contact) rank the State's authorities, best match first.",
    openapi_extra={
        "parameters": [
            {"in": "query", "name": name, "schema": {"type": kind}, "required": name == "country"}
            for name, kind in (
                ("country", "string"),
                ("measure", "string"),
                ("offence", "string"),
                ("proceeding", "string"),
                ("urgent", "boolean"),
            )
        ]
    },
)
def finder(request: AuthedRequest) -> dict[str, Any]:
    selectors.require_member(request.user)
    form = FinderForm(request.GET)
    if not form.is_valid():
        raise ValidationError({field: list(errors) for field, errors in form.errors.items()})
    results = selectors.finder(request.user, **form.cleaned_data)
    requirements = (
        selectors.requirements_url(request.user, form.cleaned_data["country"], form.cleaned_data["measure"])
        if results
        else None
    )
    return {
        "results": [
            {
                "authority": authority_out(found.entry),
                "contact": contact_out(found.contact) if found.contact else None,
                **{
                    name: getattr(found.entry, name)
                    for name in (
                        "channels",
                        "languages",
                        "competences",
                        "encryption_required",
                        "signature_required",
                        "uncac_accepted",
                        "urgent_procedure",
                        "last_confirmed_on",
                    )
                },
                "stale": found.stale,
                "requirements_url": requirements,
            }
            for found in results
        ]
    }
