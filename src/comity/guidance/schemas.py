"""The requirement profile as a document: the JSON a State exports, keeps in its own tools and
imports again (docs/guidance-profile.md; its JSON Schema is docs/guidance-profile.schema.json,
generated from these classes), which the API answers too. Every field carries its value, its
source and the day it was last confirmed. Codes are VOCABULARY.md's and guidance.choices'."""

import datetime
from typing import Annotated, Any, Literal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool, field_validator

from comity.core import messages
from comity.core.countries import is_country
from comity.core.dates import implausible
from comity.core.limits import control_character
from comity.guidance.choices import (
    Authentication,
    Channel,
    ConductElement,
    DualCriminality,
    DualCriminalityTest,
    ElementLevel,
)
from comity.guidance.languages import is_language
from comity.reference.choices import LegalBasis, Measure, RefusalGround

FORMAT = "comity-guidance-profile/1"
TEXT_MAX = 5_000
SOURCE_MAX = 500
LABEL_MAX = 300
ELEMENTS_MAX = 40


def _day(day: datetime.date) -> datetime.date:
    if (message := implausible(day, timezone.localdate())) is not None:
        raise ValueError(message)
    return day


def _line(value: str) -> str:
    if (message := control_character(value)) is not None:
        raise ValueError(message)
    return value


def _text(value: str) -> str:
    if (message := control_character(value, multiline=True)) is not None:
        raise ValueError(message)
    return value


def _language(code: str) -> str:
    if not is_language(code):
        raise ValueError(
            _("Unknown language code “%(code)s”: use ISO 639-1 (de, en, es, pt...) or zh-hans.")
            % {"code": code}
        )
    return code


Day = Annotated[datetime.date, AfterValidator(_day)]
Line = Annotated[str, Field(min_length=1, max_length=LABEL_MAX), AfterValidator(_line)]
Source = Annotated[
    str,
    Field(
        min_length=1,
        max_length=SOURCE_MAX,
        description="where the value comes from: a law and its article, a guide, a letter of the authority",
    ),
    AfterValidator(_line),
]
Text = Annotated[str, Field(min_length=1, max_length=TEXT_MAX), AfterValidator(_text)]
LanguageCode = Annotated[str, Field(max_length=8), AfterValidator(_language)]


class Strict(BaseModel):
    """Every part of the document refuses a key it does not know: a typo is an error, not lost."""

    model_config = ConfigDict(extra="forbid", use_enum_values=True)


class Sourced(Strict):
    source: Source
    confirmed_on: Day = Field(description="the day the value was last confirmed (YYYY-MM-DD)")


class LegalBases(Sourced):
    value: list[LegalBasis] = Field(min_length=1, max_length=6)


class DualCriminalityField(Sourced):
    value: DualCriminality


class DualCriminalityTestField(Sourced):
    value: DualCriminalityTest


class Languages(Sourced):
    value: list[LanguageCode] = Field(min_length=1, max_length=20)


class Flag(Sourced):
    value: StrictBool


class Channels(Sourced):
    value: list[Channel] = Field(min_length=1, max_length=5)


class Authentications(Sourced):
    value: list[Authentication] = Field(min_length=1, max_length=4)


class Grounds(Sourced):
    value: list[RefusalGround] = Field(max_length=13)


class TextField(Sourced):
    value: Text


class General(Strict):
    """The general requirements; a field left out is not known (yet)."""

    legal_bases: LegalBases | None = None
    dual_criminality: DualCriminalityField | None = None
    dual_criminality_test: DualCriminalityTestField | None = None
    languages: Languages | None = None
    certified_translation: Flag | None = None
    channels: Channels | None = None
    authentication: Authentications | None = None
    confidentiality: TextField | None = None
    speciality: TextField | None = None
    costs: TextField | None = None
    execution_time: TextField | None = None
    urgent_procedure: TextField | None = None
    grounds: Grounds | None = None
    ncb_confiscation: Flag | None = None
    registration_interim: TextField | None = None
    registration_final: TextField | None = None


class Element(Sourced):
    """An element a request for the measure must (required) or should (advised) contain."""

    code: str = Field(
        pattern=r"^[a-z0-9][a-z0-9-]{0,39}$", description="a short code of its own: bank, period, questions"
    )
    label: Line
    level: ElementLevel


class Section(Strict):
    """The three parts of a Fiche Belge for one measure, and the elements its request needs."""

    scope: TextField | None = None
    competent_body: TextField | None = None
    practical: TextField | None = None
    elements: list[Element] = Field([], max_length=ELEMENTS_MAX)

    @field_validator("elements")
    @classmethod
    def _codes_once(cls, elements: list[Element]) -> list[Element]:
        seen: set[str] = set()
        for element in elements:
            if element.code in seen:
                raise ValueError(_("The element code “%(code)s” appears twice.") % {"code": element.code})
            seen.add(element.code)
        return elements


def _country(code: str) -> str:
    if not is_country(code):
        raise ValueError(messages.unknown_country(code))
    return code


CountryCode = Annotated[str, Field(min_length=2, max_length=2), AfterValidator(_country)]
Demonstration = Annotated[
    StrictBool, Field(description="true for demonstration data, which is not legal guidance")
]


class ProfileDocument(Strict):
    """A State's requirement profile, as exported and imported."""

    format: Literal["comity-guidance-profile/1"] = Field(description="this schema's name and version")
    country: CountryCode
    demonstration: Demonstration = False
    general: General = General()
    measures: dict[Measure, Section] = Field({}, description="each measure's section, keyed by its code")

    def data(self) -> dict[str, Any]:
        """The document as JSON values, without the fields left out (so it reads back the same)."""
        data = self.model_dump(mode="json", exclude_none=True)
        # In the vocabulary's order, whatever the file's: one profile, one document.
        data["measures"] = {
            code: data["measures"][code] for code in Measure.values if code in data["measures"]
        }
        return data


