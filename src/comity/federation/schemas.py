"""The shapes of what deployments exchange (ADR 11), bounded everywhere: what a peer sends is
parsed against these before anything is written."""

from typing import Annotated, Literal

from django.db.models import TextChoices
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from comity.accounts.choices import NON_PARTY_KINDS, AuthorityKind
from comity.assets.choices import IdentifierKind
from comity.cooperation.choices import NamesVisibleTo, SubjectKind
from comity.reference.choices import Handling

DEPLOYMENT_NAME = r"^[a-z0-9][a-z0-9.-]{0,99}$"
DeploymentName = Annotated[str, StringConstraints(pattern=DEPLOYMENT_NAME)]
Url = Annotated[str, StringConstraints(pattern=r"^https?://[^\s/?#]+(/[^\s?#]*)?$", max_length=300)]
Base64Url = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]+$", max_length=64)]
PARTY_KINDS = frozenset(kind.value for kind in AuthorityKind if kind not in NON_PARTY_KINDS)


def _party_kind(value: str) -> str:
    if value not in PARTY_KINDS:
        raise ValueError(f"not one of {', '.join(sorted(PARTY_KINDS))}")
    return value


PartyKind = Annotated[str, AfterValidator(_party_kind)]


def _one_of(choices: type[TextChoices]) -> AfterValidator:
    def check(value: str) -> str:
        if value not in choices.values:
            raise ValueError(f"not one of {', '.join(choices.values)}")
        return value

    return AfterValidator(check)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PublicKey(Strict):
    kty: Literal["OKP"]
    crv: Literal["Ed25519", "X25519"]
    x: Base64Url
    kid: Base64Url
    use: Literal["sig", "enc"]
    status: Literal["current", "retired"]


class HostedAuthority(Strict):
    id: int = Field(gt=0, lt=2**63)
    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
    kind: PartyKind
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class KeyDocument(Strict):
    format: Literal["comity-federation-key/1"]
    name: DeploymentName
    url: Url
    keys: list[PublicKey] = Field(min_length=2, max_length=50)
    authorities: list[HostedAuthority] = Field(max_length=10_000)


Uuid = Annotated[
    str, StringConstraints(pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
]
Instant = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")]
PartName = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]{0,63}$")]
MessageKind = Literal[
    "request.new", "request.event", "request.receipt", "consultation.message", "alert", "alert.answer"
]


# A request carries at most as many documents as a draft encloses files (drafting.services.MAX_FILES).
DOCUMENTS_MAX = 20


class Party(Strict):
    deployment: DeploymentName
    authority: int = Field(gt=0, lt=2**63)


class PartDigest(Strict):
    name: PartName
    media_type: Annotated[str, StringConstraints(pattern=r"^[a-z0-9.+-]+/[a-z0-9.+-]+$", max_length=100)]
    size: int = Field(ge=0, lt=2**40)
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class Manifest(Strict):
    """What the sender signs: who sends what to whom, when, and the digest of every part."""

    format: Literal["comity-package/1"]
    message_id: Uuid
    conversation_id: Uuid
    kind: MessageKind
    sender: Party
    recipient: Party
    created_at: Instant
    # The body, and the documents of a request or the files of a consultation's message (at most
    # DOCUMENTS_MAX).
    parts: list[PartDigest] = Field(min_length=1, max_length=1 + DOCUMENTS_MAX)


Code = Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]{1,32}$")]
Day = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$")]


class SubjectBody(Strict):
    """A person or company a request is about, as its sender recorded it."""

    kind: Annotated[str, StringConstraints(max_length=16), _one_of(SubjectKind)]
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
    identifiers: Annotated[str, StringConstraints(max_length=500)] = ""
    country: Annotated[str, StringConstraints(pattern=r"^([A-Z]{2})?$")] = ""


class DocumentBody(Strict):
    """A document enclosed with a request: the package's part that holds its bytes (whose type,
    size and SHA-256 the signed manifest states), its file name and the title the annex gives it."""

    part: PartName
    file_name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    title: Annotated[str, StringConstraints(max_length=300)] = ""


class RequestNewBody(Strict):
    """The `body` part of a `request.new` message: the request as its sender registered it, with
    its subjects and who may know their names (`summary` is the summary of the facts)."""

    type: Code
    legal_basis: Code
    proceeding: Code
    offences: list[Code] = Field(min_length=1, max_length=100)
    measures: list[Code] = Field(default_factory=list, max_length=100)
    reference: Annotated[str, StringConstraints(max_length=100)]
    summary: Annotated[str, StringConstraints(max_length=10_000)] = ""
    urgent: bool = False
    urgency_reason: Annotated[str, StringConstraints(max_length=500)] = ""
    confidential: bool = False
    names_visible_to: Annotated[str, StringConstraints(max_length=16), _one_of(NamesVisibleTo)] = (
        NamesVisibleTo.OFFICERS.value
    )
    subjects: list[SubjectBody] = Field(default_factory=list, max_length=100)
    documents: list[DocumentBody] = Field(default_factory=list, max_length=DOCUMENTS_MAX)
    sent_on: Day | None = None
    # Our id of the sent event, by which the peer's copy is named (ADR 11).
    sent_event_id: int | None = Field(default=None, gt=0, lt=2**63)


class EventRef(Strict):
    """A shared event by its origin: the deployment that recorded it first and its id there."""

    deployment: DeploymentName
    event_id: int = Field(gt=0, lt=2**63)


