"""`/api/v1/requests`: the same services and selectors as the pages, as JSON."""

from typing import Any

import orjson
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Status

from comity.accounts.auth import api_auth
from comity.accounts.http import AuthedRequest
from comity.accounts.models import Authority, User
from comity.cooperation import selectors, services
from comity.cooperation.filters import AccessLogFilterSet, RequestFilterSet
from comity.cooperation.models import Request, RequestBarrier
from comity.cooperation.schemas import (
    AccessPage,
    EventIn,
    EventOut,
    RequestBarrierIn,
    RequestIn,
    RequestOut,
    RequestPage,
    RequestPatch,
)
from comity.core.api import IDEMPOTENCY_PARAMETER, create_once
from comity.core.filters import valid_filters
from comity.core.models import AccessEntry
from comity.core.numbers import ObjectId
from comity.core.openapi import filterset_parameters
from comity.core.services import Submitted
from comity.federation import services as federation

router = Router(auth=api_auth, tags=["requests"])


def _authority(authority: Authority | selectors.AuthorityRef) -> dict[str, Any]:
    return {"id": authority.pk, "name": authority.name, "country": authority.country, "kind": authority.kind}


def request_row(user: User, request: Request | selectors.RequestRow) -> dict[str, Any]:
    return {
        "id": request.pk,
        "direction": request.direction_for(user.authority_id),
        "type": request.type,
        "legal_basis": request.legal_basis,
        "proceeding": request.proceeding,
        "offences": selectors.offence_codes(request),
        "requesting_authority": _authority(request.requesting_authority),
        "requested_authority": _authority(request.requested_authority),
        "requesting_reference": request.requesting_reference,
        "requested_reference": request.requested_reference,
        "urgent": request.urgent,
        "confidential": request.confidential,
        "status": request.status,
        "sent_on": request.sent_on,
        "received_on": request.received_on,
        "closed_on": request.closed_on,
        "outcome": request.outcome or None,
        "due_on": request.due_on,
        "overdue": request.overdue,
    }


def request_out(user: User, request: Request) -> dict[str, Any]:
    names = selectors.may_see_subject_names(user, request)
    return request_row(user, request) | {
        "measures": [row.code for row in request.measure_rows.all()],
        "summary": request.summary,
        "urgency_reason": request.urgency_reason,
        "names_visible_to": request.names_visible_to,
        "subjects": [
            {
                "kind": s.kind,
                "name": s.name if names else None,
                "identifiers": s.identifiers if names else None,
                "country": s.country,
            }
            for s in request.subjects.all()
        ],
        "acknowledged_on": request.acknowledged_on,
        "refusal_grounds": [row.code for row in request.refusal_ground_rows.all()],
    }


def _event_out(entry: selectors.TimelineEntry) -> dict[str, Any]:
    event = entry.event
    return {
        "id": event.pk,
        "kind": event.kind,
        "occurred_on": event.occurred_on,
        "recorded_at": event.recorded_at,
        "authority": _authority(event.authority),
        "actor": event.actor.username if event.actor else None,
        "text": event.text,
        "refusal_grounds": event.refusal_grounds,
        "internal": event.internal,
        "corrects": event.corrects_id,
        "corrected_by": entry.corrected_by.pk if entry.corrected_by else None,
        "corrected_on": entry.on if entry.corrected_by else None,
        "conflicting": event.conflicting,
    }


def authorities_by_id(ids: list[int], field: str) -> list[Authority]:
    found = {a.pk: a for a in Authority.objects.filter(pk__in=ids)}
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise ValidationError({field: [_("No authority with id %(ids)s.") % {"ids": ", ".join(missing)}]})
    return [found[i] for i in ids]


@router.get(
    "",
    response=RequestPage,
    summary="List requests",
    openapi_extra={
        "parameters": [
            *filterset_parameters(RequestFilterSet),
            {"in": "query", "name": "cursor", "schema": {"type": "string"}, "required": False},
        ]
    },
)
def list_requests(request: AuthedRequest) -> HttpResponse:
    filterset = selectors.request_filters(request.user, request.GET, rows=True)
    page = selectors.request_page(
        valid_filters(filterset), sort=filterset.ordering, cursor=request.GET.get("cursor")
    )
    # The rows are built from validated, typed model fields; re-validating them through the
    # response schema would only repeat that work, and the standard library's encoder
    # calls back into Python for every date. The schema still documents the shape.
    body = {"items": [request_row(request.user, r) for r in page.items], "next_cursor": page.next_cursor}
    return HttpResponse(orjson.dumps(body), content_type="application/json")


def _replayed(response: HttpResponse, done: Submitted) -> int:
    """The id of what a call created, or created the first time its `Idempotency-Key` came."""
    if done.created is not None:
        return done.created.pk
    response["Idempotent-Replayed"] = "true"
    return int(done.replayed_id or 0)


@router.get(
    "/access-log",
    response=AccessPage,
    summary="Who read the authority's requests (heads of unit)",
    openapi_extra={
        "parameters": [
            *filterset_parameters(AccessLogFilterSet),
            {"in": "query", "name": "cursor", "schema": {"type": "string"}, "required": False},
        ]
    },
)
def list_access_log(request: AuthedRequest) -> dict[str, Any]:
    if not selectors.may_read_access_log(request.user):
        raise Http404
    filterset = selectors.access_log_filters(request.user, request.GET)
    page = selectors.access_page(request.user, valid_filters(filterset), cursor=request.GET.get("cursor"))
    return {
        "items": [
            {
                "id": row.pk,
                "at": row.at,
                "channel": row.channel,
                "request_id": row.request_id,
                "reference": row.reference,
                "reader": row.reader or None,
                "reader_authority": row.reader_authority,
            }
            for row in page.items
        ],
        "next_cursor": page.next_cursor,
    }


