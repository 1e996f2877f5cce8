"""The public pages of the transparency log: readable by anyone, without logging in."""

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comity.accounts.http import AuthedRequest, read_only_refusal
from comity.accounts.models import User
from comity.core.forms import add_service_errors
from comity.core.policy import may_write
from comity.ledger import selectors, services
from comity.ledger.forms import AgreementForm, CorrectionForm, DisbursementForm
from comity.ledger.models import LedgerEntry
from comity.ledger.selectors import Agreement

CHART_WIDTH, CHART_HEIGHT, CHART_PAD = 640, 220, 36


def _may_record(user: User | AnonymousUser, agreement: Agreement | None = None) -> bool:
    if not isinstance(user, User) or not may_write(user) or user.authority is None:
        return False
    if agreement is None:
        return True
    return user.authority.country in (
        agreement.content["returning_state"],
        agreement.content["receiving_state"],
    )


def disbursement_chart(agreement: Agreement) -> dict[str, Any]:
    """Cumulative disbursements over time against the amount returned, as SVG coordinates."""
    start = datetime.date.fromisoformat(agreement.content["signed_on"])
    dated = sorted(
        (datetime.date.fromisoformat(d.content["date"]), Decimal(d.content["amount"]))
        for d in agreement.disbursements
        if not d.void
    )
    end = max([start + datetime.timedelta(days=30)] + [day for day, _a in dated])
    span = (end - start).days or 1
    top = max(agreement.amount, agreement.disbursed) or Decimal(1)
    inner_w, inner_h = CHART_WIDTH - 2 * CHART_PAD, CHART_HEIGHT - 2 * CHART_PAD

    def x(day: datetime.date) -> float:
        return round(CHART_PAD + inner_w * (day - start).days / span, 1)

    def y(amount: Decimal) -> float:
        return round(CHART_HEIGHT - CHART_PAD - float(inner_h * amount / top), 1)

    total, points = Decimal(0), [(x(start), y(Decimal(0)))]
    for day, amount in dated:
        points.append((x(day), points[-1][1]))
        total += amount
        points.append((x(day), y(total)))
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "points": " ".join(f"{px},{py}" for px, py in points),
        "amount_y": y(agreement.amount),
        "left": CHART_PAD,
        "right": CHART_WIDTH - CHART_PAD,
        "bottom": CHART_HEIGHT - CHART_PAD,
        "start": start,
        "end": end,
        "last_x": points[-1][0],
        "last_y": points[-1][1],
    }


def _index_context(request: HttpRequest, form: AgreementForm) -> dict[str, Any]:
    return {
        "agreements": selectors.agreement_list(),
        "head": selectors.latest_tree_head(),
        "verifier_key": _verifier_key(),
        "may_record": _may_record(request.user),
        "form": form,
    }


def ledger_index(request: HttpRequest) -> HttpResponse:
    return render(request, "ledger/index.html", _index_context(request, AgreementForm()))


def _verifier_key() -> str:
    try:
        return services.signer().verifier_key
    except services.LedgerNotInitialised:
        return ""


def agreement_page(request: HttpRequest, index: int) -> HttpResponse:
    agreement = selectors.agreement_detail(index)
    return render(request, "ledger/agreement.html", _agreement_context(request, agreement))


def _correctable(agreement: Agreement) -> list[tuple[int, str]]:
    """The entries a correction may name: the agreement and its payments not voided."""
    return [(agreement.index, _("#%(n)d the agreement") % {"n": agreement.index})] + [
        (d.index, f"#{d.index} {d.content['date']} {d.content['amount']} {d.content['currency']}")
        for d in agreement.disbursements
        if not d.void
    ]


def _agreement_context(request: HttpRequest, agreement: Agreement, **forms: Any) -> dict[str, Any]:
    return {
        "agreement": agreement,
        "chart": disbursement_chart(agreement),
        "head": selectors.latest_tree_head(),
        "verifier_key": _verifier_key(),
        "may_record": _may_record(request.user, agreement),
        "disbursement_form": forms.get("disbursement_form")
        or DisbursementForm(initial={"currency": agreement.content["currency"]}),
        "correction_form": forms.get("correction_form") or CorrectionForm(entries=_correctable(agreement)),
        "remaining": agreement.amount - agreement.disbursed,
    }


@login_required
@require_POST
def agreement_create(request: AuthedRequest) -> HttpResponse:
    if not _may_record(request.user):
        raise read_only_refusal()
    form = AgreementForm(request.POST)
    if form.is_valid():
        try:
            entry = services.agreement_record(actor=request.user, data=form.cleaned_data)
        except PermissionDenied as refused:
            # The form again, as typed, with the reason: nothing of it is lost.
            form.add_error(None, str(refused))
            return render(request, "ledger/index.html", _index_context(request, form), status=403)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Return agreement recorded in the log as entry %(n)d.") % {"n": entry.pk}
            )
            return redirect("ledger-agreement", index=entry.pk)
    return render(request, "ledger/index.html", _index_context(request, form), status=422)


@login_required
@require_POST
def disbursement_create(request: AuthedRequest, index: int) -> HttpResponse:
    agreement = selectors.agreement_detail(index)
    form = DisbursementForm(request.POST)
    if not form.is_valid():
        return _show_form(request, agreement, disbursement_form=form)
    return _record_or_show(
        request,
        agreement,
        form,
        "disbursement_form",
        _("Disbursement recorded in the log as entry %(n)d."),
        lambda: services.disbursement_record(
            actor=request.user, agreement_index=index, data=form.cleaned_data
        ),
    )


def _show_form(request: AuthedRequest, agreement: Agreement, status: int = 422, **form: Any) -> HttpResponse:
    return render(
        request, "ledger/agreement.html", _agreement_context(request, agreement, **form), status=status
    )


def _record_or_show(
    request: AuthedRequest,
    agreement: Agreement,
    form: Any,
    form_name: str,
    message: str,
    record: Callable[[], LedgerEntry],
) -> HttpResponse:
    """Record through a service; on success say so and go back to the agreement, else show the errors."""
    try:
        entry = record()
    except PermissionDenied as refused:
        form.add_error(None, str(refused))
        return _show_form(request, agreement, status=403, **{form_name: form})
    except ValidationError as error:
        add_service_errors(form, error)
        return _show_form(request, agreement, **{form_name: form})
    messages.success(request, message % {"n": entry.pk})
    return redirect("ledger-agreement", index=agreement.index)


@login_required
@require_POST
def correction_create(request: AuthedRequest, index: int) -> HttpResponse:
    agreement = selectors.agreement_detail(index)
    form = CorrectionForm(request.POST, entries=_correctable(agreement))
    if form.is_valid():
        data = form.cleaned_data
        target = data["corrects"]
        original = (
            agreement.content
            if target == agreement.index
            else next(d.content for d in agreement.disbursements if d.index == target)
        )
        replacement = (
            None
            if data["void"]
            else {k: v for k, v in original.items() if k != "logged_at"}
            | {name: data[name] for name in ("amount", "date") if data.get(name)}
        )
        if target == agreement.index and data.get("date"):
            replacement = (replacement or {}) | {"signed_on": data["date"]}
        return _record_or_show(
            request,
            agreement,
            form,
            "correction_form",
            _("Correction recorded in the log as entry %(n)d."),
            lambda: services.correction_record(
                actor=request.user, corrects=target, reason=data["reason"], replacement=replacement
            ),
        )
    return _show_form(request, agreement, correction_form=form)
