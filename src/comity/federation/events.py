"""Shared events of a request that travelled between two deployments (ADR 11): each shared event
either side records goes to the other as a `request.event`, named by its origin (the deployment
that recorded it and its id there) and by what its origin had of the other side's events, so
that both ends fold the same events in the same order (`cooperation.statemachine.fold_shared`).
"""

import contextlib
import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from comity.accounts.models import Authority, User
from comity.cooperation import services as cooperation
from comity.cooperation.choices import EventKind
from comity.cooperation.models import Event, Request
from comity.core import messages
from comity.federation import services as federation
from comity.federation.choices import MessageDirection
from comity.federation.models import Deployment, Message, Peer

# Events of a request's shared timeline that travel to the other side: never notes, never a
# side's own creation (each side has its own).
SHARED_EVENT_KINDS = frozenset(EventKind.values) - {EventKind.NOTE, EventKind.CREATED}


def own_deployment() -> str:
    """This deployment's name ('' before `comity federation init`)."""
    return Deployment.objects.values_list("name", flat=True).first() or ""


def _conversation(request: Request) -> tuple[str, str] | None:
    """The conversation id of a request that travelled, and this deployment's name in it; None
    for a request that never travelled (one query, whatever the event)."""
    found = (
        Message.objects.filter(kind="request.new", request=request)
        .values_list("conversation_id", "direction", "manifest")
        .first()
    )
    if found is None:
        return None
    conversation_id, direction, manifest = found
    end = "sender" if direction == MessageDirection.OUTBOUND else "recipient"
    return str(conversation_id), manifest[end]["deployment"]


def forward(*, actor: User, request: Request, event: Event) -> None:
    """Queue a `request.event` for a shared event recorded here on a request that travelled
    between this deployment and a peer; called by cooperation's event_record in its transaction.
    An event applied from the peer (it has an origin) does not go back."""
    if event.internal or event.kind not in SHARED_EVENT_KINDS or event.origin_deployment:
        return
    found = _conversation(request)
    if found is None:
        return
    send(actor=actor, request=request, event=event, conversation_id=found[0], own=found[1])


def send(*, actor: User | None, request: Request, event: Event, conversation_id: str, own: str) -> None:
    """Queue one of this side's shared events for the other side of `request`."""
    body: dict[str, Any] = {
        "event_id": event.pk,
        "kind": event.kind,
        "occurred_on": event.occurred_on.isoformat(),
        "text": event.text,
        "refusal_grounds": list(event.refusal_grounds or []),
        "after_event_id": event.after_event_id,
    }
    if event.kind == EventKind.CORRECTION:
        target = event.corrects
        assert target is not None
        if target.kind == EventKind.CREATED:
            return  # each side's creation is its own, and so are its corrections
        # The corrected event by its origin: ours by our id, the peer's by its id there.
        body["corrects"] = (
            {"deployment": target.origin_deployment, "event_id": target.origin_event_id}
            if target.origin_deployment
            else {"deployment": own, "event_id": target.pk}
        )
    ours, theirs = (
        (request.requesting_authority, request.requested_authority)
        if event.authority_id == request.requesting_authority_id
        else (request.requested_authority, request.requesting_authority)
    )
    # A peer no longer trusted gets nothing: the event stays here, for the record.
    with contextlib.suppress(federation.NotFederated):
        federation.message_queue(
            actor=actor,
            kind="request.event",
            sender=ours,
            recipient=theirs,
            body=body,
            conversation_id=conversation_id,
            request=request,
        )


def send_received(*, request: Request, message: Message) -> None:
    """After applying a peer's `request.new`: its sent event is the peer's (by its id there), and
    our date received goes back as the first shared event the peer learns of its request."""
    cooperation.events_origin_link(
        request=request,
        deployment=message.peer.name,
        sent_event_id=message.body.get("sent_event_id"),
        sent_by=federation.system_actor(request.requesting_authority),
    )
    received = request.events.get(kind=EventKind.RECEIVED)
    own = message.manifest["recipient"]["deployment"]
    send(actor=None, request=request, event=received, conversation_id=str(message.conversation_id), own=own)


def apply(message: Message, peer: Peer, sender: Authority) -> Request:
    """A shared event the peer recorded on a request that travelled between us, recorded here in
    the name of the peer's authority that sent it (`sender`, its system actor), once per origin:
    where ADR 11's fold puts it decides whether it conflicts with ours. ValidationError if it is
    not one we can record."""
    body = message.body
    # The request of the conversation's request.new (read without that message's package).
    request = (
        Request.objects.filter(
            federation_messages__peer=peer,
            federation_messages__kind="request.new",
            federation_messages__conversation_id=message.conversation_id,
        )
        .order_by("federation_messages__pk")
        .first()
    )
    if request is None or body["kind"] not in SHARED_EVENT_KINDS:
        raise ValidationError({"kind": messages.unknown_code(body["kind"], sorted(SHARED_EVENT_KINDS))})
    own = message.manifest["recipient"]["deployment"]
    corrects = None
    if body.get("corrects") is not None:
        corrects = _corrected_here(request, body["corrects"], own=own, peer=peer.name)
    actor = federation.system_actor(sender)
    cooperation.event_record(
        actor=actor,
        request=request,
        kind=body["kind"],
        occurred_on=datetime.date.fromisoformat(body["occurred_on"]),
        text=body.get("text", ""),
        refusal_grounds=body.get("refusal_grounds", []),
        corrects=corrects,
        origin=cooperation.EventOrigin(peer.name, body["event_id"], body.get("after_event_id")),
    )
    federation.audit_applied(actor, message, peer, request)
    return request


def _corrected_here(request: Request, named: dict[str, Any], *, own: str, peer: str) -> int:
    """The local id of the event a peer's correction names by its origin."""
    if named["deployment"] == own:
        found = request.events.filter(pk=named["event_id"], origin_deployment="")
    elif named["deployment"] == peer:
        found = request.events.filter(origin_deployment=peer, origin_event_id=named["event_id"])
    else:
        found = request.events.none()
    pk = found.values_list("pk", flat=True).first()
    if pk is None:
        raise ValidationError(
            {"corrects": _("No event %(id)s in this request's timeline.") % {"id": named["event_id"]}}
        )
    return pk
