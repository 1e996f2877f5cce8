"""Requirement profiles: what each State requires of a request sent to it, in general and for each
measure (the three parts of a Fiche Belge and the elements a request needs), so that requests are
complete the first time (004 §23, §53(b)). Kept by editors of the State's own authorities."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from comity.guidance.choices import DocumentKind
from comity.reference.countries import country_name


class Profile(models.Model):
    """A State's requirement profile. Its content is one document (guidance.schemas.ProfileDocument,
    validated before it is stored), the same a State exports and imports, so that what it keeps in
    its own tools and what Comity shows cannot drift apart; each change is a new version, kept."""

    country = models.CharField(_("country"), max_length=2, unique=True)
    # True for the demo's profiles, which are not legal guidance and say so wherever they are shown.
    demonstration = models.BooleanField(_("demonstration data"), default=False)
    document = models.JSONField(default=dict)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("requirement profile")
        verbose_name_plural = _("requirement profiles")
        ordering = ["country"]
        permissions = [("edit_profile", _("Can edit the requirement profile of its own State"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(country__regex=r"^[A-Z]{2}$"),
                name="profile_country_iso2",
                violation_error_message=_("The country must be an ISO 3166-1 alpha-2 code."),
            ),
        ]

    def __str__(self) -> str:
        return self.country

    @property
    def country_name(self) -> str:
        return country_name(self.country)


class ProfileVersion(models.Model):
    """One version of a profile, kept whole: who changed it, when, how (page, API, import), which
    fields changed (their paths in the document), and the document as it became."""

    class Via(models.TextChoices):
        PAGE = "page", _("Page")
        API = "api", _("API")
        IMPORT = "import", _("Import")

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    via = models.CharField(max_length=8, choices=Via.choices)
    changed = models.JSONField(default=list)
    document = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("profile version")
        verbose_name_plural = _("profile versions")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "version"],
                name="profile_version_once",
                violation_error_message=_("This version of the profile already exists."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.profile_id} v{self.version}"


class NationalOffence(models.Model):
    """An offence in one State's law, mapped to the conduct elements of the offence crosswalk
    (guidance/data/crosswalk.json) it covers: what the dual criminality assessment looks for in
    the requested State. The offences of a State are kept as one list, replaced whole by its
    editors (guidance.services.national_offences_save), as a State keeps them in its own tools."""

    country = models.CharField(_("country"), max_length=2, db_index=True)
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=300)
    statute = models.CharField(_("statute"), max_length=300)
    article = models.CharField(_("article"), max_length=60)
    max_penalty = models.CharField(_("maximum penalty"), max_length=200)
    legal_persons_liable = models.BooleanField(_("legal persons can be liable"))
    # Codes of guidance.choices.ConductElement (at least one), checked by the service.
    conduct = models.JSONField(_("conduct elements"), default=list)
    source = models.CharField(_("source"), max_length=500)
    confirmed_on = models.DateField(_("last confirmed"))
    # True for the demo's offences, which are not legal guidance and say so wherever they are shown.
    demonstration = models.BooleanField(_("demonstration data"), default=False)
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("national offence")
        verbose_name_plural = _("national offences")
        ordering = ["country", "position"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(country__regex=r"^[A-Z]{2}$"),
                name="national_offence_country_iso2",
                violation_error_message=_("The country must be an ISO 3166-1 alpha-2 code."),
            ),
            models.UniqueConstraint(
                fields=["country", "position"],
                name="national_offence_position_once",
                violation_error_message=_("Two offences of a State cannot share a position."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.country} {self.statute} {self.article}"


class LibraryDocument(models.Model):
    """A document of the knowledge library (issue 23 item 3): a State's law, guide, model form or
    template for cooperation, described (title, kind, language, date, where it is published) and
    possibly uploaded. Kept by the editors of that State's profile; read by every official who
    reads cases. Its uploaded file is stored in the database (backed up and restored with it), its
    type checked from its bytes; `text` is what could be extracted of it for the full-text search
    (SQLite FTS5 or PostgreSQL full-text search, see migration 0003), never shown as such."""

    country = models.CharField(_("State"), max_length=2)
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=12, choices=DocumentKind.choices)
    language = models.CharField(_("language"), max_length=8)
    issued_on = models.DateField(_("date"), null=True, blank=True)
    source_url = models.URLField(_("source link"), max_length=500, blank=True)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    # Measure codes (VOCABULARY.md) the document is about: it is listed in those sections of the
    # State's profile.
    measures = models.JSONField(_("measures"), default=list, blank=True)
    demonstration = models.BooleanField(_("demonstration data"), default=False)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    content = models.BinaryField(null=True, blank=True, editable=False)
    text = models.TextField(blank=True, editable=False)
    added_at = models.DateTimeField()
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("library document")
        verbose_name_plural = _("library documents")
        ordering = ["country", "-issued_on", "title", "id"]
        indexes = [models.Index(fields=["country", "kind"], name="library_country_kind_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(country__regex=r"^[A-Z]{2}$"),
                name="library_country_iso2",
                violation_error_message=_("The country must be an ISO 3166-1 alpha-2 code."),
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=DocumentKind.values),
                name="library_kind_known",
                violation_error_message=_("Unknown kind of document."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def country_name(self) -> str:
        return country_name(self.country)

    @property
    def has_file(self) -> bool:
        return bool(self.file_name)
