"""Hubs and their trust lists (ADR 11 addendum): the writes (atomic, audited) and reads. A hub
signs the key documents of the peers it trusts, and its own, into an expiring list; a member that
trusts the hub explicitly applies its lists through the same service as `comity federation trust`.
"""

import datetime
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from joserfc.jwk import OKPKey

from comity.accounts.models import User
from comity.core.choices import AuditAction
from comity.core.errors import FieldErrors
from comity.core.services import audit
from comity.federation import keys, selectors, services, trustlists
from comity.federation.choices import PeerState
from comity.federation.models import Deployment, Peer, PeerKey, TrustList
from comity.federation.packages import sha256
from comity.federation.trustlists import ListReason, ListRefused

WELL_KNOWN_PATH = "/.well-known/comity-trust-list.jws"
FETCH_TIMEOUT_SECONDS = 30


# --- At the hub -------------------------------------------------------------------------------


@transaction.atomic
def trust_list_publish(
    *,
    actor: User | None,
    expires_in_days: int,
    include: Sequence[str] = (),
    now: datetime.datetime | None = None,
) -> TrustList:
    """Sign this deployment's own key document and those of the peers it trusts (all of them, or
    those named in `include`) into a list expiring in `expires_in_days`, numbered one more than
    the last it published. The newest is served at the well-known address."""
    own = Deployment.objects.select_for_update().first()
    document = selectors.key_document()
    if own is None or document is None:
        raise services.NotFederated(_("This deployment has no federation identity yet."))
    errors = FieldErrors()
    if not 1 <= expires_in_days <= trustlists.MAX_VALIDITY_DAYS:
        errors.add(
            "expires_in",
            _("A trust list expires in 1 to %(days)s days.") % {"days": trustlists.MAX_VALIDITY_DAYS},
        )
    trusted = Peer.objects.filter(state=PeerState.TRUSTED).order_by("name")
    if include:
        trusted = trusted.filter(name__in=include)
        for name in sorted(set(include) - {peer.name for peer in trusted}):
            errors.add("include", _("No peer named %(name)s is trusted here.") % {"name": name})
    for peer in trusted:
        if not peer.document:
            errors.add(
                "include",
                _("The key document of %(name)s is not kept here: trust it again first.")
                % {"name": peer.name},
            )
    if len(trusted) + 1 > trustlists.MAX_DOCUMENTS:
        errors.add(
            "include",
            _("A trust list holds at most %(count)s key documents.") % {"count": trustlists.MAX_DOCUMENTS},
        )
    errors.raise_if_any()
    now = now or timezone.now()
    last = TrustList.objects.filter(hub__isnull=True).aggregate(last=Max("sequence"))["last"] or 0
    issued = now.replace(microsecond=0)
    expires = issued + datetime.timedelta(days=expires_in_days)
    claims = trustlists.claims_for(
        hub=own.name,
        sequence=last + 1,
        issued_at=issued,
        expires_at=expires,
        documents=[document, *(peer.document for peer in trusted)],
    )
    token = trustlists.sign(claims, keys.load().signing)
    published = TrustList.objects.create(
        hub=None,
        sequence=last + 1,
        issued_at=issued,
        expires_at=expires,
        sha256=sha256(token.encode()),
        token=token,
    )
    audit(
        actor=actor,
        action=AuditAction.FEDERATION_LIST_PUBLISH,
        obj=published,
        detail={"sequence": str(published.sequence), "documents": str(len(claims["documents"]))},
    )
    return published


def published_list() -> TrustList | None:
    """The newest list this deployment published, or None when it is not a hub."""
    return TrustList.objects.filter(hub__isnull=True).order_by("-sequence").first()


# --- At a member --------------------------------------------------------------------------------


@transaction.atomic
def hub_trust(*, actor: User | None, document: Mapping[str, Any]) -> Peer:
    """Trust a hub from its key document, whose fingerprint the operator compared out of band, as
    `peer_trust` trusts a peer (it is one: its authorities are linked); its lists may then vouch
    for other peers."""
    hub = services.peer_trust(actor=actor, document=document)
    hub.hub = True
    hub.save(update_fields=["hub"])
    audit(actor=actor, action=AuditAction.FEDERATION_HUB, obj=hub, fields=["hub"])
    return hub


@dataclass(frozen=True)
class Applied:
    hub: str
    sequence: int
    expires_at: datetime.datetime
    trusted: list[str]
    revoked: list[str]
    skipped: list[str]


def _hub_key(kid: str) -> tuple[str, OKPKey] | None:
    """A trusted hub's signing key (current or retired: a list signed before a rotation stays valid
    until it expires) by its kid."""
    found = (
        PeerKey.objects.select_related("peer")
        .filter(kid=kid, use="sig", peer__hub=True, peer__state=PeerState.TRUSTED)
        .first()
    )
    return None if found is None else (found.peer.name, OKPKey.import_key(found.jwk))


