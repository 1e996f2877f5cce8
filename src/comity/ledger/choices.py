from django.db import models
from django.utils.translation import gettext_lazy as _


class EntryKind(models.TextChoices):
    RETURN_AGREEMENT = "return-agreement", _("Return agreement")
    DISBURSEMENT = "disbursement", _("Disbursement")
    CORRECTION = "correction", _("Correction")
