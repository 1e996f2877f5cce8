"""Pages: parse, authorize through selectors, call a service, render. No ORM writes here."""

from collections.abc import Iterator
from itertools import islice
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.forms import BaseFormSet
from django.http import FileResponse, Http404, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from comity.accounts.choices import Role
from comity.accounts.http import AuthedRequest, case_reader_required, read_only_refusal, writing_authority
from comity.accounts.models import User
from comity.cooperation import selectors, services, tasks, transfer
from comity.cooperation.choices import Direction, EventKind
from comity.cooperation.filters import SORTS, AccessLogFilterSet
from comity.cooperation.forms import (
    BarrierForm,
    EventForm,
    RequestCreateForm,
    RequestForm,
    SubjectFormSet,
)
from comity.cooperation.models import ExportJob, Request
from comity.cooperation.statemachine import next_events
from comity.core import jobs
from comity.core.forms import add_service_errors
from comity.core.http import address_form_token, form_token_redirect, submit_form_once
from comity.core.models import AccessEntry
from comity.core.pagination import query_without
from comity.core.policy import may_write
from comity.core.tabular import escape, spreadsheet_response, template_workbook, xlsx_download
from comity.core.views import import_job_or_404, import_job_page
from comity.federation import selectors as federation_selectors
from comity.federation import services as federation_services

HOME_ROWS = 15


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    """The start page (where login leads): a role that reads no case starts on its own work."""
    user = request.user
    if not user.reads_cases:
        if user.role == Role.SECRETARIAT:
            return redirect("statistics-global")
        if user.is_staff:
            return redirect("admin:index")
    context: dict[str, object] = {"reads_cases": user.reads_cases}
    if user.reads_cases:
        overdue = selectors.request_filters(user, {"overdue": "true"}).qs
        # The soonest target dates first, and a word when there are more: a short list must not
        # read as all there is. Overdue requests are counted (the open requests' index serves it);
        # the awaiting ones are not (at a long register, counting them cost more than the page).
        awaiting = list(selectors.awaiting_action(user).order_by("due_on", "pk")[: HOME_ROWS + 1])
        context["awaiting"], context["more_awaiting"] = awaiting[:HOME_ROWS], len(awaiting) > HOME_ROWS
        late = list(overdue.order_by("due_on", "pk")[:HOME_ROWS])
        context["overdue"], context["overdue_total"] = (
            late,
            len(late) if len(late) < HOME_ROWS else overdue.count(),
        )
    return render(request, "cooperation/home.html", context)


@case_reader_required
def request_list(request: AuthedRequest) -> HttpResponse:
    filterset = selectors.request_filters(request.user, request.GET, rows=True)
    page, page_error = None, ""
    if filterset.is_valid():
        try:
            page = selectors.request_page(
                filterset.qs, sort=filterset.ordering, cursor=request.GET.get("cursor")
            )
        except ValidationError as error:
            # Said here, not as a session message, which htmx's rows would leave to the next page.
            page_error = " ".join(error.messages)
    query = query_without(request, "cursor")
    context = {
        "filterset": filterset,
        "page": page,
        "page_error": page_error,
        "query": query,
        "sorts": SORTS,
        "first_page": not request.GET.get("cursor"),
    }
    template = (
        "cooperation/_request_rows.html"
        if request.htmx and not request.htmx.boosted
        else "cooperation/request_list.html"
    )
    return render(request, template, context)


@case_reader_required
def request_export(request: AuthedRequest) -> HttpResponseBase:
    """The list's current selection in the import layout (the user's authority's own requests)."""
    selection = transfer.selection_to_export(request.user, request.GET)
    if selection is None:
        return _invalid_filters()
    authority, own = selection
    rows = transfer.export_rows(transfer.exportable(own).iterator(chunk_size=2000), authority)
    stamp = timezone.localdate().isoformat()
    return spreadsheet_response(
        rows, f"requests-{stamp}", request.GET.get("format", "csv"), "requests", transfer.column_help()
    )


def _invalid_filters() -> HttpResponse:
    return HttpResponse(
        _("Some filters are not valid."), status=422, content_type="text/plain; charset=utf-8"
    )


