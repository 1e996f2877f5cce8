"""The network's vocabularies: Comity's own codes (VOCABULARY.md names the handling codes and the
alert statuses, which are in reference.choices)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MembershipState(models.TextChoices):
    """Where an authority's membership of a network stands; only `approved` reads or writes."""

    REQUESTED = "requested", pgettext_lazy("membership", "Requested")
    APPROVED = "approved", pgettext_lazy("membership", "Approved")
    REFUSED = "refused", pgettext_lazy("membership", "Refused")
    SUSPENDED = "suspended", pgettext_lazy("membership", "Suspended")


class Competence(models.TextChoices):
    """What an authority can be asked for (004 §19, §46; 000 §42)."""

    MLA = "mla", _("Mutual legal assistance")
    EXTRADITION = "extradition", _("Extradition")
    ASSET_RECOVERY = "asset-recovery-focal-point", _("Asset recovery focal point")
    CIVIL_ADMINISTRATIVE = "civil-administrative", _("Civil and administrative cooperation")
    PREVENTION = "prevention", _("Prevention")
    URGENT = "urgent-24-7", _("Urgent contact (24/7)")


class Channel(models.TextChoices):
    """How a request reaches the authority."""

    DIRECT = "direct", _("Directly between central authorities")
    DIPLOMATIC = "diplomatic", _("Diplomatic channels")
    INTERPOL = "interpol", _("INTERPOL")
    SECURE_PLATFORM = "secure-platform", _("Secure platform")
    EMAIL = "email", _("E-mail")


class Affiliation(models.TextChoices):
    """Networks of practitioners an authority belongs to, outside Comity."""

    CARIN = "carin", _("CARIN")
    ARIN_AP = "arin-ap", _("ARIN-AP (Asia and the Pacific)")
    ARIN_CARIB = "arin-carib", _("ARIN-CARIB (Caribbean)")
    ARIN_EA = "arin-ea", _("ARIN-EA (Eastern Africa)")
    ARIN_SA = "arin-sa", _("ARINSA (Southern Africa)")
    ARIN_WA = "arin-wa", _("ARIN-WA (West Africa)")
    ARIN_WCA = "arin-wca", _("ARIN-WCA (West and Central Asia)")
    RRAG = "rrag", _("RRAG (Latin America)")
    GLOBE = "globe", _("GlobE Network")
    STAR_INTERPOL = "star-interpol", _("StAR/INTERPOL focal points")
    EGMONT = "egmont", _("Egmont Group")
    EJN = "ejn", _("European Judicial Network")
    IBERRED = "iberred", _("IberRed")
    OTHER = "other", _("Other network")


class NotificationKind(models.TextChoices):
    """What a notification is about; alerts, invitations and new messages are e-mailed at once, the
    rest in the daily digest."""

    MESSAGE = "message", _("New message in a consultation")
    INVITATION = "invitation", _("Invitation to a consultation")
    MEETING = "meeting", _("Coordination meeting")
    ACTION_DUE = "action-due", _("Action item due")
    ALERT = "alert", _("Urgent freezing alert")
    ALERT_STEP = "alert-step", _("Answer to an urgent freezing alert")
    CONFIRM_DUE = "confirm-due", _("Directory entry to confirm")
    MEMBERSHIP = "membership", _("Network membership")


class DirectoryChangeKind(models.TextChoices):
    """What one change of a directory entry did (DirectoryChange.what)."""

    CREATE = "create", _("Entry created")
    UPDATE = "update", _("Entry changed")
    CONFIRM = "confirm", _("Entry confirmed")
    CONTACT_ADD = "contact-add", _("Contact person added")
    CONTACT_CHANGE = "contact-change", _("Contact person changed")
    CONTACT_REMOVE = "contact-remove", _("Contact person removed")


# Which competence answers for a measure and a proceeding, for the finder ("Who do I ask?"):
# tracing, freezing, confiscation and return go to the asset recovery focal point; the rest, and
# criminal proceedings, to mutual legal assistance.
ASSET_MEASURES = frozenset(
    {
        "asset-tracing",
        "beneficial-ownership",
        "freezing",
        "search-seizure",
        "confiscation-enforcement",
        "asset-return",
    }
)
PROCEEDING_COMPETENCE = {
    "criminal": Competence.MLA,
    "non-conviction-based": Competence.ASSET_RECOVERY,
    "civil": Competence.CIVIL_ADMINISTRATIVE,
    "administrative": Competence.CIVIL_ADMINISTRATIVE,
}
