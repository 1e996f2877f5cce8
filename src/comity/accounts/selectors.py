"""Reads on authorities and users."""

from django.db.models import QuerySet

from comity.accounts.choices import NON_PARTY_KINDS
from comity.accounts.models import ApiToken, Authority, User
from comity.accounts.services import hash_token


def user_for_token(token: str) -> tuple[User, ApiToken] | None:
    # get(), not first(): the key is unique, and ordering the match cost a quarter of the lookup.
    try:
        api_token = ApiToken.objects.select_related("user", "user__authority").get(
            key_hash=hash_token(token), revoked=False, user__is_active=True
        )
    except ApiToken.DoesNotExist:
        return None
    return api_token.user, api_token


def authority_list() -> QuerySet[Authority]:
    """Authorities are a public directory among Comity's users: names and countries only."""
    return Authority.objects.order_by("country", "name")


def party_authorities() -> QuerySet[Authority]:
    """The authorities that may be a party to a cooperation request (those in Comity and the
    external ones known by name), in the directory's order: every kind but the secretariat."""
    return authority_list().exclude(kind__in=NON_PARTY_KINDS)
