"""The shared kernel: the audit trail of writes, the log of who read which case, the background
jobs on a user's files."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AuditEntry(models.Model):
    """One write to the registry, recorded in the same transaction as the write itself.

    It names the fields that changed, never their values, so that the audit trail can be
    shown to an auditor without disclosing confidential case content.
    """

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    authority = models.ForeignKey("accounts.Authority", null=True, on_delete=models.PROTECT, related_name="+")
    # A code of core.choices.AuditAction, which core.services.audit takes typed. Deliberately
    # without `choices`: each new action would otherwise make a migration of this table, and
    # engineers adding actions at once would make conflicting ones.
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    fields = models.JSONField(default=list, blank=True)
    # Codes that say what a change was (e.g. {"from": "officers", "to": "heads"}), never content.
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"


class AccessEntry(models.Model):
    """One read of a confidential record's detail, by a page or the API (who, when, what)."""

    class Channel(models.TextChoices):
        PAGE = "page", _("Page")
        API = "api", _("API")

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    channel = models.CharField(max_length=8, choices=Channel.choices)

    class Meta:
        verbose_name = _("access entry")
        verbose_name_plural = _("access entries")
        indexes = [models.Index(fields=["object_type", "object_id"], name="access_object_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} read {self.object_type}#{self.object_id}"


class Submission(models.Model):
    """A creation a user asked for under a key of their own: a page form's one-time token, or an
    API client's `Idempotency-Key`. The same key again, within `SUBMISSION_KEPT`, is the same
    creation: it is answered with what was created the first time, and creates nothing.

    `fingerprint` is a keyed hash (HMAC) of what was asked, to tell a retry from a key reused for
    something else without keeping the content itself.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="submission_unique_key"),
        ]
        indexes = [models.Index(fields=["user", "created_at"], name="submission_user_age_idx")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key} -> {self.object_id}"


class UserJob(models.Model):
    """Work on a file that the worker (`comity worker`) does for one user, who alone sees it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    rows_total = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # When a worker began the job's current run; with the lease the worker renews while it runs
    # (see `core.jobs.leased`), how a job whose worker died is told from one that waits.
    started_at = models.DateTimeField(null=True, blank=True)
    # Failed because the worker running it stopped (killed, out of memory, the server restarted).
    interrupted = models.BooleanField(default=False)
    # The file it reads or writes under var/ while it needs one.
    stored_path = models.CharField(max_length=500, blank=True)
    state: str  # each kind's own choices, "failed" among them
    FAILED = "failed"

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk} ({self.state})"

    def percent(self, done: int) -> int:
        """`done` rows as a whole percentage of the job's rows, for its progress bar."""
        return min(100, 100 * done // self.rows_total) if self.rows_total else 0


class ImportJob(UserJob):
    """One spreadsheet being checked, then imported, in the background; seen only by its user.

    What it imports is its `kind`, each app's importers registered in `core.imports`, which runs the
    jobs; live progress is kept in the cache, outside the import's transaction.
    """

    class State(models.TextChoices):
        CHECKING = "checking", pgettext_lazy("job state", "Checking")
        READY = "ready", pgettext_lazy("job state", "Checked, ready to import")
        IMPORTING = "importing", pgettext_lazy("job state", "Importing")
        DONE = "done", pgettext_lazy("job state", "Imported")
        REJECTED = "rejected", pgettext_lazy("job state", "Rejected")
        FAILED = "failed", pgettext_lazy("job state", "Failed")

    authority = models.ForeignKey("accounts.Authority", on_delete=models.CASCADE, related_name="+")
    # What the file holds, as core.imports names its importers: "requests", "asset-cases".
    kind = models.CharField(max_length=32)
    file_name = models.CharField(max_length=255)
    state = models.CharField(max_length=16, choices=State.choices, default=State.CHECKING)
    result = models.JSONField(default=dict, blank=True)
    problems = models.JSONField(default=list, blank=True)
    more_problems = models.PositiveIntegerField(default=0)

    @property
    def finished(self) -> bool:
        return self.state in (self.State.READY, self.State.DONE, self.State.REJECTED, self.State.FAILED)
