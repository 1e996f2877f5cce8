from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PeerState(models.TextChoices):
    TRUSTED = "trusted", _("Trusted")
    REVOKED = "revoked", _("Revoked")


class KeyUse(models.TextChoices):
    SIGNING = "sig", _("Signing")
    ENCRYPTION = "enc", _("Encryption")


class MessageDirection(models.TextChoices):
    INBOUND = "in", pgettext_lazy("message", "Received")
    OUTBOUND = "out", pgettext_lazy("message", "Sent")


class MessageState(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("message", "Queued")
    DELIVERED = "delivered", pgettext_lazy("message", "Delivered")
    REJECTED = "rejected", pgettext_lazy("message", "Refused by the peer")
    FAILED = "failed", pgettext_lazy("message", "Not delivered")
    RECEIVED = "received", pgettext_lazy("message", "Received")


# What a receipt about a request's message says on its page, by direction and ETSI REM evidence.
RECEIPT_TEXTS = {
    ("out", "SUBMISSION_ACCEPTANCE"): _("Queued for %(peer)s"),
    ("out", "DELIVERY"): _("Delivered to %(peer)s"),
    ("out", "RELAY_REMMD_REJECTION"): _("Refused by %(peer)s"),
    ("out", "NON_DELIVERY"): _("Not delivered to %(peer)s"),
    ("out", "RETRIEVAL"): _("Opened at %(peer)s"),
    ("in", "DELIVERY"): _("Received from %(peer)s"),
    ("in", "RETRIEVAL"): _("Opened here, receipt sent to %(peer)s"),
}

# Why a peer refused a package (the reason code of its signed rejection).
REASON_TEXTS = {
    "too_large": _("the package is too large"),
    "malformed": _("the package cannot be read"),
    "wrong_recipient": _("the package is not for that deployment or authority"),
    "untrusted_key": _("the sender is not trusted there"),
    "revoked_peer": _("the sender is no longer trusted there"),
    "bad_signature": _("the signature does not verify"),
    "part_hash": _("the package was changed on its way"),
    "too_old": _("the package is too old"),
    "from_future": _("the package is dated in the future"),
    "replay": _("the message was already received with other content"),
    "schema": _("the content does not have the expected form"),
    "unacceptable": _("the content does not meet that deployment's rules"),
}

# Why our last attempt to deliver a message did not settle it (Message.last_error, besides the
# peer's own reasons above and "http_NNN").
DELIVERY_ERROR_TEXTS = {
    "unreachable": _("the peer could not be reached"),
    "network": _("the connection to the peer failed"),
    "insecure_address": _("the peer's address is not HTTPS"),
    "bad_receipt": _("the peer's answer was not a receipt signed by it about this package"),
}
