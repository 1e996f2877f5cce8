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