class ProfileOut(Schema):
    """A profile as the API answers it: the document, with its version and last change."""

    format: str
    country: str
    demonstration: bool
    version: int
    updated_at: datetime.datetime
    general: dict[str, Any]
    measures: dict[str, Any]


class ProfileSummary(Schema):
    country: str
    country_name: str
    demonstration: bool
    version: int
    updated_at: datetime.datetime


class ComparedValue(Schema):
    field: str
    label: str
    values: dict[str, Any] = Field(description="each country's value (null where not known)")
    differs: bool


class ComparisonOut(Schema):
    countries: list[str]
    measure: str | None
    general: list[ComparedValue]
    section: list[ComparedValue] = Field(description="the measure's three parts, then its elements")


OFFENCES_FORMAT = "comity-national-offences/1"
OFFENCES_MAX = 200


class NationalOffenceEntry(Sourced):
    """An offence of the State's law and the conduct elements of the crosswalk it covers."""

    name: Line = Field(description="its name in the State's law, in the State's language")
    statute: Line = Field(description="the law that defines it: Criminal Code, Anti-Corruption Act")
    article: Annotated[str, Field(min_length=1, max_length=60), AfterValidator(_line)]
    max_penalty: Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_line)] = Field(
        description="the maximum penalty, as the law says it: 5 years' imprisonment or a fine"
    )
    legal_persons_liable: StrictBool = Field(description="whether a legal person can be liable for it")
    conduct: list[ConductElement] = Field(
        min_length=1,
        max_length=len(ConductElement.values),
        description="codes of the crosswalk's conduct elements",
    )

    @field_validator("conduct")
    @classmethod
    def _conduct_once(cls, conduct: list[str]) -> list[str]:
        if len(set(conduct)) != len(conduct):
            raise ValueError(_("A conduct element appears twice."))
        return conduct


class NationalOffencesDocument(Strict):
    """A State's national offences, as exported and imported (and the API's body and answer)."""

    format: Literal["comity-national-offences/1"] = Field(description="this schema's name and version")
    country: CountryCode
    demonstration: Demonstration = False
    offences: list[NationalOffenceEntry] = Field([], max_length=OFFENCES_MAX)

    def data(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class DualCriminalityIn(Schema):
    """A case to assess: codes of VOCABULARY.md (countries, offences, measures, type) and of the
    offence crosswalk (conduct); `subject`: natural-person (default) or legal-person; `measures`
    may be empty for an extradition."""

    requesting_country: str = ""
    requested_country: str = ""
    offences: list[str] = Field([], max_length=20)
    measures: list[str] = Field([], max_length=20)
    conduct: list[str] = Field([], max_length=40)
    subject: str = "natural-person"
    type: str = Field(
        "mla", description="the request's type (VOCABULARY.md): extradition always needs dual criminality"
    )


class ReasonOut(Schema):
    code: str
    message: str
    attention: bool = Field(description="whether this reason is why the verdict needs attention")


class NationalOffenceOut(Schema):
    name: str
    statute: str
    article: str
    max_penalty: str
    legal_persons_liable: bool
    conduct: list[str] = Field(description="the conduct elements asked about that it covers")
    demonstration: bool


class DualCriminalityOut(Schema):
    verdict: str = Field(description="not-required, likely-satisfied or needs-attention")
    reasons: list[ReasonOut]
    national_offences: list[NationalOffenceOut]
    notice: str = Field(description="guidance, not a legal opinion")
    crosswalk_version: str


class CrosswalkElementOut(Schema):
    code: str
    label: str
    uncac: str | None = Field(description="UNCAC article and paragraph, null outside the Convention")
    offence: str = Field(description="the offence code of VOCABULARY.md")
    iccs: str
    eaw: list[str] = Field(description="categories of the European Arrest Warrant list")


class CrosswalkOut(Schema):
    version: str
    sources: list[str]
    elements: list[CrosswalkElementOut]


# Knowledge library (#23 item 3) -----------------------------------------------------------------


class LibraryFileIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    content_base64: str = Field(description="the file's bytes, base64 (RFC 4648)")


class LibraryChangeIn(Schema):
    """A change of a document: only the fields given change; `file: null` removes its file.
    Lengths and codes are checked by the service (one message for the page and the API)."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = None
    kind: str | None = Field(None, description="law, guide, model-form, template, other")
    language: str | None = Field(None, description="ISO 639-1 code of the document's language")
    issued_on: datetime.date | None = None
    source_url: str | None = None
    description: str | None = None
    measures: list[str] | None = Field(
        None, max_length=len(Measure.values), description="VOCABULARY.md codes"
    )
    file: LibraryFileIn | None = None


class LibraryDocumentIn(LibraryChangeIn):
    """A new document; `country` defaults to your State's."""

    country: str | None = Field(None, description="ISO 3166-1 alpha-2; your State's if not given")
    title: str = ""
    kind: str = ""
    language: str = ""


class LibraryFileOut(Schema):
    name: str
    content_type: str
    size: int
    sha256: str
    url: str


class LibraryDocumentOut(Schema):
    id: int
    country: str
    title: str
    kind: str
    language: str
    issued_on: datetime.date | None
    source_url: str
    description: str
    measures: list[str]
    demonstration: bool
    file: LibraryFileOut | None
    updated_at: datetime.datetime
    score: float | None = Field(None, description="how well it matches `q` (higher is better)")


class LibraryPageOut(Schema):
    count: int
    page: int
    pages: int
    results: list[LibraryDocumentOut]