@case_reader_required
@require_POST
def request_export_start(request: AuthedRequest) -> HttpResponse:
    """The list's selection as XLSX, made in the background; the job's page follows it."""
    job = tasks.export_job_start(actor=request.user, query=request.POST.get("query", ""))
    if job is None:
        return _invalid_filters()
    return redirect("request-export-job", pk=job.pk)


@case_reader_required
def request_export_job(request: AuthedRequest, pk: int) -> HttpResponse:
    """An export's progress (polled by htmx), then its download."""
    job = get_object_or_404(ExportJob, pk=pk, user=request.user)
    if not job.finished and jobs.reclaim_abandoned(pk=job.pk):
        job.refresh_from_db()
    done = tasks.export_progress(job)
    context = {
        "job": job,
        "done": done,
        "percent": job.percent(done),
        "filters": selectors.request_filters(request.user, QueryDict(job.query)).described(
            frozenset({"sort"})
        ),
        "kept_hours": tasks.EXPORT_KEPT_HOURS,
    }
    if request.htmx:
        return render(request, "cooperation/_export_job.html", context)
    return render(request, "cooperation/export_job.html", context)


@case_reader_required
def request_export_file(request: AuthedRequest, pk: int) -> FileResponse:
    """The export's workbook, once: the file is gone from the server as its download starts."""
    handle = tasks.export_job_take(actor=request.user, job_id=pk)
    if handle is None:
        raise Http404
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"requests-{timezone.localdate().isoformat()}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@case_reader_required
def request_import_template(request: AuthedRequest, fmt: str) -> HttpResponseBase:
    """The layout to fill: XLSX with an example and every column and code explained, or CSV with
    the header alone."""
    if fmt == "csv":
        return spreadsheet_response([list(transfer.COLUMNS)], "comity-requests-template", "csv", "requests")
    return xlsx_download(
        lambda target: template_workbook("requests", transfer.column_help(), transfer.EXAMPLE_ROW, target),
        "comity-requests-template",
    )


@case_reader_required
@require_http_methods(["GET", "POST"])
def request_import(request: AuthedRequest) -> HttpResponse:
    """Upload a spreadsheet; it is checked in the background and the job page follows it."""
    authority = writing_authority(request)
    upload = request.FILES.get("file")
    if request.method == "POST" and isinstance(upload, UploadedFile):
        job = jobs.import_job_start(actor=request.user, authority=authority, upload=upload, kind="requests")
        return redirect("request-import-job", pk=job.pk)
    return render(request, "cooperation/import.html", {"job": None})


@case_reader_required
@require_http_methods(["GET", "POST"])
def request_import_job(request: AuthedRequest, pk: int) -> HttpResponse:
    """A job's progress (polled by htmx), its problems or preview, and the confirmation."""
    writing_authority(request)
    job = import_job_or_404(request, pk, "requests")
    refused_new = False
    if request.method == "POST":
        confirmed = request.POST.get("new_authorities") == "create"
        if job.result.get("new_authorities") and not confirmed:
            refused_new = True  # shown again, with the reason beside the box
        else:
            jobs.import_job_confirm(actor=request.user, job=job, options={"new_authorities": confirmed})
            job.refresh_from_db()
    return import_job_page(request, job, refused_new=refused_new)


@case_reader_required
def request_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    item = selectors.request_detail(request.user, pk, channel=AccessEntry.Channel.PAGE)
    federation_services.request_opened(actor=request.user, request=item)
    return render(request, "cooperation/request_detail.html", _detail_context(request, item))


def _can_write(user: User, item: Request) -> bool:
    """Parties write; an authority the request is only shared with reads."""
    return may_write(user, (item.requesting_authority_id, item.requested_authority_id))


def _event_form(
    request: AuthedRequest,
    item: Request,
    timeline: list[selectors.TimelineEntry],
    data: QueryDict | None = None,
) -> EventForm:
    """The event form (bound to `data`, if given), offering the events that may follow now and
    the events whose date a correction may supersede."""
    correctable = [
        (entry.event.pk, f"{entry.event.get_kind_display()} · {entry.on.isoformat()}")
        for entry in timeline
        if entry.event.kind not in (EventKind.CORRECTION, EventKind.NOTE)
    ]
    return EventForm(
        data, kinds=next_events(item.status, by_head=request.user.is_head), correctable=correctable
    )


