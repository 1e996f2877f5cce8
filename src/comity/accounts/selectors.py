"""Reads on authorities and users."""

from functools import cache
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django_otp_webauthn.models import WebAuthnCredential

from comity.accounts.choices import NON_PARTY_KINDS, Role
from comity.accounts.models import ApiToken, Authority, User
from comity.accounts.services import hash_token
from comity.core.statements import Statement, columns, instance, placeholder_id


def user_for_token(token: str) -> tuple[User, ApiToken] | None:
    """The active user of an API token that is neither revoked nor expired, with the token."""
    rows = _token_statement(connection.vendor).rows(key_hash=hash_token(token))
    if not rows:
        return None
    api_token = instance(ApiToken, rows[0])
    if api_token.expires_at is not None and api_token.expires_at <= timezone.now():
        return None
    api_token.user = _user_of(rows[0], "user__")
    return api_token.user, api_token


def user_with_authority(pk: int) -> User | None:
    """The user with this id and their authority (every page shows it and scopes by it), or None."""
    rows = _user_statement(connection.vendor).rows(user=int(pk))
    return _user_of(rows[0], "") if rows else None


_ANY_USER = placeholder_id(0)
_ANY_KEY_HASH = "placeholder-key-hash"


def _user_columns(prefix: str) -> list[str]:
    return [f"{prefix}{name}" for name in columns(User)] + [
        f"{prefix}authority__{name}" for name in columns(Authority)
    ]


def _user_of(row: dict[str, Any], prefix: str) -> User:
    user = instance(User, row, prefix)
    user.authority = None if user.authority_id is None else instance(Authority, row, f"{prefix}authority__")
    return user


# Every request reads its user, by the session's user id or the API token's digest: the two
# statements are compiled once per database, since building them cost more than running them.


@cache
def _user_statement(vendor: str) -> Statement:
    query = User.objects.filter(pk=_ANY_USER).order_by().values(*_user_columns(""))
    return Statement.of(query, {"user": _ANY_USER})


@cache
def _token_statement(vendor: str) -> Statement:
    query = (
        ApiToken.objects.filter(key_hash=_ANY_KEY_HASH, revoked=False, user__is_active=True)
        .order_by()
        .values(*columns(ApiToken), *_user_columns("user__"))
    )
    return Statement.of(query, {"key_hash": _ANY_KEY_HASH})


def tokens_visible_to(actor: User) -> QuerySet[ApiToken]:
    """The tokens `actor` may see and revoke: their own; an administrator, also those of the users
    of their authority (every one, for a superuser)."""
    tokens = ApiToken.objects.select_related("user").order_by("-created_at", "-pk")
    if actor.is_superuser:
        return tokens
    if actor.role == Role.ADMIN and actor.authority_id is not None:
        return tokens.filter(Q(user=actor) | Q(user__authority_id=actor.authority_id))
    return tokens.filter(user=actor)


def token_for_actor(actor: User, pk: int) -> ApiToken:
    """One token `actor` may see, or 404."""
    token = tokens_visible_to(actor).filter(pk=pk).first()
    if token is None:
        raise Http404
    return token


def party_authorities() -> QuerySet[Authority]:
    """The authorities that may be a party to a cooperation request (those in Comity and the
    external ones known by name), in the directory's order: every kind but the secretariat.
    Authorities are a public directory among Comity's users: names and countries only."""
    return Authority.objects.order_by("country", "name").exclude(kind__in=NON_PARTY_KINDS)


def security_keys_of(user: User) -> QuerySet[WebAuthnCredential]:
    """The security keys (WebAuthn credentials) `user` registered, oldest first."""
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("created_at", "pk")
