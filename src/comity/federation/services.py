"""Writes of the federation (ADR 11): this deployment's identity, and the peers it trusts."""

import contextlib
import datetime
import ipaddress
import urllib.parse
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import rfc8785
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Upper
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from joserfc.errors import JoseError
from joserfc.jwk import OKPKey
from pydantic import ValidationError as SchemaError

from comity.accounts.choices import NON_PARTY_KINDS, Role
from comity.accounts.models import Authority, User
from comity.accounts.services import authority_create, authority_update
from comity.cooperation import services as cooperation
from comity.cooperation.choices import EventKind, NamesVisibleTo
from comity.cooperation.models import Request
from comity.core import messages
from comity.core.choices import AuditAction
from comity.core.errors import FieldErrors
from comity.core.services import audit
from comity.federation import consultations, content, events, keys, packages
from comity.federation.choices import MessageDirection, MessageState, PeerState
from comity.federation.models import Deployment, Document, Message, Peer, PeerAuthority, PeerKey, Receipt
from comity.federation.packages import Evidence, Reason, Refused, SenderKey
from comity.federation.schemas import BODY_SCHEMAS, HostedAuthority, KeyDocument
from comity.network.models import Alert

CURVE_OF_USE = {"sig": "Ed25519", "enc": "X25519"}


def schema_errors(error: SchemaError) -> FieldErrors:
    """A pydantic failure as field errors in the reader's language, one entry per field ("keys.0.kid")."""
    errors = FieldErrors()
    for problem in error.errors():
        message = messages.schema_error(
            problem,
            problem.get("input"),
            unknown_field=_("This field is not part of a key document."),
            wrong_type=_("This value does not have the form a key document gives it (ADR 11)."),
        )
        errors.add(".".join(str(part) for part in problem["loc"]) or "document", message)
    return errors


@transaction.atomic
def deployment_init(*, actor: User | None, name: str, url: str) -> tuple[Deployment, bool]:
    """Name this deployment and make its keys (files, mode 600) if it has none; True when made.
    A deployment keeps its first name: peers know it by it."""
    try:
        KeyDocument.model_validate(
            {"format": keys.KEY_DOCUMENT_FORMAT, "name": name, "url": url, "keys": [], "authorities": []}
        )
    except SchemaError as error:
        problems = schema_errors(error)
        problems.pop("keys", None)
        if problems:
            raise ValidationError(dict(problems)) from error
    existing = Deployment.objects.first()
    if existing is not None and existing.name != name:
        raise ValidationError(
            {"name": _("This deployment is already named %(name)s.") % {"name": existing.name}}
        )
    created = keys.generate()[1]
    keys.name_write(name)
    if existing is None:
        existing = Deployment.objects.create(name=name, url=url)
    elif existing.url != url:
        existing.url = url
        existing.save(update_fields=["url"])
    audit(actor=actor, action=AuditAction.FEDERATION_INIT, obj=existing, fields=["name", "url"])
    return existing, created


@transaction.atomic
def deployment_rotate(*, actor: User | None) -> Deployment:
    """New current keys for this deployment; the old key files are kept, retired (ADR 11)."""
    own = Deployment.objects.get()
    keys.rotate()
    audit(actor=actor, action=AuditAction.FEDERATION_INIT, obj=own, detail={"rotated": "keys"})
    return own


def _checked_keys(document: KeyDocument, errors: FieldErrors) -> None:
    current = {"sig": 0, "enc": 0}
    for index, key in enumerate(document.keys):
        if key.crv != CURVE_OF_USE[key.use]:
            errors.add(
                f"keys.{index}.crv",
                _("A %(use)s key must be %(curve)s.") % {"use": key.use, "curve": CURVE_OF_USE[key.use]},
            )
            continue
        try:
            thumbprint = OKPKey.import_key({"kty": key.kty, "crv": key.crv, "x": key.x}).thumbprint()
        except (ValueError, JoseError):
            errors.add(f"keys.{index}.x", _("This is not a valid public key."))
            continue
        if thumbprint != key.kid:
            errors.add(f"keys.{index}.kid", _("The key id is not the key's thumbprint."))
        if key.status == "current":
            current[key.use] += 1
    for use, count in current.items():
        if count != 1:
            errors.add("keys", _("A key document has exactly one current %(use)s key.") % {"use": use})


