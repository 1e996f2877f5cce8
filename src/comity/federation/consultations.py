"""Consultations between deployments (ADR 11): a consultation with a participant hosted by a
trusted peer goes to that peer as `consultation.message` packages on one conversation id, kept on
the consultation (its opening, the authorities invited since, each message posted here with its
files, its closing), and what the peer's officials write comes back the same way. Each is applied
through the network's services in the name of the sender's authority (its system actor), once
per origin. Read receipts stay at the deployment where they were made; a conversion into a
request is the converting side's.
"""

import contextlib
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from comity.accounts.models import Authority, User
from comity.core.choices import AuditAction
from comity.core.services import audit
from comity.federation import content
from comity.federation import services as federation
from comity.federation.choices import PeerState
from comity.federation.models import Deployment, Message, Peer, PeerAuthority
from comity.federation.packages import Part
from comity.network import services as network
from comity.network.models import Consultation, ConsultationMessage

KIND = "consultation.message"


def _peers_of(consultation: Consultation) -> dict[int, PeerAuthority]:
    """Each trusted peer hosting a participant, by id, with the link of its first participant
    (the authority its packages are addressed to)."""
    # Read afresh (an invitation has just added participants the caller's prefetch lacks).
    ids = consultation.participants.values("authority_id")
    links = (
        PeerAuthority.objects.filter(authority_id__in=ids, peer__state=PeerState.TRUSTED)
        .select_related("peer", "authority")
        .order_by("authority_id")
    )
    found: dict[int, PeerAuthority] = {}
    for link in links:
        found.setdefault(link.peer_id, link)
    return found


def _parties(ids: Sequence[int], own: str) -> list[dict[str, Any]]:
    """Authorities as a package names them: each by its deployment and its id there."""
    remote = {
        authority_id: (peer, remote_id)
        for authority_id, peer, remote_id in PeerAuthority.objects.filter(authority_id__in=ids).values_list(
            "authority_id", "peer__name", "remote_id"
        )
    }
    return [
        {"deployment": remote[pk][0], "authority": remote[pk][1]}
        if pk in remote
        else {"deployment": own, "authority": pk}
        for pk in ids
    ]


def _opening(consultation: Consultation, own: str) -> dict[str, Any]:
    """The consultation as it goes to a peer the first time: what it is about and who takes part."""
    return {
        "subject": consultation.subject,
        "handling": consultation.handling,
        "summary": consultation.summary,
        "questions": consultation.questions,
        "participants": _parties([p.authority_id for p in consultation.participants.order_by("pk")], own),
    }


def forward(
    *,
    actor: User,
    consultation: Consultation,
    message: ConsultationMessage | None = None,
    closed: bool = False,
    invited: Sequence[Authority] = (),
) -> None:
    """Queue, for each trusted peer hosting a participant, what it has not had of the consultation
    (its opening, the first time; else the authorities `invited` since) with `message` or the
    closing; called by the network's services in their transaction, never for what a peer sent
    (nothing echoes back, nothing is relayed)."""
    peers = _peers_of(consultation)
    if not peers or actor.authority is None or actor.authority.external:
        return
    own = Deployment.objects.values_list("name", flat=True).first()
    if own is None:
        return
    if consultation.conversation_id is None:
        consultation.conversation_id = uuid.uuid4()
        Consultation.objects.filter(pk=consultation.pk).update(conversation_id=consultation.conversation_id)
    knowing = set(
        Message.objects.filter(kind=KIND, conversation_id=consultation.conversation_id).values_list(
            "peer_id", flat=True
        )
    )
    # What every peer gets alike, read once: the invited authorities, the message and its files.
    newcomers = _parties([a.pk for a in invited], own) if invited else []
    parts: list[Part] = []
    post = None
    if message is not None:
        attachments, parts = content.attachment_parts(message)
        post = {"id": message.pk, "body": message.body, "attachments": attachments}
    for peer_id, link in peers.items():
        body: dict[str, Any] = {}
        if peer_id not in knowing:
            if message is None and closed:
                continue  # it never had the consultation: nothing to close there
            body["opening"] = _opening(consultation, own)
        elif newcomers:
            body["invited"] = newcomers
        if post is not None:
            body["message"] = post
        body["closed"] = closed
        if body.keys() == {"closed"} and not closed:
            continue  # nothing new for this peer
        # A peer no longer trusted, or without a current key, gets nothing: it stays here.
        with contextlib.suppress(federation.NotFederated):
            federation.message_queue(
                actor=actor,
                kind=KIND,
                sender=actor.authority,
                recipient=link.authority,
                body=body,
                conversation_id=str(consultation.conversation_id),
                parts=parts,
            )


