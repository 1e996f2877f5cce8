from django.db import models
from django.utils.translation import gettext_lazy as _


class PeerState(models.TextChoices):
    TRUSTED = "trusted", _("Trusted")
    REVOKED = "revoked", _("Revoked")


class KeyUse(models.TextChoices):
    SIGNING = "sig", _("Signing")
    ENCRYPTION = "enc", _("Encryption")