def _link_authorities(actor: User | None, peer: Peer, document: KeyDocument, errors: FieldErrors) -> int:
    linked = {
        link.remote_id: link for link in PeerAuthority.objects.filter(peer=peer).select_related("authority")
    }
    created = 0
    for index, hosted in enumerate(document.authorities):
        if hosted.id in linked:
            # The peer renamed it (or changed its kind): the linked authority follows, keeping
            # its requests; a name another authority of the country has here is a conflict.
            _follow_rename(actor, linked[hosted.id].authority, hosted, f"authorities.{index}", errors)
            continue
        local: Authority | None = (
            Authority.objects.annotate(upper=Upper("name"))
            .filter(country=hosted.country, upper=hosted.name.upper())
            .select_related("peer_link")
            .first()
        )
        if local is not None and (not local.external or hasattr(local, "peer_link")):
            errors.add(
                f"authorities.{index}.name",
                _("An authority of this country and name already exists here and is not the peer's."),
            )
            continue
        if local is None:
            local = authority_create(
                actor=actor, name=hosted.name, country=hosted.country, kind=hosted.kind, external=True
            )
        PeerAuthority.objects.create(peer=peer, authority=local, remote_id=hosted.id)
        created += 1
    return created


def _follow_rename(
    actor: User | None, authority: Authority, hosted: HostedAuthority, field: str, errors: FieldErrors
) -> None:
    if authority.name == hosted.name and authority.kind == hosted.kind:
        return
    try:
        authority_update(actor=actor, authority=authority, name=hosted.name, kind=hosted.kind)
    except ValidationError as error:
        for name, problems in error.message_dict.items():
            for problem in problems:
                errors.add(f"{field}.{'name' if name == NON_FIELD_ERRORS else name}", problem)


@transaction.atomic
def peer_trust(*, actor: User | None, document: Mapping[str, Any]) -> Peer:
    """Trust a peer from its key document, whose fingerprint the operator compared out of band.
    A known peer's new keys are added and its old ones kept, retired; its authorities become
    local external authorities linked to it. All or nothing."""
    try:
        parsed = KeyDocument.model_validate(document)
    except SchemaError as error:
        raise ValidationError(dict(schema_errors(error))) from error
    errors = FieldErrors()
    own = Deployment.objects.first()
    if own is not None and own.name == parsed.name:
        errors.add("name", _("This is this deployment's own key document."))
    _checked_keys(parsed, errors)
    errors.raise_if_any()
    others = PeerKey.objects.filter(kid__in=[key.kid for key in parsed.keys]).exclude(peer__name=parsed.name)
    if others.exists():
        errors.add("keys", _("A key of this document belongs to another peer."))
        errors.raise_if_any()
    peer, _created = Peer.objects.update_or_create(
        name=parsed.name,
        defaults={
            "url": parsed.url,
            "state": PeerState.TRUSTED,
            "fingerprint": keys.fingerprint(parsed.model_dump()),
            "trusted_at": timezone.now(),
            "document": parsed.model_dump(),
            # Trusted directly by the operator: no hub's list revokes it (the hubs module sets
            # the hub back when its list is what trusted it).
            "vouched_by": None,
        },
    )
    listed = {key.kid for key in parsed.keys}
    peer.keys.exclude(kid__in=listed).update(retired=True)
    for key in parsed.keys:
        PeerKey.objects.update_or_create(
            kid=key.kid,
            defaults={
                "peer": peer,
                "use": key.use,
                "jwk": {"kty": key.kty, "crv": key.crv, "x": key.x},
                "retired": key.status == "retired",
            },
        )
    linked = _link_authorities(actor, peer, parsed, errors)
    errors.raise_if_any()
    audit(
        actor=actor,
        action=AuditAction.FEDERATION_TRUST,
        obj=peer,
        fields=["url", "state", "fingerprint"],
        detail={"keys": str(len(parsed.keys)), "authorities_linked": str(linked)},
    )
    return peer


