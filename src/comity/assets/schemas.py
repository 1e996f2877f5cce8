"""API shapes of asset recovery cases. Codes are those of VOCABULARY.md and assets.choices;
the services check them and name the field and the allowed codes when one is wrong."""

import datetime

from ninja import Field, Schema

from comity.core.numbers import Amount, ObjectId


class PersonIn(Schema):
    kind: str = Field(description="natural or legal")
    role: str = Field(description="public-official, associate, intermediary, bribe-payer, other")
    name: str = Field(max_length=300)
    country: str = Field("", max_length=2)
    identifiers: str = Field("", max_length=500)


class CaseIn(Schema):
    title: str = Field(max_length=300)
    cluster: str = Field("", max_length=300)
    origin_country: str = Field(max_length=2, description="ISO 3166-1 alpha-2")
    asset_location_countries: list[str] = []
    transit_countries: list[str] = []
    bribe_payer_country: str = Field("", max_length=2)
    initiating_country: str = Field(
        "", max_length=2, description="a third State that took legal action; empty otherwise"
    )
    offences: list[str]
    summary: str = ""
    persons: list[PersonIn] = []
    requests: list[ObjectId] = Field([], description="ids of cooperation requests your authority can see")
    participants: list[ObjectId] = Field([], description="ids of other authorities taking part")


class AssetIn(Schema):
    type: str
    location_country: str = Field(max_length=2)
    description: str = Field("", max_length=500)
    identifier_kind: str = ""
    identifier: str = Field("", max_length=200)
    holder: str = Field("", max_length=300)
    beneficial_owner: str = Field("", max_length=300)
    institution: str = Field("", max_length=300)
    estimated_value: Amount | None = None
    currency: str = Field("", max_length=3)
    valued_on: datetime.date | None = None
    proceeding: str = ""
    identified_on: datetime.date | None = None


class StepIn(Schema):
    kind: str = Field(description="frozen, released, confiscated, realised, returned, closed")
    on: datetime.date | None = None
    amount: Amount | None = None
    currency: str = Field("", max_length=3)
    proceeding: str = Field(
        "",
        description="for a confiscation: criminal, non-conviction-based, civil, administrative or settlement",
    )
    order_reference: str = Field("", max_length=200)
    order_country: str = Field("", max_length=2)
    review_on: datetime.date | None = None
    returned_to_country: str = Field("", max_length=2)
    returned_to_victim: str = Field("", max_length=300)
    return_agreement: str = Field("", max_length=300)
    reason: str = Field("", description="why returns exceed the confiscated amount, or why released")
    note: str = ""


class OrderIn(Schema):
    kind: str = Field(description="interim or final")
    issuing_country: str = Field(max_length=2)
    court: str = Field(max_length=300)
    issued_on: datetime.date
    received_on: datetime.date
    reference: str = Field("", max_length=200)
    conviction_based: bool = True
    certified: bool = False
    translated: bool = False
    asset: ObjectId | None = None


class OrderStepIn(Schema):
    kind: str
    on: datetime.date
    note: str = ""
    certified: bool | None = None
    translated: bool | None = None


class ManagementIn(Schema):
    custodian: str = Field(max_length=300)
    storage: str = Field("", max_length=300)
    insured: bool = False
    insurance: str = Field("", max_length=300)
    sale_decided_on: datetime.date | None = None
    sale_decided_by: str = Field("", max_length=300)
    sale_reason: str = ""


class CostIn(Schema):
    on: datetime.date
    amount: Amount
    currency: str = Field(max_length=3)
    description: str = Field(max_length=300)


class ValuationIn(Schema):
    on: datetime.date
    value: Amount
    currency: str = Field(max_length=3)
    source: str = Field("", max_length=300)


class NoticeIn(Schema):
    published_on: datetime.date
    medium: str = Field(max_length=300)
    deadline_on: datetime.date | None = None
    text: str = ""


class ClaimIn(Schema):
    claimant: str = Field(max_length=300)
    claimant_kind: str = Field(description="victim or third-party")
    basis: str
    lodged_on: datetime.date
    amount: Amount | None = None
    currency: str = Field("", max_length=3)
    notice: ObjectId | None = None


class DecisionIn(Schema):
    status: str = Field(description="accepted, partially-accepted, rejected or withdrawn")
    decided_on: datetime.date
    decision: str


class ContactIn(Schema):
    on: datetime.date
    country: str = Field(max_length=2)
    note: str = ""
    asset: ObjectId | None = None


class LinkIn(Schema):
    request: ObjectId


class BarrierIn(Schema):
    code: str = Field(description="a code of the vocabulary `barriers`")
    on: datetime.date
    country: str = Field(max_length=2, description="the State the barrier was met with")
    note: str = ""
