"""Request types for views and endpoints that only authenticated users reach."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from comity.accounts.models import User


class AuthedRequest(HttpRequest):
    """An HttpRequest after login_required or API authentication, with django-htmx's details."""

    user: User
    htmx: HtmxDetails