@transaction.atomic
def peer_revoke(*, actor: User | None, peer: Peer, by_hub: bool = False) -> Peer:
    """Stop trusting a peer: its packages are refused from now on (its keys stay, for the record).
    Revoked by the administrator, no hub vouches for it any more, so that no hub's later list
    trusts it again; revoked because its hub's list dropped it (`by_hub`), that hub's later list
    naming it again trusts it again."""
    peer.state = PeerState.REVOKED
    fields = ["state"] if by_hub else ["state", "vouched_by"]
    if not by_hub:
        peer.vouched_by = None
    peer.save(update_fields=fields)
    audit(actor=actor, action=AuditAction.FEDERATION_REVOKE, obj=peer, fields=["state"])
    return peer


# How an `alert` and an `alert.answer` are applied (federation.alerts, registered when the app is
# ready): they write through the network's services, which import cooperation's, which import
# this module, so this module cannot import them.
ALERT_APPLIERS: dict[str, Callable[[Message, Peer], Alert]] = {}


@dataclass(frozen=True)
class InboxAnswer:
    """What the inbox answers: a signed receipt, and whether the package was accepted."""

    accepted: bool
    receipt: str
    reason: Reason | None = None


def _signing_key(kid: str) -> PeerKey | None:
    # Without the peer's key document, which verifying a package does not need (read on every
    # package, and the longest column of the peer).
    return PeerKey.objects.select_related("peer").defer("peer__document").filter(kid=kid, use="sig").first()


def _sender_key_of(found: PeerKey) -> SenderKey:
    return SenderKey(
        key=OKPKey.import_key(found.jwk),
        deployment=found.peer.name,
        revoked=found.peer.state != PeerState.TRUSTED,
    )


def sender_key(kid: str) -> SenderKey | None:
    """A trusted peer's signing key (current or retired) by its kid, for verifying."""
    found = _signing_key(kid)
    return None if found is None else _sender_key_of(found)


def inbox_receive(package: bytes, *, too_large: bool = False, own: Deployment | None = None) -> InboxAnswer:
    """Verify and record a package from a peer, once (ADR 11). A package already received is
    answered with the receipt given the first time, writing nothing; a refused one writes nothing
    but an audit entry and is answered with a signed rejection naming the reason. `own` is this
    deployment, when the caller read it already."""
    own = own or Deployment.objects.get()
    own_keys = keys.load()
    now = timezone.now()
    package_sha256 = packages.sha256(package)
    # The peer whose key verified the package, kept for recording it (a key never changes peer).
    signers: dict[str, PeerKey] = {}

    def verifying_key(kid: str) -> SenderKey | None:
        found = _signing_key(kid)
        if found is None:
            return None
        signers[kid] = found
        return _sender_key_of(found)

    try:
        if too_large:
            raise Refused(Reason.TOO_LARGE)
        opened = packages.open_package(
            package,
            recipient=own.name,
            decryption_key=keys.encryption_key,
            sender_key=verifying_key,
            now=now,
            max_age=datetime.timedelta(seconds=settings.COMITY_FEDERATION_MAX_AGE),
            max_bytes=settings.COMITY_FEDERATION_MAX_PACKAGE_BYTES,
        )
        peer = signers[opened.signing_kid].peer
        try:
            return _inbox_record(own, own_keys, opened, package_sha256, now, peer)
        except IntegrityError:
            # The same message arrived twice at once and the other delivery recorded it first.
            return _inbox_record(own, own_keys, opened, package_sha256, now, peer)
    except Refused as refusal:
        _inbox_refused(own, refusal)
        token = packages.receipt_sign(
            evidence=Evidence.RELAY_REMMD_REJECTION,
            reason=refusal.reason,
            issuer=own.name,
            issued_at=now,
            message_id=refusal.message_id,
            package_sha256=package_sha256,
            signing_key=own_keys.signing,
        )
        return InboxAnswer(accepted=False, receipt=token, reason=refusal.reason)


