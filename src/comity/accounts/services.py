"""Writes on authorities, users and tokens: typed, atomic, audited."""

import datetime
import hashlib
import secrets
from collections.abc import Sequence

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import match_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from comity.accounts.choices import GRANTABLE_PERMISSIONS, AuthorityKind, Role
from comity.accounts.models import ApiToken, Authority, User
from comity.core.choices import AuditAction
from comity.core.errors import FieldErrors
from comity.core.services import audit

TOKEN_BYTES = 32
MAX_TOKEN_DAYS = 366


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def authority_create(
    *, actor: User | None, name: str, country: str, kind: str, external: bool = False
) -> Authority:
    country = country.strip().upper()
    errors = FieldErrors()
    errors.country("country", country)
    errors.code("kind", kind, AuthorityKind)
    errors.required("name", name)
    errors.raise_if_any()
    authority = Authority(name=name.strip(), country=country, kind=kind, external=external)
    authority.full_clean()
    authority.save()
    audit(actor=actor, action=AuditAction.AUTHORITY_CREATE, obj=authority, fields=["name", "country", "kind"])
    return authority


@transaction.atomic
def authority_update(*, actor: User | None, authority: Authority, name: str, kind: str) -> Authority:
    """Rename an authority or change its kind (a peer deployment's authority following the peer's
    key document); its requests stay its own. Another authority of the country may not have the name."""
    errors = FieldErrors()
    errors.code("kind", kind, AuthorityKind)
    errors.required("name", name)
    errors.raise_if_any()
    changed = [
        field
        for field, value in (("name", name.strip()), ("kind", kind))
        if getattr(authority, field) != value
    ]
    authority.name, authority.kind = name.strip(), kind
    authority.full_clean()
    authority.save(update_fields=changed)
    audit(actor=actor, action=AuditAction.AUTHORITY_UPDATE, obj=authority, fields=changed)
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
    audit(actor=actor, action=AuditAction.USER_CREATE, obj=user, fields=["username", "authority", "role"])
    return user


@transaction.atomic
def token_create(*, actor: User | None, user: User, days: int | None = None, name: str = "") -> str:
    """Create a token for `user` and return it; only its hash is kept. It expires after `days`
    (COMITY_TOKEN_DAYS by default)."""
    days = settings.COMITY_TOKEN_DAYS if days is None else days
    errors = FieldErrors()
    if not 1 <= days <= MAX_TOKEN_DAYS:
        errors["days"] = [_("A token lasts 1 to %(max)d days.") % {"max": MAX_TOKEN_DAYS}]
    if len(name) > 100:
        errors["name"] = [_("At most 100 characters.")]
    if errors:
        raise ValidationError(errors)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    while token.startswith("-"):  # one in 64 would read as an option: `comity token revoke -x...`
        token = secrets.token_urlsafe(TOKEN_BYTES)
    api_token = ApiToken.objects.create(
        user=user,
        key_hash=hash_token(token),
        prefix=token[:8],
        name=name.strip(),
        expires_at=timezone.now() + datetime.timedelta(days=days),
    )
    audit(actor=actor, action=AuditAction.TOKEN_CREATE, obj=api_token)
    return token


