"""Pages of asset recovery: the cases, one case with its assets, the frozen-abroad follow-up,
import and export. Thin: parse, call a selector or a service, render."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from comity.accounts.http import AuthedRequest, case_reader_required, writing_authority
from comity.accounts.models import User
from comity.assets import selectors, services, transfer
from comity.assets.choices import CaseCountryRole
from comity.assets.forms import (
    AssetForm,
    BarrierForm,
    CaseBound,
    CaseForm,
    ClaimForm,
    ContactForm,
    CostForm,
    DecisionForm,
    ImportForm,
    ManagementForm,
    NoticeForm,
    OrderForm,
    OrderStepForm,
    StepForm,
    ValuationForm,
)
from comity.assets.models import Asset, AssetCase, Claim, ForeignOrder
from comity.assets.worldmap import VIEWBOX, outline, world_svg
from comity.core import jobs
from comity.core.forms import add_service_errors
from comity.core.http import address_form_token, form_token_redirect, submit_form_once
from comity.core.models import AccessEntry
from comity.core.policy import may_write
from comity.core.tabular import spreadsheet_response, template_workbook, xlsx_download
from comity.core.views import import_job_or_404, import_job_page
from comity.reference.countries import country_name


@case_reader_required
def case_list(request: AuthedRequest) -> HttpResponse:
    return render(request, "assets/case_list.html", {"cases": selectors.case_list(request.user)})


@case_reader_required
@require_http_methods(["GET", "POST"])
def case_create(request: AuthedRequest) -> HttpResponse:
    writing_authority(request)
    if (to_token := form_token_redirect(request)) is not None:
        return to_token
    form = CaseForm(request.POST or None, token=address_form_token(request))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        del data["form_token"]
        try:
            done = submit_form_once(request, form, lambda: services.case_create(actor=request.user, **data))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if done.created is None:
                messages.info(request, _("This form was already submitted: here is the case it opened."))
                return redirect("asset-case-detail", pk=done.replayed_id)
            messages.success(request, _("Case opened."))
            return redirect("asset-case-detail", pk=done.created.pk)
    return render(request, "assets/case_form.html", {"form": form}, status=422 if form.errors else 200)


@dataclass(frozen=True)
class Action:
    """A form on the case page and the service it calls; `target` says what the URL's id names."""

    form: type[forms.Form]
    write: Callable[..., object]
    done: Any
    target: str = "case"


def _on_asset(form: type[forms.Form], service: Callable[..., object], done: Any) -> Action:
    """An action on one asset of the case, named by the URL."""
    return Action(
        form, lambda actor, _case, asset, data: service(actor=actor, asset=asset, **data), done, "asset"
    )


ACTIONS: dict[str, Action] = {
    "asset": Action(
        AssetForm,
        lambda actor, case, _t, data: services.asset_add(actor=actor, case=case, **data),
        gettext_lazy("Asset added."),
    ),
    "contact": Action(
        ContactForm,
        lambda actor, case, _t, data: services.contact_record(actor=actor, case=case, **data),
        gettext_lazy("Contact recorded."),
    ),
    "barrier": Action(
        BarrierForm,
        lambda actor, case, _t, data: services.case_barrier_record(actor=actor, case=case, **data),
        gettext_lazy("Barrier recorded."),
    ),
    "notice": Action(
        NoticeForm,
        lambda actor, case, _t, data: services.notice_publish(actor=actor, case=case, **data),
        gettext_lazy("Notice recorded."),
    ),
    "order": Action(
        OrderForm,
        lambda actor, case, _t, data: services.foreign_order_register(
            actor=actor, case=case, **(data | {"asset": _asset_of(actor, case, data["asset"])})
        ),
        gettext_lazy("Foreign order registered."),
    ),
    "claim": Action(
        ClaimForm,
        lambda actor, case, _t, data: services.claim_lodge(
            actor=actor,
            **(
                data
                | {
                    "asset": _asset_of(actor, case, data["asset"]),
                    "notice": case.notices.filter(pk=data["notice"]).first(),
                }
            ),
        ),
        gettext_lazy("Claim registered."),
    ),
    "step": _on_asset(StepForm, services.step_record, gettext_lazy("Step recorded.")),
    "management": _on_asset(ManagementForm, services.management_set, gettext_lazy("Management recorded.")),
    "cost": _on_asset(CostForm, services.cost_record, gettext_lazy("Cost recorded.")),
    "valuation": _on_asset(ValuationForm, services.valuation_record, gettext_lazy("Valuation recorded.")),
    "order-step": Action(
        OrderStepForm,
        lambda actor, _c, order, data: services.foreign_order_step(
            actor=actor,
            order=order,
            **(data | {"certified": data["certified"] or None, "translated": data["translated"] or None}),
        ),
        gettext_lazy("Order step recorded."),
        "order",
    ),
    "decision": Action(
        DecisionForm,
        lambda actor, _c, claim, data: services.claim_decide(actor=actor, claim=claim, **data),
        gettext_lazy("Decision recorded."),
        "claim",
    ),
}


def _asset_of(actor: User, case: AssetCase, pk: int | None) -> Asset | None:
    return None if pk is None else selectors.asset_for_write(actor, case, pk)


