"""Vocabularies of asset recovery that are Comity's own (the shared ones are in reference.choices)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class StepKind(models.TextChoices):
    """A step in an asset's measure history. An asset is `identified` from its creation."""

    FROZEN = "frozen", _("Frozen or seized")
    RELEASED = "released", _("Released")
    CONFISCATED = "confiscated", _("Confiscated")
    REALISED = "realised", _("Realised (sold)")
    RETURNED = "returned", _("Returned")
    CLOSED = "closed", _("Closed")


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
    RECEIVED = "received", _("Received")
    REGISTRATION_APPLIED = "registration-applied", _("Registration applied for")
    REGISTERED = "registered", _("Registered")
    ENFORCEMENT_STARTED = "enforcement-started", _("Enforcement started")
    ENFORCED = "enforced", _("Enforced")
    REFUSED = "refused", _("Refused")


class ClaimantKind(models.TextChoices):
    VICTIM = "victim", _("Victim")
    THIRD_PARTY = "third-party", _("Bona fide third party")


class ClaimStatus(models.TextChoices):
    LODGED = "lodged", _("Lodged")
    ACCEPTED = "accepted", _("Accepted")
    PARTIALLY_ACCEPTED = "partially-accepted", _("Partially accepted")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