def apply(message: Message, peer: Peer, parts: Mapping[str, bytes]) -> Consultation:
    """A peer's `consultation.message` applied here in the name of its sending authority: its
    opening opens the consultation (this deployment's authorities it names, the sender's and the
    other peers' authorities known here take part), the authorities it invites join, its message is
    posted once per origin with its files (checked as uploads here are), its closing closes it.
    ValidationError (or PermissionDenied) for what cannot be applied: the inbox refuses it
    `unacceptable`, nothing written."""
    body = message.body
    post = body.get("message")
    files = content.received_files(
        message.manifest, post["attachments"] if post else [], parts, field="attachments"
    )
    sender = PeerAuthority.objects.select_related("authority").get(
        peer=peer, remote_id=message.manifest["sender"]["authority"]
    )
    actor = federation.system_actor(sender.authority)
    consultation = Consultation.objects.filter(conversation_id=message.conversation_id).first()
    if consultation is None:
        if body.get("opening") is None:
            raise ValidationError(
                {"conversation_id": _("No consultation of this conversation is held here.")}
            )
        consultation = _open(actor, message, peer, body["opening"])
    elif not consultation.participants.filter(authority=sender.authority).exists():
        raise ValidationError({"sender": _("The sending authority does not take part in this consultation.")})
    if body.get("invited"):
        own = message.manifest["recipient"]["deployment"]
        named = [(p["deployment"], p["authority"]) for p in body["invited"]]
        taking_part = set(consultation.participants.values_list("authority_id", flat=True))
        newcomers = [a for a in _authorities(named, own) if a.pk not in taking_part]
        if newcomers:
            network.consultation_invite(actor=actor, consultation=consultation, authorities=newcomers)
    if post is not None:
        network.consultation_post(
            actor=actor,
            consultation=consultation,
            body=post["body"],
            attachments=[network.AttachmentInput(checked.name, checked.content) for _entry, checked in files],
            origin=network.MessageOrigin(peer.name, post["id"]),
        )
    if (
        body.get("closed")
        and Consultation.objects.filter(pk=consultation.pk, closed_at__isnull=True).exists()
    ):
        network.consultation_close(actor=actor, consultation=consultation, from_peer=True)
    audit(
        actor=actor,
        action=AuditAction.FEDERATION_APPLY,
        obj=consultation,
        detail={"kind": message.kind, "message_id": str(message.message_id), "peer": peer.name},
    )
    return consultation


def _authorities(named: Sequence[tuple[str, int]], own: str) -> list[Authority]:
    """The authorities a package names (deployment, id there): this deployment's (ValidationError
    if one is not hosted here), and those of trusted peers known here (the others are left out)."""
    ours = {authority for deployment, authority in named if deployment == own}
    hosted = list(Authority.objects.filter(pk__in=ours, external=False))
    if len(hosted) != len(ours):
        raise ValidationError(
            {"participants": _("The participants name as hosted here an authority that is not.")}
        )
    theirs = Q(pk__in=[])
    for deployment, authority in named:
        if deployment != own:
            theirs |= Q(peer__name=deployment, remote_id=authority)
    linked = [
        link.authority
        for link in PeerAuthority.objects.filter(theirs, peer__state=PeerState.TRUSTED).select_related(
            "authority"
        )
    ]
    return [*hosted, *linked]


def _open(actor: User, message: Message, peer: Peer, opening: Mapping[str, Any]) -> Consultation:
    """The consultation a peer opened, here: with the authorities of this deployment it names
    (the package's recipient among them) and those of trusted peers known here."""
    own, recipient = message.manifest["recipient"]["deployment"], message.manifest["recipient"]["authority"]
    named = [(p["deployment"], p["authority"]) for p in opening["participants"]]
    if (own, recipient) not in named or (peer.name, message.manifest["sender"]["authority"]) not in named:
        raise ValidationError(
            {"participants": _("The participants do not name the sending and the receiving authority.")}
        )
    return network.consultation_open(
        actor=actor,
        participants=_authorities(named, own),
        subject=opening["subject"],
        handling=opening["handling"],
        summary=opening.get("summary", ""),
        questions=opening.get("questions", ""),
        conversation_id=str(message.conversation_id),
    )
