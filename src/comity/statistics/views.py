"""The statistics page: the figures the reports ask for, each chart beside its table."""

import datetime
import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_http_methods
from weasyprint import HTML

from comity.accounts.choices import Role
from comity.accounts.http import AuthedRequest, case_reader_required
from comity.assets.choices import AssetProceeding
from comity.cooperation.choices import Direction
from comity.cooperation.selectors import request_filters
from comity.core.tabular import ColumnHelp, spreadsheet_response
from comity.network import selectors as network_selectors
from comity.reference.choices import (
    GROUNDS_NOT_ALLOWED_BY_UNCAC,
    AlertStatus,
    AssetCaseStatus,
    AssetType,
    Barrier,
    LegalBasis,
    Measure,
    Offence,
    Outcome,
    Proceeding,
    RefusalGround,
    RequestType,
    StateRole,
)
from comity.reference.countries import country_name
from comity.statistics import charts
from comity.statistics.api import parse_asset_query, parse_query
from comity.statistics.assets import (
    ASSET_GROUP_KEYS,
    FUNNEL_STEPS,
    StateRoles,
    asset_figures,
    asset_figures_by,
    funnel,
    state_roles,
)
from comity.statistics.barriers import REQUESTED, REQUESTING, barrier_figures
from comity.statistics.models import Submission
from comity.statistics.national import counted_cases
from comity.statistics.selectors import (
    DOMESTIC,
    PENDING,
    Figures,
    figures_scope,
    request_counts_by,
    request_figures,
)
from comity.statistics.services import may_submit, submission_receive, submission_receive_file
from comity.statistics.submissions import (
    AMOUNT_KEYS,
    MAX_FILE_BYTES,
    build_submission,
    global_asset_figures,
    global_figures,
)

TOP_COUNTERPARTS = 10


def _invalid_query(error: ValidationError) -> HttpResponse:
    """A download's bad query, as plain text naming each field."""
    return HttpResponse(
        "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items()),
        status=422,
        content_type="text/plain; charset=utf-8",
    )


def _cell(value: Any) -> str:
    """A group key in an export: the code, or an empty cell where the group has none."""
    return "" if value is None else str(value)


def _labels(*choices: tuple[str, Any]) -> dict[str, dict[str, Any]]:
    return {key: dict(kind.choices) for key, kind in choices}


def _codes_help(group_by: Sequence[str], labels: dict[str, dict[str, Any]]) -> list[ColumnHelp]:
    """The grouping columns that hold codes, with each code's label, for an XLSX export's sheet of
    labels in the reader's language (#21 item 4: the data keep the codes)."""
    return [ColumnHelp(key, False, "", list(labels[key].items())) for key in group_by if key in labels]


# The pages name a group by its label; the API and the exports keep the stable codes.
REQUEST_KEY_LABELS = _labels(
    ("direction", Direction),
    ("type", RequestType),
    ("legal_basis", LegalBasis),
    ("offences", Offence),
    ("measures", Measure),
    ("proceeding", Proceeding),
    ("refusal_grounds", RefusalGround),
)
REQUEST_KEY_LABELS["outcome"] = {**dict(Outcome.choices), PENDING: gettext_lazy("Pending")}
# A coordinator's figures count a request between two of the State's authorities once, as neither
# incoming nor outgoing (statistics.selectors.DOMESTIC).
REQUEST_KEY_LABELS["direction"][DOMESTIC] = pgettext_lazy(
    "requests counted", "Between the State's authorities"
)
ASSET_KEY_LABELS = _labels(
    ("proceeding", AssetProceeding), ("asset_type", AssetType), ("status", AssetCaseStatus)
)


def key_label(labels: dict[str, dict[str, Any]], key: str, value: Any) -> str:
    """A group key's value as a page shows it: a code by its label, a State by its name."""
    if value is None or value == "":
        return "—"
    if key.startswith("country_") or key.endswith("_country"):
        return country_name(value)
    return str(labels.get(key, {}).get(value, value))


def _request_label(key: str, value: Any) -> str:
    return key_label(REQUEST_KEY_LABELS, key, value)


