"""API shapes of cooperation requests. Field names and codes are those of VOCABULARY.md."""

import datetime

from ninja import Field, Schema
from pydantic import ConfigDict

from comity.cooperation.choices import Direction, EventKind, NamesVisibleTo, Status, SubjectKind
from comity.cooperation.models import Event, Request, Subject
from comity.core.limits import max_length
from comity.core.numbers import ObjectId
from comity.reference.choices import (
    LegalBasis,
    Measure,
    Offence,
    Outcome,
    Proceeding,
    RefusalGround,
    RequestType,
)


class AuthorityOut(Schema):
    id: int
    name: str
    country: str
    kind: str


class SubjectIn(Schema):
    model_config = ConfigDict(extra="forbid")

    kind: SubjectKind
    name: str = Field(min_length=1, max_length=max_length(Subject, "name"))
    identifiers: str = Field("", max_length=max_length(Subject, "identifiers"))
    country: str = Field("", max_length=2, description="ISO 3166-1 alpha-2")


class SubjectOut(Schema):
    kind: str
    name: str | None = Field(
        description="null when the user may not know the names of a confidential request"
    )
    identifiers: str | None
    country: str


class RequestIn(Schema):
    model_config = ConfigDict(extra="forbid")

    type: RequestType
    legal_basis: LegalBasis
    proceeding: Proceeding
    offences: list[Offence] = Field(min_length=1)
    measures: list[Measure] = []
    requesting_authority: ObjectId
    requested_authority: ObjectId
    requesting_reference: str = Field("", max_length=max_length(Request, "requesting_reference"))
    requested_reference: str = Field("", max_length=max_length(Request, "requested_reference"))
    summary: str = Field("", max_length=max_length(Request, "summary"))
    urgent: bool = False
    urgency_reason: str = Field("", max_length=max_length(Request, "urgency_reason"))
    confidential: bool = False
    names_visible_to: NamesVisibleTo = NamesVisibleTo.OFFICERS
    subjects: list[SubjectIn] = []
    sent_on: datetime.date | None = None
    received_on: datetime.date | None = None
    acknowledged_on: datetime.date | None = None
    shared_with: list[ObjectId] = Field([], description="ids of other authorities that may see the request")


class RequestPatch(Schema):
    # Other fields are refused by the service, each with its reason (see `update_request`).
    model_config = ConfigDict(json_schema_extra={"additionalProperties": False})

    type: RequestType | None = None
    legal_basis: LegalBasis | None = None
    proceeding: Proceeding | None = None
    offences: list[Offence] | None = Field(None, min_length=1)
    measures: list[Measure] | None = None
    requesting_reference: str | None = Field(None, max_length=max_length(Request, "requesting_reference"))
    requested_reference: str | None = Field(None, max_length=max_length(Request, "requested_reference"))
    summary: str | None = Field(None, max_length=max_length(Request, "summary"))
    urgent: bool | None = None
    urgency_reason: str | None = Field(None, max_length=max_length(Request, "urgency_reason"))
    confidential: bool | None = None
    names_visible_to: NamesVisibleTo | None = None
    subjects: list[SubjectIn] | None = None


class RequestOut(Schema):
    id: int
    direction: Direction | None = Field(
        description="seen from the acting user's authority; null for a shared request"
    )
    type: RequestType
    legal_basis: LegalBasis
    proceeding: Proceeding
    offences: list[Offence]
    measures: list[Measure]
    requesting_authority: AuthorityOut
    requested_authority: AuthorityOut
    requesting_reference: str
    requested_reference: str
    summary: str
    urgent: bool
    urgency_reason: str
    confidential: bool
    names_visible_to: NamesVisibleTo
    subjects: list[SubjectOut]
    status: Status
    sent_on: datetime.date | None
    received_on: datetime.date | None
    acknowledged_on: datetime.date | None
    closed_on: datetime.date | None
    outcome: Outcome | None
    refusal_grounds: list[RefusalGround]
    due_on: datetime.date
    overdue: bool


class RequestRow(Schema):
    """A request as the list shows it: no summary, no subjects."""

    id: int
    direction: Direction | None
    type: RequestType
    legal_basis: LegalBasis
    proceeding: Proceeding
    offences: list[Offence]
    requesting_authority: AuthorityOut
    requested_authority: AuthorityOut
    requesting_reference: str
    requested_reference: str
    urgent: bool
    confidential: bool
    status: Status
    sent_on: datetime.date | None
    received_on: datetime.date | None
    closed_on: datetime.date | None
    outcome: Outcome | None
    due_on: datetime.date
    overdue: bool


class RequestPage(Schema):
    items: list[RequestRow]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page; null on the last page")


class EventIn(Schema):
    model_config = ConfigDict(extra="forbid")

    kind: EventKind
    occurred_on: datetime.date
    text: str = Field("", max_length=max_length(Event, "text"))
    refusal_grounds: list[RefusalGround] = []
    internal: bool = Field(False, description="a note visible to our side only")
    corrects: ObjectId | None = Field(
        None,
        description='for a correction (kind "correction"): the id of the event whose date '
        "`occurred_on` supersedes; `text` says why",
    )


class EventOut(Schema):
    id: int
    kind: EventKind
    occurred_on: datetime.date
    recorded_at: datetime.datetime
    authority: AuthorityOut
    actor: str | None
    text: str
    refusal_grounds: list[RefusalGround]
    internal: bool
    corrects: int | None = Field(description="for a correction, the event whose date it supersedes")
    corrected_by: int | None = Field(description="the latest correction of this event's date, if any")
    corrected_on: datetime.date | None = Field(
        description="the date its latest correction gives it (superseding `occurred_on`), if any"
    )
    conflicting: bool = Field(
        description="on a request shared with another deployment: the event could not follow the "
        "ones the shared order puts before it (both sides recorded at once, ADR 11) and changes nothing"
    )


class AccessEntryOut(Schema):
    """One read of a request of the head's authority."""

    id: int
    at: datetime.datetime
    channel: str = Field(description="`page` or `api`")
    request_id: int
    reference: str = Field(description="the reference of the head's own authority (or `#id`)")
    reader: str | None = Field(description="user name; null for a reader of another authority")
    reader_authority: str


class AccessPage(Schema):
    items: list[AccessEntryOut]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page; null on the last page")


class RequestBarrierIn(Schema):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(description="a code of the vocabulary `barriers`")
    on: datetime.date
    note: str = ""
