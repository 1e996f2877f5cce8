"""Reads on authorities and users."""

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django_otp_webauthn.models import WebAuthnCredential

from comity.accounts.choices import NON_PARTY_KINDS, Role
from comity.accounts.models import ApiToken, Authority, User
from comity.accounts.services import hash_token


def user_for_token(token: str) -> tuple[User, ApiToken] | None:
    # get(), not first(): the key is unique, and ordering the match is work for nothing.
    try:
        api_token = ApiToken.objects.select_related("user", "user__authority").get(
            key_hash=hash_token(token), revoked=False, user__is_active=True
        )
    except ApiToken.DoesNotExist:
        return None
    if api_token.expires_at is not None and api_token.expires_at <= timezone.now():
        return None
    return api_token.user, api_token


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
