"""The stable codes of ../shared/VOCABULARY.md: the public contract of the API, CSV and statistics.

Codes never change; labels are translated.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RequestType(models.TextChoices):
    MLA = "mla", _("Mutual legal assistance")
    EXTRADITION = "extradition", _("Extradition")
    LAW_ENFORCEMENT = "law-enforcement", _("Law-enforcement cooperation")
    SPONTANEOUS_INFORMATION = "spontaneous-information", _("Spontaneous information")
    TRANSFER_OF_PROCEEDINGS = "transfer-of-proceedings", _("Transfer of proceedings")
    JOINT_INVESTIGATION = "joint-investigation", _("Joint investigation")


class Measure(models.TextChoices):
    BANK_RECORDS = "bank-records", _("Bank records")
    ASSET_TRACING = "asset-tracing", _("Asset tracing")
    BENEFICIAL_OWNERSHIP = "beneficial-ownership", _("Beneficial ownership")
    SEARCH_SEIZURE = "search-seizure", _("Search and seizure")
    FREEZING = "freezing", _("Freezing")
    CONFISCATION_ENFORCEMENT = "confiscation-enforcement", _("Enforcement of confiscation")
    ASSET_RETURN = "asset-return", _("Return of assets")
    TESTIMONY = "testimony", _("Testimony")
    SERVICE_OF_DOCUMENTS = "service-of-documents", _("Service of documents")
    VIDEOCONFERENCE = "videoconference", _("Videoconference")
    ELECTRONIC_EVIDENCE = "electronic-evidence", _("Electronic evidence")
    OTHER = "other", _("Other")


class LegalBasis(models.TextChoices):
    UNCAC = "uncac", _("UN Convention against Corruption")
    BILATERAL_TREATY = "bilateral-treaty", _("Bilateral treaty")
    REGIONAL_INSTRUMENT = "regional-instrument", _("Regional instrument")
    RECIPROCITY = "reciprocity", _("Reciprocity")
    DOMESTIC_LAW = "domestic-law", _("Domestic law")
    OTHER = "other", _("Other")


class Offence(models.TextChoices):
    UNCAC_15 = "uncac-15", _("Bribery of national public officials (art. 15)")
    UNCAC_16 = "uncac-16", _("Bribery of foreign public officials (art. 16)")
    UNCAC_17 = "uncac-17", _("Embezzlement by a public official (art. 17)")
    UNCAC_18 = "uncac-18", _("Trading in influence (art. 18)")
    UNCAC_19 = "uncac-19", _("Abuse of functions (art. 19)")
    UNCAC_20 = "uncac-20", _("Illicit enrichment (art. 20)")
    UNCAC_21 = "uncac-21", _("Bribery in the private sector (art. 21)")
    UNCAC_22 = "uncac-22", _("Embezzlement in the private sector (art. 22)")
    UNCAC_23 = "uncac-23", _("Laundering of proceeds of crime (art. 23)")
    UNCAC_24 = "uncac-24", _("Concealment (art. 24)")
    UNCAC_25 = "uncac-25", _("Obstruction of justice (art. 25)")
    OTHER = "other", _("Other offence")


# The one table mapping UNCAC offences to UNODC's International Classification of Crime for
# Statistical Purposes (ICCS v1.0, section 07 "acts involving fraud, deception or corruption").
ICCS_BY_OFFENCE: dict[str, str | None] = {
    Offence.UNCAC_15: "07031",
    Offence.UNCAC_16: "07031",
    Offence.UNCAC_17: "07032",
    Offence.UNCAC_18: "07034",
    Offence.UNCAC_19: "07033",
    Offence.UNCAC_20: "07035",
    Offence.UNCAC_21: "07031",
    Offence.UNCAC_22: "07032",
    Offence.UNCAC_23: "07041",
    Offence.UNCAC_24: "07041",
    Offence.UNCAC_25: "0801",
    Offence.OTHER: None,
}


class Proceeding(models.TextChoices):
    CRIMINAL = "criminal", _("Criminal")
    NON_CONVICTION_BASED = "non-conviction-based", _("Non-conviction-based")
    CIVIL = "civil", _("Civil")
    ADMINISTRATIVE = "administrative", _("Administrative")


class Outcome(models.TextChoices):
    EXECUTED = "executed", pgettext_lazy("request outcome", "Executed")
    PARTIALLY_EXECUTED = "partially-executed", pgettext_lazy("request outcome", "Partially executed")
    REFUSED = "refused", pgettext_lazy("request outcome", "Refused")
    WITHDRAWN = "withdrawn", pgettext_lazy("request outcome", "Withdrawn")
    LAPSED = "lapsed", pgettext_lazy("request outcome", "Lapsed")


class RefusalGround(models.TextChoices):
    DUAL_CRIMINALITY = "dual-criminality", _("No dual criminality")
    INSUFFICIENT_INFORMATION = "insufficient-information", _("Insufficient information")
    MISSING_CERTIFICATION = "missing-certification", _("Missing certification")
    BANK_SECRECY = "bank-secrecy", _("Bank secrecy")
    FISCAL_OFFENCE = "fiscal-offence", _("Fiscal offence")
    POLITICAL_OFFENCE = "political-offence", _("Political offence")
    ESSENTIAL_INTERESTS = "essential-interests", _("Essential interests")
    DE_MINIMIS = "de-minimis", _("De minimis")
    NE_BIS_IN_IDEM = "ne-bis-in-idem", _("Ne bis in idem")
    STATUTE_OF_LIMITATIONS = "statute-of-limitations", _("Statute of limitations")
    HUMAN_RIGHTS = "human-rights", _("Human rights")
    ONGOING_PROCEEDINGS = "ongoing-proceedings", _("Ongoing proceedings")
    OTHER = "other", _("Other")


# UNCAC art. 46(8) and 46(22): MLA may not be refused on these grounds alone.
GROUNDS_NOT_ALLOWED_BY_UNCAC = frozenset({RefusalGround.BANK_SECRECY, RefusalGround.FISCAL_OFFENCE})


class StateRole(models.TextChoices):
    ORIGIN = "origin", _("State of origin")
    ASSET_LOCATION = "asset-location", _("State of asset location")
    BOTH = "both", _("Both")
    THIRD = "third", _("Third State that initiated action")


class AssetType(models.TextChoices):
    BANK_ACCOUNT = "bank-account", _("Bank account")
    REAL_ESTATE = "real-estate", _("Real estate")
    VEHICLE = "vehicle", _("Vehicle")
    VESSEL = "vessel", _("Vessel")
    AIRCRAFT = "aircraft", _("Aircraft")
    SECURITIES = "securities", _("Securities")
    CRYPTO = "crypto", _("Crypto-assets")
    BUSINESS = "business", _("Business")
    CASH = "cash", _("Cash")
    ART_VALUABLES = "art-valuables", _("Art and valuables")
    OTHER = "other", _("Other")


class AssetCaseStatus(models.TextChoices):
    IDENTIFIED = "identified", pgettext_lazy("asset status", "Identified")
    FROZEN = "frozen", pgettext_lazy("asset status", "Frozen")
    CONFISCATED = "confiscated", pgettext_lazy("asset status", "Confiscated")
    RETURNED = "returned", pgettext_lazy("asset status", "Returned")
    RELEASED = "released", pgettext_lazy("asset status", "Released")
    CLOSED = "closed", pgettext_lazy("asset status", "Closed")


class Barrier(models.TextChoices):
    """A barrier met in an asset recovery case or a cooperation request (000 §28, §45–47)."""

    DUAL_CRIMINALITY = "dual-criminality", _("Dual criminality")
    EVIDENTIARY_STANDARDS = "evidentiary-standards", _("Evidentiary standards")
    NO_RESPONSE = "no-response", _("No response")
    LATE_RESPONSE = "late-response", _("Late response")
    PROVISIONAL_MEASURES_LATE = "provisional-measures-late", _("Provisional measures too late")
    BANK_SECRECY = "bank-secrecy", _("Bank secrecy")
    IMMUNITY = "immunity", _("Immunity")
    POLITICAL_WILL = "political-will", _("Lack of political will")
    SANCTIONS = "sanctions", _("Sanctions")
    THIRD_PARTY_CLAIMS = "third-party-claims", _("Third-party claims")
    COSTS = "costs", _("Costs")
    TRANSLATION = "translation", _("Translation")
    CAPACITY = "capacity", _("Capacity")
    UNSTABLE_LEGAL_SYSTEM_CLAUSE = "unstable-legal-system-clause", _("Unstable legal system clause")
    OTHER = "other", _("Other")


class Handling(models.TextChoices):
    """How far information shared in a consultation or message may go (Traffic Light Protocol 2.0)."""

    RED = "TLP:RED", _("TLP:RED – named recipients only")
    AMBER_STRICT = "TLP:AMBER+STRICT", _("TLP:AMBER+STRICT – the recipient's organisation only")
    AMBER = "TLP:AMBER", _("TLP:AMBER – the recipient's organisation and those it must inform")
    GREEN = "TLP:GREEN", _("TLP:GREEN – the community")
    CLEAR = "TLP:CLEAR", _("TLP:CLEAR – no limit")


class AlertStatus(models.TextChoices):
    """Where an urgent freezing alert stands."""

    SENT = "sent", pgettext_lazy("alert status", "Sent")
    ACKNOWLEDGED = "acknowledged", pgettext_lazy("alert status", "Acknowledged")
    FREEZING_ORDERED = "freezing-ordered", pgettext_lazy("alert status", "Freezing ordered")
    FROZEN = "frozen", pgettext_lazy("alert status", "Frozen")
    NOT_POSSIBLE = "not-possible", pgettext_lazy("alert status", "Not possible")
    REQUEST_NEEDED = "request-needed", pgettext_lazy("alert status", "A formal request is needed first")
    ESCALATED = "escalated", pgettext_lazy("alert status", "Escalated")
    WITHDRAWN = "withdrawn", pgettext_lazy("alert status", "Withdrawn")


class Severity(models.TextChoices):
    """How much a missing element of a draft request matters to the requested State."""

    BLOCKING = "blocking", _("Blocking: the requested State will not execute without it")
    ADVISORY = "advisory", _("Advisory: it will help")


class Verdict(models.TextChoices):
    """A dual criminality assessment (guidance, never a legal opinion)."""

    NOT_REQUIRED = "not-required", _("Not required")
    LIKELY_SATISFIED = "likely-satisfied", _("Likely satisfied")
    NEEDS_ATTENTION = "needs-attention", _("Needs attention")


class Evidence(models.TextChoices):
    """Receipts of a federation message, named after ETSI REM evidences."""

    SUBMISSION_ACCEPTANCE = "SUBMISSION_ACCEPTANCE", _("Submission accepted")
    SUBMISSION_REJECTION = "SUBMISSION_REJECTION", _("Submission rejected")
    DELIVERY = "DELIVERY", _("Delivered")
    NON_DELIVERY = "NON_DELIVERY", _("Not delivered")
    RETRIEVAL = "RETRIEVAL", _("Opened by the recipient")


class Language(models.TextChoices):
    """The six official languages of the United Nations, by their own names."""

    AR = "ar", "العربية"
    EN = "en", "English"
    ES = "es", "Español"
    FR = "fr", "Français"
    RU = "ru", "Русский"
    ZH_HANS = "zh-hans", "中文"