def _target(request: AuthedRequest, case: AssetCase, kind: str, pk: int | None) -> object:
    if kind == "case":
        return None
    if kind == "asset" and pk is not None:
        return selectors.asset_for_write(request.user, case, pk)
    if kind == "order":
        return get_object_or_404(ForeignOrder.objects.select_related("case"), case=case, pk=pk)
    return get_object_or_404(Claim.objects.select_related("asset__case"), asset__case=case, pk=pk)


def _detail_context(
    request: AuthedRequest, pk: int, failed: tuple[str, int | None, forms.Form] | None = None
) -> dict:
    case = selectors.case_detail(request.user, pk, channel=AccessEntry.Channel.PAGE)
    assets = list(case.assets.all())
    return {
        "case": case,
        "locations": [
            country_name(c.country) for c in case.countries.all() if c.role == CaseCountryRole.ASSET_LOCATION
        ],
        "transits": [
            country_name(c.country) for c in case.countries.all() if c.role == CaseCountryRole.TRANSIT
        ],
        "assets": [(asset, selectors.management_alerts(asset)) for asset in assets],
        "orders": [(order, services.missing_for_registration(order)) for order in case.foreign_orders.all()],
        "claims": [claim for asset in assets for claim in asset.claims.all()],
        "can_write": may_write(request.user),
        "failed": failed,
        "today": timezone.localdate(),
    }


@case_reader_required
def case_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return render(request, "assets/case_detail.html", _detail_context(request, pk))


@case_reader_required
@require_POST
def case_action(request: AuthedRequest, pk: int, action: str, target: int | None = None) -> HttpResponse:
    """Every form of the case page: parse it, hand it to its service, show the service's messages."""
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404
    case = selectors.case_for_write(request.user, pk)
    obj = _target(request, case, spec.target, target)
    form = spec.form(request.POST, case=case) if issubclass(spec.form, CaseBound) else spec.form(request.POST)
    if form.is_valid():
        try:
            spec.write(request.user, case, obj, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, spec.done)
            anchor = f"#asset-{target}" if spec.target == "asset" else ""
            return redirect(reverse("asset-case-detail", args=[pk]) + anchor)
    context = _detail_context(request, pk, failed=(action, target, form))
    return render(request, "assets/case_detail.html", context, status=422)


@case_reader_required
def follow_up(request: AuthedRequest) -> HttpResponse:
    """Every asset frozen (or only identified) abroad, on a map and in a table, alerts first."""
    rows = selectors.frozen_abroad(request.user, timezone.localdate())
    by_country: dict[str, int] = {}
    for row in rows:
        by_country[row.asset.location_country] = by_country.get(row.asset.location_country, 0) + 1
    return render(
        request,
        "assets/follow_up.html",
        {
            "rows": rows,
            "alerting": sum(1 for row in rows if row.alerts),
            "viewbox": VIEWBOX,
            "highlights": [(code, count, outline(code)) for code, count in sorted(by_country.items())],
        },
    )


def world_map(request: HttpRequest) -> HttpResponse:
    """The base map: public geography, cached a day by the browser."""
    response = HttpResponse(world_svg(), content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@case_reader_required
@require_http_methods(["GET", "POST"])
def case_import(request: AuthedRequest) -> HttpResponse:
    """Upload an Asset Recovery Watch file; it is checked in the background and the job page
    follows it, as for requests (core.imports)."""
    authority = writing_authority(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        assert isinstance(upload, UploadedFile)
        job = jobs.import_job_start(
            actor=request.user, authority=authority, upload=upload, kind="asset-cases"
        )
        return redirect("asset-case-import-job", pk=job.pk)
    return render(request, "assets/import.html", {"form": form, "columns": transfer.COLUMNS, "job": None})


@case_reader_required
@require_http_methods(["GET", "POST"])
def case_import_job(request: AuthedRequest, pk: int) -> HttpResponse:
    """An asset import's progress (polled by htmx), its problems or preview, and the confirmation."""
    writing_authority(request)
    job = import_job_or_404(request, pk, "asset-cases")
    if request.method == "POST":
        jobs.import_job_confirm(actor=request.user, job=job)
        job.refresh_from_db()
    return import_job_page(request, job, columns=transfer.COLUMNS)


@case_reader_required
def case_import_template(request: AuthedRequest, fmt: str) -> HttpResponseBase:
    """The layout to fill: XLSX with an example and every column and code explained, or CSV with
    the header alone."""
    if fmt == "csv":
        return spreadsheet_response(
            [list(transfer.COLUMNS)], "comity-asset-cases-template", "csv", "asset-cases"
        )
    return xlsx_download(
        lambda target: template_workbook("asset-cases", transfer.column_help(), transfer.EXAMPLE_ROW, target),
        "comity-asset-cases-template",
    )


@case_reader_required
def case_export(request: AuthedRequest) -> HttpResponseBase:
    cases = transfer.exportable(selectors.cases_visible_to(request.user))
    stamp = timezone.localdate().isoformat()
    return spreadsheet_response(
        transfer.export_rows(cases),
        f"asset-cases-{stamp}",
        request.GET.get("format", "csv"),
        "asset-cases",
        transfer.column_help(),
    )


@login_required
def alerts_fragment(request: AuthedRequest) -> HttpResponse:
    """The home page's line on assets abroad needing action (loaded by htmx)."""
    rows = selectors.frozen_abroad(request.user, timezone.localdate()) if request.user.reads_cases else []
    return render(request, "assets/_alerts.html", {"alerting": sum(1 for row in rows if row.alerts)})