@transaction.atomic
def _inbox_refused(own: Deployment, refusal: Refused) -> None:
    audit(
        actor=None,
        action=AuditAction.FEDERATION_REJECT,
        obj=own,
        detail={"reason": refusal.reason.value, "message_id": refusal.message_id or ""},
    )


@transaction.atomic
def _inbox_record(
    own: Deployment,
    own_keys: keys.DeploymentKeys,
    opened: packages.Opened,
    package_sha256: str,
    now: datetime.datetime,
    peer: Peer,
) -> InboxAnswer:
    manifest = opened.manifest
    message_id = manifest["message_id"]
    earlier = Message.objects.filter(direction=MessageDirection.INBOUND, message_id=message_id).first()
    if earlier is not None:
        if earlier.manifest_sha256 != opened.manifest_sha256:
            raise Refused(Reason.REPLAY, message_id)
        delivered = earlier.receipts.filter(evidence=Evidence.DELIVERY).first()
        assert delivered is not None
        return InboxAnswer(accepted=True, receipt=delivered.token)
    # The peer's authority that sent it, linked here (applied in its name).
    sending = (
        PeerAuthority.objects.select_related("authority")
        .filter(peer=peer, remote_id=manifest["sender"]["authority"])
        .first()
    )
    if sending is None:
        raise Refused(Reason.UNTRUSTED_KEY, message_id)
    recipient = (
        Authority.objects.filter(pk=manifest["recipient"]["authority"], external=False)
        .exclude(kind__in=NON_PARTY_KINDS)
        .first()
    )
    if recipient is None:
        raise Refused(Reason.WRONG_RECIPIENT, message_id)
    # Written with what it applies to (its request), once that is known, in this transaction.
    message = Message(
        direction=MessageDirection.INBOUND,
        message_id=message_id,
        conversation_id=manifest["conversation_id"],
        kind=manifest["kind"],
        peer=peer,
        manifest=manifest,
        manifest_sha256=opened.manifest_sha256,
        body=opened.body,
        state=MessageState.RECEIVED,
    )
    if message.kind == "request.new":
        # Applied in the same transaction as the message row: a body this deployment's rules
        # refuse leaves neither the message nor a half-written request, and is answered refused.
        try:
            request = _request_new_apply(message, peer, sending.authority, recipient, opened.parts)
        except (ValidationError, PermissionDenied) as error:
            raise Refused(Reason.UNACCEPTABLE, message_id) from error
        events.send_received(request=request, message=message)
    elif message.kind == "request.event":
        try:
            message.request = events.apply(message, peer, sending.authority)
        except (ValidationError, PermissionDenied) as error:
            raise Refused(Reason.UNACCEPTABLE, message_id) from error
        message.save()
    elif message.kind in ALERT_APPLIERS:
        # An alert's applier reads the conversation's other messages: this one is written first.
        message.save()
        try:
            message.alert = ALERT_APPLIERS[message.kind](message, peer)
        except (ValidationError, PermissionDenied) as error:
            raise Refused(Reason.UNACCEPTABLE, message_id) from error
        message.save(update_fields=["alert"])
    elif message.kind == "consultation.message":
        message.save()
        try:
            consultations.apply(message, peer, opened.parts)
        except (ValidationError, PermissionDenied) as error:
            raise Refused(Reason.UNACCEPTABLE, message_id) from error
    else:
        message.save()
        if message.kind == "request.receipt":
            _request_receipt_apply(message, peer)
    token = packages.receipt_sign(
        evidence=Evidence.DELIVERY,
        issuer=own.name,
        issued_at=now,
        message_id=message_id,
        package_sha256=package_sha256,
        signing_key=own_keys.signing,
    )
    Receipt.objects.create(
        message=message, evidence=Evidence.DELIVERY, issuer=own.name, issued_at=now, token=token
    )
    audit(
        actor=None,
        action=AuditAction.FEDERATION_RECEIVE,
        obj=message,
        detail={"kind": message.kind, "peer": peer.name},
    )
    return InboxAnswer(accepted=True, receipt=token)


class NotFederated(ValueError):
    """The recipient is not an authority of a trusted peer, or this deployment has no identity."""


