"""Reads on authorities and users."""

from django.db.models import QuerySet

from comity.accounts.models import ApiToken, Authority, User
from comity.accounts.services import hash_token


def user_for_token(token: str) -> tuple[User, ApiToken] | None:
    api_token = (
        ApiToken.objects.select_related("user", "user__authority")
        .filter(key_hash=hash_token(token), revoked=False, user__is_active=True)
        .first()
    )
    return (api_token.user, api_token) if api_token else None


def authority_list() -> QuerySet[Authority]:
    """Authorities are a public directory among Comity's users: names and countries only."""
    return Authority.objects.order_by("country", "name")
