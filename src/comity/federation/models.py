from django.db import models
from django.utils.translation import gettext_lazy as _

from comity.accounts.models import Authority
from comity.cooperation.models import Request
from comity.federation.choices import KeyUse, MessageDirection, MessageState, PeerState
from comity.network.models import Alert


class Deployment(models.Model):
    """This Comity deployment as its peers know it: its name and address. There is one row, made by
    `comity federation init`; its private keys are in files (ADR 11), never here."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    url = models.URLField(_("address"), max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("this deployment")
        verbose_name_plural = _("this deployment")

    def __str__(self) -> str:
        return self.name


class Peer(models.Model):
    """Another Comity deployment that this one trusts, from its key document: packages signed by
    one of its keys are accepted, and packages to its authorities are encrypted to its key."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    url = models.URLField(_("address"), max_length=300)
    state = models.CharField(_("state"), max_length=16, choices=PeerState.choices, default=PeerState.TRUSTED)
    fingerprint = models.CharField(_("fingerprint"), max_length=80)
    trusted_at = models.DateTimeField(_("trusted at"))
    # The key document last trusted, as the peer published it: a hub signs it into its trust list.
    document = models.JSONField(_("key document"), default=dict, blank=True)
    # A hub: its signed trust lists are applied here (`comity federation trust-hub`, ADR 11).
    hub = models.BooleanField(_("hub"), default=False)
    # The hub whose trust list vouches for this peer; empty when the operator trusted it directly.
    # Only that hub's newer list, by leaving the peer out, revokes it.
    vouched_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="vouched",
        verbose_name=_("vouched for by"),
    )

    class Meta:
        verbose_name = _("peer deployment")
        verbose_name_plural = _("peer deployments")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PeerKey(models.Model):
    """A public key of a peer. A key replaced by a newer document is kept, retired, so that
    packages signed before the rotation still verify."""

    peer = models.ForeignKey(Peer, on_delete=models.CASCADE, related_name="keys", verbose_name=_("peer"))
    kid = models.CharField(_("key id"), max_length=64, unique=True)
    use = models.CharField(_("use"), max_length=3, choices=KeyUse.choices)
    jwk = models.JSONField(_("public key"))
    retired = models.BooleanField(_("retired"), default=False)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("peer key")
        verbose_name_plural = _("peer keys")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(use__in=KeyUse.values), name="federation_peerkey_use_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.kid