def _detail_context(
    request: AuthedRequest,
    item: Request,
    event_form: EventForm | None = None,
    barrier_form: BarrierForm | None = None,
) -> dict:
    """The request page's context; new event and barrier forms unless one with errors is given."""
    user = request.user
    timeline = selectors.timeline_visible(user, item)
    if event_form is None:
        event_form = _event_form(request, item, timeline)
    return {
        "item": item,
        "events": timeline,
        "names_visible": selectors.may_see_subject_names(user, item),
        "direction": item.direction_for(user.authority_id),
        "our_reference": item.reference_for(user.authority_id),
        "counterpart": item.counterpart_for(user.authority_id),
        "can_write": _can_write(user, item),
        "event_form": event_form,
        "barriers": selectors.barriers_visible(user, item),
        "barrier_form": barrier_form or BarrierForm(),
        "receipts": federation_selectors.request_receipts(item),
        "documents_received": federation_selectors.request_documents(user, item),
    }


def _subjects(formset: BaseFormSet) -> list[services.SubjectInput]:
    return [s for s in (form.subject() for form in formset.forms) if s is not None]


@case_reader_required
@require_http_methods(["GET", "POST"])
def request_create(request: AuthedRequest) -> HttpResponse:
    authority = writing_authority(request)
    if (to_token := form_token_redirect(request)) is not None:
        return to_token
    form = RequestCreateForm(request.POST or None, authority=authority, token=address_form_token(request))
    formset = SubjectFormSet(request.POST or None, prefix="subjects")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = dict(form.cleaned_data)
        del data["form_token"]
        counterpart = data.pop("counterpart")
        outgoing = data.pop("direction") == Direction.OUTGOING
        try:
            done = submit_form_once(
                request,
                form,
                lambda: services.request_create(
                    actor=request.user,
                    requesting_authority=authority if outgoing else counterpart,
                    requested_authority=counterpart if outgoing else authority,
                    subjects=_subjects(formset),
                    **data,
                ),
            )
        except ValidationError as error:
            add_service_errors(
                form, error, {"requested_authority": "counterpart", "requesting_authority": "counterpart"}
            )
        else:
            if done.created is None:
                messages.info(
                    request, _("This form was already submitted: here is the request it registered.")
                )
                return redirect("request-detail", pk=done.replayed_id)
            messages.success(request, _("Request registered."))
            return redirect("request-detail", pk=done.created.pk)
    return render(request, "cooperation/request_form.html", {"form": form, "formset": formset, "item": None})


@case_reader_required
@require_http_methods(["GET", "POST"])
def request_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    item = selectors.request_detail(request.user, pk, channel=AccessEntry.Channel.PAGE)
    if not _can_write(request.user, item):
        raise read_only_refusal()
    initial = {name: getattr(item, name) for name in services.EDITABLE_FIELDS} | {
        "offences": [r.code for r in item.offence_rows.all()],
        "measures": [r.code for r in item.measure_rows.all()],
    }
    form = RequestForm(request.POST or None, initial=initial)
    if request.user.authority_id != services.confidentiality_keeper(item):
        # Shown, not editable: the requesting State decides how confidential its request is.
        for name in ("confidential", "names_visible_to"):
            form.fields[name].disabled = True
            form.fields[name].help_text = _("Set by the requesting authority.")
    subjects_initial = (
        [
            {"kind": s.kind, "name": s.name, "identifiers": s.identifiers, "country": s.country}
            for s in item.subjects.all()
        ]
        if selectors.may_see_subject_names(request.user, item)
        else []
    )
    formset = SubjectFormSet(request.POST or None, prefix="subjects", initial=subjects_initial)
    names_visible = selectors.may_see_subject_names(request.user, item)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        changes = dict(form.cleaned_data)
        if names_visible:
            changes["subjects"] = _subjects(formset)
        try:
            services.request_update(actor=request.user, request=item, changes=changes)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Request updated."))
            return redirect("request-detail", pk=item.pk)
    return render(
        request,
        "cooperation/request_form.html",
        {"form": form, "formset": formset if names_visible else None, "item": item},
    )


