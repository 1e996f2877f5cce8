"""What every app's pages share: a form submitted once, whatever the Back button and double clicks do.

The request type of logged-in pages, and the decorators that check a role, are `accounts.http`'s."""

from collections.abc import Callable
from typing import TypeVar

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header

from comity.core.forms import OnceForm, is_form_token, new_form_token
from comity.core.services import KeyReused, Submitted, submission_fingerprint, submit_once

M = TypeVar("M", bound=models.Model)
FORM_TOKEN_PARAMETER = "once"


def submit_form_once(request: HttpRequest, form: OnceForm, create: Callable[[], M]) -> Submitted[M]:
    """`create` (a service call) run once per showing of the valid `form` (see `OnceForm`): the
    form's token submitted again gives what the first submission created."""
    try:
        return submit_once(
            actor=authenticated_user(request),
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


def authenticated_user(request: HttpRequest) -> AbstractBaseUser:
    """The user of a request that login or the API's authentication let through."""
    assert isinstance(request.user, AbstractBaseUser), "reached without authentication"
    return request.user


def download_response(content: bytes, content_type: str, name: str) -> HttpResponse:
    """A stored file as a download, never shown inline: a file someone uploaded is not run nor
    rendered in Comity's origin, whatever it claims to be."""
    response = HttpResponse(bytes(content), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name) or "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
