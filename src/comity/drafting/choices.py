"""Codes of the drafting app (VOCABULARY.md: the check's `severity`)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from comity.reference.choices import RequestType


class DraftType(models.TextChoices):
    """The four requests the guided form drafts (#23 item 5)."""

    MLA = "mla", _("Mutual legal assistance request")
    EXTRADITION = "extradition", _("Extradition request")
    FREEZE_CONFISCATE = "freeze-confiscate", _("Request to freeze or confiscate")
    ENFORCE_ORDER = "enforce-order", _("Request to enforce a foreign order")


# The registry's type of the request each draft becomes: freezing, confiscating and enforcing an
# order are mutual legal assistance (UNCAC arts. 46(3)(j), 54, 55), told apart by their measures.
REQUEST_TYPE = {
    DraftType.MLA: RequestType.MLA,
    DraftType.EXTRADITION: RequestType.EXTRADITION,
    DraftType.FREEZE_CONFISCATE: RequestType.MLA,
    DraftType.ENFORCE_ORDER: RequestType.MLA,
}


class Severity(models.TextChoices):
    BLOCKING = "blocking", pgettext_lazy("check severity", "Blocking")
    ADVISORY = "advisory", pgettext_lazy("check severity", "Advisory")


class DraftStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("draft status", "Being drafted")
    REGISTERED = "registered", pgettext_lazy("draft status", "Registered as sent")
