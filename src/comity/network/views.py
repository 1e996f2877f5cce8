"""Pages of the network. Thin: parse, call a selector or a service, render. To anyone whose
authority is not an approved member of a network, every page is a 404."""

import datetime
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from comity.accounts.http import AuthedRequest, case_reader_required, writing_authority
from comity.assets import selectors as assets_selectors
from comity.assets.models import Asset, AssetCase
from comity.core.forms import add_service_errors
from comity.core.http import address_form_token, form_token_redirect, submit_form_once
from comity.core.models import AccessEntry
from comity.core.policy import may_write, visible_or_404
from comity.network import selectors, services
from comity.network.forms import (
    AcknowledgeForm,
    ActionItemForm,
    AlertForm,
    MeetingForm,
    MinutesForm,
    OutcomeForm,
    RescheduleForm,
    WithdrawForm,
)
from comity.network.models import ActionItem, Alert, Meeting
from comity.network.services import ALERT_ACKNOWLEDGEABLE, ALERT_ANSWERABLE, ALERT_WITHDRAWABLE
from comity.reference.choices import AlertStatus

# Urgent freezing alerts ------------------------------------------------------------------------


@case_reader_required
def alert_list(request: AuthedRequest) -> HttpResponse:
    selectors.require_member(request.user)
    direction = request.GET.get("direction", "")
    status = request.GET.get("status", "")
    alerts = selectors.alert_list(
        request.user,
        direction=direction if direction in ("sent", "received") else "",
        status=status if status in AlertStatus.values else "",
    )
    return render(
        request,
        "network/alert_list.html",
        {"alerts": alerts, "direction": direction, "now": timezone.now()},
    )


@case_reader_required
@require_http_methods(["GET", "POST"])
def alert_create(request: AuthedRequest) -> HttpResponse:
    selectors.require_member(request.user)
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
    selectors.require_member(request.user)
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
            forms_shown["outcome"] = OutcomeForm(alert_assets=list(alert.assets.all()))
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
    selectors.require_member(request.user)
    return render(request, "network/alert_detail.html", _alert_context(request, pk))


@case_reader_required
@require_POST
def alert_action(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    selectors.require_member(request.user)
    spec = ALERT_ACTIONS.get(action)
    if spec is None:
        raise Http404
    alert: Alert = visible_or_404(selectors.alerts_visible_to(request.user), pk)
    form = (
        OutcomeForm(request.POST, alert_assets=list(alert.assets.order_by("pk")))
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
    selectors.require_member(request.user)
    upcoming = request.GET.get("upcoming") == "1"
    meetings = selectors.meeting_list(request.user, upcoming=upcoming)
    return render(request, "network/meeting_list.html", {"meetings": meetings, "upcoming": upcoming})


@case_reader_required
@require_http_methods(["GET", "POST"])
def meeting_create(request: AuthedRequest) -> HttpResponse:
    selectors.require_member(request.user)
    writing_authority(request)
    if (to_token := form_token_redirect(request)) is not None:
        return to_token
    invitable = list(selectors.other_members(request.user))
    cases = list(assets_selectors.case_list(request.user))
    form = MeetingForm(
        request.POST or None, token=address_form_token(request), invitable=invitable, cases=cases
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        del data["form_token"]
        chosen = set(data["participants"])
        data["participants"] = [a for a in invitable if a.pk in chosen]
        data["asset_cases"] = [c for c in cases if c.pk in set(data["asset_cases"])]
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
    selectors.require_member(request.user)
    return render(request, "network/meeting_detail.html", _meeting_context(request, pk))


@case_reader_required
@require_POST
def meeting_action(request: AuthedRequest, pk: int, action: str, target: int | None = None) -> HttpResponse:
    """The meeting page's forms: the agenda and minutes, a new action item, an item done."""
    selectors.require_member(request.user)
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
