"""Vocabularies of asset recovery that are Comity's own (the shared ones are in reference.choices)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class StepKind(models.TextChoices):
    """A step in an asset's measure history. An asset is `identified` from its creation."""

    FROZEN = "frozen", pgettext_lazy("asset step", "Frozen or seized")
    RELEASED = "released", pgettext_lazy("asset step", "Released")
    CONFISCATED = "confiscated", pgettext_lazy("asset step", "Confiscated")
    REALISED = "realised", pgettext_lazy("asset step", "Realised (sold)")
    RETURNED = "returned", pgettext_lazy("asset step", "Returned")
    CLOSED = "closed", pgettext_lazy("asset step", "Closed")


class AssetProceeding(models.TextChoices):
    """The proceeding under which an asset is confiscated: the shared `proceeding` codes plus
    settlements and other non-trial resolutions, which the reports count separately."""

    CRIMINAL = "criminal", _("Criminal, conviction-based")
    NON_CONVICTION_BASED = "non-conviction-based", _("Non-conviction-based")
    CIVIL = "civil", _("Civil judgment")
    ADMINISTRATIVE = "administrative", _("Administrative")
    SETTLEMENT = "settlement", _("Settlement or non-trial resolution")


class CaseCountryRole(models.TextChoices):
    ASSET_LOCATION = "asset-location", _("State of asset location")
    TRANSIT = "transit", _("Transit State")


class IdentifierKind(models.TextChoices):
    IBAN = "iban", _("IBAN")
    ACCOUNT = "account", _("Account number")
    ISIN = "isin", _("ISIN")
    LEI = "lei", _("Legal Entity Identifier")
    IMO = "imo", _("IMO ship number")
    LAND_TITLE = "land-title", _("Land title")
    REGISTRATION = "registration", _("Registration number")
    BITCOIN = "bitcoin", _("Bitcoin address")
    WALLET = "wallet", _("Other wallet address")
    OTHER = "other", _("Other")


class PersonRole(models.TextChoices):
    PUBLIC_OFFICIAL = "public-official", _("Public official")
    ASSOCIATE = "associate", _("Family member or close associate")
    INTERMEDIARY = "intermediary", _("Intermediary or nominee")
    BRIBE_PAYER = "bribe-payer", _("Bribe payer")
    OTHER = "other", _("Other")


class OrderKind(models.TextChoices):
    INTERIM = "interim", _("Interim (freezing or seizure)")
    FINAL = "final", _("Final (confiscation)")


class OrderStepKind(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("order step", "Received")
    REGISTRATION_APPLIED = "registration-applied", pgettext_lazy("order step", "Registration applied for")
    REGISTERED = "registered", pgettext_lazy("order step", "Registered")
    ENFORCEMENT_STARTED = "enforcement-started", pgettext_lazy("order step", "Enforcement started")
    ENFORCED = "enforced", pgettext_lazy("order step", "Enforced")
    REFUSED = "refused", pgettext_lazy("order step", "Refused")


class ClaimantKind(models.TextChoices):
    VICTIM = "victim", _("Victim")
    THIRD_PARTY = "third-party", _("Bona fide third party")


class ClaimStatus(models.TextChoices):
    LODGED = "lodged", pgettext_lazy("claim status", "Lodged")
    ACCEPTED = "accepted", pgettext_lazy("claim status", "Accepted")
    PARTIALLY_ACCEPTED = "partially-accepted", pgettext_lazy("claim status", "Partially accepted")
    REJECTED = "rejected", pgettext_lazy("claim status", "Rejected")
    WITHDRAWN = "withdrawn", pgettext_lazy("claim status", "Withdrawn")
