"""Pages of the network. Thin: parse, call a selector or a service, render. To anyone whose
authority is not an approved member of a network, every page is a 404; the memberships page is a
network administrator's, and a head of unit's to ask to join."""

import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
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
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from comity.accounts.http import AuthedRequest, case_reader_required, writing_authority
from comity.accounts.models import Authority
from comity.assets import selectors as assets_selectors
from comity.assets.models import Asset, AssetCase
from comity.cooperation.selectors import requests_visible_to
from comity.core.forms import add_service_errors
from comity.core.http import address_form_token, form_token_redirect, submit_form_once
from comity.core.models import AccessEntry
from comity.core.pagination import numbered_page
from comity.core.policy import may_write, require_reader, visible_or_404
from comity.network import selectors, services
from comity.network.context_processors import badge_of
from comity.network.forms import (
    AcknowledgeForm,
    ActionItemForm,
    AlertForm,
    ConsultationForm,
    ContactForm,
    ConversionForm,
    DecisionForm,
    EntryForm,
    FinderForm,
    InvitationForm,
    MeetingForm,
    MembershipRequestForm,
    MessageForm,
    MinutesForm,
    NotedFields,
    OutcomeForm,
    RescheduleForm,
    WithdrawForm,
)
from comity.network.http import attachment_response
from comity.network.models import ActionItem, Alert, Consultation, DirectoryEntry, Meeting
from comity.network.services import ALERT_ACKNOWLEDGEABLE, ALERT_ANSWERABLE, ALERT_WITHDRAWABLE
from comity.reference.choices import AlertStatus, Measure, Offence

# The directory, the finder, the inbox and memberships -----------------------------------------

# Rows on a page of the directory, the alerts and the meetings.
PAGE_SIZE = 50


def _member(request: AuthedRequest) -> None:
    """404 for anyone whose authority is not an approved member (selectors.require_member), read
    with the page's "Network" link in one query."""
    if not badge_of(request).member:
        raise Http404


def _editable(request: AuthedRequest, authority_id: int) -> None:
    """The edit pages are the authority's own directory editors' (404 for anyone else)."""
    if not selectors.edits_directory_of(request.user, authority_id):
        raise Http404


@login_required
def directory(request: AuthedRequest) -> HttpResponse:
    _member(request)
    filterset = selectors.directory_filters(request.user, request.GET)
    entries = (filterset.qs if filterset.is_valid() else filterset.qs.none()).order_by(
        "authority__country", "authority__name", "pk"
    )
    return render(
        request,
        "network/directory.html",
        {
            "filterset": filterset,
            **numbered_page(request, entries, PAGE_SIZE),
            "today": timezone.localdate(),
            "own_entry": selectors.edits_directory_of(request.user, request.user.authority_id or 0),
        },
        status=200 if filterset.is_valid() else 422,
    )


