"""Request types for views and endpoints that only authenticated users reach."""

import functools
from collections.abc import Callable
from typing import TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from django_htmx.middleware import HtmxDetails

from comity.accounts.models import Authority, User
from comity.core.forms import OnceForm, is_form_token, new_form_token
from comity.core.services import KeyReused, Submitted, submission_fingerprint, submit_once

M = TypeVar("M", bound=models.Model)
FORM_TOKEN_PARAMETER = "once"


class AuthedRequest(HttpRequest):
    """An HttpRequest after login_required or API authentication, with django-htmx's details."""

    user: User
    htmx: HtmxDetails


V = TypeVar("V", bound=Callable[..., HttpResponseBase])


def case_reader_required(view: V) -> V:
    """`login_required`, then 404 for a role that reads no case (the secretariat, administrators):
    to them the pages of cases, lists and imports included, do not exist, as a case of another
    authority does not."""

    @functools.wraps(view)
    def wrapper(request: AuthedRequest, *args, **kwargs) -> HttpResponseBase:
        if not request.user.reads_cases:
            raise Http404
        return view(request, *args, **kwargs)

    return login_required(wrapper)  # type: ignore[return-value]


def read_only_refusal() -> PermissionDenied:
    """What a page says to a user whose role reads cases but does not change them."""
    return PermissionDenied(
        _(
            "Your role reads cases but does not change them: an officer or a head of unit of your authority can do this."
        )
    )


def writing_authority(request: AuthedRequest) -> Authority:
    """The authority the user writes for (imports, new cases); 403 for roles that only read."""
    authority = request.user.authority
    if not request.user.writes_cases or authority is None:
        raise read_only_refusal()
    return authority


def submit_form_once(request: AuthedRequest, form: OnceForm, create: Callable[[], M]) -> Submitted[M]:
    """`create` (a service call) run once per showing of the valid `form` (see `OnceForm`): the
    form's token submitted again gives what the first submission created."""
    try:
        return submit_once(
            actor=request.user,
            key=form.cleaned_data["form_token"],
            fingerprint=submission_fingerprint(request.path),
            create=create,
        )
    except KeyReused:
        raise ValidationError(OnceForm.base_fields["form_token"].error_messages["required"]) from None


def form_token_redirect(request: HttpRequest) -> HttpResponse | None:
    """For a page whose form creates something (see `OnceForm`): its address carries the form's
    one-time token (`?once=`). A GET without one is answered with this redirect to an address
    with a new one; None when the address has one (or for a POST).

    The Back button then returns to the address of the form that was submitted, and the form
    comes back with its token whether the browser shows it from its cache or fetches it again:
    it fetches it again after a successful post to that address, which a cache must forget.
    """
    if request.method != "GET" or address_form_token(request):
        return None
    query = request.GET.copy()
    query[FORM_TOKEN_PARAMETER] = new_form_token()
    return HttpResponseRedirect(f"{request.path}?{query.urlencode()}")


def address_form_token(request: HttpRequest) -> str | None:
    """The one-time token a page's address gives its form (`form_token_redirect`)."""
    token = request.GET.get(FORM_TOKEN_PARAMETER, "")
    return token if is_form_token(token) else None
