"""Sessions end after a while without activity (OWASP ASVS 3.3), besides their absolute lifetime."""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

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