@login_required
def entry_detail(request: AuthedRequest, authority_id: int) -> HttpResponse:
    _member(request)
    editor = selectors.edits_directory_of(request.user, authority_id)
    entry = selectors.directory_visible_to(request.user).filter(authority_id=authority_id).first()
    if entry is None:
        if editor:  # the editor's authority has no entry yet: make it
            return redirect("network-entry-edit", authority_id=authority_id)
        raise Http404
    return render(
        request,
        "network/entry.html",
        {
            "entry": entry,
            "history": selectors.entry_history(entry),
            "editor": editor,
            "stale": entry.stale_on(timezone.localdate()),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def entry_edit(request: AuthedRequest, authority_id: int) -> HttpResponse:
    _editable(request, authority_id)
    entry = DirectoryEntry.objects.filter(authority_id=authority_id).first()
    authority = Authority.objects.get(pk=authority_id)
    form = EntryForm(request.POST or None, initial=EntryForm.initial_of(entry))
    if request.method == "POST" and form.is_valid():
        try:
            services.directory_entry_save(actor=request.user, authority=authority, **form.service_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Directory entry saved and confirmed."))
            return redirect("network-entry", authority_id=authority_id)
    return render(
        request,
        "network/entry_form.html",
        {"form": form, "authority": authority, "entry": entry},
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def entry_confirm(request: AuthedRequest, authority_id: int) -> HttpResponse:
    _editable(request, authority_id)
    entry = selectors.entry_for(request.user, authority_id)
    services.directory_entry_confirm(actor=request.user, entry=entry)
    messages.success(request, _("Directory entry confirmed: it is still right."))
    return redirect("network-entry", authority_id=authority_id)


@login_required
@require_http_methods(["GET", "POST"])
def contact_edit(request: AuthedRequest, authority_id: int, contact_id: int | None = None) -> HttpResponse:
    """Add a contact person (no `contact_id`) or change one."""
    _editable(request, authority_id)
    entry = selectors.entry_for(request.user, authority_id)
    contact = selectors.contact_of(entry, contact_id) if contact_id is not None else None
    initial = ContactForm.initial_of(contact) if contact else None
    form = ContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_save(actor=request.user, entry=entry, contact=contact, **form.service_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Contact person saved."))
            return redirect("network-entry", authority_id=authority_id)
    return render(
        request,
        "network/contact_form.html",
        {"form": form, "entry": entry, "contact": contact},
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def contact_remove(request: AuthedRequest, authority_id: int, contact_id: int) -> HttpResponse:
    _editable(request, authority_id)
    entry = selectors.entry_for(request.user, authority_id)
    services.contact_remove(actor=request.user, contact=selectors.contact_of(entry, contact_id))
    messages.success(request, _("Contact person removed."))
    return redirect("network-entry", authority_id=authority_id)


@login_required
def finder(request: AuthedRequest) -> HttpResponse:
    """ "Who do I ask?": the search form, and once a State is chosen, its authorities best first."""
    _member(request)
    searched = "country" in request.GET
    form = FinderForm(request.GET if searched else None)
    writer = may_write(request.user)
    results = (
        selectors.finder(request.user, **form.cleaned_data, networks=writer)
        if searched and form.is_valid()
        else None
    )
    context: dict[str, Any] = {"form": form, "results": results}
    if results:
        country, measure = form.cleaned_data["country"], form.cleaned_data["measure"]
        context["requirements_url"] = selectors.requirements_url(request.user, country, measure)
        # The authorities an officer may open a consultation with from here: the other members.
        context["consultable"] = {found.entry.authority_id for found in results if found.in_network} - {
            request.user.authority_id
        }
    template = "network/_finder_results.html" if request.htmx else "network/finder.html"
    return render(request, template, context, status=422 if searched and form.errors else 200)


@login_required
def inbox(request: AuthedRequest) -> HttpResponse:
    notifications = selectors.inbox_of(request.user)
    return render(request, "network/inbox.html", {"notifications": notifications})


@login_required
@require_POST
def inbox_read(request: AuthedRequest) -> HttpResponse:
    """Mark one notification read (`id`) and follow its link, or all of them (no `id`)."""
    _member(request)
    given = request.POST.get("id", "")
    if given.isdigit():
        notification = selectors.notification_of(request.user, int(given))
        services.notifications_mark_read(actor=request.user, ids=[notification.pk])
        return redirect(notification.url)
    services.notifications_mark_read(actor=request.user)
    return redirect("network-inbox")


@login_required
def memberships(request: AuthedRequest) -> HttpResponse:
    rows = selectors.memberships_page(request.user)
    ask = MembershipRequestForm() if request.user.is_head else None
    return render(request, "network/memberships.html", _memberships_context(request, rows, ask))


def _memberships_context(request: AuthedRequest, rows: Any, ask: forms.Form | None) -> dict[str, Any]:
    pager = numbered_page(request, rows, PAGE_SIZE)
    return {
        "memberships": pager["page"],
        **pager,
        "administers": selectors.administers(request.user),
        "ask": ask,
        "decision": DecisionForm(),
    }


@login_required
@require_POST
def membership_request(request: AuthedRequest) -> HttpResponse:
    """A head of unit asks for their own authority to join a network."""
    rows = selectors.memberships_page(request.user)
    if not request.user.is_head or request.user.authority is None:
        raise Http404
    form = MembershipRequestForm(request.POST)
    if form.is_valid():
        try:
            services.membership_request(
                actor=request.user,
                network=form.cleaned_data["network"],
                authority=request.user.authority,
                sponsor=form.cleaned_data["sponsor"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_service_errors(form, error, aliases={"authority": "network"})
        else:
            messages.success(request, _("Your authority asked to join; a network administrator decides."))
            return redirect("network-memberships")
    return render(request, "network/memberships.html", _memberships_context(request, rows, form), status=422)


DECISIONS = {"approve", "refuse", "suspend"}


@login_required
@require_POST
def membership_decide(request: AuthedRequest, membership_id: int, decision: str) -> HttpResponse:
    if decision not in DECISIONS:
        raise Http404
    membership = selectors.membership_for_administrator(request.user, membership_id)
    form = DecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        if decision == "suspend":
            services.membership_suspend(actor=request.user, membership=membership, note=note)
        else:
            services.membership_decide(
                actor=request.user, membership=membership, approve=decision == "approve", note=note
            )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(
            request,
            _("%(authority)s: %(state)s.")
            % {"authority": membership.authority.name, "state": membership.get_state_display()},
        )
    return redirect("network-memberships")


# Urgent freezing alerts ------------------------------------------------------------------------


@case_reader_required
def alert_list(request: AuthedRequest) -> HttpResponse:
    _member(request)
    direction = request.GET.get("direction", "")
    status = request.GET.get("status", "")
    alerts = selectors.alert_list(
        request.user,
        direction=direction if direction in ("sent", "received") else "",
        status=status if status in AlertStatus.values else "",
    )
    pager = numbered_page(request, alerts, PAGE_SIZE)
    return render(
        request,
        "network/alert_list.html",
        {"alerts": pager["page"], "direction": direction, "now": timezone.now(), **pager},
    )


@case_reader_required
@require_http_methods(["GET", "POST"])
def alert_create(request: AuthedRequest) -> HttpResponse:
    _member(request)
    writing_authority(request)
    if (to_token := form_token_redirect(request)) is not None:
        return to_token
    cases = list(assets_selectors.case_list(request.user))
    form = AlertForm(
        request.POST or None,
        token=address_form_token(request),
        recipients=list(selectors.alert_recipients(request.user)),
        cases=cases,
        case_assets=_case_assets(cases, (request.POST or request.GET).get("asset_case", "")),
        initial={"asset_case": request.GET.get("asset_case")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        by_pk = {c.pk: c for c in cases}
        aliases = form.asset_aliases()
        try:
            done = submit_form_once(
                request,
                form,
                lambda: services.alert_send(
                    actor=request.user,
                    to_authority=selectors.alert_recipients(request.user)
                    .filter(pk=data["to_authority"])
                    .first(),
                    assets=[services.AlertAssetInput(**row) for row in form.asset_rows()],
                    reason=data["reason"],
                    deadline=data["deadline"],
                    asset_case=by_pk.get(data["asset_case"]) if data["asset_case"] else None,
                ),
            )
        except ValidationError as error:
            add_service_errors(form, error, aliases)
        else:
            if done.created is None:
                messages.info(request, _("This form was already submitted: here is the alert it sent."))
                return redirect("network-alert", pk=done.replayed_id)
            messages.success(request, _("Alert sent."))
            return redirect("network-alert", pk=done.created.pk)
    return render(request, "network/alert_form.html", {"form": form}, status=422 if form.errors else 200)


def _case_assets(cases: "list[AssetCase]", chosen: str) -> "list[Asset]":
    """The assets with an identifier of the chosen case among the user's `cases` (none if it is not one)."""
    case = next((c for c in cases if str(c.pk) == chosen), None)
    return [a for a in case.assets.all() if a.identifier] if case is not None else []


@case_reader_required
def alert_case_assets(request: AuthedRequest) -> HttpResponse:
    """The alert form's list of the chosen case's assets (loaded by htmx when the case changes)."""
    _member(request)
    cases = list(assets_selectors.case_list(request.user))
    form = AlertForm(
        recipients=[], cases=cases, case_assets=_case_assets(cases, request.GET.get("asset_case", ""))
    )
    return render(request, "network/_case_assets.html", {"form": form})


@dataclass(frozen=True)
class AlertAction:
    form: type[forms.Form]
    done: Any


ALERT_ACTIONS = {
    "acknowledge": AlertAction(AcknowledgeForm, gettext_lazy("Alert acknowledged.")),
    "outcome": AlertAction(OutcomeForm, gettext_lazy("Outcome recorded.")),
    "withdraw": AlertAction(WithdrawForm, gettext_lazy("Alert withdrawn.")),
}


def _alert_context(request: AuthedRequest, pk: int, failed: tuple[str, forms.Form] | None = None) -> dict:
    alert = selectors.alert_detail(request.user, pk, channel=AccessEntry.Channel.PAGE)
    received = alert.to_authority_id == request.user.authority_id
    forms_shown: dict[str, forms.Form] = {}
    if may_write(request.user):
        if received and alert.status in ALERT_ACKNOWLEDGEABLE:
            forms_shown["acknowledge"] = AcknowledgeForm()
        if received and alert.status in ALERT_ANSWERABLE:
            forms_shown["outcome"] = OutcomeForm(alert_assets=list(alert.assets.all()), current=alert.status)
        if not received and alert.status in ALERT_WITHDRAWABLE:
            forms_shown["withdraw"] = WithdrawForm()
    if failed is not None:
        forms_shown[failed[0]] = failed[1]
    return {
        "alert": alert,
        "received": received,
        "forms": forms_shown,
        "overdue": alert.deadline < timezone.now() and alert.is_open,
        # The sender's own case: its participants follow the link, nobody else sees it.
        "case": alert.asset_case if not received else None,
    }


@case_reader_required
def alert_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    # No membership asked here: alerts_visible_to asks it, except of an alert between deployments.
    return render(request, "network/alert_detail.html", _alert_context(request, pk))


@case_reader_required
@require_POST
def alert_action(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    spec = ALERT_ACTIONS.get(action)
    if spec is None:
        raise Http404
    alert: Alert = visible_or_404(selectors.alerts_visible_to(request.user), pk)
    form = (
        OutcomeForm(request.POST, alert_assets=list(alert.assets.order_by("pk")), current=alert.status)
        if action == "outcome"
        else spec.form(request.POST)
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            if isinstance(form, OutcomeForm):
                frozen = form.frozen()
                if data["outcome"] == AlertStatus.FROZEN and not frozen:
                    raise ValidationError({"outcome": _("Tick the assets that were frozen.")})
                fields = {name: data[name] for name in ("outcome", "on", "order_reference", "reason")}
                services.alert_outcome(
                    actor=request.user,
                    alert=alert,
                    frozen=[services.FrozenInput(**row) for row in frozen],
                    **fields,
                )
            elif action == "acknowledge":
                services.alert_acknowledge(actor=request.user, alert=alert, **data)
            else:
                services.alert_withdraw(actor=request.user, alert=alert, **data)
        except ValidationError as error:
            add_service_errors(form, error, form.frozen_aliases() if isinstance(form, OutcomeForm) else None)
        else:
            messages.success(request, spec.done)
            return redirect(reverse("network-alert", args=[pk]))
    return render(
        request, "network/alert_detail.html", _alert_context(request, pk, (action, form)), status=422
    )


# Case coordination meetings --------------------------------------------------------------------


@case_reader_required
def meeting_list(request: AuthedRequest) -> HttpResponse:
    _member(request)
    upcoming = request.GET.get("upcoming") == "1"
    pager = numbered_page(request, selectors.meeting_list(request.user, upcoming=upcoming), PAGE_SIZE)
    return render(
        request,
        "network/meeting_list.html",
        {"meetings": pager["page"], "upcoming": upcoming, **pager},
    )


@case_reader_required
@require_http_methods(["GET", "POST"])
def meeting_create(request: AuthedRequest) -> HttpResponse:
    _member(request)
    writing_authority(request)
    if (to_token := form_token_redirect(request)) is not None:
        return to_token
    invitable = list(selectors.other_members(request.user))
    cases = list(assets_selectors.case_list(request.user))
    consultations = list(selectors.consultations_visible_to(request.user).order_by("-pk")[:200])
    linkable = list(requests_visible_to(request.user).order_by("-pk")[:200])
    form = MeetingForm(
        request.POST or None,
        token=address_form_token(request),
        invitable=invitable,
        cases=cases,
        consultations=consultations,
        requests=linkable,
        # Planned from a consultation: its other participants, itself and its request, chosen.
        initial={name: request.GET.getlist(name) for name in ("participants", "consultations", "requests")},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        del data["form_token"]
        chosen = set(data["participants"])
        data["participants"] = [a for a in invitable if a.pk in chosen]
        data["asset_cases"] = [c for c in cases if c.pk in set(data["asset_cases"])]
        data["consultations"] = [c for c in consultations if c.pk in set(data["consultations"])]
        data["requests"] = [r for r in linkable if r.pk in set(data["requests"])]
        try:
            done = submit_form_once(request, form, lambda: services.meeting_plan(actor=request.user, **data))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if done.created is None:
                messages.info(request, _("This form was already submitted: here is the meeting it planned."))
                return redirect("network-meeting", pk=done.replayed_id)
            messages.success(request, _("Meeting planned."))
            return redirect("network-meeting", pk=done.created.pk)
    return render(request, "network/meeting_form.html", {"form": form}, status=422 if form.errors else 200)


def _meeting_context(request: AuthedRequest, pk: int, failed: tuple[str, forms.Form] | None = None) -> dict:
    meeting = selectors.meeting_detail(request.user, pk, channel=AccessEntry.Channel.PAGE)
    participants = [p.authority for p in meeting.participants.all()]
    zones = selectors.time_zones([a.pk for a in participants])
    can_write = may_write(request.user)
    forms_shown: dict[str, forms.Form] = {}
    if can_write:
        forms_shown = {
            "minutes": MinutesForm(initial={"agenda": meeting.agenda, "minutes": meeting.minutes}),
            "reschedule": RescheduleForm(
                initial={
                    "starts_at": meeting.starts_at.astimezone(datetime.UTC).replace(tzinfo=None),
                    "duration_minutes": meeting.duration_minutes,
                }
            ),
            "action": ActionItemForm(
                owners=list(selectors.action_owners(meeting).select_related("authority"))
            ),
        }
    if failed is not None:
        forms_shown[failed[0]] = failed[1]
    return {
        "meeting": meeting,
        # Formatted here: a template shows every aware time in the reader's zone, not the participant's.
        "local_times": [
            (authority, zones[authority.pk], _local(meeting.starts_at, zones[authority.pk]))
            for authority in participants
        ],
        "can_write": can_write,
        "forms": forms_shown,
        "today": timezone.localdate(),
    }


def _local(moment: datetime.datetime, zone: str) -> str:
    """The moment on the clock of `zone`, with its offset from UTC: 2026-12-08 09:00 (UTC-05:00)."""
    local = moment.astimezone(ZoneInfo(zone))
    offset = f"{local:%z}"
    return f"{local:%Y-%m-%d %H:%M} (UTC{offset[:3]}:{offset[3:]})"


@case_reader_required
def meeting_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    _member(request)
    return render(request, "network/meeting_detail.html", _meeting_context(request, pk))


@case_reader_required
@require_POST
def meeting_action(request: AuthedRequest, pk: int, action: str, target: int | None = None) -> HttpResponse:
    """The meeting page's forms: the agenda and minutes, a new action item, an item done."""
    _member(request)
    meeting: Meeting = visible_or_404(selectors.meetings_visible_to(request.user), pk)
    form: forms.Form
    if action == "minutes":
        form = MinutesForm(request.POST)
    elif action == "reschedule":
        form = RescheduleForm(request.POST)
    elif action == "action":
        form = ActionItemForm(
            request.POST, owners=list(selectors.action_owners(meeting).select_related("authority"))
        )
    elif action == "done" and target is not None:
        item = visible_or_404(ActionItem.objects.filter(meeting=meeting).select_related("meeting"), target)
        services.action_item_done(actor=request.user, item=item)
        messages.success(request, _("Action item done."))
        return redirect(reverse("network-meeting", args=[pk]) + "#actions")
    else:
        raise Http404
    if form.is_valid():
        data = form.cleaned_data
        try:
            if action == "minutes":
                services.meeting_record(actor=request.user, meeting=meeting, **data)
            elif action == "reschedule":
                services.meeting_reschedule(actor=request.user, meeting=meeting, **data)
            else:
                services.action_item_add(
                    actor=request.user,
                    meeting=meeting,
                    text=data["text"],
                    owner=selectors.action_owners(meeting).filter(pk=data["owner"]).first(),
                    due_on=data["due_on"],
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            done = {
                "minutes": _("Minutes saved."),
                "reschedule": _("Meeting moved."),
                "action": _("Action item added."),
            }
            messages.success(request, done[action])
            return redirect(
                reverse("network-meeting", args=[pk]) + ("#actions" if action == "action" else "")
            )
    return render(
        request, "network/meeting_detail.html", _meeting_context(request, pk, (action, form)), status=422
    )


V = TypeVar("V", bound=Callable[..., HttpResponseBase])


def network_reader_required(view: V) -> V:
    """`login_required`, then 404 for anyone who reads no case or whose authority is not an
    approved member of a network (a suspended one included): to them the network does not exist."""

    @functools.wraps(view)
    def wrapper(request: AuthedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        require_reader(request.user)
        _member(request)
        return view(request, *args, **kwargs)

    return login_required(wrapper)  # type: ignore[return-value]


# Consultations (#22 item 4) ---------------------------------------------------------------------


def _member_authorities(request: AuthedRequest, exclude: set[int]) -> list[Authority]:
    ids = selectors.member_authority_ids(request.user) - exclude
    return list(Authority.objects.filter(pk__in=ids).order_by("country", "name"))


@network_reader_required
def consultation_list(request: AuthedRequest) -> HttpResponse:
    try:
        filters = selectors.ConsultationFilters.parse(request.GET)
    except ValidationError:
        filters = selectors.ConsultationFilters()
    page, page_error = None, ""
    try:
        page = selectors.consultation_inbox(
            request.user, filters, cursor=request.GET.get("cursor"), size=settings.COMITY_PAGE_SIZE
        )
    except ValidationError as error:
        page_error = " ".join(error.messages)
    query = urlencode({name: value for name, value in vars(filters).items() if value})
    return render(
        request,
        "network/consultation_list.html",
        {"page": page, "page_error": page_error, "filters": filters, "query": query},
    )


@network_reader_required
@require_http_methods(["GET", "POST"])
def consultation_create(request: AuthedRequest) -> HttpResponse:
    authority = writing_authority(request)
    if (to_token := form_token_redirect(request)) is not None:
        return to_token
    form = ConsultationForm(
        request.POST or None,
        token=address_form_token(request),
        authorities=_member_authorities(request, {authority.pk}),
        # Opened from the finder's answer: the authority found is the one to consult.
        initial={"participants": request.GET.getlist("participants")},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        del data["form_token"]
        data["participants"] = list(Authority.objects.filter(pk__in=data["participants"]))
        try:
            done = submit_form_once(
                request, form, lambda: services.consultation_open(actor=request.user, **data)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if done.created is None:
                messages.info(
                    request, _("This form was already submitted: here is the consultation it opened.")
                )
                return redirect("consultation-detail", pk=done.replayed_id)
            messages.success(request, _("Consultation opened; the authorities consulted are told of it."))
            return redirect("consultation-detail", pk=done.created.pk)
    return render(
        request, "network/consultation_form.html", {"form": form}, status=422 if form.errors else 200
    )


def _noted(consultation: Consultation) -> dict[str, Any]:
    """What the consultation has noted of the request, as the noted fields' initial values."""
    return {name: getattr(consultation, name) for name in NotedFields.base_fields}


def _detail(
    request: AuthedRequest,
    pk: int,
    message_form: MessageForm | None = None,
    invitation_form: InvitationForm | None = None,
    status: int = 200,
) -> HttpResponse:
    consultation = selectors.consultation_detail(request.user, pk, channel=AccessEntry.Channel.PAGE)
    participants = selectors.participant_ids(consultation)
    candidates = _member_authorities(request, participants) if consultation.is_open else []
    context = {
        "consultation": consultation,
        "thread": [(m, selectors.readers_of(consultation, m)) for m in consultation.messages.all()],
        "can_write": consultation.is_open and may_write(request.user, participants),
        # A meeting about it may follow its closing or conversion.
        "can_plan": may_write(request.user, participants),
        "message_form": message_form or MessageForm(initial=_noted(consultation)),
        "invitation_form": invitation_form or InvitationForm(authorities=candidates),
        "candidates": candidates,
        "offences": [Offence(code).label for code in consultation.offences],
        "measures": [Measure(code).label for code in consultation.measures],
        "max_bytes": settings.COMITY_ATTACHMENT_MAX_BYTES,
        "max_files": settings.COMITY_ATTACHMENTS_PER_MESSAGE,
    }
    return render(request, "network/consultation_detail.html", context, status=status)


@network_reader_required
def consultation_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    services.consultation_mark_read(
        user=request.user, consultation=selectors.consultation_for_write(request.user, pk)
    )
    return _detail(request, pk)


@network_reader_required
@require_POST
def consultation_post(request: AuthedRequest, pk: int) -> HttpResponse:
    consultation = selectors.consultation_for_write(request.user, pk)
    form = MessageForm(request.POST, request.FILES)
    if form.is_valid():
        data = dict(form.cleaned_data)
        body = data.pop("body")
        files = [
            services.AttachmentInput(name=f.name or "", content=f.read()) for f in data.pop("attachments")
        ]
        try:
            services.consultation_post(
                actor=request.user, consultation=consultation, body=body, attachments=files, noted=data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Message sent."))
            return redirect("consultation-detail", pk=pk)
    return _detail(request, pk, message_form=form, status=422)


@network_reader_required
@require_POST
def consultation_invite(request: AuthedRequest, pk: int) -> HttpResponse:
    consultation = selectors.consultation_for_write(request.user, pk)
    form = InvitationForm(
        request.POST, authorities=_member_authorities(request, selectors.participant_ids(consultation))
    )
    if form.is_valid():
        try:
            services.consultation_invite(
                actor=request.user,
                consultation=consultation,
                authorities=list(Authority.objects.filter(pk__in=form.cleaned_data["authorities"])),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Invitation sent."))
            return redirect("consultation-detail", pk=pk)
    return _detail(request, pk, invitation_form=form, status=422)


@network_reader_required
@require_POST
def consultation_close(request: AuthedRequest, pk: int) -> HttpResponse:
    consultation = selectors.consultation_for_write(request.user, pk)
    try:
        services.consultation_close(actor=request.user, consultation=consultation)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Consultation closed."))
    return redirect("consultation-detail", pk=pk)


@network_reader_required
@require_http_methods(["GET", "POST"])
def consultation_convert(request: AuthedRequest, pk: int) -> HttpResponse:
    consultation = selectors.consultation_for_write(request.user, pk)
    authority = writing_authority(request)
    if (to_token := form_token_redirect(request)) is not None:
        return to_token
    others = [
        p.authority
        for p in consultation.participants.select_related("authority").order_by("pk")
        if p.authority_id != authority.pk
    ]
    form = ConversionForm(
        request.POST or None,
        token=address_form_token(request),
        authorities=others,
        initial=_noted(consultation),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        del data["form_token"]
        data["type"] = data.pop("request_type")
        data["requested_authority"] = next(a for a in others if a.pk == data["requested_authority"])
        try:
            done = submit_form_once(
                request,
                form,
                lambda: services.consultation_convert(actor=request.user, consultation=consultation, **data),
            )
        except ValidationError as error:
            add_service_errors(form, error, aliases={"type": "request_type"})
        else:
            if done.created is not None:
                messages.success(request, _("Request registered from the consultation."))
            return redirect("request-detail", pk=done.created.pk if done.created else done.replayed_id)
    return render(
        request,
        "network/consultation_convert.html",
        {"form": form, "consultation": consultation},
        status=422 if form.errors else 200,
    )


@network_reader_required
def attachment_download(request: AuthedRequest, pk: int, attachment: int) -> HttpResponse:
    return attachment_response(
        selectors.attachment_download(request.user, pk, attachment, channel=AccessEntry.Channel.PAGE)
    )


@network_reader_required
def consultation_export(request: AuthedRequest, pk: int) -> HttpResponse:
    """The thread as plain text, its handling code at its head and foot, for the file."""
    consultation: Consultation = selectors.consultation_detail(
        request.user, pk, channel=AccessEntry.Channel.PAGE
    )
    text = render_to_string(
        "network/consultation_export.txt",
        {"consultation": consultation},
        request=request,
    )
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="consultation-{consultation.pk}.txt"'
    response["Cache-Control"] = "private, no-store"
    return response
