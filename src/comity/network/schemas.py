"""API shapes of the network. Codes are those of VOCABULARY.md (alert statuses, handling codes)
and assets.choices (identifier kinds); the services check them and name the field when one is
wrong."""

import datetime

from ninja import Field, Schema

from comity.core.numbers import Amount, ObjectId

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