class PeerAuthority(models.Model):
    """An authority hosted at a peer, known here as an external authority: `remote_id` is its id
    at the peer, the one packages name."""

    peer = models.ForeignKey(
        Peer, on_delete=models.PROTECT, related_name="authorities", verbose_name=_("peer")
    )
    authority = models.OneToOneField(
        Authority, on_delete=models.PROTECT, related_name="peer_link", verbose_name=_("authority")
    )
    remote_id = models.PositiveBigIntegerField(_("id at the peer"))

    class Meta:
        verbose_name = _("authority of a peer")
        verbose_name_plural = _("authorities of peers")
        constraints = [
            models.UniqueConstraint(
                "peer",
                "remote_id",
                name="federation_peer_authority_unique",
                violation_error_message=_("This peer's authority is already linked."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.authority} @ {self.peer}"


class Message(models.Model):
    """One package exchanged with a peer, either way, named by its message id (ADR 11). A received
    message is applied once: its id is unique per direction, and kept for ever against replays.
    An outbound one keeps its sealed package until the peer's receipt settles it."""

    direction = models.CharField(_("direction"), max_length=3, choices=MessageDirection.choices)
    message_id = models.UUIDField(_("message id"))
    conversation_id = models.UUIDField(_("conversation id"))
    kind = models.CharField(_("kind"), max_length=32)
    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="messages", verbose_name=_("peer"))
    manifest = models.JSONField(_("manifest"))
    manifest_sha256 = models.CharField(max_length=64)
    body = models.JSONField(_("content"), default=dict)
    # The sealed package of an outbound message (encrypted to the peer: unreadable here).
    package = models.TextField(blank=True)
    state = models.CharField(_("state"), max_length=16, choices=MessageState.choices)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=64, blank=True)
    # The request the message is about: at the sender, the request it carries or an event of; at
    # the recipient, the incoming request it was applied as. Its receipts show on that request.
    request = models.ForeignKey(
        Request,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="federation_messages",
        verbose_name=_("request"),
    )
    # The urgent freezing alert the message is about (`alert`, `alert.answer`): at each end, the
    # alert as recorded there; its `alert` message's conversation is the alert's (ADR 11).
    alert = models.ForeignKey(
        Alert,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="federation_messages",
        verbose_name=_("urgent freezing alert"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("federation message")
        verbose_name_plural = _("federation messages")
        constraints = [
            models.UniqueConstraint(
                "direction",
                "message_id",
                name="federation_message_once",
                violation_error_message=_("This message is already recorded."),
            ),
            models.CheckConstraint(
                condition=models.Q(direction__in=MessageDirection.values), name="federation_message_direction"
            ),
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="federation_outbox_due")]

    def __str__(self) -> str:
        return str(self.message_id)


class Receipt(models.Model):
    """A signed ETSI REM evidence about a message (delivery, rejection with its reason...), kept
    with it: `token` is the JWS its issuer signed, verifiable by anyone holding the issuer's key."""

    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, related_name="receipts", verbose_name=_("message")
    )
    evidence = models.CharField(_("evidence"), max_length=32)
    reason = models.CharField(_("reason"), max_length=32, blank=True)
    issuer = models.CharField(_("issuer"), max_length=100)
    issued_at = models.DateTimeField(_("issued at"))
    token = models.TextField()

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        ordering = ["issued_at", "pk"]

    def __str__(self) -> str:
        return self.evidence


class TrustList(models.Model):
    """A hub's signed, expiring trust list (ADR 11 addendum). At a hub (`hub` empty): each list it
    published, the newest served at the well-known address. At a member: each list it applied,
    whose sequence a newer list must exceed."""

    hub = models.ForeignKey(
        Peer,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="trust_lists",
        verbose_name=_("hub"),
    )
    sequence = models.PositiveBigIntegerField(_("sequence number"))
    issued_at = models.DateTimeField(_("issued at"))
    expires_at = models.DateTimeField(_("expires at"))
    sha256 = models.CharField(max_length=64)
    # The signed list (JWS compact), verifiable again by anyone holding the hub's key.
    token = models.TextField()
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("trust list")
        verbose_name_plural = _("trust lists")
        constraints = [
            models.UniqueConstraint(
                "hub",
                "sequence",
                name="federation_trust_list_sequence",
                violation_error_message=_(
                    "A list of this hub with this sequence number is already recorded."
                ),
            ),
            models.UniqueConstraint(
                "sequence",
                condition=models.Q(hub__isnull=True),
                name="federation_published_list_sequence",
                violation_error_message=_("A list with this sequence number was already published."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hub or '-'} #{self.sequence}"


class Document(models.Model):
    """A document enclosed with a request a peer sent (a part of its `request.new` package, of the
    size and SHA-256 its signed manifest states), kept with the incoming request it was applied as.
    Stored in the database like every file officials give Comity (backed up and restored with
    it); read only by those who may see the request and its subjects' names."""

    message = models.ForeignKey(
        Message, on_delete=models.PROTECT, related_name="documents", verbose_name=_("message")
    )
    request = models.ForeignKey(
        Request, on_delete=models.CASCADE, related_name="federation_documents", verbose_name=_("request")
    )
    part = models.CharField(max_length=64)
    title = models.CharField(_("title"), max_length=300, blank=True)
    file_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField(editable=False)

    class Meta:
        verbose_name = _("document received")
        verbose_name_plural = _("documents received")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint("message", "part", name="federation_document_part_once"),
        ]

    def __str__(self) -> str:
        return self.file_name
