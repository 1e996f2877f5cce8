"""Writes on asset recovery cases. Each is atomic, audited in its own transaction, and open only
to officers and heads of an authority taking part in the case."""

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comity.accounts.models import Authority, User
from comity.assets.choices import (
    AssetProceeding,
    CaseCountryRole,
    ClaimantKind,
    ClaimStatus,
    IdentifierKind,
    OrderKind,
    OrderStepKind,
    PersonRole,
    StepKind,
)
from comity.assets.models import (
    Asset,
    AssetCase,
    AssetCaseBarrier,
    AssetCaseCountry,
    AssetCaseOffence,
    AssetCaseParticipant,
    AssetCasePerson,
    AssetManagement,
    AssetStep,
    Claim,
    Contact,
    ForeignOrder,
    ForeignOrderStep,
    ManagementCost,
    PublicNotice,
    Valuation,
)
from comity.assets.rules import InUSD, StepInput, clean_identifier, fold, step_problems, to_usd
from comity.cooperation import services as cooperation_services
from comity.cooperation.choices import SubjectKind
from comity.cooperation.models import Request
from comity.core import messages
from comity.core.choices import AuditAction
from comity.core.errors import FieldErrors
from comity.core.policy import require_writer
from comity.core.services import audit
from comity.reference.choices import AssetType, Offence
from comity.reference.money import MissingRate


@dataclass(frozen=True)
class PersonInput:
    kind: str
    role: str
    name: str
    country: str = ""
    identifiers: str = ""


def require_participant(actor: User, case: AssetCase) -> int:
    """The actor's authority, if the actor may write for an authority taking part in the case."""
    return require_writer(
        actor,
        _("Only officers and heads of the authorities in this case may change it."),
        case.participants.values_list("authority_id", flat=True),
    )


def _upper(value: str) -> str:
    return value.strip().upper()


@transaction.atomic
def case_create(
    *,
    actor: User,
    title: str,
    origin_country: str,
    offences: Sequence[str],
    cluster: str = "",
    asset_location_countries: Sequence[str] = (),
    transit_countries: Sequence[str] = (),
    bribe_payer_country: str = "",
    initiating_country: str = "",
    summary: str = "",
    persons: Sequence[PersonInput] = (),
    requests: Sequence[Request] = (),
    participants: Sequence[Authority] = (),
) -> AssetCase:
    """Open a case; the actor's authority takes part in it, with `participants`."""
    own = require_writer(actor, _("Only officers and heads may open a case."))
    errors = FieldErrors()
    errors.required("title", title)
    errors.texts(AssetCase, {"title": title, "cluster": cluster, "summary": summary})
    origin_country = _upper(origin_country)
    locations = [_upper(c) for c in asset_location_countries]
    transits = [_upper(c) for c in transit_countries]
    errors.country("origin_country", origin_country)
    for code in locations:
        errors.country("asset_location_countries", code)
    for code in transits:
        errors.country("transit_countries", code)
    errors.country("bribe_payer_country", _upper(bribe_payer_country), required=False)
    initiating_country = _upper(initiating_country)
    errors.country("initiating_country", initiating_country, required=False)
    if initiating_country and (initiating_country == origin_country or initiating_country in locations):
        errors.add(
            "initiating_country",
            _(
                "Name a third State only when it is neither the State of origin nor a State of asset location."
            ),
        )
    if not offences:
        errors.add("offences", _("Name at least one offence."))
    for code in offences:
        errors.code("offences", code, Offence)
    for position, person in enumerate(persons, start=1):
        prefix = _("Person %(n)d: ") % {"n": position}
        if person.kind not in SubjectKind.values:
            errors.add("persons", prefix + _("kind is natural or legal."))
        if person.role not in PersonRole.values:
            errors.add("persons", prefix + _("role is one of %(a)s.") % {"a": ", ".join(PersonRole.values)})
        if not person.name.strip():
            errors.add("persons", prefix + messages.required())
        errors.texts(
            AssetCasePerson,
            {"name": person.name, "identifiers": person.identifiers},
            under="persons",
            prefix=prefix,
        )
        errors.country("persons", _upper(person.country), required=False, prefix=prefix)
    errors.raise_if_any()

    case = AssetCase.objects.create(
        title=title.strip(),
        cluster=cluster.strip(),
        origin_country=origin_country,
        bribe_payer_country=_upper(bribe_payer_country),
        initiating_country=initiating_country,
        summary=summary.strip(),
        created_by=actor,
    )
    AssetCaseCountry.objects.bulk_create(
        [
            AssetCaseCountry(case=case, role=CaseCountryRole.ASSET_LOCATION, country=c)
            for c in dict.fromkeys(locations)
        ]
        + [
            AssetCaseCountry(case=case, role=CaseCountryRole.TRANSIT, country=c)
            for c in dict.fromkeys(transits)
        ]
    )
    AssetCaseOffence.objects.bulk_create(
        [AssetCaseOffence(case=case, code=c) for c in dict.fromkeys(offences)]
    )
    AssetCasePerson.objects.bulk_create(
        [
            AssetCasePerson(
                case=case,
                kind=p.kind,
                role=p.role,
                name=p.name.strip(),
                country=_upper(p.country),
                identifiers=p.identifiers.strip(),
            )
            for p in persons
        ]
    )
    authority_ids = dict.fromkeys([own, *(a.pk for a in participants)])
    AssetCaseParticipant.objects.bulk_create(
        [AssetCaseParticipant(case=case, authority_id=pk) for pk in authority_ids]
    )
    if requests:
        case.requests.set(requests)
    audit(actor=actor, action=AuditAction.ASSET_CASE_CREATE, obj=case)
    return case


