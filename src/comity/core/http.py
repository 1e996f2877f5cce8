"""Request types for views and endpoints that only authenticated users reach."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from comity.accounts.models import Authority, User


class AuthedRequest(HttpRequest):
    """An HttpRequest after login_required or API authentication, with django-htmx's details."""

    user: User
    htmx: HtmxDetails


def writing_authority(request: AuthedRequest) -> Authority:
    """The authority the user writes for (imports, new cases); 403 for roles that only read."""
    authority = request.user.authority
    if not request.user.writes_cases or authority is None:
        raise PermissionDenied
    return authority
