"""`/api/v1/statistics`: figures over the requests the user may see, with the list's filters."""

import datetime
from collections.abc import Sequence
from dataclasses import asdict, replace
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Body, Router, Status

from comity.accounts.auth import api_auth
from comity.accounts.http import AuthedRequest
from comity.cooperation.filters import RequestFilterSet
from comity.cooperation.selectors import request_filters
from comity.core import messages
from comity.core.errors import FieldErrors
from comity.core.openapi import filterset_parameters
from comity.network import selectors as network_selectors
from comity.network.selectors import AlertFigures, ConsultationFigures
from comity.reference.money import USD
from comity.statistics.assets import (
    ASSET_GROUP_KEYS,
    AmountGroup,
    AssetFigures,
    Survival,
    asset_figures,
    funnel,
    state_roles,
)
from comity.statistics.barriers import barrier_figures
from comity.statistics.national import counted_cases
from comity.statistics.schemas import CurvesOut, RequestFiguresOut
from comity.statistics.selectors import GROUP_KEYS, Figures, Group, figures_scope, request_figures
from comity.statistics.services import may_submit, submission_receive
from comity.statistics.submissions import by_path

router = Router(auth=api_auth, tags=["statistics"])
PARAMETERS = [
    *filterset_parameters(RequestFilterSet),
    {
        "in": "query",
        "name": "group_by",
        "required": False,
        "description": "one or two of: " + ", ".join(GROUP_KEYS),
        "schema": {"type": "string"},
    },
    {
        "in": "query",
        "name": "as_of",
        "required": False,
        "description": "figures as known on this date (today)",
        "schema": {"type": "string", "format": "date"},
    },
]


def _group_by_and_as_of(
    request: AuthedRequest, allowed: Sequence[str], errors: FieldErrors
) -> tuple[list[str], datetime.date]:
    """The `group_by` keys (one or two of `allowed`) and `as_of` date asked for; problems go to
    `errors` by field."""
    group_by = [key.strip() for key in request.GET.get("group_by", "").split(",") if key.strip()]
    unknown = [key for key in group_by if key not in allowed]
    if unknown:
        errors["group_by"] = [
            _("Unknown key %(keys)s; allowed: %(allowed)s.")
            % {"keys": ", ".join(unknown), "allowed": ", ".join(allowed)}
        ]
    elif len(group_by) > 2 or len(set(group_by)) != len(group_by):
        errors["group_by"] = [_("Group by one or two different keys.")]
    as_of = timezone.localdate()
    if request.GET.get("as_of"):
        try:
            as_of = datetime.date.fromisoformat(request.GET["as_of"])
        except ValueError:
            errors.add("as_of", messages.not_a_date(request.GET["as_of"]))
    return group_by, as_of


def parse_query(request: AuthedRequest) -> tuple[list[str], datetime.date]:
    """group_by and as_of, the list's filters checked too; ValidationError naming each bad field
    (the selectors select the requests themselves)."""
    errors = FieldErrors()
    group_by, as_of = _group_by_and_as_of(request, GROUP_KEYS, errors)
    filters = request_filters(request.user, request.GET)
    if not filters.is_valid():
        errors |= {
            name: [e["message"] for e in errs] for name, errs in filters.errors.get_json_data().items()
        }
    if errors:
        raise ValidationError(errors)
    return group_by, as_of


def _group(group: Group) -> dict[str, Any]:
    # Without the Kaplan–Meier curve (the figures give its medians): asdict() would copy every point.
    out = asdict(replace(group, time_to_execution=replace(group.time_to_execution, curve=[])))
    times = out["time_to_execution"]
    times.pop("curve")
    for name in ("median_days", "p25_days", "p75_days", "p90_days"):
        times[name] = None if times[name] is None else round(times[name], 2)
    out["time_to_execution"]["km_median_ci_days"] = list(group.time_to_execution.km_median_ci_days)
    return out


def figures_json(figures: Figures) -> dict[str, Any]:
    return {
        "as_of": figures.as_of,
        "group_by": figures.group_by,
        "total": _group(figures.total),
        "groups": [_group(g) for g in figures.groups],
    }


@router.get(
    "/requests",
    response=RequestFiguresOut,
    summary="Counts and times of cooperation requests",
    openapi_extra={"parameters": PARAMETERS},
)
def request_statistics(request: AuthedRequest) -> dict[str, Any]:
    group_by, as_of = parse_query(request)
    return figures_json(request_figures(request.user, request.GET, group_by, as_of))


@router.get(
    "/requests/time-to-execution",
    response=CurvesOut,
    summary="Kaplan–Meier curves of time to execution",
    openapi_extra={"parameters": PARAMETERS},
)
def time_to_execution_curves(request: AuthedRequest) -> dict[str, Any]:
    group_by, as_of = parse_query(request)
    figures = request_figures(request.user, request.GET, group_by, as_of)
    groups = figures.groups if group_by else [figures.total]
    return {
        "as_of": as_of,
        "group_by": group_by,
        "curves": [
            {
                "key": g.key,
                "km_median_days": g.time_to_execution.km_median_days,
                "points": [
                    {
                        "days": p.time,
                        "at_risk": p.at_risk,
                        "events": p.events,
                        "censored": p.censored,
                        "survival": p.survival,
                        "lower": p.lower,
                        "upper": p.upper,
                    }
                    for p in g.time_to_execution.curve
                ],
            }
            for g in groups
        ],
    }


def parse_asset_query(request: AuthedRequest) -> tuple[list[str], str, datetime.date]:
    errors = FieldErrors()
    group_by, as_of = _group_by_and_as_of(request, ASSET_GROUP_KEYS, errors)
    currency = request.GET.get("currency", USD).strip().upper()
    errors.currency("currency", currency)
    errors.raise_if_any()
    return group_by, currency, as_of


