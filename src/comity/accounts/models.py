"""Authorities, their users, and the API tokens those users hold."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from comity.accounts.choices import CASE_READER_ROLES, CASE_WRITER_ROLES, NON_PARTY_KINDS, AuthorityKind, Role
from comity.reference.countries import country_name


class Authority(models.Model):
    """A national body that sends, executes or follows cooperation requests: a central
    authority, an asset recovery office, a prosecution service...

    An *external* authority is a counterpart known by name only (it has no users in Comity):
    requests to and from it are still recorded, by the side that is in Comity.
    """

    name = models.CharField(_("name"), max_length=200)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166-1 alpha-2"))
    kind = models.CharField(_("kind"), max_length=32, choices=AuthorityKind.choices)
    external = models.BooleanField(_("external"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("authority")
        verbose_name_plural = _("authorities")
        ordering = ["country", "name"]
        constraints = [
            models.UniqueConstraint(
                "country",
                Upper("name"),
                name="authority_unique_name_per_country",
                violation_error_message=_("An authority with this name already exists in this country."),
            ),
            models.CheckConstraint(
                condition=models.Q(country__regex=r"^[A-Z]{2}$"),
                name="authority_country_iso2",
                violation_error_message=_("The country must be an ISO 3166-1 alpha-2 code."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.country})"

    @property
    def country_name(self) -> str:
        return country_name(self.country)

    @property
    def can_be_party(self) -> bool:
        """Whether it may request, be requested or be shown a cooperation request."""
        return self.kind not in NON_PARTY_KINDS


class User(AbstractUser):
    """A person working in one authority, with one role there."""

    authority = models.ForeignKey(
        Authority,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        verbose_name=_("authority"),
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.VIEWER)
    # The language the user chose for Comity's pages (blank: the browser's).
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(authority__isnull=False) | models.Q(is_superuser=True),
                name="user_has_authority",
                violation_error_message=_("Every user belongs to an authority."),
            ),
        ]

    @property
    def reads_cases(self) -> bool:
        return self.is_active and self.authority_id is not None and self.role in CASE_READER_ROLES

    @property
    def writes_cases(self) -> bool:
        return self.is_active and self.authority_id is not None and self.role in CASE_WRITER_ROLES

    @property
    def coordinated_country(self) -> str | None:
        """The State whose consolidated figures a national coordinator reads; None for other roles."""
        if not self.is_active or self.role != Role.COORDINATOR or self.authority is None:
            return None
        return self.authority.country

    @property
    def is_head(self) -> bool:
        return self.role == Role.HEAD


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; the token is shown once. It works
    until it expires or is revoked (by its owner, an administrator, or a password change)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8, help_text=_("First characters, to tell tokens apart"))
    name = models.CharField(_("name"), max_length=100, blank=True, help_text=_("What the token is for"))
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"
