"""Sessions end after a while without activity (OWASP ASVS 3.3), besides their absolute lifetime;
and a user who must give a second factor gives it before any page opens (ASVS 2.7)."""

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.translation import gettext as _

from comity.accounts.mfa import mfa_enrolled, mfa_pending, mfa_required
from comity.accounts.models import User

LAST_SEEN = "comity_last_seen"
# The session records activity at most this often: a write at every page would put the session
# store (and, on SQLite, the database's one write lock) on every read.
TOUCH_EVERY = 60


class IdleTimeoutMiddleware:
    """Logs out a session idle for COMITY_IDLE_MINUTES, and says why on the login page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            last = request.session.get(LAST_SEEN)
            if last is not None and now - int(last) > settings.COMITY_IDLE_MINUTES * 60:
                logout(request)
                messages.info(
                    request,
                    _("Your session ended after %(minutes)d minutes without activity: log in again.")
                    % {"minutes": settings.COMITY_IDLE_MINUTES},
                )
                response = redirect_to_login(request.get_full_path())
                if request.headers.get("HX-Request"):
                    response["HX-Redirect"] = response["Location"]
                return response
            if last is None or now - int(last) >= TOUCH_EVERY:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


# The pages a user who still owes the second factor may open.
SECOND_FACTOR_PAGES = frozenset(
    {
        "mfa-verify",
        "mfa-setup",
        "logout",
        "login",
        "password_reset",
        "healthz",
        # A security key given as the second factor (registering one needs the second factor first).
        "credential-authentication-begin",
        "credential-authentication-complete",
        "js-i18n-catalog",
    }
)
NO_DEVICE = "comity_mfa_no_device"


class SecondFactorMiddleware:
    """After the password, a user who must give a second factor (accounts.mfa) is sent to give
    it, or to enrol an authenticator if they have none; until then no other page opens. The API
    refuses such a session (accounts.auth); tokens are unaffected."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not self._exempt(request)
            and self._owes(request, user)
        ):
            target = "mfa-verify" if mfa_enrolled(user) else "mfa-setup"
            response = redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
            if request.headers.get("HX-Request"):
                response["HX-Redirect"] = response["Location"]
            return response
        return self.get_response(request)

    @staticmethod
    def _owes(request: HttpRequest, user: Any) -> bool:
        """`user` as django-otp's middleware left it, with `is_verified()`."""
        if request.session.get(NO_DEVICE) and not mfa_required(user):
            return False  # known to have no authenticator: no query at every page
        pending = mfa_pending(user)
        if not pending and not user.is_verified():
            request.session[NO_DEVICE] = True
        return pending

    @staticmethod
    def _exempt(request: HttpRequest) -> bool:
        if request.path.startswith(("/api/", "/" + settings.STATIC_URL.lstrip("/"))):
            return True
        try:
            return resolve(request.path_info).url_name in SECOND_FACTOR_PAGES
        except Resolver404:
            return True


@receiver(user_logged_in, dispatch_uid="comity-session-start")
def _session_start(sender: object, request: HttpRequest | None, user: User, **kwargs: object) -> None:
    """What the middlewares above read at every page, known from the login on: when the session
    was last active, and whether the user has any authenticator (no query at each page)."""
    if request is None or not hasattr(request, "session"):
        return
    request.session[LAST_SEEN] = int(time.time())
    request.session[NO_DEVICE] = not mfa_enrolled(user)


class UserLanguageMiddleware:
    """A logged-in user's pages in the language of their profile, wherever they log in from; the
    browser's cookie or Accept-Language otherwise (django's LocaleMiddleware, before this). An API
    call that says which language it wants (Accept-Language) gets it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = getattr(request.user, "language", "")
        asked = request.path.startswith("/api/") and "HTTP_ACCEPT_LANGUAGE" in request.META
        if not language or asked:
            return self.get_response(request)
        # For this request only: the thread serves others after it, and a command or a task run
        # in it later must not speak this user's language.
        request.LANGUAGE_CODE = language
        with translation.override(language):
            response = self.get_response(request)
        response.headers["Content-Language"] = language
        return response