def _amounts(group: AmountGroup) -> dict[str, Any]:
    return {
        "key": group.key,
        "assets": group.assets,
        "frozen": float(group.frozen),
        "confiscated": float(group.confiscated),
        "returned": float(group.returned),
        # How much of each amount rests on a provisional rate (see the README's rate rule).
        "provisional": {kind: float(amount) for kind, amount in group.provisional.items()},
    }


def _survival_json(survival: Survival) -> dict[str, Any]:
    return {"assets": survival.assets, "events": survival.events, "km_median_days": survival.km_median_days}


def asset_figures_json(figures: AssetFigures) -> dict[str, Any]:
    return {
        "as_of": figures.as_of,
        "currency": figures.currency,
        "group_by": figures.group_by,
        "total": _amounts(figures.total),
        "funnel": funnel(figures.total),
        "settlements": _amounts(figures.settlements) | funnel(figures.settlements),
        "groups": [_amounts(g) | funnel(g) for g in figures.groups],
        "time_to_confiscation": _survival_json(figures.time_to_confiscation),
        "time_to_return": _survival_json(figures.time_to_return),
    }


ASSET_PARAMETERS = [
    {
        "in": "query",
        "name": "group_by",
        "required": False,
        "description": "one or two of: " + ", ".join(ASSET_GROUP_KEYS),
        "schema": {"type": "string"},
    },
    {
        "in": "query",
        "name": "currency",
        "required": False,
        "description": "ISO 4217 code of the figures (USD); each amount at the rate of its date",
        "schema": {"type": "string"},
    },
    PARAMETERS[-1],
]


@router.get(
    "/assets",
    summary="Amounts frozen, confiscated and returned, their funnel and times",
    openapi_extra={"parameters": ASSET_PARAMETERS},
)
def asset_statistics(request: AuthedRequest) -> dict[str, Any]:
    group_by, currency, as_of = parse_asset_query(request)
    return asset_figures_json(asset_figures(counted_cases(request.user), group_by, currency, as_of))


@router.get("/assets/roles", summary="The role of each State across the asset recovery cases")
def asset_roles(request: AuthedRequest) -> dict[str, Any]:
    roles = state_roles(counted_cases(request.user))
    total = len(roles.states)
    return {
        "states": [{"country": c, "role": role, "cases": n} for c, role, n in roles.states],
        "roles": [
            {"role": role, "count": count, "share": round(count / total, 4) if total else None}
            for role, count in roles.counts.items()
        ],
    }


@router.get(
    "/barriers",
    summary="Barriers met in your cases and requests, by role and by the State they were met with",
)
def barrier_statistics(request: AuthedRequest) -> dict[str, Any]:
    return barrier_figures(counted_cases(request.user), figures_scope(request.user, {})[1]).as_json()


@router.get(
    "/network",
    summary="The network's figures for your authority: urgent freezing alerts by time to acknowledgement and "
    "outcome; consultations by time to first answer and share converted into requests; the directory's "
    "freshness by State (entries, and those not confirmed for 13 months), the stalest first",
)
def network_statistics(request: AuthedRequest) -> dict[str, Any]:
    network_selectors.require_member(request.user)
    return {
        "alerts": alert_figures_json(network_selectors.alert_figures(request.user)),
        "consultations": consultation_figures_json(network_selectors.consultation_figures(request.user)),
        "directory": [
            {"country": f.country, "entries": f.entries, "stale": f.stale}
            for f in network_selectors.directory_freshness(request.user)
        ],
    }


def consultation_figures_json(figures: ConsultationFigures) -> dict[str, Any]:
    return {
        "opened": figures.opened,
        "consulted": figures.consulted,
        "answered_within": [{"within": within, "consultations": n} for within, n in figures.answered_within],
        "median_hours_to_first_answer": figures.median_hours_to_first_answer,
        "converted": figures.converted,
        "share_converted": figures.share_converted,
    }


def alert_figures_json(figures: AlertFigures) -> dict[str, Any]:
    return {
        "sent": figures.sent,
        "received": figures.received,
        "by_status": figures.by_status,
        "acknowledged_within": [{"within": within, "alerts": n} for within, n in figures.acknowledged_within],
        "median_hours_to_acknowledgement": figures.median_hours_to_acknowledgement,
        "median_hours_to_outcome": figures.median_hours_to_outcome,
    }


SUBMISSION_BODY = Body(..., description="a submission file: docs/data-call.md, format version 2")


@router.post(
    "/submissions",
    response={201: dict[str, Any]},
    summary="Send a State's statistical submission (the secretariat, or the State's coordinator)",
)
def receive_submission(
    request: AuthedRequest,
    payload: dict[str, Any] = SUBMISSION_BODY,
) -> Status:
    """The body is a State's submission as `comity export submission` writes it. It is checked as
    `comity import submission` checks it, and one that does not pass is a 422 with one entry per
    path at fault; nothing is imported then. A second one for the same State and period must say
    `"correction": true`. For the secretariat (any State) and national coordinators (their own)."""
    if not may_submit(request.user):
        raise Http404
    try:
        submission = submission_receive(actor=request.user, payload=payload)
    except ValidationError as error:
        raise ValidationError(by_path(error.messages)) from None
    version = submission.versions.order_by("-number").first()
    return Status(
        201,
        {
            "state": submission.state,
            "period": submission.period,
            "version": version.number if version else 1,
            "correction": bool(version and version.correction),
        },
    )
