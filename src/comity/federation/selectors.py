"""Reads of the federation: this deployment's key document and its peers."""

import datetime
import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet

from comity.accounts.selectors import party_authorities
from comity.cooperation.models import Request
from comity.federation import keys
from comity.federation.choices import REASON_TEXTS, RECEIPT_TEXTS, MessageDirection, MessageState
from comity.federation.keys import KEY_DOCUMENT_FORMAT
from comity.federation.models import Deployment, Message, Peer, PeerKey, Receipt


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
