"""Urgent freezing alerts between two deployments (ADR 11): an alert to an authority a trusted peer
hosts travels as an `alert` and is applied there through the network's `alert_send`, in the name
of the sending authority (its system actor), so that the recipient's 24/7 contact is reached and
its escalation clock runs where that contact is; each step the other end records (the recipient's
acknowledgement and outcome, the sender's withdrawal) comes back as an `alert.answer` on the same
conversation, applied through the network's service for that step. A freezing in answer is thereby
a step of the sender's asset (ADR 10) without re-keying.
"""

import contextlib
import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from comity.accounts.models import Authority, User
from comity.federation import packages
from comity.federation import services as federation
from comity.federation.choices import MessageDirection
from comity.federation.models import Message, Peer, PeerAuthority
from comity.network import services as network
from comity.network.models import Alert, AlertAsset


def _amount(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def alert_forward(*, actor: User, alert: Alert, assets: Sequence[AlertAsset]) -> None:
    """Queue the `alert` message of an alert sent here to an authority a trusted peer hosts; called
    by the network's alert_send in its transaction. An alert that cannot travel is not sent at all
    (a ValidationError on `to_authority`): its 24/7 contact is at the peer, nobody here answers it."""
    body = {
        "alert_id": alert.pk,
        "reason": alert.reason,
        "deadline": packages.instant(alert.deadline),
        "assets": [
            {
                "kind": row.identifier_kind,
                "identifier": row.identifier,
                "amount": _amount(row.amount),
                "currency": row.currency,
            }
            for row in assets
        ],
    }
    try:
        message = federation.message_queue(
            actor=actor, kind="alert", sender=alert.from_authority, recipient=alert.to_authority, body=body
        )
    except federation.NotFederated as error:
        raise ValidationError({"to_authority": [str(error)]}) from error
    message.alert = alert
    message.save(update_fields=["alert"])


def _conversation(alert: Alert) -> Message | None:
    """The `alert` message an alert travelled in, either way (None for an alert of this deployment)."""
    return Message.objects.filter(kind="alert", alert=alert).first()


def answer_forward(
    *,
    actor: User,
    alert: Alert,
    answer: str,
    note: str = "",
    outcome: str = "",
    reason: str = "",
    on: datetime.date | None = None,
    order_reference: str = "",
    frozen: Sequence[tuple[int, Decimal | None, str]] = (),
) -> None:
    """Queue an `alert.answer` for a step recorded here on an alert that travelled: the recipient's
    acknowledgement or outcome goes to the sender, the sender's withdrawal to the recipient; called
    by the network's services in their transaction. A step applied from the peer (recorded by its
    authority's system actor, whose authority is the peer's) does not go back. `frozen`: (place of
    the asset in the alert, amount, currency)."""
    if actor.authority is None or actor.authority.external:
        return
    sent = _conversation(alert)
    if sent is None:
        return
    other = alert.from_authority if actor.authority_id == alert.to_authority_id else alert.to_authority
    alert_id = alert.pk if sent.direction == MessageDirection.OUTBOUND else sent.body["alert_id"]
    body = {
        "alert_id": alert_id,
        "answer": answer,
        "note": note.strip(),
        "outcome": outcome,
        "reason": reason.strip(),
        "on": on.isoformat() if on else None,
        "order_reference": order_reference.strip(),
        "frozen": [
            {"index": index, "amount": _amount(amount), "currency": currency}
            for index, amount, currency in frozen
        ],
    }
    # A peer no longer trusted gets nothing: the step stays here, for the record.
    with contextlib.suppress(federation.NotFederated):
        message = federation.message_queue(
            actor=actor,
            kind="alert.answer",
            sender=actor.authority,
            recipient=other,
            body=body,
            conversation_id=str(sent.conversation_id),
        )
        message.alert = alert
        message.save(update_fields=["alert"])


def alert_apply(message: Message, peer: Peer) -> Alert:
    """A peer's `alert` to an authority hosted here, sent here through alert_send in the name of
    the peer's authority (its system actor): its 24/7 contact is reached as for any alert.
    ValidationError (or PermissionDenied) if this deployment's rules refuse it."""
    if (
        Message.objects.filter(peer=peer, kind="alert", conversation_id=message.conversation_id)
        .exclude(pk=message.pk)
        .exists()
    ):
        raise ValidationError({"conversation_id": _("This conversation already carries an alert.")})
    body = message.body
    sender = PeerAuthority.objects.select_related("authority").get(
        peer=peer, remote_id=message.manifest["sender"]["authority"]
    )
    recipient = Authority.objects.get(pk=message.manifest["recipient"]["authority"])
    actor = federation.system_actor(sender.authority)
    alert = network.alert_send(
        actor=actor,
        to_authority=recipient,
        assets=[
            network.AlertAssetInput(
                identifier_kind=item["kind"],
                identifier=item["identifier"],
                amount=_decimal(item.get("amount")),
                currency=item.get("currency", ""),
            )
            for item in body["assets"]
        ],
        reason=body["reason"],
        deadline=datetime.datetime.strptime(body["deadline"], packages.INSTANT).replace(tzinfo=datetime.UTC),
        from_peer=True,
    )
    federation.audit_applied(actor, message, peer, alert)
    return alert


def answer_apply(message: Message, peer: Peer) -> Alert:
    """A peer's `alert.answer`, recorded here through the network's service for its step in the
    name of the peer's authority: an acknowledgement or outcome of an alert we sent, a withdrawal
    of one we received. ValidationError for an unknown alert or a step its state refuses."""
    body = message.body
    sent = (
        Message.objects.select_related("alert")
        .filter(peer=peer, kind="alert", conversation_id=message.conversation_id, alert__isnull=False)
        .first()
    )
    ours = sent is not None and sent.direction == MessageDirection.OUTBOUND
    if (
        sent is None
        or sent.alert is None
        or body["alert_id"] != (sent.alert_id if ours else sent.body["alert_id"])
    ):
        raise ValidationError(
            {"alert_id": _("No urgent freezing alert %(id)s between us.") % {"id": body["alert_id"]}}
        )
    if (body["answer"] == "withdrawn") == ours:
        # The sender withdraws, the recipient answers: never the other way round.
        raise ValidationError({"answer": _("This side of the alert cannot record this step.")})
    link = PeerAuthority.objects.select_related("authority").get(
        peer=peer, remote_id=message.manifest["sender"]["authority"]
    )
    actor = federation.system_actor(link.authority)
    alert = sent.alert
    if body["answer"] == "acknowledged":
        alert = network.alert_acknowledge(actor=actor, alert=alert, note=body.get("note", ""))
    elif body["answer"] == "withdrawn":
        alert = network.alert_withdraw(actor=actor, alert=alert, reason=body.get("reason", ""))
    else:
        rows = list(alert.assets.order_by("pk").values_list("pk", flat=True))
        frozen = []
        for position, item in enumerate(body.get("frozen", [])):
            if item["index"] >= len(rows):
                raise ValidationError({f"frozen.{position}.index": _("No asset at this place in the alert.")})
            frozen.append(
                network.FrozenInput(
                    alert_asset=rows[item["index"]],
                    amount=_decimal(item.get("amount")),
                    currency=item.get("currency", ""),
                )
            )
        alert = network.alert_outcome(
            actor=actor,
            alert=alert,
            outcome=body.get("outcome", ""),
            reason=body.get("reason", ""),
            on=datetime.date.fromisoformat(body["on"]) if body.get("on") else None,
            order_reference=body.get("order_reference", ""),
            frozen=frozen,
        )
    federation.audit_applied(actor, message, peer, alert)
    return alert
