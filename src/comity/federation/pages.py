"""The federation's page for the deployment's administrators: peers with where their trust comes
from and a revocation, the messages exchanged with them with a retry, and packages carried as files
(ADR 11) where no network link is allowed, with the receipt to carry back. 404 to everybody else."""

import base64
import functools
import json
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
from django.views.decorators.http import require_http_methods, require_POST
from joserfc import jws

from comity.accounts.http import AuthedRequest
from comity.core.forms import UploadField
from comity.core.pagination import numbered_page
from comity.federation import delivery, packages, selectors, services
from comity.federation.choices import REASON_TEXTS, MessageState, PeerState
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


def _peer_filter(request: AuthedRequest, peers: list[Any]) -> Any:
    """The peer whose messages alone are listed (`?peer=ID` of a listed peer), or None."""
    wanted = request.GET.get("peer", "")
    return next((peer for peer in peers if str(peer.pk) == wanted), None)


@administrator_required
def overview(
    request: AuthedRequest,
    form: PackageImportForm | None = None,
    status: int = 200,
    receipt: dict[str, str] | None = None,
) -> HttpResponse:
    state = _state(request)
    peers = list(selectors.peer_overview())
    shown = _peer_filter(request, peers)
    pager = numbered_page(
        request,
        selectors.exchanged(state or None, shown.pk if shown else None)
        .order_by("-pk")
        .values(*selectors.OUTBOX_FIELDS),
        PAGE_SIZE,
    )
    document = selectors.key_document()
    context = {
        "deployment": selectors.deployment(),
        "fingerprint": fingerprint(document) if document else "",
        "peers": peers,
        "shown_peer": shown,
        "rows": selectors.outbox_rows(list(pager["page"].object_list)),
        "state": state,
        "states": MessageState.choices,
        "form": form or PackageImportForm(),
        "receipt": receipt,
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


def _receipt_offer(token: str, accepted: bool) -> dict[str, str]:
    """The receipt just signed for a package file, offered as a file to carry back to its sender:
    in the page itself (a data address), since a refusal's receipt is kept nowhere else."""
    # Signed here a moment ago: its claims are read for the file's name, not trusted for more.
    claims = json.loads(jws.extract_compact(token.encode("ascii")).payload)
    named = claims.get("message_id")
    return {
        "accepted": "1" if accepted else "",
        "href": "data:application/jose;base64," + base64.b64encode(token.encode("ascii")).decode("ascii"),
        "file_name": f"receipt-{named}.jose" if named else "receipt.jose",
    }


@administrator_required
@require_POST
def package_import(request: AuthedRequest) -> HttpResponse:
    """Receive a package from a file, as the inbox would (`comity federation import`), and offer
    the signed receipt (delivery or refusal) to carry back, as `--receipt FILE` writes it."""
    if selectors.deployment() is None:
        raise Http404
    form = PackageImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return overview(request, form=form, status=422)
    content = form.cleaned_data["package"].content.strip()
    if packages.is_receipt(content):  # the peer's receipt for a package carried to it as a file
        try:
            message, settled = delivery.receipt_import(content.decode("ascii", "replace"))
        except ValidationError as error:
            for problem in error.message_dict.get("receipt", []):
                form.add_error("package", problem)
            return overview(request, form=form, status=422)
        if settled:
            messages.success(
                request,
                _("Receipt recorded: message %(id)s is now “%(state)s”.")
                % {"id": message.message_id, "state": message.get_state_display()},
            )
        else:
            messages.info(request, _("This message was settled already: the receipt changes nothing."))
        return redirect("federation-overview")
    answer = services.inbox_receive(content)
    receipt = _receipt_offer(answer.receipt, answer.accepted)
    if not answer.accepted:
        reason = REASON_TEXTS.get(answer.reason or "", answer.reason or "")
        form.add_error("package", _("The package was refused: %(reason)s.") % {"reason": reason})
        return overview(request, form=form, status=422, receipt=receipt)
    return overview(request, receipt=receipt)


@administrator_required
def message_receipt(request: AuthedRequest, pk: int) -> HttpResponse:
    """The DELIVERY receipt signed here for a message a peer sent, to carry back to it as a file."""
    message, token = selectors.received_receipt(pk)
    response = HttpResponse(token, content_type=JOSE)
    response["Content-Disposition"] = f'attachment; filename="receipt-{message.message_id}.jose"'
    return response


@administrator_required
@require_http_methods(["GET", "POST"])
def peer_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    """Stop trusting a peer, after a page that says what follows (GET) and a confirmation (POST)."""
    peer = selectors.peer_or_404(pk)
    if peer.state != PeerState.TRUSTED:
        messages.info(request, _("This peer deployment is already revoked."))
        return redirect("federation-overview")
    if request.method == "POST":
        services.peer_revoke(actor=request.user, peer=peer)
        messages.success(
            request, _("%(peer)s is no longer trusted: its packages are refused.") % {"peer": peer.name}
        )
        return redirect("federation-overview")
    return render(request, "federation/peer_revoke.html", {"peer": peer})