@transaction.atomic
def case_link_request(*, actor: User, case: AssetCase, request: Request) -> None:
    """Link a cooperation request the actor can see (the caller fetched it with a scoped selector)."""
    require_participant(actor, case)
    case.requests.add(request)
    audit(actor=actor, action=AuditAction.ASSET_CASE_LINK_REQUEST, obj=case, fields=["requests"])


@transaction.atomic
def asset_add(
    *,
    actor: User,
    case: AssetCase,
    type: str,
    location_country: str,
    description: str = "",
    identifier_kind: str = "",
    identifier: str = "",
    holder: str = "",
    beneficial_owner: str = "",
    institution: str = "",
    estimated_value: Decimal | None = None,
    currency: str = "",
    valued_on: datetime.date | None = None,
    proceeding: str = "",
    identified_on: datetime.date | None = None,
) -> Asset:
    require_participant(actor, case)
    errors = FieldErrors()
    errors.code("type", type, AssetType)
    location_country = _upper(location_country)
    errors.country("location_country", location_country)
    errors.code("identifier_kind", identifier_kind, IdentifierKind, required=False)
    errors.code("proceeding", proceeding, AssetProceeding, required=False)
    currency = _upper(currency)
    errors.money("estimated_value", estimated_value, "currency", currency)
    if estimated_value is not None and valued_on is None:
        errors.add("valued_on", _("Say on which date the value was estimated."))
    errors.happened("valued_on", valued_on)
    errors.happened("identified_on", identified_on)
    errors.texts(
        Asset,
        {
            "description": description,
            "identifier": identifier,
            "holder": holder,
            "beneficial_owner": beneficial_owner,
            "institution": institution,
        },
    )
    if identifier and not identifier_kind:
        errors.add("identifier_kind", _("Say what kind of identifier this is."))
    try:
        identifier = clean_identifier(identifier_kind, identifier)
    except ValueError as error:
        errors.add("identifier", str(error))
    errors.raise_if_any()
    asset = Asset.objects.create(
        case=case,
        type=type,
        description=description.strip(),
        identifier_kind=identifier_kind,
        identifier=identifier,
        holder=holder.strip(),
        beneficial_owner=beneficial_owner.strip(),
        location_country=location_country,
        institution=institution.strip(),
        estimated_value=estimated_value,
        currency=currency,
        valued_on=valued_on,
        proceeding=proceeding,
        identified_on=identified_on or timezone.localdate(),
    )
    audit(actor=actor, action=AuditAction.ASSET_CREATE, obj=asset)
    return asset


