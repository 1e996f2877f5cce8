"""Who must give a second factor (OWASP ASVS 2.7): the roles of COMITY_MFA_REQUIRED_ROLES, and
anyone who enrolled an authenticator of their own accord."""

from django.conf import settings
from django_otp import user_has_device

from comity.accounts.models import User


def mfa_required(user: User) -> bool:
    return user.role in settings.COMITY_MFA_REQUIRED_ROLES or bool(
        user.is_superuser and "admin" in settings.COMITY_MFA_REQUIRED_ROLES
    )


def mfa_enrolled(user: User) -> bool:
    return bool(user_has_device(user, confirmed=True))


def mfa_pending(user: User) -> bool:
    """A logged-in user who has not yet given the second factor this session, and must."""
    if not user.is_authenticated or user.is_verified():  # type: ignore[attr-defined]
        return False
    return mfa_required(user) or mfa_enrolled(user)
