"""What the secretariat holds: aggregated figures submitted by States, never their cases."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Submission(models.Model):
    """One State's statistical submission for one period (a year): counts only, small ones
    suppressed at the source. A new submission for the same State and period replaces it."""

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