def trust_list_apply(*, actor: User | None, token: str, now: datetime.datetime | None = None) -> Applied:
    """Apply a hub's trust list, all or nothing: verified (signed by a hub trusted here, naming
    itself, not expired, newer than the last list of that hub applied here), then every key document
    it lists trusted through `peer_trust`, and the peers only this hub vouched for that it no longer
    lists revoked. A refused list writes nothing but an audit entry naming the reason."""
    own = Deployment.objects.first()
    if own is None:
        raise services.NotFederated(_("This deployment has no federation identity yet."))
    now = now or timezone.now()
    try:
        if len(token) > trustlists.MAX_TRUST_LIST_BYTES:
            raise ListRefused(ListReason.TOO_LARGE)
        claims = trustlists.verify(
            token, hub_key=_hub_key, now=now, problems=lambda error: dict(services.schema_errors(error))
        )
        return _apply(actor, own, claims, token)
    except ListRefused as refusal:
        _refused(actor, own, token, refusal)
        raise


@transaction.atomic
def _refused(actor: User | None, own: Deployment, token: str, refusal: ListRefused) -> None:
    try:
        found = _hub_key(trustlists.signing_kid(token))
    except ListRefused:
        found = None
    hub = Peer.objects.filter(name=found[0]).first() if found else None
    detail = {"reason": refusal.reason.value}
    if refusal.sequence is not None:
        detail["sequence"] = str(refusal.sequence)
    audit(actor=actor, action=AuditAction.FEDERATION_LIST_REFUSE, obj=hub or own, detail=detail)


@transaction.atomic
def _apply(actor: User | None, own: Deployment, claims: trustlists.TrustListClaims, token: str) -> Applied:
    hub = Peer.objects.select_for_update().get(name=claims.hub)
    last = TrustList.objects.filter(hub=hub).aggregate(last=Max("sequence"))["last"] or 0
    if claims.sequence <= last:
        raise ListRefused(ListReason.STALE, sequence=claims.sequence)
    known = {peer.name: peer for peer in Peer.objects.filter(name__in=[d.name for d in claims.documents])}
    errors = FieldErrors()
    trusted, skipped = [], []
    for index, document in enumerate(claims.documents):
        earlier = known.get(document.name)
        if document.name == own.name:
            skipped.append(document.name)  # the hub lists its members, this one among them
            continue
        if earlier is not None and earlier.state != PeerState.TRUSTED and earlier.vouched_by_id != hub.pk:
            # Revoked here by its operator or by another hub's list: this hub does not overrule that.
            skipped.append(document.name)
            continue
        try:
            peer = services.peer_trust(actor=actor, document=document.model_dump())
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                for problem in problems:
                    errors.add(f"documents.{index}.{field}", problem)
            continue
        # A peer the operator trusted directly (or the hub itself) stays so; any other is vouched
        # for by the hub that listed it first.
        direct = earlier is not None and earlier.vouched_by_id is None
        vouched_by = None if direct or peer.pk == hub.pk else (earlier.vouched_by_id if earlier else hub.pk)
        if peer.vouched_by_id != vouched_by:
            peer.vouched_by_id = vouched_by
            peer.save(update_fields=["vouched_by"])
        trusted.append(peer.name)
    if errors:
        raise ListRefused(ListReason.UNACCEPTABLE, dict(errors), claims.sequence)
    dropped = Peer.objects.filter(vouched_by=hub, state=PeerState.TRUSTED).exclude(
        name__in=[d.name for d in claims.documents]
    )
    revoked = []
    for peer in dropped.order_by("name"):
        services.peer_revoke(actor=actor, peer=peer, by_hub=True)
        revoked.append(peer.name)
    applied = TrustList.objects.create(
        hub=hub,
        sequence=claims.sequence,
        issued_at=trustlists.parse_instant(claims.issued_at),
        expires_at=trustlists.parse_instant(claims.expires_at),
        sha256=sha256(token.encode()),
        token=token,
    )
    audit(
        actor=actor,
        action=AuditAction.FEDERATION_LIST_APPLY,
        obj=applied,
        detail={
            "hub": hub.name,
            "sequence": str(claims.sequence),
            "trusted": str(len(trusted)),
            "revoked": str(len(revoked)),
            "skipped": str(len(skipped)),
        },
    )
    return Applied(hub.name, claims.sequence, applied.expires_at, trusted, revoked, skipped)


class Unreachable(ValueError):
    """A trust list could not be fetched from its address."""


def fetch(url: str) -> str:
    """A hub's published list from its address (HTTPS, or plain HTTP on this machine only; the
    hub's base address means its well-known one), read up to the size a list may have; Unreachable
    with the cause otherwise."""
    if not services.secure_address(url):
        raise Unreachable(_("Trust lists are fetched over HTTPS (plain HTTP on this machine only)."))
    if urllib.parse.urlsplit(url).path in ("", "/"):
        url = url.rstrip("/") + WELL_KNOWN_PATH  # a hub's address: its list is at the well-known path
    request = urllib.request.Request(url, headers={"Accept": "application/jose"})
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT_SECONDS) as response:
            raw = response.read(trustlists.MAX_TRUST_LIST_BYTES + 1)
    except urllib.error.HTTPError as error:
        raise Unreachable(_("The address answered HTTP %(status)s.") % {"status": error.code}) from error
    except (OSError, ValueError) as error:
        raise Unreachable(_("The address cannot be reached.")) from error
    try:
        return raw.decode("ascii").strip()
    except UnicodeDecodeError:
        return "not a trust list"
