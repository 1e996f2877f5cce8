"""Writes of the federation (ADR 11): this deployment's identity, and the peers it trusts."""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext as _
from joserfc.errors import JoseError
from joserfc.jwk import OKPKey
from pydantic import ValidationError as SchemaError

from comity.accounts.choices import NON_PARTY_KINDS
from comity.accounts.models import Authority, User
from comity.accounts.services import authority_create
from comity.core import messages
from comity.core.choices import AuditAction
from comity.core.errors import FieldErrors
from comity.core.services import audit
from comity.federation import keys, packages
from comity.federation.choices import MessageDirection, MessageState, PeerState
from comity.federation.models import Deployment, Message, Peer, PeerAuthority, PeerKey, Receipt
from comity.federation.packages import Evidence, Reason, Refused, SenderKey
from comity.federation.schemas import KeyDocument

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
    linked = {link.remote_id: link for link in PeerAuthority.objects.filter(peer=peer)}
    created = 0
    for index, hosted in enumerate(document.authorities):
        if hosted.id in linked:
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
def peer_revoke(*, actor: User | None, peer: Peer) -> Peer:
    """Stop trusting a peer: its packages are refused from now on (its keys stay, for the record)."""
    peer.state = PeerState.REVOKED
    peer.save(update_fields=["state"])
    audit(actor=actor, action=AuditAction.FEDERATION_REVOKE, obj=peer, fields=["state"])
    return peer


@dataclass(frozen=True)
class InboxAnswer:
    """What the inbox answers: a signed receipt, and whether the package was accepted."""

    accepted: bool
    receipt: str
    reason: Reason | None = None


def sender_key(kid: str) -> SenderKey | None:
    """A trusted peer's signing key (current or retired) by its kid, for verifying."""
    found = PeerKey.objects.select_related("peer").filter(kid=kid, use="sig").first()
    if found is None:
        return None
    return SenderKey(
        key=OKPKey.import_key(found.jwk),
        deployment=found.peer.name,
        revoked=found.peer.state != PeerState.TRUSTED,
    )


def inbox_receive(package: bytes, *, too_large: bool = False) -> InboxAnswer:
    """Verify and record a package from a peer, once (ADR 11). A package already received is
    answered with the receipt given the first time, writing nothing; a refused one writes nothing
    but an audit entry and is answered with a signed rejection naming the reason."""
    own = Deployment.objects.get()
    own_keys = keys.load()
    now = timezone.now()
    package_sha256 = packages.sha256(package)
    try:
        if too_large:
            raise Refused(Reason.TOO_LARGE)
        opened = packages.open_package(
            package,
            recipient=own.name,
            decryption_key=keys.encryption_key,
            sender_key=sender_key,
            now=now,
            max_age=datetime.timedelta(seconds=settings.COMITY_FEDERATION_MAX_AGE),
            max_bytes=settings.COMITY_FEDERATION_MAX_PACKAGE_BYTES,
        )
        try:
            return _inbox_record(own, own_keys, opened, package_sha256, now)
        except IntegrityError:
            # The same message arrived twice at once and the other delivery recorded it first.
            return _inbox_record(own, own_keys, opened, package_sha256, now)
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
    peer = PeerKey.objects.select_related("peer").get(kid=opened.signing_kid).peer
    if not PeerAuthority.objects.filter(peer=peer, remote_id=manifest["sender"]["authority"]).exists():
        raise Refused(Reason.UNTRUSTED_KEY, message_id)
    hosted = Authority.objects.filter(pk=manifest["recipient"]["authority"], external=False)
    if not hosted.exclude(kind__in=NON_PARTY_KINDS).exists():
        raise Refused(Reason.WRONG_RECIPIENT, message_id)
    message = Message.objects.create(
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
