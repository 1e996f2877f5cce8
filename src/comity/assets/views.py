"""Pages of asset recovery: the cases, one case with its assets, the frozen-abroad follow-up,
import and export. Thin: parse, call a selector or a service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from comity.accounts.models import Authority
from comity.assets import selectors, services, transfer
from comity.assets.choices import CaseCountryRole
from comity.assets.forms import AssetForm, CaseForm, ContactForm, ImportForm, StepForm
from comity.assets.worldmap import VIEWBOX, outline, world_svg
from comity.core.forms import add_service_errors
from comity.core.http import AuthedRequest
from comity.core.models import AccessEntry
from comity.core.tabular import ImportRejected, spreadsheet_response
from comity.reference.countries import country_name


@login_required
def case_list(request: AuthedRequest) -> HttpResponse:
    return render(request, "assets/case_list.html", {"cases": selectors.case_list(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def case_create(request: AuthedRequest) -> HttpResponse:
    if not request.user.writes_cases:
        raise PermissionDenied
    form = CaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Case opened."))
            return redirect("asset-case-detail", pk=case.pk)
    return render(request, "assets/case_form.html", {"form": form}, status=422 if form.errors else 200)


def _detail_context(request: AuthedRequest, pk: int, **forms) -> dict:
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
        "can_write": request.user.writes_cases,
        "asset_form": forms.get("asset_form") or AssetForm(),
        "step_form": forms.get("step_form") or StepForm(),
        "contact_form": forms.get("contact_form") or ContactForm(initial={"on": timezone.localdate()}),
        "failed_asset": forms.get("failed_asset"),
    }


@login_required
def case_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return render(request, "assets/case_detail.html", _detail_context(request, pk))


@login_required
@require_POST
def asset_create(request: AuthedRequest, pk: int) -> HttpResponse:
    case = selectors.case_for_write(request.user, pk)
    form = AssetForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data.items())
        try:
            services.asset_add(actor=request.user, case=case, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Asset added."))
            return redirect("asset-case-detail", pk=pk)
    return render(
        request, "assets/case_detail.html", _detail_context(request, pk, asset_form=form), status=422
    )


@login_required
@require_POST
def step_create(request: AuthedRequest, pk: int, asset_pk: int) -> HttpResponse:
    case = selectors.case_for_write(request.user, pk)
    asset = selectors.asset_for_write(request.user, case, asset_pk)
    form = StepForm(request.POST)
    if form.is_valid():
        try:
            services.step_record(actor=request.user, asset=asset, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Step recorded."))
            return redirect("asset-case-detail", pk=pk)
    context = _detail_context(request, pk, step_form=form, failed_asset=asset.pk)
    return render(request, "assets/case_detail.html", context, status=422)


@login_required
@require_POST
def contact_create(request: AuthedRequest, pk: int) -> HttpResponse:
    case = selectors.case_for_write(request.user, pk)
    form = ContactForm(request.POST)
    if form.is_valid():
        try:
            services.contact_record(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Contact recorded."))
            return redirect("asset-case-detail", pk=pk)
    return render(
        request, "assets/case_detail.html", _detail_context(request, pk, contact_form=form), status=422
    )


@login_required
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


def world_map(request) -> HttpResponse:
    """The base map: public geography, cached a day by the browser."""
    response = HttpResponse(world_svg(), content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "public, max-age=86400"
    return response


def _may_import(request: AuthedRequest) -> Authority:
    authority = request.user.authority
    if not request.user.writes_cases or authority is None:
        raise PermissionDenied
    return authority


@login_required
@require_http_methods(["GET", "POST"])
def case_import(request: AuthedRequest) -> HttpResponse:
    """Upload an Asset Recovery Watch file; small enough to check and import at once."""
    authority = _may_import(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    problems, more = [], 0
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        assert isinstance(upload, UploadedFile)
        try:
            result = transfer.import_asset_cases(
                upload, upload.name or "", authority=authority, actor=request.user
            )
        except ImportRejected as rejected:
            problems, more = rejected.problems, rejected.more
        else:
            messages.success(
                request,
                _("Imported %(cases)d cases and %(assets)d assets; %(same)d cases were already there.")
                % {
                    "cases": result.cases_created,
                    "assets": result.assets_created,
                    "same": result.cases_unchanged,
                },
            )
            return redirect("asset-case-list")
    return render(
        request,
        "assets/import.html",
        {"form": form, "problems": problems, "more": more, "columns": transfer.COLUMNS},
        status=422 if problems or form.errors else 200,
    )


@login_required
def case_import_template(request: AuthedRequest) -> HttpResponse:
    return spreadsheet_response([list(transfer.COLUMNS)], "comity-asset-cases-template", "csv", "asset-cases")


@login_required
def case_export(request: AuthedRequest) -> HttpResponse:
    cases = transfer.exportable(selectors.cases_visible_to(request.user))
    stamp = timezone.localdate().isoformat()
    return spreadsheet_response(
        transfer.export_rows(cases), f"asset-cases-{stamp}", request.GET.get("format", "csv"), "asset-cases"
    )


@login_required
def alerts_fragment(request: AuthedRequest) -> HttpResponse:
    """The home page's line on assets abroad needing action (loaded by htmx)."""
    rows = selectors.frozen_abroad(request.user, timezone.localdate()) if request.user.reads_cases else []
    return render(request, "assets/_alerts.html", {"alerting": sum(1 for row in rows if row.alerts)})