@transaction.atomic
def message_queue(
    *,
    actor: User | None,
    kind: str,
    sender: Authority,
    recipient: Authority,
    body: Mapping[str, Any],
    conversation_id: str | None = None,
    parts: Sequence[packages.Part] = (),
    request: Request | None = None,
) -> Message:
    """Seal a message for the peer hosting `recipient` and put it in the outbox, with our signed
    SUBMISSION_ACCEPTANCE; the worker (or `comity federation send`) delivers it (delivery.py).
    `parts` are carried beside the body (a request's documents); `request` is the request the
    message is about, if any."""
    own = Deployment.objects.first()
    if own is None:
        # the Federation page's words, translated already
        raise NotFederated(
            _("This deployment has no federation identity yet: run “comity federation init” on the server.")
        )
    link = PeerAuthority.objects.select_related("peer").filter(authority=recipient).first()
    if link is None or link.peer.state != PeerState.TRUSTED:
        raise NotFederated(_("This authority is not hosted by a trusted peer deployment."))
    if sender.external or not sender.can_be_party:
        raise NotFederated(_("Only an authority hosted here sends through federation."))
    schema = BODY_SCHEMAS.get(kind)
    if schema is None:
        raise ValidationError({"kind": messages.unknown_code(kind, list(BODY_SCHEMAS))})
    try:
        checked = schema.model_validate(dict(body)).model_dump()
    except SchemaError as error:
        raise ValidationError(dict(schema_errors(error))) from error
    peer_key = link.peer.keys.filter(use="enc", retired=False).first()
    if peer_key is None:
        raise NotFederated(_("The peer deployment has no current encryption key."))
    own_keys = keys.load()
    now = timezone.now()
    parts = [packages.Part("body", "application/json", rfc8785.dumps(checked)), *parts]
    manifest = packages.manifest_for(
        message_id=str(uuid.uuid4()),
        conversation_id=conversation_id or str(uuid.uuid4()),
        kind=kind,
        sender=(own.name, sender.pk),
        recipient=(link.peer.name, link.remote_id),
        created_at=now,
        parts=parts,
    )
    package = packages.seal(
        manifest, parts, signing_key=own_keys.signing, recipient_key=OKPKey.import_key(peer_key.jwk)
    )
    if len(package) > settings.COMITY_FEDERATION_MAX_PACKAGE_BYTES:
        # The peer's inbox would refuse it: said now, to the official, rather than after the window.
        raise ValidationError(
            {
                "documents": [
                    _(
                        "The documents are too large together to travel to %(peer)s: a package holds at most %(limit)s."
                    )
                    % {
                        "peer": link.peer.name,
                        "limit": filesizeformat(settings.COMITY_FEDERATION_MAX_PACKAGE_BYTES),
                    }
                ]
            }
        )
    message = Message.objects.create(
        direction=MessageDirection.OUTBOUND,
        message_id=manifest["message_id"],
        conversation_id=manifest["conversation_id"],
        kind=kind,
        peer=link.peer,
        manifest=manifest,
        manifest_sha256=packages.sha256(rfc8785.dumps(manifest)),
        body=checked,
        package=package.decode("ascii"),
        state=MessageState.QUEUED,
        next_attempt_at=now,
        request=request,
    )
    own_receipt_record(own, own_keys, message, Evidence.SUBMISSION_ACCEPTANCE, now)
    audit(
        actor=actor,
        action=AuditAction.FEDERATION_SEND,
        obj=message,
        detail={"kind": kind, "peer": link.peer.name},
    )
    return message


RETRYABLE_STATES = frozenset({MessageState.QUEUED, MessageState.FAILED})


def _message_parts(message: Message) -> list[packages.Part]:
    """The parts of an outbound message, rebuilt from what is kept of it: its sealed package is
    encrypted to the peer, so it cannot be opened here to be sealed again."""
    body = packages.Part("body", "application/json", rfc8785.dumps(message.body))
    if message.kind == "request.new":
        return [body, *content.sent_document_parts(message.request, message.body)]
    if message.kind == "consultation.message":
        return [body, *content.sent_attachment_parts(message.body)]
    return [body]


