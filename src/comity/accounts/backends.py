from typing import Any

from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from comity.accounts.models import User
from comity.accounts.selectors import user_with_authority


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' check that the account or the address is not locked out after failed logins,
    for logins over the web (which always have a request). A program's own `authenticate` without
    one (a test client's login, a shell) is not a login attempt to count."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


class AuthorityModelBackend(ModelBackend):
    """Loads the user's authority with the user: every page shows it and scopes by it."""

    def get_user(self, user_id: int) -> User | None:
        user = user_with_authority(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