def _figures_context(request: AuthedRequest, as_of: datetime.date) -> dict[str, Any]:
    """Everything the page and the PDF report show: five charts, each with its table."""
    # Only the curves need times to execution; the other charts are counts, of one read of the
    # requests for the three with one value per request and one for the grounds.
    by_year, by_counterpart, by_outcome, by_ground = request_counts_by(
        request.user,
        request.GET,
        [["year", "direction"], ["counterpart_country"], ["outcome"], ["refusal_grounds"]],
        as_of,
    )
    # Every year from the first to the last, a year without requests at zero: a time axis that
    # skipped it would draw 2012 next to 2015.
    known = [int(g.key["year"]) for g in by_year if g.key["year"] is not None]
    years = [str(year) for year in range(min(known), max(known) + 1)] if known else []
    directions = sorted({g.key["direction"] for g in by_year})
    counterparts = sorted(by_counterpart, key=lambda g: -g.count)[:TOP_COUNTERPARTS]
    outcomes = sorted(by_outcome, key=lambda g: -g.count)
    by_type = request_figures(request.user, request.GET, ["type"], as_of)
    grounds = sorted([g for g in by_ground if g.key["refusal_grounds"]], key=lambda g: -g.count)
    type_label = {g.key["type"]: _request_label("type", g.key["type"]) for g in by_type.groups}
    curves_chart = charts.survival_curves(
        [
            (type_label[g.key["type"]], g.time_to_execution.curve, g.time_to_execution.km_median_days)
            for g in by_type.groups
            if g.time_to_execution.curve
        ]
    )
    # A type without a curve (nothing received yet) has no colour: the others keep their curve's.
    colours = {curve.label: curve.colour for curve in curves_chart.curves}
    direction_label = {d: _request_label("direction", d) for d in directions}
    counterpart_bars = [(country_name(g.key["counterpart_country"]), g.count) for g in counterparts]
    filterset = request_filters(request.user, request.GET)
    return {
        "as_of": as_of,
        "query": request.GET.urlencode(),
        "authority": request.user.authority,
        "filterset": filterset,
        "filters": filterset.described(leave_out=frozenset({"sort"})),
        "total": by_type.total,
        "years_chart": charts.stacked_columns(
            years,
            [direction_label[d] for d in directions],
            {(str(g.key["year"]), direction_label[g.key["direction"]]): g.count for g in by_year},
        ),
        "year_rows": [
            (
                year,
                [
                    next(
                        (g.count for g in by_year if str(g.key["year"]) == year and g.key["direction"] == d),
                        0,
                    )
                    for d in directions
                ],
            )
            for year in years
        ],
        "directions": [direction_label[d] for d in directions],
        "counterparts_chart": charts.bar_chart(counterpart_bars),
        "outcomes_chart": charts.bar_chart(
            [(_request_label("outcome", g.key["outcome"]), g.count) for g in outcomes]
        ),
        "by_type": [
            (type_label[g.key["type"]], g, colours.get(type_label[g.key["type"]])) for g in by_type.groups
        ],
        "curves_chart": curves_chart,
        "grounds_chart": charts.bar_chart(
            [(_request_label("refusal_grounds", g.key["refusal_grounds"]), g.count) for g in grounds],
            flagged={_request_label("refusal_grounds", code) for code in GROUNDS_NOT_ALLOWED_BY_UNCAC},
        ),
    }


@login_required
def statistics_page(request: AuthedRequest) -> HttpResponse:
    try:
        _group_by, as_of = parse_query(request)
    except ValidationError as error:
        return render(
            request,
            "statistics/page.html",
            {"errors": error.message_dict, "filterset": request_filters(request.user, request.GET)},
            status=422,
        )
    return render(request, "statistics/page.html", _figures_context(request, as_of))


@login_required
def statistics_report(request: AuthedRequest) -> HttpResponse:
    """The page's figures as a PDF report (WeasyPrint), charts included."""
    try:
        _group_by, as_of = parse_query(request)
    except ValidationError as error:
        return _invalid_query(error)
    return _pdf(
        request,
        "statistics/report.html",
        _figures_context(request, as_of),
        f"comity-statistics-{as_of.isoformat()}",
    )


