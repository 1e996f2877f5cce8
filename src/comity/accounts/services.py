"""Writes on authorities, users and tokens: typed, atomic, audited."""

import datetime
import hashlib
import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comity.accounts.choices import AuthorityKind, Role
from comity.accounts.models import ApiToken, Authority, User
from comity.core.services import audit
from comity.reference.countries import is_country

TOKEN_BYTES = 32


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def authority_create(
    *, actor: User | None, name: str, country: str, kind: str, external: bool = False
) -> Authority:
    country = country.strip().upper()
    errors = {}
    if not is_country(country):
        errors["country"] = _("Unknown country code %(code)s: use ISO 3166-1 alpha-2, e.g. PE.") % {
            "code": country
        }
    if kind not in AuthorityKind.values:
        errors["kind"] = _("Unknown kind %(kind)s; allowed: %(allowed)s.") % {
            "kind": kind,
            "allowed": ", ".join(AuthorityKind.values),
        }
    if not name.strip():
        errors["name"] = _("The name is required.")
    if errors:
        raise ValidationError(errors)
    authority = Authority(name=name.strip(), country=country, kind=kind, external=external)
    authority.full_clean()
    authority.save()
    audit(actor=actor, action="authority.create", obj=authority, fields=["name", "country", "kind"])
    return authority


@transaction.atomic
def user_create(
    *, actor: User | None, username: str, authority: Authority, role: str, password: str, email: str = ""
) -> User:
    if role not in Role.values:
        raise ValidationError(
            {
                "role": _("Unknown role %(role)s; allowed: %(allowed)s.")
                % {"role": role, "allowed": ", ".join(Role.values)}
            }
        )
    if authority.external:
        raise ValidationError({"authority": _("An external authority has no users in Comity.")})
    user = User(username=username, authority=authority, role=role, email=email, is_staff=role == Role.ADMIN)
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from error
    user.set_password(password)
    user.full_clean()
    user.save()
    audit(actor=actor, action="user.create", obj=user, fields=["username", "authority", "role"])
    return user


@transaction.atomic
def token_create(*, actor: User | None, user: User) -> str:
    """Create a token for `user` and return it; only its hash is kept."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    api_token = ApiToken.objects.create(user=user, key_hash=hash_token(token), prefix=token[:8])
    audit(actor=actor, action="token.create", obj=api_token)
    return token


# "Last used" is kept to within this: writing it at every call would put a write (and, on SQLite,
# the database's single write lock) on every read of the API.
TOKEN_TOUCH_INTERVAL = datetime.timedelta(minutes=5)


def token_touch(api_token: ApiToken) -> None:
    now = timezone.now()
    if api_token.last_used_at is None or now - api_token.last_used_at >= TOKEN_TOUCH_INTERVAL:
        ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
