"""What the secretariat holds: aggregated figures submitted by States, never their cases."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Submission(models.Model):
    """One State's statistical submission for one period (a year): counts only, small ones
    suppressed at the source. A second one for the same State and period is received only as a
    correction, which replaces it here; every version received is kept (`SubmissionVersion`)."""

    state = models.CharField(_("State"), max_length=2)
    period = models.PositiveSmallIntegerField(_("period"))
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["state", "period"], name="submission_one_per_state_period")
        ]
        ordering = ["period", "state"]

    def __str__(self) -> str:
        return f"{self.state} {self.period}"


class SubmissionVersion(models.Model):
    """Every file received for a State and period, as received, in order: the first and each
    correction (000 §31: a figure that changed must be traceable)."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    payload = models.JSONField()
    correction = models.BooleanField(_("correction"), default=False)
    received_at = models.DateTimeField(auto_now_add=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["submission", "number"], name="submission_version_unique")
        ]
        ordering = ["submission", "number"]

    def __str__(self) -> str:
        return f"{self.submission} v{self.number}"