# The asset's fields its steps decide: set by `_fold_history` alone, whoever adds the steps.
HISTORY_FIELDS = [
    "status",
    "frozen_on",
    "review_on",
    "confiscated_on",
    "returned_on",
    "last_step_on",
    "proceeding",
]


def _fold_history(asset: Asset, steps: Iterable[AssetStep]) -> None:
    """Fold the asset's steps, in recording order, onto its status and dates (not saved)."""
    history = fold(steps)
    asset.status = history.status
    asset.frozen_on = history.frozen_on
    asset.review_on = history.review_on
    asset.confiscated_on = history.confiscated_on
    asset.returned_on = history.returned_on
    asset.last_step_on = history.last_step_on
    if history.proceeding:
        asset.proceeding = history.proceeding


def store_history(asset: Asset) -> None:
    """Fold the asset's steps onto its status and dates, and save them."""
    _fold_history(asset, asset.steps.order_by("id"))
    asset.save(update_fields=HISTORY_FIELDS)


@dataclass(frozen=True)
class ImportedAsset:
    """An asset of an imported case, with its steps as checked (`StepInput` and its amount in USD)
    and the case status the row gives when it is one that no step records (released, closed)."""

    type: str
    description: str
    location_country: str
    currency: str
    proceeding: str
    steps: Sequence[tuple[StepInput, InUSD]]
    closing: str = ""


@dataclass(frozen=True)
class ImportedCase:
    title: str
    cluster: str
    origin_country: str
    bribe_payer_country: str
    initiating_country: str
    asset_locations: Sequence[str]
    transit_countries: Sequence[str]
    offences: Sequence[str]
    assets: Sequence[ImportedAsset]


# Cases an import writes with each round of statements.
IMPORT_BATCH = 500


@transaction.atomic
def cases_import(
    *,
    actor: User | None,
    authority: Authority,
    cases: Sequence[ImportedCase],
    progress: Callable[[int], None] = lambda assets: None,
) -> None:
    """Write checked cases of an import (`assets.transfer` checks them), each with its assets and
    their steps, as `case_create`, `asset_add` and `step_record` would: the same history fields,
    the day each asset was identified (its first dated step, else today), one audit row for the
    import (the authority that imported, as for requests). Written a batch of cases at a time, a
    handful of statements each; `progress` is told the assets written so far after each batch."""
    written = 0
    for start in range(0, len(cases), IMPORT_BATCH):
        batch = cases[start : start + IMPORT_BATCH]
        made = AssetCase.objects.bulk_create(
            [
                AssetCase(
                    title=imported.title,
                    cluster=imported.cluster,
                    origin_country=imported.origin_country,
                    bribe_payer_country=imported.bribe_payer_country,
                    initiating_country=imported.initiating_country,
                    created_by=actor,
                )
                for imported in batch
            ]
        )
        pairs = list(zip(made, batch, strict=True))
        AssetCaseParticipant.objects.bulk_create(
            [AssetCaseParticipant(case=case, authority=authority) for case in made]
        )
        AssetCaseCountry.objects.bulk_create(
            [
                AssetCaseCountry(case=case, role=role, country=country)
                for case, imported in pairs
                for role, countries in (
                    (CaseCountryRole.ASSET_LOCATION, imported.asset_locations),
                    (CaseCountryRole.TRANSIT, imported.transit_countries),
                )
                for country in countries
            ]
        )
        AssetCaseOffence.objects.bulk_create(
            [AssetCaseOffence(case=case, code=code) for case, imported in pairs for code in imported.offences]
        )
        assets = [
            _imported_asset(case, item, authority=authority, actor=actor)
            for case, imported in pairs
            for item in imported.assets
        ]
        Asset.objects.bulk_create([asset for asset, _steps in assets])
        # Each step's asset was saved after it was given: bulk_create takes the asset's new id.
        AssetStep.objects.bulk_create([step for _asset, steps in assets for step in steps])
        written += len(assets)
        progress(written)
    if cases:
        audit(actor=actor, action=AuditAction.ASSET_CASE_IMPORT, obj=authority, fields=["asset_cases"])