def _pdf(request: AuthedRequest, template: str, context: dict[str, Any], filename: str) -> HttpResponse:
    """A report as a PDF (WeasyPrint). Its bar charts are drawn in HTML (`pdf` in the context):
    WeasyPrint draws SVG text without the care HTML text gets, and printed some Arabic labels of the
    SVG bars with their letters in reverse order."""
    html = render_to_string(template, context | {"pdf": True}, request=request)
    response = HttpResponse(
        HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf(),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
    return response


def figures_table(figures: Figures) -> list[list[Any]]:
    """One row per group: the keys, then every figure; the layout of the CSV and XLSX exports."""
    header = [
        *figures.group_by,
        "count",
        "pending",
        "overdue",
        "refused_on_grounds_not_allowed",
        "n_closed",
        "n_pending_censored",
        "median_days",
        "p25_days",
        "p75_days",
        "p90_days",
        "km_median_days",
        "km_median_ci_low",
        "km_median_ci_high",
    ]
    rows: list[list[Any]] = [header]
    for group in figures.groups or [figures.total]:
        t = group.time_to_execution
        rows.append(
            [
                *(_cell(group.key.get(k)) for k in figures.group_by),
                group.count,
                group.pending,
                group.overdue,
                group.refused_on_grounds_not_allowed,
                t.n_closed,
                t.n_pending,
                t.median_days,
                t.p25_days,
                t.p75_days,
                t.p90_days,
                t.km_median_days,
                *t.km_median_ci_days,
            ]
        )
    return rows


@login_required
def global_page(request: AuthedRequest) -> HttpResponse:
    """The secretariat's view: figures by State from submissions; never a case. To every other
    role the page does not exist (404), as its report and open data."""
    _require_secretariat(request)
    periods = list(Submission.objects.order_by("-period").values_list("period", flat=True).distinct())
    try:
        period = int(request.GET.get("period") or (periods[0] if periods else timezone.localdate().year - 1))
    except ValueError:
        period = periods[0] if periods else timezone.localdate().year - 1
    figures = global_figures(period)
    for row in figures["states"]:
        row["name"] = country_name(row["state"])
    figures["states"].sort(key=lambda row: row["name"])
    return render(
        request,
        "statistics/global.html",
        {"figures": figures, "periods": periods, "period": period} | _global_asset_context(),
    )


def _require_secretariat(request: AuthedRequest) -> None:
    """The secretariat's global figures and their downloads: 404 to every other role."""
    if request.user.role != Role.SECRETARIAT:
        raise Http404


def _global_asset_context() -> dict[str, Any]:
    """The secretariat's asset recovery figures, labelled, with their charts (page and PDF)."""
    figures = global_asset_figures()
    role_label = dict(StateRole.choices) | {"none": _("No case")}
    barrier_label = dict(Barrier.choices)
    returned_chart, returned_unit = _amount_bars(
        [(str(row["period"]), row["returned_usd"]) for row in figures["by_year"]]
    )
    latest = figures["shares"][-1] if figures["shares"] else None
    return {
        "global_assets": figures,
        "returned_chart": returned_chart,
        "returned_unit": returned_unit,
        "shares_chart": charts.bar_chart(
            [(str(role_label[r["role"]]), round(r["share"] * 100, 1)) for r in latest["roles"]]
            if latest
            else []
        ),
        "shares_period": latest["period"] if latest else None,
        "role_label": role_label,
        "barrier_rows": [
            (str(barrier_label[r["barrier"]]), r["states"], r["cases"]) for r in figures["barriers"]
        ],
        "barrier_role_rows": [
            (str(barrier_label[r["barrier"]]), str(role_label[r["role"]]), r["cases"])
            for r in figures["barriers_by_role"]
        ],
        "role_rows": [(r["period"], str(role_label[r["role"]]), r) for r in figures["by_role"]],
        "share_rows": [
            (
                s["period"],
                s["states"],
                [(str(role_label[r["role"]]), r["states"], r["share"]) for r in s["roles"]],
            )
            for s in figures["shares"]
        ],
    }


@login_required
def global_open_data(request: AuthedRequest) -> HttpResponseBase:
    """The global asset recovery figures as open data (CSV): amounts, shares, barriers, coverage;
    no State's suppressed count (a count added from suppressed cells is its range)."""
    _require_secretariat(request)
    figures = global_asset_figures()
    rows: list[list[Any]] = [
        ["table", "period", "key", "frozen_usd", "confiscated_usd", "returned_usd", "value"]
    ]
    for row in figures["by_year"]:
        rows.append(["amounts_by_year", row["period"], "", *(row[k] for k in AMOUNT_KEYS), ""])
    for row in figures["by_region"]:
        rows.append(["amounts_by_region", row["period"], row["region"], *(row[k] for k in AMOUNT_KEYS), ""])
    for row in figures["by_role"]:
        rows.append(["amounts_by_role", row["period"], row["role"], *(row[k] for k in AMOUNT_KEYS), ""])
    for share in figures["shares"]:
        for role in share["roles"]:
            rows.append(["share_of_states_by_role", share["period"], role["role"], "", "", "", role["share"]])
    for row in figures["barriers"]:
        rows.append(["states_meeting_barrier", "", row["barrier"], "", "", "", row["states"]])
        rows.append(["cases_meeting_barrier", "", row["barrier"], "", "", "", str(row["cases"])])
    for row in figures["coverage"]:
        for key in ("parties", "submitted", "no_case", "not_answered", "share"):
            rows.append(
                [f"coverage_{key}", row["period"], figures["parties_as_of"].isoformat(), "", "", "", row[key]]
            )
    return spreadsheet_response(rows, "comity-global-asset-recovery", "csv", "data")


@login_required
def global_report(request: AuthedRequest) -> HttpResponse:
    """The secretariat's global asset recovery report (PDF, WeasyPrint), charts included."""
    _require_secretariat(request)
    return _pdf(
        request, "statistics/global_report.html", _global_asset_context(), "comity-global-asset-recovery"
    )


@login_required
def statistics_export(request: AuthedRequest) -> HttpResponseBase:
    try:
        group_by, as_of = parse_query(request)
    except ValidationError as error:
        return _invalid_query(error)
    rows = figures_table(request_figures(request.user, request.GET, group_by, as_of))
    name = f"comity-figures-{'-'.join(group_by) or 'total'}-{as_of.isoformat()}"
    return spreadsheet_response(
        [["" if v is None else v for v in row] for row in rows],
        name,
        request.GET.get("format", "csv"),
        "data",
        _codes_help(group_by, REQUEST_KEY_LABELS),
    )


def _asset_context(request: AuthedRequest) -> dict[str, Any]:
    """The assets part of the statistics: funnel, groups, roles and times, for the page and exports."""
    _group_by, currency, as_of = parse_asset_query(request)
    cases = counted_cases(request.user)
    figures = asset_figures_by(cases, [[key] for key in ASSET_GROUP_KEYS], currency, as_of)
    by = dict(zip(ASSET_GROUP_KEYS, figures, strict=True))
    total = by["year"]
    returned = sorted(
        [
            (country_name(g.key["country_of_origin"]), g.returned)
            for g in by["country_of_origin"].groups
            if g.returned
        ],
        key=lambda item: -item[1],
    )[:TOP_COUNTERPARTS]
    frozen = [(str(g.key["year"]), g.frozen) for g in by["year"].groups]
    returned_chart, returned_unit = _amount_bars(returned)
    frozen_chart, frozen_unit = _amount_bars(frozen)
    return {
        "as_of": as_of,
        "currency": currency,
        "total": total.total,
        "funnel": funnel(total.total),
        "settlements": total.settlements,
        "settlement_funnel": funnel(total.settlements),
        "to_confiscation": total.time_to_confiscation,
        "to_return": total.time_to_return,
        "tables": [
            (
                key,
                title,
                [(key_label(ASSET_KEY_LABELS, key, g.key[key]), g, funnel(g)) for g in by[key].groups],
            )
            for key, title in (
                ("year", _("By year of the step")),
                ("country_of_origin", _("By State of origin")),
                ("country_of_asset_location", _("By State of asset location")),
                ("proceeding", _("By proceeding (settlements apart)")),
                ("asset_type", _("By type of asset")),
                ("status", _("By status of the asset")),
            )
        ],
        "returned_chart": returned_chart,
        "returned_unit": returned_unit,
        "frozen_chart": frozen_chart,
        "frozen_unit": frozen_unit,
        "roles": _roles_shown(state_roles(cases)),
        "barrier_tables": _barriers_shown(request),
        "query": request.GET.urlencode(),
    }


def _barriers_shown(request: AuthedRequest) -> list[tuple[str, list[tuple[str, str, int]], str, str]]:
    """The barriers met in the user's cases and requests, four tables (title, rows, the column
    after the barrier, the unit counted), codes, roles and States by their labels."""
    figures = barrier_figures(counted_cases(request.user), figures_scope(request.user, {})[1])
    barrier = dict(Barrier.choices)
    role = dict(StateRole.choices) | {REQUESTING: _("Requesting State"), REQUESTED: _("Requested State")}
    cases, requests = _("Cases"), _("Requests")
    return [
        (
            title,
            [(str(barrier[code]), name(value), n) for code, value, n in rows],
            column,
            unit,
        )
        for title, rows, column, unit, name in (
            (_("In asset cases, by role"), figures.cases_by_role, _("Role"), cases, lambda r: str(role[r])),
            (_("In asset cases, by State"), figures.cases_by_country, _("Met with"), cases, country_name),
            (
                _("In requests, by side"),
                figures.requests_by_role,
                _("Side"),
                requests,
                lambda r: str(role[r]),
            ),
            (_("In requests, by State"), figures.requests_by_country, _("Met with"), requests, country_name),
        )
    ]


def _amount_bars(items: list[tuple[str, Decimal]]) -> tuple[charts.BarChart, str]:
    """Bars of amounts in millions, or thousands when the largest is under a million, to one
    decimal: whole millions showed 0.6 million as 0 and cut 29.9 down to 29."""
    top = max((amount for _label, amount in items), default=Decimal(0))
    divisor, unit = (Decimal(1_000_000), _("million")) if top >= 1_000_000 else (Decimal(1000), _("thousand"))
    return charts.bar_chart([(label, round(float(amount / divisor), 1)) for label, amount in items]), unit


def _roles_shown(roles: StateRoles) -> dict[str, list[tuple[str, str, int]]]:
    """The roles by their labels, the States by their names, in the order of their names."""
    label = dict(StateRole.choices)
    return {
        "counts": [(role, str(label[role]), count) for role, count in roles.counts.items()],
        "states": sorted(
            (country_name(country), str(label[role]), cases) for country, role, cases in roles.states
        ),
    }


@login_required
def asset_statistics_page(request: AuthedRequest) -> HttpResponse:
    if not (request.user.reads_cases or request.user.coordinated_country):
        raise PermissionDenied(
            _("Asset figures are those of the cases your authority takes part in; your role reads none.")
        )
    try:
        context = _asset_context(request)
    except ValidationError as error:
        return render(request, "statistics/assets.html", {"errors": error.message_dict}, status=422)
    return render(request, "statistics/assets.html", context)


@login_required
def asset_statistics_export(request: AuthedRequest) -> HttpResponseBase:
    """The figures grouped as asked, one row per group, CSV or XLSX."""
    if not (request.user.reads_cases or request.user.coordinated_country):
        raise PermissionDenied(
            _("Asset figures are those of the cases your authority takes part in; your role reads none.")
        )
    try:
        group_by, currency, as_of = parse_asset_query(request)
        figures = asset_figures(counted_cases(request.user), group_by, currency, as_of)
    except ValidationError as error:
        return _invalid_query(error)
    header = [
        *group_by,
        "assets",
        f"frozen_{currency}",
        f"confiscated_{currency}",
        f"returned_{currency}",
        "confiscated_of_frozen",
        "returned_of_confiscated",
        *(f"{kind}_{currency}_at_provisional_rates" for kind in FUNNEL_STEPS),
    ]
    groups = figures.groups if group_by else [figures.total]
    rows: list[list[Any]] = [header] + [
        [
            *(g.key[k] for k in group_by),
            g.assets,
            g.frozen,
            g.confiscated,
            g.returned,
            *(funnel(g)[name] for name in ("confiscated_of_frozen", "returned_of_confiscated")),
            *(g.provisional[kind] for kind in FUNNEL_STEPS),
        ]
        for g in groups
    ]
    return spreadsheet_response(
        [["" if v is None else v for v in row] for row in rows],
        f"comity-asset-figures-{as_of.isoformat()}",
        request.GET.get("format", "csv"),
        "assets",
        _codes_help(group_by, ASSET_KEY_LABELS),
    )


# Acknowledged within an hour, two, six, a day; later; not yet.
ACKNOWLEDGED_WITHIN = {
    "1h": gettext_lazy("Within an hour"),
    "2h": gettext_lazy("Within 2 hours"),
    "6h": gettext_lazy("Within 6 hours"),
    "24h": gettext_lazy("Within a day"),
    "later": gettext_lazy("Later"),
    "not-acknowledged": gettext_lazy("Not acknowledged"),
}


# The first answer to a consultation came within an hour, a day, three days, a week; later; not yet.
ANSWERED_WITHIN = {
    "1h": gettext_lazy("Within an hour"),
    "24h": gettext_lazy("Within a day"),
    "72h": gettext_lazy("Within 3 days"),
    "168h": gettext_lazy("Within a week"),
    "later": gettext_lazy("Later"),
    "not-answered": gettext_lazy("Not answered"),
}


@case_reader_required
def network_statistics_page(request: AuthedRequest) -> HttpResponse:
    """The network's figures for the user's authority (urgent freezing alerts); 404 to non-members."""
    network_selectors.require_member(request.user)
    figures = network_selectors.alert_figures(request.user)
    consultations = network_selectors.consultation_figures(request.user)
    return render(
        request,
        "statistics/network.html",
        {
            "alerts": figures,
            "acknowledged_chart": charts.bar_chart(
                [(str(ACKNOWLEDGED_WITHIN[code]), n) for code, n in figures.acknowledged_within]
            ),
            "status_chart": charts.bar_chart(
                [(str(AlertStatus(code).label), n) for code, n in figures.by_status.items() if n]
            ),
            "consultations": consultations,
            "answered_chart": charts.bar_chart(
                [(str(ANSWERED_WITHIN[code]), n) for code, n in consultations.answered_within]
            ),
            "freshness": network_selectors.directory_freshness(request.user),
        },
    )


def _coordinated_country(request: AuthedRequest) -> str:
    """The State of a national coordinator; 404 for every other role (the page does not exist)."""
    country = request.user.coordinated_country
    if not country:
        raise Http404
    return country


@login_required
@require_http_methods(["GET", "POST"])
def submission_page(request: AuthedRequest) -> HttpResponseBase:
    """The coordinator's answer to the data call: the State's submission for a year, shown and
    downloadable as the JSON file `comity export submission --country` writes."""
    country = _coordinated_country(request)
    this_year = timezone.localdate().year
    raw = request.POST.get("period") or request.GET.get("period", str(this_year - 1))
    error = None
    try:
        period = int(raw)
        if not 1990 <= period <= this_year:
            raise ValueError
    except ValueError:
        period, error = (
            this_year - 1,
            _("period: a year from 1990 to %(year)d is expected.") % {"year": this_year},
        )
    payload = build_submission(country, period)
    if request.method == "POST" and error is None:
        payload["correction"] = request.POST.get("correction") == "yes"
        try:
            submission_receive(actor=request.user, payload=json.loads(json.dumps(payload)))
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            messages.success(request, _("The submission was sent to the secretariat."))
            return redirect(f"{reverse('statistics-submission')}?period={period}")
    if request.GET.get("format") == "json" and error is None:
        response = HttpResponse(json.dumps(payload, indent=2) + "\n", content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="submission-{country}-{period}.json"'
        return response
    role_label = dict(StateRole.choices)
    barrier_label = dict(Barrier.choices)
    return render(
        request,
        "statistics/submission.html",
        {
            "payload": payload,
            "assets": payload["assets"],
            "period": period,
            "years": list(range(this_year, 2009, -1)),
            "error": error,
            "requests": sum(cell["count"] or 0 for cell in payload["tables"]["type_direction"]),
            "suppressed": sum(cell["count"] is None for cell in payload["tables"]["type_direction"]),
            "by_role": [(role_label[r["role"]], r["cases"]) for r in payload["assets"]["by_role"]],
            "barriers": [(barrier_label[b["barrier"]], b["cases"]) for b in payload["assets"]["barriers"]],
            "sent": Submission.objects.filter(state=country, period=period)
            .prefetch_related("versions")
            .first(),
        },
        status=422 if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def submission_import_page(request: AuthedRequest) -> HttpResponseBase:
    """A State's submission file imported by hand: the secretariat's for any State, a coordinator's
    for their own. The command line's checks, every problem named by its path; nothing imported
    when there is one. To everyone else the page does not exist."""
    if not may_submit(request.user):
        raise Http404
    problems: list[str] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise ValidationError([_("file: choose the submission's JSON file.")])
            submission = submission_receive_file(actor=request.user, data=upload.read(MAX_FILE_BYTES + 1))
        except ValidationError as refused:
            problems = refused.messages
        else:
            messages.success(
                request,
                _("The submission of %(state)s for %(period)d was imported.")
                % {"state": country_name(submission.state), "period": submission.period},
            )
            return redirect("statistics-submission-import")
    return render(
        request,
        "statistics/submission_import.html",
        {"problems": problems, "max_mb": MAX_FILE_BYTES >> 20},
        status=422 if problems else 200,
    )
