import datetime
from typing import Any

from ninja import Field, Schema


class TimeToExecutionOut(Schema):
    n_closed: int = Field(description="executed or partially executed by the as-of date (events)")
    n_pending: int = Field(description="received, still open at the as-of date (censored there)")
    n_closed_otherwise: int = Field(description="refused, withdrawn or lapsed (censored at closing)")
    median_days: float | None = Field(
        description="median days from receipt to execution, closed requests only"
    )
    p25_days: float | None
    p75_days: float | None
    p90_days: float | None
    km_median_days: int | None = Field(description="Kaplan–Meier median, pending requests censored")
    km_median_ci_days: list[int | None] = Field(description="95% interval of the KM median (log-log)")


class GroupOut(Schema):
    key: dict[str, Any]
    count: int
    pending: int
    overdue: int
    pending_median_age_days: float | None
    pending_max_age_days: int | None
    refused_on_grounds_not_allowed: int = Field(
        description="refusals citing bank secrecy or a fiscal offence, which UNCAC art. 46(8), 46(22) exclude"
    )
    time_to_execution: TimeToExecutionOut


class RequestFiguresOut(Schema):
    as_of: datetime.date
    group_by: list[str]
    total: GroupOut
    groups: list[GroupOut]


class CurvePointOut(Schema):
    days: int
    at_risk: int
    events: int
    censored: int
    survival: float
    lower: float | None
    upper: float | None


class CurveOut(Schema):
    key: dict[str, Any]
    km_median_days: int | None
    points: list[CurvePointOut]


class CurvesOut(Schema):
    as_of: datetime.date
    group_by: list[str]
    curves: list[CurveOut]
