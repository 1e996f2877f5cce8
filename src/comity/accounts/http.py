"""Request types and checks for the pages and endpoints that only authenticated users reach."""

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from django_htmx.middleware import HtmxDetails

from comity.accounts.models import Authority, User
from comity.core.policy import may_write, require_reader


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
    def wrapper(request: AuthedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        require_reader(request.user)
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
    if not may_write(request.user) or authority is None:
        raise read_only_refusal()
    return authority
