"""`/api/v1/asset-cases`: the same services and selectors as the pages, as JSON."""

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status

from comity.accounts.auth import api_auth
from comity.accounts.http import AuthedRequest
from comity.accounts.models import Authority
from comity.assets import selectors, services
from comity.assets.choices import CaseCountryRole
from comity.assets.models import (
    Asset,
    AssetCase,
    AssetCaseBarrier,
    AssetStep,
    Claim,
    Contact,
    ForeignOrder,
    ForeignOrderStep,
    ManagementCost,
    PublicNotice,
    Valuation,
)
from comity.assets.schemas import (
    AssetIn,
    BarrierIn,
    CaseIn,
    ClaimIn,
    ContactIn,
    CostIn,
    DecisionIn,
    LinkIn,
    ManagementIn,
    NoticeIn,
    OrderIn,
    OrderStepIn,
    StepIn,
    ValuationIn,
)
from comity.cooperation.selectors import requests_visible_to
from comity.core.api import IDEMPOTENCY_PARAMETER, created_once
from comity.core.models import AccessEntry
from comity.core.numbers import ObjectId

# Every creation here accepts an `Idempotency-Key`: a retry creates nothing twice.
ONCE = {"parameters": [IDEMPOTENCY_PARAMETER]}
router = Router(auth=api_auth, tags=["asset recovery"])


def _money(amount: Decimal | None) -> str | None:
    return None if amount is None else f"{amount:.2f}"