@transaction.atomic
def message_retry(*, actor: User, message: Message) -> Message:
    """Send an outbound message again at once: the worker's next sweep (or `comity federation
    send`) posts it, and its backoff starts over. A message that was given up (failed) is sealed
    again under the same message id with a new creation time, since the peer refuses a package
    older than its window; if the peer did receive the first one, it answers that the id is taken
    (replay) rather than applying it twice."""
    locked = Message.objects.select_for_update().select_related("peer").get(pk=message.pk)
    if locked.direction != MessageDirection.OUTBOUND or locked.state not in RETRYABLE_STATES:
        raise ValidationError(
            {"state": _("Only a message that is waiting or was not delivered can be sent again.")}
        )
    if locked.peer.state != PeerState.TRUSTED:
        raise ValidationError(
            {"peer": _("The peer deployment is no longer trusted: its messages stay unsent.")}
        )
    now = timezone.now()
    fields = ["state", "attempts", "next_attempt_at", "last_error"]
    if locked.state == MessageState.FAILED:
        peer_key = locked.peer.keys.filter(use="enc", retired=False).first()
        if peer_key is None:
            raise ValidationError({"peer": _("The peer deployment has no current encryption key.")})
        parts = _message_parts(locked)
        old = locked.manifest
        manifest = packages.manifest_for(
            message_id=old["message_id"],
            conversation_id=old["conversation_id"],
            kind=old["kind"],
            sender=(old["sender"]["deployment"], old["sender"]["authority"]),
            recipient=(old["recipient"]["deployment"], old["recipient"]["authority"]),
            created_at=now,
            parts=parts,
        )
        package = packages.seal(
            manifest, parts, signing_key=keys.load().signing, recipient_key=OKPKey.import_key(peer_key.jwk)
        )
        locked.manifest = manifest
        locked.manifest_sha256 = packages.sha256(rfc8785.dumps(manifest))
        locked.package = package.decode("ascii")
        fields += ["manifest", "manifest_sha256", "package"]
    previous = locked.state
    locked.state, locked.attempts, locked.next_attempt_at, locked.last_error = MessageState.QUEUED, 0, now, ""
    locked.save(update_fields=fields)
    audit(
        actor=actor,
        action=AuditAction.FEDERATION_RETRY,
        obj=locked,
        detail={"kind": locked.kind, "peer": locked.peer.name, "state": previous},
    )
    return locked


SYSTEM_ACTOR_PREFIX = "federation:"


def system_actor(authority: Authority) -> User:
    """The user in whose name a peer's messages to `authority` are applied (ADR 11 addendum): an
    officer of that authority that cannot log in (no usable password; ':' is refused in the
    usernames people are given), so that every write goes through the services' checks."""
    actor, _created = User.objects.get_or_create(
        username=f"{SYSTEM_ACTOR_PREFIX}{authority.pk}",
        # A callable: the unusable password is made only when the user is (it draws a random salt).
        defaults={"authority": authority, "role": Role.OFFICER, "password": lambda: make_password(None)},
    )
    return actor


def is_system_actor(user: User) -> bool:
    """Whether `user` is a peer authority's system actor (system_actor), whom nobody logs in as."""
    return user.username.startswith(SYSTEM_ACTOR_PREFIX)


