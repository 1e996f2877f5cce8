"""How the API knows its caller: an API token, or a logged-in session that gave its second factor."""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.http.request import split_domain_port
from django_otp_webauthn.helpers import WebAuthnHelper as LibraryWebAuthnHelper
from ninja.security import HttpBearer, SessionAuth

from comity.accounts.mfa import mfa_pending
from comity.accounts.selectors import user_for_token
from comity.accounts.services import token_touch

# What may be checked of a caller once known, before django-ninja reads the path's values, the
# query or the body (it authenticates first): raise Http404 to refuse an outsider.
Gate = Callable[[HttpRequest, Any], None]


def _through(gate: Gate | None, request: HttpRequest, user: Any) -> Any:
    if user is not None and gate is not None:
        gate(request, user)
    return user


class BearerToken(HttpBearer):
    def __init__(self, gate: Gate | None = None) -> None:
        super().__init__()
        self.gate = gate

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = user_for_token(token)
        if found is None:
            return None
        user, api_token = found
        token_touch(api_token)
        request.user = user
        return _through(self.gate, request, user)


class VerifiedSession(SessionAuth):
    """A logged-in session, once it gave its second factor where one is owed (accounts.mfa)."""

    def __init__(self, gate: Gate | None = None) -> None:
        super().__init__()
        self.gate = gate

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is not None and mfa_pending(user):
            return None
        return _through(self.gate, request, user)


# Every endpoint takes a token or a logged-in session (with CSRF for unsafe methods).
api_auth = [BearerToken(), VerifiedSession()]


def gated(gate: Gate) -> list[HttpBearer | SessionAuth]:
    """`api_auth` that also runs `gate` on the caller it found: an endpoint whose outsiders get a
    404 uses it, since django-ninja validates a body (422) or a path before the view runs, and
    authenticates before both. The OpenAPI schemes stay those of `api_auth`."""
    return [BearerToken(gate), VerifiedSession(gate)]


def webauthn_rp_id(request: HttpRequest) -> str:
    """The WebAuthn relying party: the domain the user browses (ALLOWED_HOSTS has vetted it)."""
    domain, _port = split_domain_port(request.get_host())
    return domain


class WebAuthnHelper(LibraryWebAuthnHelper):
    """A security key's signature is valid for the origin the user browses, as ALLOWED_HOSTS vets
    it (a phishing site's origin, which the browser signs instead, never matches)."""

    def get_allowed_origins(self) -> list[str]:
        return [f"{self.request.scheme}://{self.request.get_host()}"]