@transaction.atomic
def token_revoke(*, actor: User | None, token: ApiToken) -> ApiToken:
    """Revoke a token: it works no more. The caller found it with `selectors.token_for_actor`."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if not token.revoked:
        token.revoked, token.revoked_at = True, timezone.now()
        token.save(update_fields=["revoked", "revoked_at"])
        audit(actor=actor, action=AuditAction.TOKEN_REVOKE, obj=token)
    return token


def _revoke_all(actor: User | None, user: User) -> int:
    tokens = list(ApiToken.objects.select_for_update().filter(user=user, revoked=False))
    for token in tokens:
        token.revoked, token.revoked_at = True, timezone.now()
        token.save(update_fields=["revoked", "revoked_at"])
        audit(actor=actor, action=AuditAction.TOKEN_REVOKE, obj=token)
    return len(tokens)


@transaction.atomic
def directory_bulk_create(authorities: list[Authority], users: Sequence[User] = ()) -> list[Authority]:
    """Authorities and users made in bulk (the demo's directory), each audited as one made alone
    would be; the users' passwords already hashed. The authorities, with their ids."""
    created = Authority.objects.bulk_create(authorities)
    for authority in created:
        audit(
            actor=None, action=AuditAction.AUTHORITY_CREATE, obj=authority, fields=["name", "country", "kind"]
        )
    for user in User.objects.bulk_create(list(users)):
        audit(actor=None, action=AuditAction.USER_CREATE, obj=user, fields=["username", "authority", "role"])
    return created


@transaction.atomic
def admin_save(*, actor: User, obj: User | Authority, fields: Sequence[str], created: bool) -> None:
    """A user or an authority saved from the Django admin, audited as every other write (the
    fields that changed, never their values)."""
    obj.save()
    if isinstance(obj, User):
        action = AuditAction.USER_CREATE if created else AuditAction.USER_UPDATE
    else:
        action = AuditAction.AUTHORITY_CREATE if created else AuditAction.AUTHORITY_UPDATE
    audit(
        actor=actor, action=action, obj=obj, fields=[f for f in fields if f not in ("password1", "password2")]
    )


def language_code(requested: str) -> str:
    """`requested` if it is one of Comity's languages, else English: an unknown code is not an
    error, since a browser or a stale link may send any."""
    return requested if requested in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


@transaction.atomic
def user_language_set(*, actor: User, language: str) -> str:
    """The language of the actor's pages from now on, remembered in their profile."""
    code = language_code(language)
    if actor.language != code:
        actor.language = code
        actor.save(update_fields=["language"])
        audit(actor=actor, action=AuditAction.USER_LANGUAGE, obj=actor, fields=["language"])
    return code


@transaction.atomic
def password_change(*, actor: User | None, user: User, password: str, revoke_tokens: bool = False) -> User:
    """Set `user`'s password (checked against the rules), and revoke their API tokens if asked:
    someone who may have learnt the old password may have made one."""
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"new_password1": error.messages}) from error
    user = User.objects.select_for_update().get(pk=user.pk)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit(actor=actor, action=AuditAction.USER_PASSWORD, obj=user, fields=["password"])
    if revoke_tokens:
        _revoke_all(actor, user)
    return user


@transaction.atomic
def password_disable(*, actor: User | None, user: User) -> User:
    """Stop `user` from logging in with a password (an administrator's choice in the Django admin):
    the password is forgotten, so their sessions end and it cannot be restored."""
    user = User.objects.select_for_update().get(pk=user.pk)
    user.set_unusable_password()
    user.save(update_fields=["password"])
    audit(
        actor=actor,
        action=AuditAction.USER_PASSWORD,
        obj=user,
        fields=["password"],
        detail={"kind": "disabled"},
    )
    return user


# "Last used" is kept to within this: writing it at every call would put a write (and, on SQLite,
# the database's single write lock) on every read of the API.
TOKEN_TOUCH_INTERVAL = datetime.timedelta(minutes=5)


def token_touch(api_token: ApiToken) -> None:
    now = timezone.now()
    if api_token.last_used_at is None or now - api_token.last_used_at >= TOKEN_TOUCH_INTERVAL:
        ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)


@transaction.atomic
def user_unlock(*, actor: User | None, user: User) -> int:
    """Lift the lockout of `user`'s account after failed logins (the attempts stay in the access
    log); how many attempt records were cleared."""
    cleared = axes_reset(username=user.username)
    audit(actor=actor, action=AuditAction.USER_UNLOCK, obj=user)
    return cleared


# --- two-factor authentication (OWASP ASVS 2.7/2.8): TOTP, with single-use recovery codes ---------

RECOVERY_CODES = 10