@case_reader_required
@require_POST
def event_create(request: AuthedRequest, pk: int) -> HttpResponse:
    """Record an event. A plain form post is redirected to the request's page (post/redirect/get);
    htmx gets the whole request again, so that its dates, status and timeline change together and
    the confirmation shows there, not on whichever page the session shows next."""
    item = selectors.request_for_write(request.user, pk)
    form = _event_form(request, item, selectors.timeline_visible(request.user, item), request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        del data["form_token"]
        try:
            done = submit_form_once(
                request, form, lambda: services.event_record(actor=request.user, request=item, **data)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            notice = _("Event recorded.") if done.created else _("This event was already recorded.")
            if not request.htmx:
                messages.success(request, notice)
                return redirect("request-detail", pk=item.pk)
            item = selectors.request_detail(request.user, pk, channel=AccessEntry.Channel.PAGE)
            return render(
                request, "cooperation/_request.html", _detail_context(request, item) | {"notice": notice}
            )
    item = selectors.request_detail(request.user, pk, channel=AccessEntry.Channel.PAGE)
    context = _detail_context(request, item, form)
    if request.htmx:
        # htmx swaps only 2xx answers: a refused event is the request again, with the form's errors.
        return render(request, "cooperation/_request.html", context)
    # A plain form post says 422 so that scripts see the failure.
    return render(request, "cooperation/request_detail.html", context, status=422)


@case_reader_required
@require_POST
def barrier_create(request: AuthedRequest, pk: int) -> HttpResponse:
    """Record a barrier met in the request (post/redirect/get); the page again with the errors."""
    item = selectors.request_for_write(request.user, pk)
    form = BarrierForm(request.POST)
    if form.is_valid():
        try:
            services.request_barrier_record(actor=request.user, request=item, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Barrier recorded."))
            return redirect("request-detail", pk=item.pk)
    item = selectors.request_detail(request.user, pk, channel=AccessEntry.Channel.PAGE)
    return render(
        request,
        "cooperation/request_detail.html",
        _detail_context(request, item, barrier_form=form),
        status=422,
    )


def _access_log(request: AuthedRequest) -> AccessLogFilterSet:
    """The head's access log filtered as asked; 404 for anyone else."""
    if not selectors.may_read_access_log(request.user):
        raise Http404
    return selectors.access_log_filters(request.user, request.GET)


@case_reader_required
def access_log(request: AuthedRequest) -> HttpResponse:
    """Who read the authority's requests, when, and by which channel (heads of unit)."""
    filterset = _access_log(request)
    page, page_error = None, ""
    if filterset.is_valid():
        try:
            page = selectors.access_page(request.user, filterset.qs, cursor=request.GET.get("cursor"))
        except ValidationError as error:
            page_error = " ".join(error.messages)
    query = query_without(request, "cursor")
    return render(
        request,
        "cooperation/access_log.html",
        {"filterset": filterset, "page": page, "page_error": page_error, "query": query},
    )


ACCESS_LOG_COLUMNS = ("read_at", "channel", "request_id", "reference", "reader", "reader_authority")


@case_reader_required
def access_log_export(request: AuthedRequest) -> HttpResponseBase:
    """The selection of the access log as CSV or XLSX (codes for the channel, times in UTC)."""
    filterset = _access_log(request)
    if not filterset.is_valid():
        return _invalid_filters()

    def rows() -> Iterator[list[Any]]:
        yield list(ACCESS_LOG_COLUMNS)
        entries = filterset.qs.order_by("-pk").values(*selectors.ACCESS_FIELDS).iterator(chunk_size=2000)
        while chunk := list(islice(entries, 2000)):
            for row in selectors.access_rows(request.user, chunk):
                yield [
                    row.at.isoformat(timespec="seconds"),
                    row.channel,
                    row.request_id,
                    escape(row.reference),
                    escape(row.reader),
                    escape(row.reader_authority),
                ]

    stamp = timezone.localdate().isoformat()
    return spreadsheet_response(rows(), f"access-log-{stamp}", request.GET.get("format", "csv"), "access log")