def _imported_asset(
    case: AssetCase, item: ImportedAsset, *, authority: Authority, actor: User | None
) -> tuple[Asset, list[AssetStep]]:
    """An imported asset and its steps, unsaved, its history folded from them."""
    dated = [step.on for step, _usd in item.steps if step.on]
    asset = Asset(
        case=case,
        type=item.type,
        description=item.description,
        location_country=item.location_country,
        currency=item.currency,
        proceeding=item.proceeding,
        identified_on=min(dated, default=timezone.localdate()),
    )
    steps = [
        AssetStep(
            asset=asset,
            kind=step.kind,
            on=step.on,
            amount=step.amount,
            currency=step.currency,
            usd_amount=in_usd.amount,
            usd_rate=in_usd.rate,
            rate_source=in_usd.source,
            rate_on=in_usd.rate_on,
            rate_provisional=in_usd.provisional,
            review_on=step.review_on,
            proceeding=step.proceeding if step.kind == StepKind.CONFISCATED else "",
            returned_to_country=step.returned_to_country,
            returned_to_victim=step.returned_to_victim,
            reason=step.reason if step.kind == StepKind.RETURNED else "",
            authority=authority,
            recorded_by=actor,
        )
        for step, in_usd in item.steps
    ]
    if item.closing:
        steps.append(
            AssetStep(asset=asset, kind=item.closing, on=None, authority=authority, recorded_by=actor)
        )
    _fold_history(asset, steps)
    return asset, steps


@transaction.atomic
def step_record(
    *,
    actor: User,
    asset: Asset,
    kind: str,
    on: datetime.date | None,
    amount: Decimal | None = None,
    currency: str = "",
    proceeding: str = "",
    order_reference: str = "",
    order_country: str = "",
    review_on: datetime.date | None = None,
    returned_to_country: str = "",
    returned_to_victim: str = "",
    return_agreement: str = "",
    reason: str = "",
    note: str = "",
) -> AssetStep:
    """Append a measure to the asset's history, converted to USD at the rate of its date."""
    authority_id = require_participant(actor, asset.case)
    return _step_append(
        actor=actor,
        authority_id=authority_id,
        asset=asset,
        kind=kind,
        on=on,
        amount=amount,
        currency=currency,
        proceeding=proceeding,
        order_reference=order_reference,
        order_country=order_country,
        review_on=review_on,
        returned_to_country=returned_to_country,
        returned_to_victim=returned_to_victim,
        return_agreement=return_agreement,
        reason=reason,
        note=note,
    )


@transaction.atomic
def step_record_in_answer(
    *,
    actor: User,
    asset: Asset,
    on: datetime.date | None,
    amount: Decimal | None = None,
    currency: str = "",
    order_reference: str = "",
    order_country: str = "",
    note: str = "",
) -> AssetStep:
    """A freezing recorded by an authority outside the case, in answer to the case's authority
    (the recipient of an urgent freezing alert that named this asset: the network's service that
    calls this has checked that). It is the asset's step as any other, with the answering
    authority's name on it, so the case's participants re-key nothing; the answering authority
    still reads nothing of the case."""
    authority_id = require_writer(actor, _("Only officers and heads record a freezing."))
    return _step_append(
        actor=actor,
        authority_id=authority_id,
        asset=asset,
        kind=StepKind.FROZEN,
        on=on,
        amount=amount,
        currency=currency,
        order_reference=order_reference,
        order_country=order_country,
        note=note,
    )