@transaction.atomic
def mfa_start(*, actor: User, user: User) -> TOTPDevice:
    """A new authenticator for `user`, unconfirmed until a code from it is given
    (`mfa_confirm`); an earlier unconfirmed one is dropped."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)


@transaction.atomic
def mfa_confirm(*, actor: User, user: User, device: TOTPDevice, token: str) -> list[str]:
    """Confirm `device` with a code it made; the user's earlier authenticators give way to it.
    Returns new recovery codes, shown once (each works once, in place of a code)."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user, confirmed=False)
    if not device.verify_token(token.strip().replace(" ", "")):
        raise ValidationError(
            {"otp_token": [_("This code is not the one your app shows now: try the next one.")]}
        )
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _recovery_codes(user)
    audit(actor=actor, action=AuditAction.USER_MFA_ENROL, obj=user)
    return codes


def _recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name=_("Recovery codes"), confirmed=True)
    codes = [StaticToken.random_token() for _i in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=code) for code in codes])
    return codes


@transaction.atomic
def mfa_recovery_codes_renew(*, actor: User, user: User) -> list[str]:
    """New recovery codes for an enrolled user; the old ones stop working."""
    codes = _recovery_codes(user)
    audit(actor=actor, action=AuditAction.USER_MFA_RECOVERY_CODES, obj=user)
    return codes


def mfa_verify(*, user: User, token: str) -> Device | None:
    """The user's device that accepts `token` (a code of their app, or a recovery code, which is
    then used up), or None. Each device throttles repeated failures (django-otp)."""
    token = token.strip().replace(" ", "")
    if not token or len(token) > 16:
        return None
    return match_token(user, token)


@transaction.atomic
def mfa_security_key_registered(*, credential: WebAuthnCredential) -> None:
    """Audit a security key that its owner registered (django-otp-webauthn wrote it, in the same
    transaction as the key when it saves it inside one; the audit row is written at once after)."""
    user = credential.user
    assert isinstance(user, User)
    audit(actor=user, action=AuditAction.USER_MFA_ENROL, obj=user, detail={"kind": "webauthn"})


@transaction.atomic
def mfa_reset(*, actor: User | None, user: User) -> None:
    """Remove `user`'s authenticators and recovery codes (a lost phone): they enrol again at their
    next login, if their role requires it."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    WebAuthnCredential.objects.filter(user=user).delete()
    audit(actor=actor, action=AuditAction.USER_MFA_RESET, obj=user)


@transaction.atomic
def user_permission_set(*, actor: User | None, user: User, permission: str, granted: bool) -> bool:
    """Grant or withdraw one of GRANTABLE_PERMISSIONS ("directory-editor", "network-administrator"):
    the user keeps their one role. Only an administrator (or the command line, `actor=None`) does
    it. Whether anything changed (granting what the user has is not an error)."""
    if actor is not None and not (actor.is_active and (actor.role == Role.ADMIN or actor.is_superuser)):
        raise PermissionDenied(_("Only an administrator grants or withdraws a permission."))
    if permission not in GRANTABLE_PERMISSIONS:
        raise ValidationError(
            {
                "permission": _("Unknown permission %(permission)s; allowed: %(allowed)s.")
                % {"permission": permission, "allowed": ", ".join(GRANTABLE_PERMISSIONS)}
            }
        )
    if granted and (not user.is_active or user.authority_id is None):
        raise ValidationError({"user": _("Only an active user of an authority can be granted a permission.")})
    app_label, codename = GRANTABLE_PERMISSIONS[permission].split(".")
    row = Permission.objects.get(content_type__app_label=app_label, codename=codename)
    has = user.user_permissions.filter(pk=row.pk).exists()
    if has == granted:
        return False
    if granted:
        user.user_permissions.add(row)
    else:
        user.user_permissions.remove(row)
    for cache in ("_perm_cache", "_user_perm_cache"):
        user.__dict__.pop(cache, None)
    audit(
        actor=actor,
        action=AuditAction.USER_PERMISSION,
        obj=user,
        fields=["user_permissions"],
        detail={"permission": permission, "granted": "yes" if granted else "no"},
    )
    return True