def _day(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def audit_applied(actor: User, message: Message, peer: Peer, applied_to: Request | Alert) -> None:
    """The audit entry of a peer's message applied to a request or an alert: its kind, id and
    peer, no content."""
    audit(
        actor=actor,
        action=AuditAction.FEDERATION_APPLY,
        obj=applied_to,
        detail={"kind": message.kind, "message_id": str(message.message_id), "peer": peer.name},
    )


def _request_new_apply(
    message: Message, peer: Peer, requesting: Authority, recipient: Authority, parts: Mapping[str, bytes]
) -> Request:
    """An inbound `request.new` as an incoming request of the recipient authority from the peer's
    authority `requesting`, with the sender's reference as the requesting authority's, received
    today, and its documents; the message is written with its request."""
    body = message.body
    actor = system_actor(recipient)
    request = cooperation.request_create(
        actor=actor,
        requesting_authority=requesting,
        requested_authority=recipient,
        type=body["type"],
        legal_basis=body["legal_basis"],
        proceeding=body["proceeding"],
        offences=body["offences"],
        measures=body.get("measures", []),
        summary=body.get("summary", ""),
        urgent=body.get("urgent", False),
        urgency_reason=body.get("urgency_reason", ""),
        confidential=body.get("confidential", False),
        names_visible_to=body.get("names_visible_to", NamesVisibleTo.OFFICERS),
        subjects=content.subject_inputs(body),
        requesting_reference=body["reference"],
        sent_on=_day(body.get("sent_on")),
        received_on=timezone.localdate(),
    )
    message.request = request
    message.save()
    _documents_store(message, request, parts)
    audit_applied(actor, message, peer, request)
    return request


def _documents_store(message: Message, request: Request, parts: Mapping[str, bytes]) -> None:
    """The documents of a `request.new`, each checked as an upload here is, kept with the incoming
    request (in its transaction: a refused one refuses the message whole)."""
    Document.objects.bulk_create(
        [
            Document(
                message=message,
                request=request,
                part=document["part"],
                title=document.get("title", ""),
                file_name=checked.name,
                content_type=checked.content_type,
                size=len(checked.content),
                sha256=checked.sha256,
                content=checked.content,
            )
            for document, checked in content.received_files(
                message.manifest, message.body.get("documents", []), parts, field="documents"
            )
        ]
    )


def _request_receipt_apply(message: Message, peer: Peer) -> None:
    """A receipt the peer signed about a message we sent it (RETRIEVAL), kept with that message."""
    body = message.body
    sent = Message.objects.filter(
        direction=MessageDirection.OUTBOUND, peer=peer, message_id=body["message_id"]
    ).first()
    try:
        claims = packages.receipt_verify(body["receipt"], sender_key)
    except Refused as refusal:
        raise Refused(Reason.UNACCEPTABLE, str(message.message_id)) from refusal
    if (
        sent is None
        or claims.get("issuer") != peer.name
        or claims.get("message_id") != str(sent.message_id)
        or claims.get("evidence") != Evidence.RETRIEVAL
    ):
        raise Refused(Reason.UNACCEPTABLE, str(message.message_id))
    issued_at = datetime.datetime.strptime(claims["issued_at"], packages.INSTANT).replace(tzinfo=datetime.UTC)
    Receipt.objects.create(
        message=sent,
        evidence=Evidence.RETRIEVAL,
        issuer=peer.name,
        issued_at=issued_at,
        token=body["receipt"],
    )


def request_opened(*, actor: User, request: Request) -> None:
    """The first time an official of the recipient authority opens a request that came from a
    peer, a signed RETRIEVAL receipt is kept here and sent back to the peer (ADR 11). Called by the
    request's page; nothing is done for any other request or reader."""
    if not (
        request.requesting_authority.external
        and actor.reads_cases
        and actor.authority_id == request.requested_authority_id
    ):
        return
    with transaction.atomic():
        received = (
            Message.objects.select_for_update()
            .filter(direction=MessageDirection.INBOUND, kind="request.new", request=request)
            .exclude(receipts__evidence=Evidence.RETRIEVAL)
            .first()
        )
        if received is None:
            return
        delivered = received.receipts.filter(evidence=Evidence.DELIVERY).first()
        if delivered is None:
            return
        own, own_keys = Deployment.objects.get(), keys.load()
        ours = SenderKey(key=own_keys.signing, deployment=own.name)
        package_sha256 = packages.receipt_verify(delivered.token, lambda kid: ours)["package_sha256"]
        now = timezone.now()
        token = packages.receipt_sign(
            evidence=Evidence.RETRIEVAL,
            issuer=own.name,
            issued_at=now,
            message_id=str(received.message_id),
            package_sha256=package_sha256,
            signing_key=own_keys.signing,
        )
        Receipt.objects.create(
            message=received, evidence=Evidence.RETRIEVAL, issuer=own.name, issued_at=now, token=token
        )
        # A peer no longer trusted gets nothing: the receipt stays here, for the record.
        with contextlib.suppress(NotFederated):
            message_queue(
                actor=actor,
                kind="request.receipt",
                sender=request.requested_authority,
                recipient=request.requesting_authority,
                body={"message_id": str(received.message_id), "receipt": token},
                conversation_id=str(received.conversation_id),
            )


def federated_authorities() -> set[int]:
    """The ids of the local (external) authorities hosted by a trusted peer: requests to them travel."""
    return set(
        PeerAuthority.objects.filter(peer__state=PeerState.TRUSTED).values_list("authority_id", flat=True)
    )


def requests_forward(*, actor: User | None, ids: Sequence[int]) -> None:
    """`request_forward` for requests stored in bulk (an import), once they are stored."""
    found = Request.objects.filter(pk__in=ids).select_related("requesting_authority", "requested_authority")
    for request in found.prefetch_related("offence_rows", "measure_rows", "subjects").order_by("pk"):
        request_forward(
            actor=actor,
            request=request,
            offences=[row.code for row in request.offence_rows.all()],
            measures=[row.code for row in request.measure_rows.all()],
        )


def request_forward(
    *,
    actor: User | None,
    request: Request,
    offences: Sequence[str],
    measures: Sequence[str],
    documents: Sequence["cooperation.DocumentInput"] = (),
) -> None:
    """Queue a `request.new` for a request this deployment sends to an authority hosted by a
    trusted peer; called by cooperation's request_create and requests_import in their transaction.
    A request to any other authority, from an authority of a peer, or that the other side already
    received by another channel (its date received is recorded) stays a record of this deployment."""
    recipient = request.requested_authority
    if not recipient.external or request.requesting_authority.external or request.received_on:
        return
    body = {
        "type": request.type,
        "legal_basis": request.legal_basis,
        "proceeding": request.proceeding,
        "offences": list(offences),
        "measures": list(measures),
        "reference": request.requesting_reference,
        "summary": request.summary,
        "urgent": request.urgent,
        "urgency_reason": request.urgency_reason,
        "confidential": request.confidential,
        "names_visible_to": request.names_visible_to,
        "subjects": content.subjects_of(request),
        "sent_on": request.sent_on.isoformat() if request.sent_on else None,
        # The peer's copy of our sent event names it by our id, for corrections (ADR 11).
        "sent_event_id": request.events.filter(kind=EventKind.SENT).values_list("pk", flat=True).first(),
    }
    body["documents"], parts = content.document_parts(documents)
    with contextlib.suppress(NotFederated):
        message_queue(
            actor=actor,
            kind="request.new",
            sender=request.requesting_authority,
            recipient=recipient,
            body=body,
            parts=parts,
            request=request,
        )


def own_receipt_record(
    own: Deployment,
    own_keys: keys.DeploymentKeys,
    message: Message,
    evidence: Evidence,
    now: datetime.datetime,
) -> Receipt:
    """Sign and keep this deployment's own evidence about an outbound message (its submission
    accepted, or not delivered in the window): public for the delivery worker, which writes it in
    the transaction that settles the message."""
    token = packages.receipt_sign(
        evidence=evidence,
        issuer=own.name,
        issued_at=now,
        message_id=str(message.message_id),
        package_sha256=packages.sha256(message.package.encode("ascii")),
        signing_key=own_keys.signing,
    )
    return Receipt.objects.create(
        message=message, evidence=evidence, issuer=own.name, issued_at=now, token=token
    )


def secure_address(url: str) -> bool:
    """HTTPS, or plain HTTP on this machine only (ADR 11)."""
    base = urllib.parse.urlsplit(url)
    if base.scheme == "https":
        return True
    host = base.hostname or ""
    try:
        return base.scheme == "http" and (host == "localhost" or ipaddress.ip_address(host).is_loopback)
    except ValueError:
        return False


def inbox_url(peer: Peer) -> str | None:
    """The peer's inbox; None when it would be plain HTTP beyond this machine (ADR 11)."""
    if not secure_address(peer.url):
        return None
    return peer.url.rstrip("/") + "/federation/inbox"