def _step_append(
    *,
    actor: User,
    authority_id: int,
    asset: Asset,
    kind: str,
    on: datetime.date | None,
    amount: Decimal | None = None,
    currency: str = "",
    proceeding: str = "",
    order_reference: str = "",
    order_country: str = "",
    review_on: datetime.date | None = None,
    returned_to_country: str = "",
    returned_to_victim: str = "",
    return_agreement: str = "",
    reason: str = "",
    note: str = "",
) -> AssetStep:
    # Lock the asset so two officers recording at once fold the same history.
    asset = Asset.objects.select_for_update().get(pk=asset.pk)
    step = StepInput(
        kind=kind,
        on=on,
        amount=amount,
        currency=_upper(currency),
        proceeding=proceeding,
        review_on=review_on,
        order_country=_upper(order_country),
        returned_to_country=_upper(returned_to_country),
        returned_to_victim=returned_to_victim,
        reason=reason,
    )
    problems, in_usd = step_problems(fold(asset.steps.order_by("id")), step, asset.identified_on)
    errors = FieldErrors(problems)
    errors.happened("on", on)
    errors.ahead("review_on", review_on)
    errors.texts(
        AssetStep,
        {
            "order_reference": order_reference,
            "returned_to_victim": returned_to_victim,
            "return_agreement": return_agreement,
            "reason": reason,
            "note": note,
        },
    )
    errors.raise_if_any()
    row = AssetStep.objects.create(
        asset=asset,
        kind=kind,
        on=on,
        amount=amount,
        currency=step.currency if amount is not None else "",
        usd_amount=in_usd.amount if in_usd else None,
        usd_rate=in_usd.rate if in_usd else None,
        rate_source=in_usd.source if in_usd else "",
        rate_on=in_usd.rate_on if in_usd else None,
        rate_provisional=bool(in_usd and in_usd.provisional),
        proceeding=proceeding if kind == StepKind.CONFISCATED else "",
        order_reference=order_reference.strip(),
        order_country=step.order_country,
        review_on=review_on,
        returned_to_country=step.returned_to_country,
        returned_to_victim=returned_to_victim.strip(),
        return_agreement=return_agreement.strip(),
        reason=reason.strip(),
        note=note.strip(),
        authority_id=authority_id,
        recorded_by=actor,
    )
    store_history(asset)
    audit(actor=actor, action=AuditAction.ASSET_STEP, obj=asset, fields=["steps"], detail={"kind": kind})
    return row


@transaction.atomic
def foreign_order_register(
    *,
    actor: User,
    case: AssetCase,
    kind: str,
    issuing_country: str,
    court: str,
    issued_on: datetime.date,
    received_on: datetime.date,
    reference: str = "",
    conviction_based: bool = True,
    certified: bool = False,
    translated: bool = False,
    asset: Asset | None = None,
) -> ForeignOrder:
    authority_id = require_participant(actor, case)
    errors = FieldErrors()
    errors.code("kind", kind, OrderKind)
    issuing_country = _upper(issuing_country)
    errors.country("issuing_country", issuing_country)
    if not court.strip():
        errors.add("court", _("Name the court that issued the order."))
    if received_on < issued_on:
        errors.add("received_on", _("An order cannot be received before it was issued."))
    errors.happened("issued_on", issued_on)
    errors.happened("received_on", received_on)
    errors.texts(ForeignOrder, {"court": court, "reference": reference})
    if asset is not None and asset.case_id != case.pk:
        errors.add("asset", _("This asset belongs to another case."))
    errors.raise_if_any()
    order = ForeignOrder.objects.create(
        case=case,
        asset=asset,
        kind=kind,
        issuing_country=issuing_country,
        court=court.strip(),
        issued_on=issued_on,
        reference=reference.strip(),
        conviction_based=conviction_based,
        certified=certified,
        translated=translated,
        status=OrderStepKind.RECEIVED,
        authority_id=authority_id,
    )
    ForeignOrderStep.objects.create(
        order=order, kind=OrderStepKind.RECEIVED, on=received_on, recorded_by=actor
    )
    audit(actor=actor, action=AuditAction.FOREIGN_ORDER_CREATE, obj=order)
    return order


ORDER_NEXT = {
    OrderStepKind.RECEIVED: {OrderStepKind.REGISTRATION_APPLIED, OrderStepKind.REFUSED},
    OrderStepKind.REGISTRATION_APPLIED: {OrderStepKind.REGISTERED, OrderStepKind.REFUSED},
    OrderStepKind.REGISTERED: {OrderStepKind.ENFORCEMENT_STARTED, OrderStepKind.ENFORCED},
    OrderStepKind.ENFORCEMENT_STARTED: {OrderStepKind.ENFORCED},
}


