"""The fixed vocabularies of requirement profiles. Their codes are the profile file's (see
docs/guidance-profile.md): they never change; labels are translated."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DualCriminality(models.TextChoices):
    """For which requests the requested State requires dual criminality."""

    COERCIVE = "coercive", _("For coercive measures only")
    ALL = "all", _("For every request")
    NEVER = "never", _("Never")


class DualCriminalityTest(models.TextChoices):
    """How it judges dual criminality: by the conduct described (UNCAC art. 43(2)) or by the name
    of the offence."""

    CONDUCT = "conduct", _("By the conduct")
    NAME = "name", _("By the name of the offence")


class Channel(models.TextChoices):
    """How a request may reach the requested State."""

    CENTRAL_AUTHORITY = "central-authority", _("Central authority to central authority")
    DIPLOMATIC = "diplomatic", _("Diplomatic channel")
    DIRECT = "direct", _("Directly between judicial authorities")
    INTERPOL = "interpol", _("INTERPOL, in urgent cases")
    ELECTRONIC = "electronic", _("Electronic transmission")


class Authentication(models.TextChoices):
    """What a request must carry to be accepted as authentic."""

    NONE = "none", pgettext_lazy("authentication", "None")
    CERTIFICATION = "certification", _("Certification by the issuing authority")
    APOSTILLE = "apostille", _("Apostille or legalisation")
    ELECTRONIC_SIGNATURE = "electronic-signature", _("Qualified electronic signature")


class ElementLevel(models.TextChoices):
    """Whether the requested State needs an element of a request for a measure."""

    REQUIRED = "required", pgettext_lazy("element level", "Required")
    ADVISED = "advised", pgettext_lazy("element level", "Advised")


class GeneralRequirement(models.TextChoices):
    """The general requirements of a State, in the order a profile shows them; each code is the
    key of its field under `general` in the profile file."""

    LEGAL_BASES = "legal_bases", _("Legal bases accepted")
    DUAL_CRIMINALITY = "dual_criminality", _("Dual criminality required")
    DUAL_CRIMINALITY_TEST = "dual_criminality_test", _("Dual criminality judged")
    LANGUAGES = "languages", _("Languages accepted")
    CERTIFIED_TRANSLATION = "certified_translation", _("Translation must be certified")
    CHANNELS = "channels", _("Channels")
    AUTHENTICATION = "authentication", _("Authentication")
    CONFIDENTIALITY = "confidentiality", _("Confidentiality it can guarantee")
    SPECIALITY = "speciality", _("Limits on the use of evidence (speciality)")
    COSTS = "costs", _("Costs")
    EXECUTION_TIME = "execution_time", _("Usual execution time")
    URGENT_PROCEDURE = "urgent_procedure", _("Urgent procedure")
    GROUNDS = "grounds", _("Grounds it commonly invokes")
    NCB_CONFISCATION = "ncb_confiscation", _("Non-conviction-based confiscation recognised")
    REGISTRATION_INTERIM = (
        "registration_interim",
        _("Registration of foreign freezing orders: documents, certification, who registers"),
    )
    REGISTRATION_FINAL = (
        "registration_final",
        _("Registration of foreign confiscation orders: documents, certification, who registers"),
    )


class SectionPart(models.TextChoices):
    """The three parts of a Fiche Belge for a measure, each the key of its field in the file."""

    SCOPE = "scope", _("Scope and alternative measures")
    COMPETENT_BODY = "competent_body", _("Competent body")
    PRACTICAL = "practical", _("Practical details")
