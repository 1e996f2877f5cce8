"""What a client sends to start or change a draft, and what the API answers. A change names only
the fields it sets (PATCH as the steps go); every field is bounded and every code checked, so a
bad one is a 422 naming its path (`persons.2.name`, `elements.bank-records.bank`)."""

import datetime
from typing import Annotated, Any

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool

from comity.cooperation.choices import SubjectKind
from comity.core import messages
from comity.core.countries import is_country
from comity.core.limits import control_character
from comity.core.numbers import ObjectId
from comity.drafting.choices import DraftType, Severity
from comity.drafting.models import FACTS_MAX, NOTE_MAX, TEXT_MAX
from comity.guidance.choices import ConductElement
from comity.guidance.languages import is_language
from comity.reference.choices import LegalBasis, Measure, Offence, Proceeding

LINE_MAX = 300
ELEMENT_TEXT_MAX = 2_000


def _line(value: str) -> str:
    if (message := control_character(value)) is not None:
        raise ValueError(message)
    return value.strip()


def _text(value: str) -> str:
    if (message := control_character(value, multiline=True)) is not None:
        raise ValueError(message)
    return value.strip()


def _country(code: str) -> str:
    code = code.strip().upper()
    if code and not is_country(code):
        raise ValueError(messages.unknown_country(code))
    return code


def _language(code: str) -> str:
    code = code.strip().lower()
    if code and not is_language(code):
        raise ValueError(
            _("Unknown language code “%(code)s”: use ISO 639-1 (de, en, es, pt...) or zh-hans.")
            % {"code": code}
        )
    return code


def _element_code(code: str) -> str:
    if not code or len(code) > 40 or not all(c.isascii() and (c.isalnum() or c == "-") for c in code):
        raise ValueError(_("Use lower-case letters, digits and hyphens, at most 40."))
    return code


Line = Annotated[str, Field(max_length=LINE_MAX), AfterValidator(_line)]
ElementCode = Annotated[str, AfterValidator(_element_code)]
ElementText = Annotated[str, Field(max_length=ELEMENT_TEXT_MAX), AfterValidator(_text)]


class Person(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=True)

    kind: SubjectKind
    name: Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_line)]
    identifiers: Annotated[str, Field(max_length=500), AfterValidator(_line)] = ""
    country: Annotated[str, Field(max_length=2), AfterValidator(_country)] = ""


class DraftChanges(BaseModel):
    """The fields of a draft a client sets; any left out stays as it is."""

    model_config = ConfigDict(extra="forbid", use_enum_values=True)

    requested_country: Annotated[str, Field(max_length=2), AfterValidator(_country)] = ""
    requested_authority: int | None = Field(
        None, description="an authority of the requested State (the finder's)"
    )
    legal_basis: LegalBasis | None = None
    proceeding: Proceeding = Proceeding.CRIMINAL
    language: Annotated[str, Field(max_length=8), AfterValidator(_language)] = ""
    facts: Annotated[str, Field(max_length=FACTS_MAX), AfterValidator(_text)] = ""
    offences: list[Offence] = Field([], max_length=len(Offence.values))
    conduct: list[ConductElement] = Field([], max_length=len(ConductElement.values))
    law: Annotated[str, Field(max_length=TEXT_MAX), AfterValidator(_text)] = ""
    measures: list[Measure] = Field([], max_length=len(Measure.values))
    elements: dict[Measure, dict[ElementCode, ElementText]] = Field(
        {}, description="for each measure, the text given for each element its profile asks (by element code)"
    )
    persons: list[Person] = Field([], max_length=50)
    confidential: StrictBool = False
    confidentiality_note: Annotated[str, Field(max_length=NOTE_MAX), AfterValidator(_text)] = ""
    urgent: StrictBool = False
    urgency_reason: Annotated[str, Field(max_length=NOTE_MAX), AfterValidator(_text)] = ""
    deadline: datetime.date | None = None
    contact: Annotated[str, Field(max_length=NOTE_MAX), AfterValidator(_text)] = ""
    attachments: list[Line] = Field([], max_length=50, description="titles of the documents enclosed")

    def given(self) -> dict[str, Any]:
        """The fields the client set, as the model stores them."""
        data = self.model_dump(mode="python", include=self.model_fields_set)
        if "legal_basis" in data:
            data["legal_basis"] = data["legal_basis"] or ""
        if "persons" in data:
            data["persons"] = [dict(person) for person in data["persons"]]
        if "elements" in data:
            data["elements"] = {str(m): dict(values) for m, values in data["elements"].items()}
        return data


class DraftCreate(DraftChanges):
    type: DraftType
    consultation: int | None = Field(None, description="a consultation of yours the draft starts from")


class CheckItem(Schema):
    field: str
    severity: Severity
    reason: str


class CheckOut(Schema):
    complete: bool
    profile: bool = Field(description="whether the requested State has a requirement profile")
    demonstration: bool = Field(
        description="true when that profile is demonstration data, not legal guidance"
    )
    items: list[CheckItem]


class PersonOut(Schema):
    kind: str
    name: str
    identifiers: str
    country: str


class DraftOut(Schema):
    id: int
    type: str
    status: str
    authority: int
    requested_country: str
    requested_authority: int | None
    legal_basis: str
    proceeding: str
    language: str
    facts: str
    offences: list[str]
    conduct: list[str]
    law: str
    measures: list[str]
    elements: dict[str, dict[str, str]]
    persons: list[PersonOut]
    confidential: bool
    confidentiality_note: str
    urgent: bool
    urgency_reason: str
    deadline: datetime.date | None
    contact: str
    attachments: list[str]
    consultation: int | None
    request: int | None
    shared_with: list[int]
    created_at: datetime.datetime
    updated_at: datetime.datetime


class DraftSummary(Schema):
    id: int
    type: str
    status: str
    requested_country: str
    updated_at: datetime.datetime


class ShareIn(Schema):
    user: ObjectId


class RegisterOut(Schema):
    request_id: int
