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


class ConductElement(models.TextChoices):
    """What a person did, in words no State's law owns: the rows of the offence crosswalk
    (guidance/data/crosswalk.json links each to UNCAC, ICCS and the European Arrest Warrant list).
    Dual criminality is judged by such conduct, not by the name of an offence (UNCAC art. 43(2))."""

    BRIBE_OFFICIAL_GIVE = (
        "bribe-official-give",
        _("Promising, offering or giving an undue advantage to a national public official"),
    )
    BRIBE_OFFICIAL_TAKE = (
        "bribe-official-take",
        _("A national public official soliciting or accepting an undue advantage"),
    )
    BRIBE_FOREIGN_GIVE = (
        "bribe-foreign-give",
        _(
            "Promising, offering or giving an undue advantage to a foreign public official or an official "
            "of a public international organization"
        ),
    )
    BRIBE_FOREIGN_TAKE = (
        "bribe-foreign-take",
        _(
            "A foreign public official or an official of a public international organization soliciting "
            "or accepting an undue advantage"
        ),
    )
    EMBEZZLEMENT_PUBLIC = (
        "embezzlement-public",
        _("A public official embezzling, misappropriating or diverting property entrusted to them"),
    )
    INFLUENCE_GIVE = (
        "influence-give",
        _(
            "Promising, offering or giving an undue advantage to someone to abuse their influence over "
            "an authority"
        ),
    )
    INFLUENCE_TAKE = (
        "influence-take",
        _("Soliciting or accepting an undue advantage to abuse one's influence over an authority"),
    )
    ABUSE_OF_FUNCTIONS = (
        "abuse-of-functions",
        _("A public official abusing their functions to obtain an undue advantage"),
    )
    ILLICIT_ENRICHMENT = (
        "illicit-enrichment",
        _("A public official's assets increasing significantly beyond what their lawful income explains"),
    )
    PRIVATE_BRIBE_GIVE = (
        "private-bribe-give",
        _(
            "Promising, offering or giving an undue advantage to a person who directs or works for a "
            "private-sector entity"
        ),
    )
    PRIVATE_BRIBE_TAKE = (
        "private-bribe-take",
        _(
            "A person who directs or works for a private-sector entity soliciting or accepting an undue "
            "advantage"
        ),
    )
    EMBEZZLEMENT_PRIVATE = (
        "embezzlement-private",
        _("A person who directs or works for a private-sector entity embezzling property entrusted to them"),
    )
    LAUNDERING_CONVERT = (
        "laundering-convert",
        _(
            "Converting or transferring property known to be proceeds of crime, to conceal its origin or "
            "help an offender evade the consequences"
        ),
    )
    LAUNDERING_CONCEAL = (
        "laundering-conceal",
        _(
            "Concealing or disguising the nature, source, location, movement or ownership of proceeds of crime"
        ),
    )
    LAUNDERING_ACQUIRE = (
        "laundering-acquire",
        _("Acquiring, possessing or using property known at receipt to be proceeds of crime"),
    )
    CONCEALMENT_RETENTION = (
        "concealment-retention",
        _(
            "Concealing or continuing to retain property known to come from a corruption offence, without "
            "taking part in that offence"
        ),
    )
    OBSTRUCTION_WITNESS = (
        "obstruction-witness",
        _("Using force, threats or an undue advantage to induce false testimony or interfere with evidence"),
    )
    OBSTRUCTION_OFFICIAL = (
        "obstruction-official",
        _("Using force or threats to interfere with a judicial or law-enforcement official's duties"),
    )
    FRAUD = "fraud", _("Deceiving someone to obtain money, property or another advantage")
    FORGERY = "forgery", _("Making or using a false or falsified document")


class EawCategory(models.TextChoices):
    """The 32 categories of offences for which the European Arrest Warrant waives the check of
    double criminality (Council Framework Decision 2002/584/JHA, art. 2(2)), in its order."""

    CRIMINAL_ORGANISATION = "criminal-organisation", _("Participation in a criminal organisation")
    TERRORISM = "terrorism", _("Terrorism")
    HUMAN_TRAFFICKING = "human-trafficking", _("Trafficking in human beings")
    CHILD_EXPLOITATION = "child-exploitation", _("Sexual exploitation of children and child pornography")
    DRUGS = "drugs", _("Illicit trafficking in narcotic drugs and psychotropic substances")
    WEAPONS = "weapons", _("Illicit trafficking in weapons, munitions and explosives")
    CORRUPTION = "corruption", _("Corruption")
    FRAUD = "fraud", _("Fraud, including that affecting the financial interests of the European Union")
    LAUNDERING = "laundering", _("Laundering of the proceeds of crime")
    COUNTERFEITING_CURRENCY = "counterfeiting-currency", _("Counterfeiting currency, including of the euro")
    COMPUTER_CRIME = "computer-crime", _("Computer-related crime")
    ENVIRONMENTAL = (
        "environmental",
        _("Environmental crime, including illicit trafficking in endangered animal and plant species"),
    )
    UNAUTHORISED_ENTRY = "unauthorised-entry", _("Facilitation of unauthorised entry and residence")
    MURDER = "murder", _("Murder, grievous bodily injury")
    ORGANS = "organs", _("Illicit trade in human organs and tissue")
    KIDNAPPING = "kidnapping", _("Kidnapping, illegal restraint and hostage-taking")
    RACISM = "racism", _("Racism and xenophobia")
    ROBBERY = "robbery", _("Organised or armed robbery")
    CULTURAL_GOODS = (
        "cultural-goods",
        _("Illicit trafficking in cultural goods, including antiques and works of art"),
    )
    SWINDLING = "swindling", _("Swindling")
    RACKETEERING = "racketeering", _("Racketeering and extortion")
    PRODUCT_PIRACY = "product-piracy", _("Counterfeiting and piracy of products")
    FORGERY_DOCUMENTS = "forgery-documents", _("Forgery of administrative documents and trafficking therein")
    FORGERY_PAYMENT = "forgery-payment", _("Forgery of means of payment")
    HORMONES = "hormones", _("Illicit trafficking in hormonal substances and other growth promoters")
    NUCLEAR = "nuclear", _("Illicit trafficking in nuclear or radioactive materials")
    STOLEN_VEHICLES = "stolen-vehicles", _("Trafficking in stolen vehicles")
    RAPE = "rape", _("Rape")
    ARSON = "arson", _("Arson")
    ICC_CRIMES = "icc-crimes", _("Crimes within the jurisdiction of the International Criminal Court")
    HIJACKING = "hijacking", _("Unlawful seizure of aircraft or ships")
    SABOTAGE = "sabotage", _("Sabotage")


class Subject(models.TextChoices):
    """Who the request is about: liability of legal persons differs between States (UNCAC art. 26)."""

    NATURAL_PERSON = "natural-person", _("A natural person")
    LEGAL_PERSON = "legal-person", _("A legal person (a company)")


class Verdict(models.TextChoices):
    """The dual criminality assessment's verdict (VOCABULARY.md): guidance, not a legal opinion."""

    NOT_REQUIRED = "not-required", _("Dual criminality not required")
    LIKELY_SATISFIED = "likely-satisfied", _("Dual criminality likely satisfied")
    NEEDS_ATTENTION = "needs-attention", _("Needs attention")


class DocumentKind(models.TextChoices):
    """What a document of the knowledge library is."""

    LAW = "law", _("Law")
    GUIDE = "guide", _("Guide")
    MODEL_FORM = "model-form", _("Model form")
    TEMPLATE = "template", _("Template")
    OTHER = "other", pgettext_lazy("document kind", "Other")