@router.post(
    "",
    response={201: RequestOut},
    summary="Register a request",
    openapi_extra={"parameters": [IDEMPOTENCY_PARAMETER]},
)
def create_request(request: AuthedRequest, response: HttpResponse, payload: RequestIn) -> Status:
    data = payload.dict()
    [requesting] = authorities_by_id([data.pop("requesting_authority")], "requesting_authority")
    [requested] = authorities_by_id([data.pop("requested_authority")], "requested_authority")
    shared_with = authorities_by_id(data.pop("shared_with"), "shared_with")
    data["subjects"] = [services.SubjectInput(**s) for s in data["subjects"]]
    done = create_once(
        request,
        lambda: services.request_create(
            actor=request.user,
            requesting_authority=requesting,
            requested_authority=requested,
            shared_with=shared_with,
            **data,
        ),
    )
    pk = _replayed(response, done)
    return Status(
        201,
        request_out(
            request.user, selectors.request_detail(request.user, pk, channel=AccessEntry.Channel.API)
        ),
    )


@router.get("/{int:request_id}", response=RequestOut, summary="Read a request")
def read_request(request: AuthedRequest, request_id: ObjectId) -> dict[str, Any]:
    item = selectors.request_detail(request.user, request_id, channel=AccessEntry.Channel.API)
    federation.request_opened(actor=request.user, request=item)
    return request_out(request.user, item)


@router.patch("/{int:request_id}", response=RequestOut, summary="Change a request's editable fields")
def update_request(request: AuthedRequest, request_id: ObjectId, payload: RequestPatch) -> dict[str, Any]:
    target = selectors.request_for_write(request.user, request_id)
    # Fields the schema does not name go to the service too, which says why each cannot be
    # changed: dropped by the schema, they made a 200 that changed nothing.
    given = orjson.loads(request.body)
    if not isinstance(given, dict):
        raise ValidationError(_("The body is a JSON object of the fields to change."))
    changes = payload.dict(exclude_unset=True) | {
        name: given[name] for name in given.keys() - RequestPatch.model_fields.keys()
    }
    nulls = [name for name, value in changes.items() if value is None and name in RequestPatch.model_fields]
    if nulls:
        raise ValidationError({name: [_("This field cannot be null.")] for name in nulls})
    if "subjects" in changes:
        changes["subjects"] = [services.SubjectInput(**s) for s in changes["subjects"]]
    services.request_update(actor=request.user, request=target, changes=changes)
    return request_out(
        request.user, selectors.request_detail(request.user, request_id, channel=AccessEntry.Channel.API)
    )


@router.get("/{int:request_id}/events", response=list[EventOut], summary="The request's timeline")
def list_events(request: AuthedRequest, request_id: ObjectId) -> list[dict[str, Any]]:
    target = selectors.request_detail(request.user, request_id, channel=AccessEntry.Channel.API)
    return [_event_out(entry) for entry in selectors.timeline_visible(request.user, target)]


@router.post(
    "/{int:request_id}/events",
    response={201: EventOut},
    summary="Record an event",
    openapi_extra={"parameters": [IDEMPOTENCY_PARAMETER]},
)
def create_event(
    request: AuthedRequest, response: HttpResponse, request_id: ObjectId, payload: EventIn
) -> Status:
    target = selectors.request_for_write(request.user, request_id)
    done = create_once(
        request, lambda: services.event_record(actor=request.user, request=target, **payload.dict())
    )
    pk = _replayed(response, done)
    [entry] = [e for e in selectors.timeline_visible(request.user, target) if e.event.pk == pk]
    return Status(201, _event_out(entry))


def _barrier_out(barrier: RequestBarrier) -> dict[str, Any]:
    return {
        "id": barrier.pk,
        "code": barrier.code,
        "on": barrier.on.isoformat(),
        "note": barrier.note,
        "authority": barrier.authority_id,
    }


@router.get("/{int:request_id}/barriers", summary="The barriers met in a request")
def list_barriers(request: AuthedRequest, request_id: ObjectId) -> list[dict[str, Any]]:
    target = selectors.request_detail(request.user, request_id, channel=AccessEntry.Channel.API)
    return [_barrier_out(b) for b in selectors.barriers_visible(request.user, target)]


@router.post(
    "/{int:request_id}/barriers",
    response={201: dict},
    summary="Record a barrier met in a request",
    openapi_extra={"parameters": [IDEMPOTENCY_PARAMETER]},
)
def create_barrier(
    request: AuthedRequest, response: HttpResponse, request_id: ObjectId, payload: RequestBarrierIn
) -> Status:
    target = selectors.request_for_write(request.user, request_id)
    done = create_once(
        request,
        lambda: services.request_barrier_record(actor=request.user, request=target, **payload.dict()),
    )
    return Status(201, _barrier_out(RequestBarrier.objects.get(pk=_replayed(response, done))))
