"""Reads of the federation: this deployment's key document and its peers."""

import datetime
import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from comity.accounts.choices import Role
from comity.accounts.models import User
from comity.accounts.selectors import party_authorities
from comity.cooperation.models import Request
from comity.cooperation.selectors import may_see_subject_names, requests_visible_to
from comity.core.models import AccessEntry
from comity.core.policy import visible_or_404
from comity.core.services import record_access
from comity.federation import keys
from comity.federation.choices import (
    DELIVERY_ERROR_TEXTS,
    REASON_TEXTS,
    RECEIPT_TEXTS,
    MessageDirection,
    MessageState,
)
from comity.federation.keys import KEY_DOCUMENT_FORMAT
from comity.federation.models import Deployment, Document, Message, Peer, PeerAuthority, PeerKey, Receipt


def deployment() -> Deployment | None:
    return Deployment.objects.first()


def key_document() -> dict[str, Any] | None:
    """This deployment's public key document (ADR 11), or None before `comity federation init`.
    The authorities are public directory data: id, country, kind and name of each it hosts."""
    own = deployment()
    if own is None:
        return None
    current = keys.load()
    hosted = party_authorities().filter(external=False).order_by("pk").values("pk", "country", "kind", "name")
    return {
        "format": KEY_DOCUMENT_FORMAT,
        "name": own.name,
        "url": own.url,
        "keys": [
            keys.public_jwk(current.signing, use="sig"),
            keys.public_jwk(current.encryption, use="enc"),
            *keys.retired_public_jwks(),
        ],
        "authorities": [
            {"id": row["pk"], "country": row["country"], "kind": row["kind"], "name": row["name"]}
            for row in hosted
        ],
    }


def peers() -> QuerySet[Peer]:
    """Every peer with how many of its keys and authorities are known here. Operators' view:
    the command line and the administration site."""
    return Peer.objects.annotate(
        key_count=Count("keys", distinct=True), authority_count=Count("authorities", distinct=True)
    ).order_by("name")


def peer_key(kid: str) -> PeerKey | None:
    return PeerKey.objects.select_related("peer").filter(kid=kid).first()


def outbox_waiting() -> QuerySet[Message]:
    return Message.objects.filter(direction=MessageDirection.OUTBOUND, state=MessageState.QUEUED)


def outbound_message(message_id: str) -> Message | None:
    """An outbound message by its id (operators' command line), or None."""
    try:
        parsed = uuid.UUID(message_id)
    except ValueError:
        return None
    return (
        Message.objects.select_related("peer")
        .filter(direction=MessageDirection.OUTBOUND, message_id=parsed)
        .first()
    )


@dataclass(frozen=True)
class ReceiptLine:
    issued_at: datetime.datetime
    text: str
    reason: str


def request_receipts(request: Request) -> list[ReceiptLine]:
    """The receipts of the messages exchanged with peers about `request`, which the caller read
    through a scoped selector: evidences, peers, times and reason codes, never content."""
    found = Receipt.objects.filter(message__request=request).select_related("message__peer")
    lines = []
    for receipt in found.order_by("issued_at", "pk"):
        text = RECEIPT_TEXTS.get((receipt.message.direction, receipt.evidence))
        if text is None:
            continue
        reason = REASON_TEXTS.get(receipt.reason, receipt.reason) if receipt.reason else ""
        lines.append(
            ReceiptLine(
                issued_at=receipt.issued_at,
                text=text % {"peer": receipt.message.peer.name},
                reason=str(reason),
            )
        )
    return lines


def may_administer(user: Any) -> bool:
    """Whether `user` sees the federation's peers and outbox: the deployment's administrators.
    To everybody else the pages and endpoints do not exist (404)."""
    return bool(user.is_active and (user.is_superuser or getattr(user, "role", None) == Role.ADMIN))


def peer_overview() -> QuerySet[Peer]:
    """Every peer with where its trust comes from (the hub vouching for it, or none: trusted by
    hand), the time of its last delivery, how many of our messages to it wait or were given up
    and how many of its messages were received: states and counts only, never content."""
    outbound = Q(messages__direction=MessageDirection.OUTBOUND)
    return (
        Peer.objects.select_related("vouched_by")
        .annotate(
            last_delivery_at=Max(
                "messages__receipts__issued_at", filter=outbound & Q(messages__receipts__evidence="DELIVERY")
            ),
            queued=Count("messages", filter=outbound & Q(messages__state=MessageState.QUEUED), distinct=True),
            failed=Count("messages", filter=outbound & Q(messages__state=MessageState.FAILED), distinct=True),
            received=Count("messages", filter=Q(messages__direction=MessageDirection.INBOUND), distinct=True),
        )
        .order_by("name")
    )


def peer_or_404(pk: int) -> Peer:
    """One peer, for its administrators' page, or 404."""
    found = Peer.objects.select_related("vouched_by").filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def outbox(state: str | None = None) -> QuerySet[Message]:
    """Our messages to peers, newest first, optionally in one state. Callers read the columns of
    OUTBOX_FIELDS: never a body or a package."""
    found = Message.objects.filter(direction=MessageDirection.OUTBOUND)
    if state:
        found = found.filter(state=state)
    return found