def missing_for_registration(order: ForeignOrder) -> list[str]:
    """What a court will ask for before it registers the order (000 §43)."""
    missing = []
    if not order.certified:
        missing.append(_("a certified copy of the order"))
    if not order.translated:
        missing.append(_("a translation into the official language"))
    if order.kind == OrderKind.FINAL and not order.conviction_based:
        missing.append(
            _("confirmation that non-conviction-based confiscation can be recognised (UNCAC 54(1)(c))")
        )
    return missing


@transaction.atomic
def foreign_order_step(
    *,
    actor: User,
    order: ForeignOrder,
    kind: str,
    on: datetime.date,
    note: str = "",
    certified: bool | None = None,
    translated: bool | None = None,
) -> ForeignOrderStep:
    require_participant(actor, order.case)
    errors = FieldErrors()
    errors.code("kind", kind, OrderStepKind)
    if kind in OrderStepKind.values and kind not in ORDER_NEXT.get(order.status, set()):  # type: ignore[call-overload]
        errors.add(
            "kind",
            _("An order that is %(s)s cannot be %(k)s.")
            % {"s": OrderStepKind(order.status).label.lower(), "k": OrderStepKind(kind).label.lower()},
        )
    errors.happened("on", on)
    errors.texts(ForeignOrderStep, {"note": note})
    last = order.steps.order_by("-on").first()
    if last and on < last.on:
        errors.add("on", _("This is before the last step (%(d)s).") % {"d": last.on.isoformat()})
    if certified is not None:
        order.certified = certified
    if translated is not None:
        order.translated = translated
    if kind == OrderStepKind.REGISTERED and not (order.certified and order.translated):
        errors.add(
            "kind",
            _("Still missing for registration: %(m)s.") % {"m": "; ".join(missing_for_registration(order))},
        )
    errors.raise_if_any()
    order.status = kind
    order.save(update_fields=["status", "certified", "translated"])
    row = ForeignOrderStep.objects.create(order=order, kind=kind, on=on, note=note.strip(), recorded_by=actor)
    audit(
        actor=actor, action=AuditAction.FOREIGN_ORDER_STEP, obj=order, fields=["steps"], detail={"kind": kind}
    )
    return row


@transaction.atomic
def management_set(
    *,
    actor: User,
    asset: Asset,
    custodian: str,
    storage: str = "",
    insured: bool = False,
    insurance: str = "",
    sale_decided_on: datetime.date | None = None,
    sale_decided_by: str = "",
    sale_reason: str = "",
) -> AssetManagement:
    require_participant(actor, asset.case)
    errors = FieldErrors()
    if not custodian.strip():
        errors.add("custodian", _("Name the custodian or curator."))
    if sale_decided_on and not sale_decided_by.strip():
        errors.add("sale_decided_by", _("Say who decided the interlocutory sale."))
    if sale_decided_on and asset.frozen_on and sale_decided_on < asset.frozen_on:
        errors.add("sale_decided_on", _("A sale cannot be decided before the seizure."))
    errors.happened("sale_decided_on", sale_decided_on)
    errors.texts(
        AssetManagement,
        {
            "custodian": custodian,
            "storage": storage,
            "insurance": insurance,
            "sale_decided_by": sale_decided_by,
            "sale_reason": sale_reason,
        },
    )
    errors.raise_if_any()
    management, _created = AssetManagement.objects.update_or_create(
        asset=asset,
        defaults={
            "custodian": custodian.strip(),
            "storage": storage.strip(),
            "insured": insured,
            "insurance": insurance.strip(),
            "sale_decided_on": sale_decided_on,
            "sale_decided_by": sale_decided_by.strip(),
            "sale_reason": sale_reason.strip(),
        },
    )
    audit(actor=actor, action=AuditAction.ASSET_MANAGEMENT, obj=asset, fields=["management"])
    return management


def _money_in_usd(errors: FieldErrors, amount: Decimal, currency: str, on: datetime.date) -> InUSD:
    errors.money("amount", amount, "currency", currency)
    if errors:
        return InUSD(Decimal(0), Decimal(0), "")
    try:
        return to_usd(amount, currency, on)
    except MissingRate as missing:
        errors.add("currency", str(missing))
        return InUSD(Decimal(0), Decimal(0), "")


