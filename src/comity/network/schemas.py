"""API shapes of the network. Codes are those of VOCABULARY.md (alert statuses, handling codes)
and assets.choices (identifier kinds); the services check them and name the field when one is
wrong. The directory and the finder (`/api/v1/network`) come first."""

import datetime

from ninja import Field, Schema
from pydantic import ConfigDict

from comity.accounts.choices import AuthorityKind
from comity.cooperation.schemas import AuthorityOut, SubjectIn
from comity.core.limits import max_length
from comity.core.numbers import Amount, ObjectId
from comity.network.models import Consultation, ConsultationAttachment, ConsultationMessage
from comity.reference.choices import Handling, LegalBasis, Measure, Offence, Proceeding, RequestType

# Urgent freezing alerts ------------------------------------------------------------------------


class AlertAssetIn(Schema):
    identifier_kind: str = Field(
        "", max_length=16, description="iban, account, isin, lei, imo, land-title, ..."
    )
    identifier: str = Field("", max_length=200)
    amount: Amount | None = None
    currency: str = Field("", max_length=3)
    asset: ObjectId | None = Field(
        None, description="an asset of `asset_case`, whose identifier the alert takes (instead of giving one)"
    )


class AlertIn(Schema):
    to_authority: ObjectId = Field(description="a member authority of another State")
    assets: list[AlertAssetIn] = Field(max_length=50)
    reason: str = Field(max_length=5_000)
    deadline: datetime.datetime = Field(description="ISO 8601 with its time zone: 2026-12-06T18:00:00Z")
    asset_case: ObjectId | None = Field(
        None,
        description="your asset case: the assets are its assets, and a freezing in answer a step of each",
    )


class AcknowledgeIn(Schema):
    note: str = Field("", max_length=5_000)


class FrozenIn(Schema):
    alert_asset: ObjectId = Field(description="the id of one of the alert's assets")
    amount: Amount | None = None
    currency: str = Field("", max_length=3)


class OutcomeIn(Schema):
    outcome: str = Field(description="freezing-ordered, frozen, not-possible or request-needed")
    reason: str = Field("", max_length=5_000, description="why freezing is not possible; required then")
    on: datetime.date | None = Field(None, description="the day of the freezing (today if not given)")
    order_reference: str = Field("", max_length=200)
    frozen: list[FrozenIn] = Field(
        [], max_length=50, description="for `frozen`: which assets, for how much (all, as alerted, if empty)"
    )


class WithdrawIn(Schema):
    reason: str = Field("", max_length=5_000)


# Case coordination meetings --------------------------------------------------------------------


class MeetingIn(Schema):
    title: str = Field(max_length=200)
    starts_at: datetime.datetime = Field(description="ISO 8601 with its time zone: 2026-12-10T14:00:00Z")
    duration_minutes: int = Field(60, ge=15, le=720)
    participants: list[ObjectId] = Field(max_length=50, description="ids of the other member authorities")
    location: str = Field("", max_length=300, description="a place or a video link")
    agenda: str = Field("", max_length=10_000)
    requests: list[ObjectId] = Field([], max_length=50, description="ids of cooperation requests you can see")
    asset_cases: list[ObjectId] = Field([], max_length=50, description="ids of asset cases you take part in")
    consultations: list[ObjectId] = Field(
        [], max_length=50, description="ids of consultations you take part in"
    )


class RescheduleIn(Schema):
    starts_at: datetime.datetime = Field(description="ISO 8601 with its time zone")
    duration_minutes: int = Field(60, ge=15, le=720)


class MeetingRecordIn(Schema):
    agenda: str | None = Field(None, max_length=10_000)
    minutes: str | None = Field(None, max_length=20_000)
    location: str | None = Field(None, max_length=300)


class ActionItemIn(Schema):
    text: str = Field(max_length=500)
    owner: ObjectId = Field(description="the id of an officer or head of one of the meeting's authorities")
    due_on: datetime.date


# Consultations (#22 item 4) ---------------------------------------------------------------------

_MANY = 50  # authorities, codes or persons in one list: more is a mistake, not a consultation


class ConsultationIn(Schema):
    model_config = ConfigDict(extra="forbid")

    participants: list[ObjectId] = Field(
        max_length=_MANY,
        description="ids of the other authorities consulted (the opener's takes part anyway)",
    )
    subject: str = Field(min_length=1, max_length=max_length(Consultation, "subject"))
    handling: Handling = Field(description="Traffic Light Protocol 2.0 code, e.g. TLP:AMBER")
    summary: str = Field("", max_length=max_length(Consultation, "summary"))
    questions: str = Field("", max_length=max_length(Consultation, "questions"))
    request_type: RequestType | None = None
    legal_basis: LegalBasis | None = None
    proceeding: Proceeding | None = None
    offences: list[Offence] = Field([], max_length=_MANY)
    measures: list[Measure] = Field([], max_length=_MANY)
    subjects: list[SubjectIn] = Field([], max_length=_MANY)


class AttachmentIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=max_length(ConsultationAttachment, "name"))
    content_base64: str = Field(description="the file's bytes, base64 (RFC 4648)")


class MessageIn(Schema):
    """A message; it may note what the possible request has become (the fields after `body`)."""

    model_config = ConfigDict(extra="forbid")

    body: str = Field(min_length=1, max_length=max_length(ConsultationMessage, "body"))
    attachments: list[AttachmentIn] = Field([], max_length=_MANY)
    request_type: RequestType | None = None
    legal_basis: LegalBasis | None = None
    proceeding: Proceeding | None = None
    offences: list[Offence] | None = Field(None, max_length=_MANY)
    measures: list[Measure] | None = Field(None, max_length=_MANY)
    subjects: list[SubjectIn] | None = Field(None, max_length=_MANY)


class InvitationIn(Schema):
    model_config = ConfigDict(extra="forbid")

    authorities: list[ObjectId] = Field(min_length=1, max_length=_MANY)


class ConversionIn(Schema):
    """What the request needs and the consultation lacks (a value given here wins over the
    consultation's)."""

    model_config = ConfigDict(extra="forbid")

    requested_authority: ObjectId | None = Field(
        None, description="the participant the request goes to; may be left out when there is only one other"
    )
    type: RequestType | None = None
    legal_basis: LegalBasis | None = None
    proceeding: Proceeding | None = None
    offences: list[Offence] = Field([], max_length=_MANY)
    measures: list[Measure] = Field([], max_length=_MANY)
    requesting_reference: str = Field("", max_length=100)


class ConversionOut(Schema):
    request_id: int


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str
    url: str


class ReceiptOut(Schema):
    authority: AuthorityOut
    user: str
    read_at: datetime.datetime


class MessageOut(Schema):
    id: int
    authority: AuthorityOut
    author: str | None
    body: str
    posted_at: datetime.datetime
    attachments: list[AttachmentOut]
    read_by: list[ReceiptOut] = Field(description="users of the other authorities who have read it")


class ConsultationSubjectOut(Schema):
    kind: str
    name: str
    identifiers: str
    country: str


class ConsultationRow(Schema):
    id: int
    subject: str
    handling: str
    state: str = Field(description="open, closed or converted")
    opened_by_authority: AuthorityOut
    participants: list[AuthorityOut]
    created_at: datetime.datetime
    last_activity_at: datetime.datetime
    unread: bool
    request_id: int | None


class ConsultationOut(ConsultationRow):
    summary: str
    questions: str
    request_type: str | None
    legal_basis: str | None
    proceeding: str | None
    offences: list[str]
    measures: list[str]
    subjects: list[ConsultationSubjectOut]
    messages: list[MessageOut]


class ConsultationPage(Schema):
    items: list[ConsultationRow]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page; null on the last page")


class AuthorityRef(Schema):
    id: int
    name: str
    country: str = Field(description="ISO 3166-1 alpha-2")
    kind: AuthorityKind


class ContactOut(Schema):
    id: int
    name: str
    function: str
    languages: list[str] = Field(description="ISO 639-1 codes (zh-hans for Chinese)")
    phone: str
    email: str
    mailbox: str = Field(description="the functional mailbox")
    time_zone: str = Field(description="IANA time zone, such as Europe/Zurich")
    working_hours: str
    urgent: bool = Field(description="the 24/7 urgent contact")


class Link(Schema):
    url: str
    title: str


class DirectoryEntryOut(Schema):
    id: int
    authority: AuthorityRef
    country: str = Field(description="ISO 3166-1 alpha-2, the authority's")
    competences: list[str] = Field(description="codes: mla, extradition, asset-recovery-focal-point, ...")
    languages: list[str] = Field(description="languages accepted for requests (ISO 639-1)")
    channels: list[str]
    encryption_required: bool
    signature_required: bool
    uncac_accepted: bool = Field(description="UNCAC accepted as a legal basis")
    urgent_procedure: str
    affiliations: list[str] = Field(description="networks it belongs to: carin, globe, egmont, ...")
    links: list[Link] = Field(description="laws and guides")
    last_confirmed_on: datetime.date | None
    stale: bool = Field(description="not confirmed for 13 months")
    contacts: list[ContactOut]


class DirectoryPage(Schema):
    items: list[DirectoryEntryOut]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page; null on the last page")


class FinderResult(Schema):
    authority: AuthorityRef
    contact: ContactOut | None = Field(description="whom to write to: the 24/7 contact when urgent")
    channels: list[str]
    languages: list[str]
    competences: list[str]
    encryption_required: bool
    signature_required: bool
    uncac_accepted: bool
    urgent_procedure: str
    last_confirmed_on: datetime.date | None
    stale: bool
    requirements_url: str | None = Field(
        description="the State's requirement profile (at the measure asked), when it has one"
    )


class FinderAnswer(Schema):
    results: list[FinderResult] = Field(description="best match first")
