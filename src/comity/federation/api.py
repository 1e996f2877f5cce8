"""`/api/v1/federation`: the peers and the messages exchanged with them, for the deployment's
administrators (404 to everybody else): states, counts and reasons, never a message's content."""

import datetime
import uuid
from typing import Any

from django.conf import settings
from django.http import Http404
from ninja import Field, Query, Router, Schema

from comity.accounts.auth import api_auth
from comity.accounts.http import AuthedRequest
from comity.core.numbers import ObjectId
from comity.core.pagination import keyset_page
from comity.federation import selectors, services
from comity.federation.choices import MessageDirection, MessageState, PeerState

router = Router(auth=api_auth, tags=["federation"])


class FederationPeerOut(Schema):
    id: int
    name: str
    url: str
    state: PeerState
    fingerprint: str = Field(description="of the peer's key document, to compare out of band")
    hub: bool = Field(description="a hub: its signed trust lists are applied here")
    vouched_by: str | None = Field(
        description="the hub whose trust list vouches for the peer; null when its key document was imported by hand"
    )
    last_delivery_at: datetime.datetime | None = Field(description="the peer's last delivery receipt")
    queued: int = Field(description="messages to the peer waiting to be delivered")
    failed: int = Field(description="messages to the peer given up (not delivered in the window)")
    received: int = Field(description="messages received from the peer")


class FederationMessageOut(Schema):
    id: int
    message_id: uuid.UUID
    kind: str
    direction: MessageDirection
    peer: str
    recipient: str = Field(
        description="of a message sent: the recipient authority's name here, empty if unknown"
    )
    sender: str = Field(description="of a message received: the sender authority's name here")
    state: MessageState
    attempts: int
    next_attempt_at: datetime.datetime | None
    last_error: str = Field(description="code of why the last attempt did not settle it")
    last_error_text: str = Field(description="the same in words, in the reader's language")
    created_at: datetime.datetime


class FederationMessagePage(Schema):
    items: list[FederationMessageOut]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page; null on the last page")


class FederationMessageFilters(Schema):
    state: MessageState | None = None
    peer: ObjectId | None = Field(None, description="the id of a peer: its messages alone")
    cursor: str | None = Field(None, max_length=200, description="`next_cursor` of the page before")


def _administrator(request: AuthedRequest) -> None:
    if not selectors.may_administer(request.user):
        raise Http404


def _message_out(row: selectors.OutboxRow) -> dict[str, Any]:
    return {
        "id": row.pk,
        "message_id": row.message_id,
        "kind": row.kind,
        "direction": row.direction,
        "peer": row.peer,
        "recipient": row.recipient,
        "sender": row.sender,
        "state": row.state,
        "attempts": row.attempts,
        "next_attempt_at": row.next_attempt_at,
        "last_error": row.last_error,
        "last_error_text": row.last_error_text,
        "created_at": row.created_at,
    }


def _peer_out(peer: Any) -> dict[str, Any]:
    """A row of `selectors.peer_overview()`."""
    return {
        "id": peer.pk,
        "name": peer.name,
        "url": peer.url,
        "state": peer.state,
        "fingerprint": peer.fingerprint,
        "hub": peer.hub,
        "vouched_by": peer.vouched_by.name if peer.vouched_by else None,
        "last_delivery_at": peer.last_delivery_at,
        "queued": peer.queued,
        "failed": peer.failed,
        "received": peer.received,
    }


@router.get("/peers", response=list[FederationPeerOut], summary="The peer deployments (administrators)")
def list_peers(request: AuthedRequest) -> list[dict[str, Any]]:
    _administrator(request)
    return [_peer_out(peer) for peer in selectors.peer_overview()]


@router.post(
    "/peers/{peer_id}/revoke",
    response=FederationPeerOut,
    summary="Stop trusting a peer deployment: its packages are refused from now on (administrators)",
)
def revoke_peer(request: AuthedRequest, peer_id: ObjectId) -> dict[str, Any]:
    _administrator(request)
    peer = selectors.peer_or_404(peer_id)
    if peer.state == PeerState.TRUSTED:  # already revoked: nothing to write
        services.peer_revoke(actor=request.user, peer=peer)
    return _peer_out(selectors.peer_overview().get(pk=peer.pk))


@router.get(
    "/messages",
    response=FederationMessagePage,
    summary="Messages exchanged with peers, newest first (administrators)",
    description="`state` keeps the messages in one state (queued, delivered, rejected, failed: sent; "
    "received: received); `peer` those exchanged with one peer.",
)
def list_messages(request: AuthedRequest, filters: Query[FederationMessageFilters]) -> dict[str, Any]:
    _administrator(request)
    page = keyset_page(
        selectors.exchanged(filters.state, filters.peer).values(*selectors.OUTBOX_FIELDS),
        sort="-id",
        cursor=filters.cursor,
        size=settings.COMITY_PAGE_SIZE,
    )
    return {
        "items": [_message_out(row) for row in selectors.outbox_rows(page.items)],
        "next_cursor": page.next_cursor,
    }


@router.post(
    "/messages/{message_id}/retry",
    response=FederationMessageOut,
    summary="Send a waiting or undelivered message again at once (administrators)",
)
def retry_message(request: AuthedRequest, message_id: ObjectId) -> dict[str, Any]:
    _administrator(request)
    message = selectors.outbox().filter(pk=message_id).first()
    if message is None:
        raise Http404
    services.message_retry(actor=request.user, message=message)
    rows = selectors.outbox_rows(
        list(selectors.outbox().filter(pk=message_id).values(*selectors.OUTBOX_FIELDS))
    )
    return _message_out(rows[0])