@transaction.atomic
def cost_record(
    *, actor: User, asset: Asset, on: datetime.date, amount: Decimal, currency: str, description: str
) -> ManagementCost:
    require_participant(actor, asset.case)
    errors = FieldErrors()
    currency = _upper(currency)
    in_usd = _money_in_usd(errors, amount, currency, on)
    if not description.strip():
        errors.add("description", _("Say what the cost was for."))
    errors.happened("on", on)
    errors.texts(ManagementCost, {"description": description})
    errors.raise_if_any()
    cost = ManagementCost.objects.create(
        asset=asset,
        on=on,
        amount=amount,
        currency=currency,
        **in_usd.fields(),
        description=description.strip(),
    )
    audit(actor=actor, action=AuditAction.ASSET_COST, obj=asset, fields=["costs"])
    return cost


@transaction.atomic
def valuation_record(
    *, actor: User, asset: Asset, on: datetime.date, value: Decimal, currency: str, source: str = ""
) -> Valuation:
    require_participant(actor, asset.case)
    errors = FieldErrors()
    currency = _upper(currency)
    errors.money("value", value, "currency", currency)
    errors.happened("on", on)
    errors.texts(Valuation, {"source": source})
    errors.raise_if_any()
    valuation = Valuation.objects.create(
        asset=asset, on=on, value=value, currency=currency, source=source.strip()
    )
    audit(actor=actor, action=AuditAction.ASSET_VALUATION, obj=asset, fields=["valuations"])
    return valuation


@transaction.atomic
def notice_publish(
    *,
    actor: User,
    case: AssetCase,
    published_on: datetime.date,
    medium: str,
    deadline_on: datetime.date | None = None,
    text: str = "",
) -> PublicNotice:
    require_participant(actor, case)
    errors = FieldErrors()
    if not medium.strip():
        errors.add("medium", _("Say where the notice was published."))
    if deadline_on and deadline_on < published_on:
        errors.add("deadline_on", _("The deadline cannot precede the publication."))
    errors.happened("published_on", published_on)
    errors.ahead("deadline_on", deadline_on)
    errors.texts(PublicNotice, {"medium": medium, "text": text})
    errors.raise_if_any()
    notice = PublicNotice.objects.create(
        case=case,
        published_on=published_on,
        medium=medium.strip(),
        deadline_on=deadline_on,
        text=text.strip(),
    )
    audit(actor=actor, action=AuditAction.ASSET_CASE_NOTICE, obj=case, fields=["notices"])
    return notice


@transaction.atomic
def claim_lodge(
    *,
    actor: User,
    asset: Asset,
    claimant: str,
    claimant_kind: str,
    basis: str,
    lodged_on: datetime.date,
    amount: Decimal | None = None,
    currency: str = "",
    notice: PublicNotice | None = None,
) -> Claim:
    require_participant(actor, asset.case)
    errors = FieldErrors()
    if not claimant.strip():
        errors.add("claimant", _("Name the claimant."))
    errors.code("claimant_kind", claimant_kind, ClaimantKind)
    if not basis.strip():
        errors.add("basis", _("State the basis of the claim."))
    errors.happened("lodged_on", lodged_on)
    errors.texts(Claim, {"claimant": claimant, "basis": basis})
    currency = _upper(currency)
    errors.money("amount", amount, "currency", currency)
    if notice is not None and notice.case_id != asset.case_id:
        errors.add("notice", _("This notice belongs to another case."))
    errors.raise_if_any()
    claim = Claim.objects.create(
        asset=asset,
        claimant=claimant.strip(),
        claimant_kind=claimant_kind,
        basis=basis.strip(),
        lodged_on=lodged_on,
        amount=amount,
        currency=currency,
        notice=notice,
    )
    audit(actor=actor, action=AuditAction.CLAIM_LODGE, obj=claim)
    return claim


