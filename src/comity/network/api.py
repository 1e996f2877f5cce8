"""The network's API: `/api/v1/network` (the directory and the finder), `/api/v1/consultations`,
`/api/v1/meetings`, `/api/v1/alerts`. Members only: to anyone else every operation is a 404."""

import datetime
from collections.abc import Collection
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Status

from comity.accounts.auth import api_auth
from comity.accounts.http import AuthedRequest
from comity.accounts.models import Authority, User
from comity.assets import selectors as assets_selectors
from comity.cooperation.selectors import requests_visible_to
from comity.core.api import IDEMPOTENCY_PARAMETER, created_once
from comity.core.errors import FieldErrors
from comity.core.models import AccessEntry
from comity.core.numbers import ObjectId
from comity.core.policy import visible_or_404
from comity.network import selectors, services
from comity.network.models import ActionItem, Alert, Meeting
from comity.network.schemas import (
    AcknowledgeIn,
    ActionItemIn,
    AlertIn,
    MeetingIn,
    MeetingRecordIn,
    OutcomeIn,
    RescheduleIn,
    WithdrawIn,
)
from comity.reference.choices import AlertStatus

# Every creation here accepts an `Idempotency-Key`: a retry creates nothing twice.
ONCE = {"parameters": [IDEMPOTENCY_PARAMETER]}

router = Router(tags=["network"])
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
    selectors.require_member(request.user)
    return visible_or_404(selectors.alerts_visible_to(request.user), alert_id)


@alerts_router.get(
    "", auth=api_auth, summary="List the urgent freezing alerts your authority sent or received"
)
def list_alerts(
    request: AuthedRequest,
    direction: str = "",
    status: str = "",
) -> list[dict[str, Any]]:
    """`direction`: `sent` or `received` (both if empty); `status`: an alert status (VOCABULARY.md)."""
    selectors.require_member(request.user)
    errors = FieldErrors()
    errors.code("direction", direction, ["sent", "received"], required=False)
    errors.code("status", status, AlertStatus, required=False)
    errors.raise_if_any()
    return [
        alert_out(a, reader=request.user, detail=False)
        for a in selectors.alert_list(request.user, direction=direction, status=status)
    ]


@alerts_router.post(
    "", auth=api_auth, response={201: dict}, summary="Send an urgent freezing alert", openapi_extra=ONCE
)
def send_alert(request: AuthedRequest, response: HttpResponse, payload: AlertIn) -> Status:
    selectors.require_member(request.user)
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
    selectors.require_member(request.user)
    return _alert(request, alert_id)


@alerts_router.post(
    "/{int:alert_id}/acknowledge", auth=api_auth, summary="Acknowledge an alert your authority received"
)
def acknowledge_alert(request: AuthedRequest, alert_id: ObjectId, payload: AcknowledgeIn) -> dict[str, Any]:
    services.alert_acknowledge(
        actor=request.user, alert=_alert_for_write(request, alert_id), note=payload.note
    )
    return _alert(request, alert_id)


@alerts_router.post(
    "/{int:alert_id}/outcome",
    auth=api_auth,
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
    "/{int:alert_id}/withdraw", auth=api_auth, summary="Withdraw an alert your authority sent"
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


@meetings_router.get("", auth=api_auth, summary="List the coordination meetings your authority takes part in")
def list_meetings(request: AuthedRequest, upcoming: bool = False) -> list[dict[str, Any]]:
    selectors.require_member(request.user)
    return [meeting_out(m, detail=False) for m in selectors.meeting_list(request.user, upcoming=upcoming)]


@meetings_router.post(
    "", auth=api_auth, response={201: dict}, summary="Plan a case coordination meeting", openapi_extra=ONCE
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
    "/{int:meeting_id}/record", auth=api_auth, summary="Change the agenda, the place or the minutes"
)
def record_meeting(request: AuthedRequest, meeting_id: ObjectId, payload: MeetingRecordIn) -> dict[str, Any]:
    services.meeting_record(
        actor=request.user, meeting=_meeting_for_write(request, meeting_id), **payload.dict()
    )
    return _meeting(request, meeting_id)


@meetings_router.post(
    "/{int:meeting_id}/reschedule", auth=api_auth, summary="Move a meeting or change its length"
)
def reschedule_meeting(request: AuthedRequest, meeting_id: ObjectId, payload: RescheduleIn) -> dict[str, Any]:
    services.meeting_reschedule(
        actor=request.user, meeting=_meeting_for_write(request, meeting_id), **payload.dict()
    )
    return _meeting(request, meeting_id)


@meetings_router.post(
    "/{int:meeting_id}/actions",
    auth=api_auth,
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
