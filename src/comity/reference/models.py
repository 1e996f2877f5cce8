"""Reference data that the project keeps itself, beside the vocabularies in choices.py."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ExchangeRate(models.Model):
    """A rate the European Central Bank does not publish (NGN, PEN…): units of `currency` for one
    US dollar on `day`, from `source`. Loaded with `comity rates import FILE`."""

    currency = models.CharField(_("currency"), max_length=3)
    day = models.DateField(_("date"))
    per_usd = models.DecimalField(_("units per US dollar"), max_digits=20, decimal_places=8)
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["currency", "day"], name="exchange_rate_one_per_day"),
            models.CheckConstraint(
                condition=models.Q(per_usd__gt=0),
                name="exchange_rate_positive",
                violation_error_message=_("A rate is a positive number."),
            ),
        ]
        indexes = [models.Index(fields=["currency", "-day"], name="exchange_rate_lookup_idx")]

    def __str__(self) -> str:
        return f"{self.currency} {self.day}: {self.per_usd}/USD"