@transaction.atomic
def claim_decide(
    *, actor: User, claim: Claim, status: str, decided_on: datetime.date, decision: str
) -> Claim:
    require_participant(actor, claim.asset.case)
    errors = FieldErrors()
    errors.code("status", status, ClaimStatus)
    if status == ClaimStatus.LODGED:
        errors.add("status", _("A decision accepts, partly accepts, rejects or records a withdrawal."))
    if claim.status != ClaimStatus.LODGED:
        errors.add("status", _("This claim was already decided."))
    if decided_on < claim.lodged_on:
        errors.add("decided_on", _("A decision cannot precede the claim."))
    if not decision.strip():
        errors.add("decision", _("Summarise the decision."))
    errors.happened("decided_on", decided_on)
    errors.texts(Claim, {"decision": decision})
    errors.raise_if_any()
    claim.status, claim.decided_on, claim.decision = status, decided_on, decision.strip()
    claim.save(update_fields=["status", "decided_on", "decision"])
    audit(
        actor=actor, action=AuditAction.CLAIM_DECIDE, obj=claim, fields=["status", "decided_on", "decision"]
    )
    return claim


@transaction.atomic
def contact_record(
    *,
    actor: User,
    case: AssetCase,
    on: datetime.date,
    country: str,
    note: str = "",
    asset: Asset | None = None,
) -> Contact:
    authority_id = require_participant(actor, case)
    errors = FieldErrors()
    country = _upper(country)
    errors.country("country", country)
    errors.happened("on", on)
    errors.texts(Contact, {"note": note})
    if asset is not None and asset.case_id != case.pk:
        errors.add("asset", _("This asset belongs to another case."))
    errors.raise_if_any()
    contact = Contact.objects.create(
        case=case,
        asset=asset,
        on=on,
        country=country,
        note=note.strip(),
        authority_id=authority_id,
        recorded_by=actor,
    )
    audit(actor=actor, action=AuditAction.ASSET_CASE_CONTACT, obj=case, fields=["contacts"])
    return contact


@transaction.atomic
def case_barrier_record(
    *, actor: User, case: AssetCase, code: str, on: datetime.date, country: str, note: str = ""
) -> AssetCaseBarrier:
    """A barrier met in the case with another State (the note stays out of the audit)."""
    authority_id = require_participant(actor, case)
    errors = FieldErrors()
    # Through the module, not an imported name: cooperation's services load federation's, which
    # load the network's and these, before cooperation's have defined their functions.
    cooperation_services.check_barrier(errors, AssetCaseBarrier, code, on, note)
    country = _upper(country)
    errors.country("country", country)
    errors.raise_if_any()
    barrier = AssetCaseBarrier.objects.create(
        case=case,
        code=code,
        on=on,
        country=country,
        note=note.strip(),
        authority_id=authority_id,
        recorded_by=actor,
    )
    audit(actor=actor, action=AuditAction.ASSET_CASE_BARRIER, obj=case, fields=["barriers"])
    return barrier


def provisional_conversions_redo(*, actor: User | None = None, **_signal: object) -> int:
    """Convert again every step and cost converted at a provisional rate, now that newer rates
    may be known (connected to `reference.money.rates_changed`). A conversion changes only when a
    rate of its own day, or a later last rate, is found; each change is audited. Returns how many
    changed."""
    changed = 0
    for model, action in (
        (AssetStep, AuditAction.ASSET_STEP_RATE),
        (ManagementCost, AuditAction.ASSET_COST_RATE),
    ):
        for pk in model._default_manager.filter(rate_provisional=True).values_list("pk", flat=True):
            changed += _redo_conversion(model, pk, actor=actor, action=action)
    return changed


@transaction.atomic
def _redo_conversion(
    model: type[AssetStep] | type[ManagementCost], pk: int, *, actor: User | None, action: AuditAction
) -> int:
    row = model._default_manager.select_for_update().get(pk=pk)
    if row.amount is None or row.on is None or not row.rate_provisional:
        return 0
    try:
        in_usd = to_usd(row.amount, row.currency, row.on)
    except MissingRate:
        return 0
    if in_usd.rate_on == row.rate_on and in_usd.provisional:
        return 0
    fields = in_usd.fields()
    if isinstance(row, AssetStep):
        fields["rate_source"] = in_usd.source
    for name, value in fields.items():
        setattr(row, name, value)
    row.save(update_fields=list(fields))
    audit(actor=actor, action=action, obj=row.asset, fields=sorted(fields))
    return 1