def exchanged(state: str | None = None, peer_id: int | None = None) -> QuerySet[Message]:
    """The messages exchanged with peers either way, optionally in one state (`received` keeps
    those they sent us) and with one peer. Callers read the columns of OUTBOX_FIELDS."""
    found = Message.objects.all()
    if state:
        found = found.filter(state=state)
    if peer_id is not None:
        found = found.filter(peer_id=peer_id)
    return found


def received_receipt(pk: int) -> tuple[Message, str]:
    """A message a peer sent us and the DELIVERY receipt signed here when it was received, to be
    carried back to the peer where no network link is allowed; 404 for anything else."""
    found = (
        Receipt.objects.select_related("message")
        .filter(message_id=pk, message__direction=MessageDirection.INBOUND, evidence="DELIVERY")
        .first()
    )
    if found is None:
        raise Http404
    return found.message, found.token


OUTBOX_FIELDS = (
    "pk",
    "message_id",
    "kind",
    "peer__name",
    "manifest__recipient__authority",
    "manifest__sender__authority",
    "direction",
    "state",
    "attempts",
    "next_attempt_at",
    "last_error",
    "created_at",
)


@dataclass(frozen=True)
class OutboxRow:
    pk: int
    message_id: uuid.UUID
    kind: str
    direction: str
    peer: str
    recipient: str
    sender: str
    state: str
    state_text: str
    attempts: int
    next_attempt_at: datetime.datetime | None
    last_error: str
    last_error_text: str
    created_at: datetime.datetime

    @property
    def retryable(self) -> bool:
        return self.direction == MessageDirection.OUTBOUND and self.state in (
            MessageState.QUEUED,
            MessageState.FAILED,
        )

    @property
    def received(self) -> bool:
        return self.direction == MessageDirection.INBOUND

    @property
    def peer_authority(self) -> str:
        """The authority at the peer: the recipient of a message sent, the sender of one received."""
        return self.sender if self.received else self.recipient


def outbox_rows(rows: list[dict[str, Any]]) -> list[OutboxRow]:
    """Rows of `outbox(...)` or `exchanged(...)` `.values(*OUTBOX_FIELDS)` with the name here of
    the peer's authority each names (one query) and the state and last error in words."""
    # Only the peer's side is named by its id there: the other is an id of this deployment.
    wanted = {(row["peer__name"], _peer_side(row)) for row in rows}
    links = PeerAuthority.objects.filter(
        peer__name__in={peer for peer, remote in wanted}, remote_id__in={remote for peer, remote in wanted}
    ).values_list("peer__name", "remote_id", "authority__name")
    names = {(peer, remote): name for peer, remote, name in links} if wanted else {}
    states = dict(MessageState.choices)
    rows_inbound = [(row, row["direction"] == MessageDirection.INBOUND) for row in rows]
    return [
        OutboxRow(
            pk=row["pk"],
            message_id=row["message_id"],
            kind=row["kind"],
            direction=row["direction"],
            peer=row["peer__name"],
            recipient="" if inbound else names.get((row["peer__name"], _peer_side(row)), ""),
            sender=names.get((row["peer__name"], _peer_side(row)), "") if inbound else "",
            state=row["state"],
            state_text=str(states.get(row["state"], row["state"])),
            attempts=row["attempts"],
            next_attempt_at=row["next_attempt_at"] if row["state"] == MessageState.QUEUED else None,
            last_error=row["last_error"],
            last_error_text=error_text(row["last_error"]),
            created_at=row["created_at"],
        )
        for row, inbound in rows_inbound
    ]


def _peer_side(row: dict[str, Any]) -> Any:
    side = "sender" if row["direction"] == MessageDirection.INBOUND else "recipient"
    return row[f"manifest__{side}__authority"]


def error_text(code: str) -> str:
    """Why the last attempt did not settle a message, in words: our own failures to reach the
    peer, or the reason the peer gave for refusing it."""
    if not code:
        return ""
    if code.startswith("http_"):
        return str(_("the peer answered with HTTP status %(status)s") % {"status": code[5:]})
    text = DELIVERY_ERROR_TEXTS.get(code) or REASON_TEXTS.get(code)
    return str(text) if text is not None else code


def request_documents(user: User, request: Request) -> QuerySet[Document]:
    """The documents a peer sent with `request`, which the caller read through a scoped selector:
    to the officials of the authority they were sent to, and of them to those who may know the
    request's subjects' names (the documents name them); none to anyone else (an authority it is
    shared with included) and none for a request that did not come from a peer (no query then)."""
    if (
        not request.requesting_authority.external
        or user.authority_id != request.requested_authority_id
        or not may_see_subject_names(user, request)
    ):
        return Document.objects.none()
    return Document.objects.filter(request=request).defer("content").order_by("pk")


def request_document(user: User, pk: int, document_pk: int) -> Document:
    """One document of a request `user` may see and whose subjects' names `user` may know, or 404;
    the reading is written to the access log."""
    request = visible_or_404(requests_visible_to(user).select_related("requesting_authority"), pk)
    found = request_documents(user, request).defer(None).filter(pk=document_pk).first()
    if found is None:
        raise Http404
    record_access(user=user, obj=request, channel=AccessEntry.Channel.PAGE)
    return found