def _date(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


def step_out(step: AssetStep) -> dict[str, Any]:
    return {
        "id": step.pk,
        "kind": step.kind,
        "on": _date(step.on),
        "amount": _money(step.amount),
        "currency": step.currency or None,
        "usd_amount": None if step.usd_amount is None else f"{step.usd_amount:.4f}",
        "usd_rate": None if step.usd_rate is None else str(step.usd_rate),
        "rate_source": step.rate_source or None,
        "rate_on": _date(step.rate_on),
        "rate_provisional": step.rate_provisional,
        "proceeding": step.proceeding or None,
        "order_reference": step.order_reference,
        "order_country": step.order_country or None,
        "review_on": _date(step.review_on),
        "returned_to_country": step.returned_to_country or None,
        "returned_to_victim": step.returned_to_victim or None,
        "return_agreement": step.return_agreement,
        "reason": step.reason,
        "note": step.note,
    }


def asset_out(asset: Asset, *, detail: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": asset.pk,
        "type": asset.type,
        "description": asset.description,
        "identifier_kind": asset.identifier_kind or None,
        "identifier": asset.identifier,
        "holder": asset.holder,
        "beneficial_owner": asset.beneficial_owner,
        "location_country": asset.location_country,
        "institution": asset.institution,
        "estimated_value": _money(asset.estimated_value),
        "currency": asset.currency or None,
        "valued_on": _date(asset.valued_on),
        "proceeding": asset.proceeding or None,
        "identified_on": _date(asset.identified_on),
        "status": asset.status,
        "frozen_on": _date(asset.frozen_on),
        "review_on": _date(asset.review_on),
        "confiscated_on": _date(asset.confiscated_on),
        "returned_on": _date(asset.returned_on),
    }
    if detail:
        management = getattr(asset, "management", None)
        out |= {
            "steps": [step_out(s) for s in asset.steps.all()],
            "management": None
            if management is None
            else {
                "custodian": management.custodian,
                "storage": management.storage,
                "insured": management.insured,
                "insurance": management.insurance,
                "sale_decided_on": _date(management.sale_decided_on),
                "sale_decided_by": management.sale_decided_by,
                "sale_reason": management.sale_reason,
            },
            "costs": [
                {
                    "on": _date(c.on),
                    "amount": _money(c.amount),
                    "currency": c.currency,
                    "description": c.description,
                }
                for c in asset.costs.all()
            ],
            "valuations": [
                {"on": _date(v.on), "value": _money(v.value), "currency": v.currency, "source": v.source}
                for v in asset.valuations.all()
            ],
            "claims": [claim_out(c) for c in asset.claims.all()],
            "alerts": selectors.management_alerts(asset),
        }
    return out


def claim_out(claim: Claim) -> dict[str, Any]:
    return {
        "id": claim.pk,
        "claimant": claim.claimant,
        "claimant_kind": claim.claimant_kind,
        "basis": claim.basis,
        "amount": _money(claim.amount),
        "currency": claim.currency or None,
        "lodged_on": _date(claim.lodged_on),
        "status": claim.status,
        "decision": claim.decision,
        "decided_on": _date(claim.decided_on),
        "notice": claim.notice_id,
    }


def order_out(order: ForeignOrder) -> dict[str, Any]:
    return {
        "id": order.pk,
        "kind": order.kind,
        "issuing_country": order.issuing_country,
        "court": order.court,
        "issued_on": _date(order.issued_on),
        "reference": order.reference,
        "conviction_based": order.conviction_based,
        "certified": order.certified,
        "translated": order.translated,
        "status": order.status,
        "asset": order.asset_id,
        "missing_for_registration": services.missing_for_registration(order),
        "steps": [{"kind": s.kind, "on": _date(s.on), "note": s.note} for s in order.steps.all()],
    }


def case_row(case: AssetCase) -> dict[str, Any]:
    countries = list(case.countries.all())
    return {
        "id": case.pk,
        "title": case.title,
        "cluster": case.cluster,
        "origin_country": case.origin_country,
        "asset_location_countries": [
            c.country for c in countries if c.role == CaseCountryRole.ASSET_LOCATION
        ],
        "transit_countries": [c.country for c in countries if c.role == CaseCountryRole.TRANSIT],
        "bribe_payer_country": case.bribe_payer_country or None,
        "initiating_country": case.initiating_country or None,
        "offences": [o.code for o in case.offence_rows.all()],
        "assets": len(case.assets.all()),
    }


def case_out(case: AssetCase) -> dict[str, Any]:
    return case_row(case) | {
        "summary": case.summary,
        "participants": [
            {"id": p.authority.pk, "name": p.authority.name, "country": p.authority.country}
            for p in case.participants.all()
        ],
        "persons": [
            {
                "kind": p.kind,
                "role": p.role,
                "name": p.name,
                "country": p.country,
                "identifiers": p.identifiers,
            }
            for p in case.persons.all()
        ],
        "requests": [r.pk for r in case.requests.all()],
        "assets": [asset_out(a) for a in case.assets.all()],
        "foreign_orders": [order_out(o) for o in case.foreign_orders.all()],
        "notices": [
            {
                "id": n.pk,
                "published_on": _date(n.published_on),
                "medium": n.medium,
                "deadline_on": _date(n.deadline_on),
                "text": n.text,
            }
            for n in case.notices.all()
        ],
        "contacts": [
            {"on": _date(c.on), "country": c.country, "note": c.note, "asset": c.asset_id}
            for c in case.contacts.all()
        ],
        "barriers": [barrier_out(b) for b in case.barriers.all()],
    }


def barrier_out(barrier: AssetCaseBarrier) -> dict[str, Any]:
    return {
        "id": barrier.pk,
        "code": barrier.code,
        "on": _date(barrier.on),
        "country": barrier.country,
        "note": barrier.note,
        "authority": barrier.authority_id,
    }


def _detail(request: AuthedRequest, case_id: ObjectId) -> dict[str, Any]:
    return case_out(selectors.case_detail(request.user, case_id, channel=AccessEntry.Channel.API))


@router.get("", summary="List the asset recovery cases your authority takes part in")
def list_cases(request: AuthedRequest) -> list[dict[str, Any]]:
    return [case_row(c) for c in selectors.case_list(request.user)]


@router.post("", response={201: dict}, summary="Open an asset recovery case", openapi_extra=ONCE)
def create_case(request: AuthedRequest, response: HttpResponse, payload: CaseIn) -> Status:
    data = payload.dict()
    visible = {r.pk: r for r in requests_visible_to(request.user).filter(pk__in=data["requests"])}
    missing = [str(pk) for pk in data["requests"] if pk not in visible]
    if missing:
        raise ValidationError({"requests": [_("No request with id %(ids)s.") % {"ids": ", ".join(missing)}]})
    authorities = {a.pk: a for a in Authority.objects.filter(pk__in=data["participants"])}
    unknown = [str(pk) for pk in data["participants"] if pk not in authorities]
    if unknown:
        raise ValidationError(
            {"participants": [_("No authority with id %(ids)s.") % {"ids": ", ".join(unknown)}]}
        )
    case = created_once(
        request,
        response,
        AssetCase,
        lambda: services.case_create(
            actor=request.user,
            **(data | {"persons": [services.PersonInput(**p) for p in data["persons"]]})
            | {"requests": list(visible.values()), "participants": list(authorities.values())},
        ),
    )
    return Status(201, _detail(request, case.pk))


@router.get("/follow-up", summary="Assets frozen or identified abroad, with their alerts")
def follow_up(request: AuthedRequest) -> list[dict[str, Any]]:
    today = timezone.localdate()
    return [
        {
            "case": row.asset.case_id,
            "case_title": row.asset.case.title,
            "asset": asset_out(row.asset, detail=False),
            "age_days": row.age_days,
            "last_contact_on": _date(row.last_contact_on),
            "idle_days": row.idle_days,
            "alerts": row.alerts,
        }
        for row in selectors.frozen_abroad(request.user, today)
    ]


@router.get("/{int:case_id}", summary="Read a case with its assets, orders, claims and contacts")
def read_case(request: AuthedRequest, case_id: ObjectId) -> dict[str, Any]:
    return _detail(request, case_id)


@router.post(
    "/{int:case_id}/assets", response={201: dict}, summary="Add an asset to a case", openapi_extra=ONCE
)
def add_asset(request: AuthedRequest, response: HttpResponse, case_id: ObjectId, payload: AssetIn) -> Status:
    case = selectors.case_for_write(request.user, case_id)
    asset = created_once(
        request, response, Asset, lambda: services.asset_add(actor=request.user, case=case, **payload.dict())
    )
    return Status(201, asset_out(asset, detail=False))


@router.post(
    "/{int:case_id}/assets/{int:asset_id}/steps",
    response={201: dict},
    summary="Record a measure: frozen, released, confiscated, realised, returned, closed",
    openapi_extra=ONCE,
)
def record_step(
    request: AuthedRequest, response: HttpResponse, case_id: ObjectId, asset_id: ObjectId, payload: StepIn
) -> Status:
    case = selectors.case_for_write(request.user, case_id)
    asset = selectors.asset_for_write(request.user, case, asset_id)
    step = created_once(
        request,
        response,
        AssetStep,
        lambda: services.step_record(actor=request.user, asset=asset, **payload.dict()),
    )
    return Status(201, step_out(step))


@router.put("/{int:case_id}/assets/{int:asset_id}/management", summary="Set who manages a seized asset")
def set_management(
    request: AuthedRequest, case_id: ObjectId, asset_id: ObjectId, payload: ManagementIn
) -> dict[str, Any]:
    case = selectors.case_for_write(request.user, case_id)
    asset = selectors.asset_for_write(request.user, case, asset_id)
    services.management_set(actor=request.user, asset=asset, **payload.dict())
    return {"ok": True}


@router.post(
    "/{int:case_id}/assets/{int:asset_id}/costs",
    response={201: dict},
    summary="Record a management cost",
    openapi_extra=ONCE,
)
def add_cost(
    request: AuthedRequest, response: HttpResponse, case_id: ObjectId, asset_id: ObjectId, payload: CostIn
) -> Status:
    case = selectors.case_for_write(request.user, case_id)
    asset = selectors.asset_for_write(request.user, case, asset_id)
    cost = created_once(
        request,
        response,
        ManagementCost,
        lambda: services.cost_record(actor=request.user, asset=asset, **payload.dict()),
    )
    return Status(
        201,
        {
            "id": cost.pk,
            "usd_amount": f"{cost.usd_amount:.4f}",
            "usd_rate": str(cost.usd_rate),
            "rate_on": _date(cost.rate_on),
            "rate_provisional": cost.rate_provisional,
        },
    )


@router.post(
    "/{int:case_id}/assets/{int:asset_id}/valuations",
    response={201: dict},
    summary="Record a valuation",
    openapi_extra=ONCE,
)
def add_valuation(
    request: AuthedRequest,
    response: HttpResponse,
    case_id: ObjectId,
    asset_id: ObjectId,
    payload: ValuationIn,
) -> Status:
    case = selectors.case_for_write(request.user, case_id)
    asset = selectors.asset_for_write(request.user, case, asset_id)
    valuation = created_once(
        request,
        response,
        Valuation,
        lambda: services.valuation_record(actor=request.user, asset=asset, **payload.dict()),
    )
    return Status(201, {"id": valuation.pk})


@router.post(
    "/{int:case_id}/assets/{int:asset_id}/claims",
    response={201: dict},
    summary="Register a claim",
    openapi_extra=ONCE,
)
def add_claim(
    request: AuthedRequest, response: HttpResponse, case_id: ObjectId, asset_id: ObjectId, payload: ClaimIn
) -> Status:
    case = selectors.case_for_write(request.user, case_id)
    asset = selectors.asset_for_write(request.user, case, asset_id)
    data = payload.dict()
    notice = get_object_or_404(PublicNotice, case=case, pk=data.pop("notice")) if data["notice"] else None
    data.pop("notice", None)
    claim = created_once(
        request,
        response,
        Claim,
        lambda: services.claim_lodge(actor=request.user, asset=asset, notice=notice, **data),
    )
    return Status(201, claim_out(claim))


@router.post("/{int:case_id}/claims/{int:claim_id}/decision", summary="Record the decision on a claim")
def decide_claim(
    request: AuthedRequest, case_id: ObjectId, claim_id: ObjectId, payload: DecisionIn
) -> dict[str, Any]:
    case = selectors.case_for_write(request.user, case_id)
    claim = get_object_or_404(Claim.objects.select_related("asset__case"), asset__case=case, pk=claim_id)
    return claim_out(services.claim_decide(actor=request.user, claim=claim, **payload.dict()))


@router.post(
    "/{int:case_id}/foreign-orders",
    response={201: dict},
    summary="Register a foreign order received",
    openapi_extra=ONCE,
)
def add_order(request: AuthedRequest, response: HttpResponse, case_id: ObjectId, payload: OrderIn) -> Status:
    case = selectors.case_for_write(request.user, case_id)
    data = payload.dict()
    asset_id = data.pop("asset")
    asset = selectors.asset_for_write(request.user, case, asset_id) if asset_id else None
    order = created_once(
        request,
        response,
        ForeignOrder,
        lambda: services.foreign_order_register(actor=request.user, case=case, asset=asset, **data),
    )
    return Status(201, order_out(order))


@router.post(
    "/{int:case_id}/foreign-orders/{int:order_id}/steps",
    response={201: dict},
    summary="Record a registration or enforcement step of a foreign order",
    openapi_extra=ONCE,
)
def add_order_step(
    request: AuthedRequest,
    response: HttpResponse,
    case_id: ObjectId,
    order_id: ObjectId,
    payload: OrderStepIn,
) -> Status:
    case = selectors.case_for_write(request.user, case_id)
    order = get_object_or_404(ForeignOrder.objects.select_related("case"), case=case, pk=order_id)
    created_once(
        request,
        response,
        ForeignOrderStep,
        lambda: services.foreign_order_step(actor=request.user, order=order, **payload.dict()),
    )
    return Status(201, order_out(order))


@router.post(
    "/{int:case_id}/notices",
    response={201: dict},
    summary="Record a public notice inviting claims",
    openapi_extra=ONCE,
)
def add_notice(
    request: AuthedRequest, response: HttpResponse, case_id: ObjectId, payload: NoticeIn
) -> Status:
    case = selectors.case_for_write(request.user, case_id)
    notice = created_once(
        request,
        response,
        PublicNotice,
        lambda: services.notice_publish(actor=request.user, case=case, **payload.dict()),
    )
    return Status(201, {"id": notice.pk})


@router.post(
    "/{int:case_id}/contacts",
    response={201: dict},
    summary="Record a follow-up contact with a State",
    openapi_extra=ONCE,
)
def add_contact(
    request: AuthedRequest, response: HttpResponse, case_id: ObjectId, payload: ContactIn
) -> Status:
    case = selectors.case_for_write(request.user, case_id)
    data = payload.dict()
    asset_id = data.pop("asset")
    asset = selectors.asset_for_write(request.user, case, asset_id) if asset_id else None
    contact = created_once(
        request,
        response,
        Contact,
        lambda: services.contact_record(actor=request.user, case=case, asset=asset, **data),
    )
    return Status(201, {"id": contact.pk})


@router.post("/{int:case_id}/requests", response={201: dict}, summary="Link a cooperation request")
def link_request(request: AuthedRequest, case_id: ObjectId, payload: LinkIn) -> Status:
    case = selectors.case_for_write(request.user, case_id)
    target = requests_visible_to(request.user).filter(pk=payload.request).first()
    if target is None:
        raise ValidationError({"request": [_("No request with id %(id)s.") % {"id": payload.request}]})
    services.case_link_request(actor=request.user, case=case, request=target)
    return Status(201, {"ok": True})


@router.post(
    "/{int:case_id}/barriers",
    response={201: dict},
    summary="Record a barrier met in the case with another State",
    openapi_extra=ONCE,
)
def add_barrier(
    request: AuthedRequest, response: HttpResponse, case_id: ObjectId, payload: BarrierIn
) -> Status:
    case = selectors.case_for_write(request.user, case_id)
    barrier = created_once(
        request,
        response,
        AssetCaseBarrier,
        lambda: services.case_barrier_record(actor=request.user, case=case, **payload.dict()),
    )
    return Status(201, barrier_out(barrier))