class RequestEventBody(Strict):
    """The `body` part of a `request.event` message: one shared event of a request's timeline,
    named by its id at the deployment that recorded it."""

    event_id: int = Field(gt=0, lt=2**63)
    kind: Code
    occurred_on: Day
    text: Annotated[str, StringConstraints(max_length=5000)] = ""
    refusal_grounds: list[Code] = Field(default_factory=list, max_length=50)
    # The recipient's id of the last of its events the sender had when recording this one.
    after_event_id: int | None = Field(default=None, gt=0, lt=2**63)
    # A correction names the event it corrects by its origin.
    corrects: EventRef | None = None


class RequestReceiptBody(Strict):
    """The `body` part of a `request.receipt` message: a receipt the recipient of a message signed
    after its delivery (RETRIEVAL: an official opened the request), sent back to its sender."""

    message_id: Uuid
    receipt: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.-]+$", max_length=4000)]


# An alert names at most as many assets as network.services.ALERT_MAX_ASSETS lets one name.
ALERT_ASSETS_MAX = 50
# An amount as the models keep it (assets.models.AMOUNT: 20 digits, 2 after the point), in words.
Amount = Annotated[str, StringConstraints(pattern=r"^\d{1,18}(\.\d{1,2})?$")]
Currency = Annotated[str, StringConstraints(pattern=r"^([A-Z]{3})?$")]
AlertId = Annotated[int, Field(gt=0, lt=2**63)]


class AlertAssetBody(Strict):
    """An asset an alert asks to freeze: a validated identifier, with the amount thought to be there."""

    kind: Annotated[str, StringConstraints(max_length=16), _one_of(IdentifierKind)]
    identifier: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    amount: Amount | None = None
    currency: Currency = ""


class AlertBody(Strict):
    """The `body` part of an `alert` message: an urgent freezing alert as its sender sent it, named
    by its id there (answers name it by that id)."""

    alert_id: AlertId
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
    deadline: Instant
    assets: list[AlertAssetBody] = Field(min_length=1, max_length=ALERT_ASSETS_MAX)


class FrozenBody(Strict):
    """An asset of the alert that was frozen, by its place in the alert's `assets`, for how much."""

    index: int = Field(ge=0, lt=ALERT_ASSETS_MAX)
    amount: Amount | None = None
    currency: Currency = ""


class AlertAnswerBody(Strict):
    """The `body` part of an `alert.answer` message: a step of the alert recorded at one end,
    for the other: the recipient's acknowledgement or outcome, or the sender's withdrawal."""

    alert_id: AlertId
    answer: Literal["acknowledged", "outcome", "withdrawn"]
    note: Annotated[str, StringConstraints(max_length=5000)] = ""
    # One of network.models.ALERT_OUTCOME_STATUSES, with an answer `outcome`.
    outcome: Literal["", "freezing-ordered", "frozen", "not-possible", "request-needed"] = ""
    # Why freezing is not possible, or why the alert is withdrawn.
    reason: Annotated[str, StringConstraints(max_length=5000)] = ""
    on: Day | None = None
    order_reference: Annotated[str, StringConstraints(max_length=200)] = ""
    frozen: list[FrozenBody] = Field(default_factory=list, max_length=ALERT_ASSETS_MAX)


class ConsultationOpening(Strict):
    """A consultation as its opener wrote it, and who takes part, each named by its deployment and
    its id there (bounded as network.Consultation's fields and the API's 50 participants)."""

    subject: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
    handling: Annotated[str, StringConstraints(max_length=20), _one_of(Handling)]
    summary: Annotated[str, StringConstraints(max_length=10_000)] = ""
    questions: Annotated[str, StringConstraints(max_length=5_000)] = ""
    participants: list[Party] = Field(min_length=2, max_length=51)


class AttachmentBody(Strict):
    """A file attached to a consultation's message: the package's part that holds its bytes (whose
    type, size and SHA-256 the signed manifest states) and its file name."""

    part: PartName
    file_name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class ConsultationPost(Strict):
    """A message of the thread: its id at the deployment it was posted at, its text and its files."""

    id: int = Field(gt=0, lt=2**63)
    body: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)]
    attachments: list[AttachmentBody] = Field(default_factory=list, max_length=DOCUMENTS_MAX)


class ConsultationMessageBody(Strict):
    """The `body` part of a `consultation.message`: the opening (the first package to a peer), the
    authorities invited later, a message with its files, the closing, or several of them, in that
    order. Read receipts stay at the deployment where they were made (ADR 11)."""

    opening: ConsultationOpening | None = None
    # Authorities invited since the peer's copy was opened (each by its deployment and its id there).
    invited: list[Party] = Field(default_factory=list, max_length=50)
    message: ConsultationPost | None = None
    closed: bool = False

    @model_validator(mode="after")
    def _something(self) -> "ConsultationMessageBody":
        if self.opening is None and not self.invited and self.message is None and not self.closed:
            raise ValueError("an opening, an invitation, a message or the closing")
        return self


BODY_SCHEMAS: dict[str, type[Strict]] = {
    "request.new": RequestNewBody,
    "request.event": RequestEventBody,
    "request.receipt": RequestReceiptBody,
    "alert": AlertBody,
    "alert.answer": AlertAnswerBody,
    "consultation.message": ConsultationMessageBody,
}
