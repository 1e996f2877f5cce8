"""Draft requests (#23 items 5, 6): a request being written step by step by an official of one
authority, checked against the requested State's requirement profile, turned into a letter (Word
and PDF) and, once sent, registered as a request. A draft belongs to its authority: it is read by
the official who started it and the colleagues of the same authority it is shared with, by no one
else."""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from comity.accounts.models import Authority
from comity.drafting.choices import DraftStatus, DraftType
from comity.reference.choices import LegalBasis, Proceeding

FACTS_MAX = 10_000
TEXT_MAX = 5_000
NOTE_MAX = 500


class Draft(models.Model):
    authority = models.ForeignKey(
        Authority, on_delete=models.PROTECT, related_name="+", verbose_name=_("requesting authority")
    )
    type = models.CharField(_("type of request"), max_length=32, choices=DraftType.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=DraftStatus.choices, default=DraftStatus.OPEN
    )
    requested_country = models.CharField(_("requested State"), max_length=2, blank=True)
    requested_authority = models.ForeignKey(
        Authority,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested authority"),
    )
    legal_basis = models.CharField(_("legal basis"), max_length=32, choices=LegalBasis.choices, blank=True)
    proceeding = models.CharField(
        _("proceeding"), max_length=32, choices=Proceeding.choices, default=Proceeding.CRIMINAL
    )
    language = models.CharField(_("language of the request"), max_length=8, blank=True)
    facts = models.TextField(_("facts"), max_length=FACTS_MAX, blank=True)
    # Offence codes (VOCABULARY.md), conduct element codes (guidance.choices.ConductElement).
    offences = models.JSONField(_("offences"), default=list, blank=True)
    conduct = models.JSONField(_("conduct"), default=list, blank=True)
    law = models.TextField(_("applicable law and penalties"), max_length=TEXT_MAX, blank=True)
    measures = models.JSONField(_("measures"), default=list, blank=True)
    # {measure: {element code: text}}: what the request says for each element the profile asks.
    elements = models.JSONField(_("elements of the measures"), default=dict, blank=True)
    # [{"kind", "name", "identifiers", "country"}], as a request's subjects.
    persons = models.JSONField(_("persons and companies concerned"), default=list, blank=True)
    confidential = models.BooleanField(_("confidential"), default=False)
    confidentiality_note = models.TextField(_("confidentiality asked"), max_length=NOTE_MAX, blank=True)
    urgent = models.BooleanField(_("urgent"), default=False)
    urgency_reason = models.TextField(_("reason for urgency"), max_length=NOTE_MAX, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    contact = models.TextField(_("contact person"), max_length=NOTE_MAX, blank=True)
    # Titles of the documents enclosed: the letter's checklist annex.
    attachments = models.JSONField(_("documents enclosed"), default=list, blank=True)
    consultation = models.ForeignKey(
        "network.Consultation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("consultation it started from"),
    )
    request = models.OneToOneField(
        "cooperation.Request",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="draft",
        verbose_name=_("request it became"),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("draft request")
        verbose_name_plural = _("draft requests")
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(requested_country__regex=r"^([A-Z]{2})?$"),
                name="draft_country_iso2",
                violation_error_message=_("The country must be an ISO 3166-1 alpha-2 code."),
            ),
        ]

    def __str__(self) -> str:
        return f"draft {self.pk}"

    def values(self) -> dict[str, Any]:
        """The draft's fields by name, as the API and the check read them."""
        return {
            "type": self.type,
            "requested_country": self.requested_country,
            "requested_authority": self.requested_authority_id,
            "legal_basis": self.legal_basis,
            "proceeding": self.proceeding,
            "language": self.language,
            "facts": self.facts,
            "offences": self.offences,
            "conduct": self.conduct,
            "law": self.law,
            "measures": self.measures,
            "elements": self.elements,
            "persons": self.persons,
            "confidential": self.confidential,
            "confidentiality_note": self.confidentiality_note,
            "urgent": self.urgent,
            "urgency_reason": self.urgency_reason,
            "deadline": self.deadline,
            "contact": self.contact,
            "attachments": self.attachments,
        }


class DraftAttachment(models.Model):
    """A file enclosed with a draft (a court order, a translation...), listed in the letter's
    checklist annex. Stored in the database (backed up and restored with it), its type checked from
    its bytes; read only by those who read the draft."""

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="files")
    title = models.CharField(_("title"), max_length=300, blank=True)
    file_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField(editable=False)
    added_at = models.DateTimeField()
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("file enclosed")
        verbose_name_plural = _("files enclosed")
        ordering = ["added_at", "pk"]

    def __str__(self) -> str:
        return self.file_name

    @property
    def annex_line(self) -> str:
        """How the letter's checklist annex names it: its title and file, or its file alone."""
        return f"{self.title} ({self.file_name})" if self.title else self.file_name


class DraftShare(models.Model):
    """A colleague of the draft's authority it was shared with: they read and edit it too."""

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="shares")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    shared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    shared_at = models.DateTimeField()

    class Meta:
        verbose_name = _("draft shared")
        verbose_name_plural = _("drafts shared")
        constraints = [
            models.UniqueConstraint(
                fields=["draft", "user"],
                name="draft_shared_once",
                violation_error_message=_("The draft is already shared with this colleague."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.draft_id} -> {self.user_id}"
