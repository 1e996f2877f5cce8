"""The federation's page for the deployment's administrators: peers, the outbox with a retry, and
packages carried as files (ADR 11) where no network link is allowed. 404 to everybody else."""

import functools
from typing import Any, TypeVar

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from comity.accounts.http import AuthedRequest
from comity.core.forms import UploadField
from comity.core.pagination import numbered_page
from comity.federation import selectors, services
from comity.federation.choices import REASON_TEXTS, MessageState
from comity.federation.keys import fingerprint
from comity.federation.views import JOSE

PAGE_SIZE = 50
V = TypeVar("V")


def administrator_required(view: V) -> V:
    """`login_required`, then 404 for anyone but the deployment's administrators."""

    @functools.wraps(view)  # type: ignore[arg-type]
    def wrapper(request: AuthedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not selectors.may_administer(request.user):
            raise Http404
        return view(request, *args, **kwargs)  # type: ignore[operator]

    return login_required(wrapper)  # type: ignore[return-value]


def _package_limit() -> int:
    return settings.COMITY_FEDERATION_MAX_PACKAGE_BYTES


class PackageImportForm(forms.Form):
    package = UploadField(label=gettext_lazy("Package file"), limit=_package_limit)


def _state(request: AuthedRequest) -> str:
    state = request.GET.get("state", "")
    return state if state in MessageState.values else ""


@administrator_required
def overview(
    request: AuthedRequest, form: PackageImportForm | None = None, status: int = 200
) -> HttpResponse:
    state = _state(request)
    pager = numbered_page(
        request, selectors.outbox(state or None).order_by("-pk").values(*selectors.OUTBOX_FIELDS), PAGE_SIZE
    )
    document = selectors.key_document()
    context = {
        "deployment": selectors.deployment(),
        "fingerprint": fingerprint(document) if document else "",
        "peers": selectors.peer_overview(),
        "rows": selectors.outbox_rows(list(pager["page"].object_list)),
        "state": state,
        "states": MessageState.choices,
        "form": form or PackageImportForm(),
        **pager,
    }
    return render(request, "federation/overview.html", context, status=status)


def _outbound(pk: int) -> Any:
    message = selectors.outbox().filter(pk=pk).first()
    if message is None:
        raise Http404
    return message


@administrator_required
@require_POST
def message_retry(request: AuthedRequest, pk: int) -> HttpResponse:
    message = _outbound(pk)
    try:
        services.message_retry(actor=request.user, message=message)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The message will be sent again at once."))
    return redirect("federation-overview")


@administrator_required
def message_package(request: AuthedRequest, pk: int) -> HttpResponse:
    """The sealed package, as `comity federation export` writes it: encrypted to the peer."""
    message = _outbound(pk)
    response = HttpResponse(message.package, content_type=JOSE)
    response["Content-Disposition"] = f'attachment; filename="{message.message_id}.jose"'
    return response


@administrator_required
@require_POST
def package_import(request: AuthedRequest) -> HttpResponse:
    """Receive a package from a file, as the inbox would (`comity federation import`)."""
    if selectors.deployment() is None:
        raise Http404
    form = PackageImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return overview(request, form=form, status=422)
    answer = services.inbox_receive(form.cleaned_data["package"].content.strip())
    if not answer.accepted:
        reason = REASON_TEXTS.get(answer.reason or "", answer.reason or "")
        form.add_error("package", _("The package was refused: %(reason)s.") % {"reason": reason})
        return overview(request, form=form, status=422)
    messages.success(request, _("The package was received."))
    return redirect("federation-overview")
