"""How a service reports bad input: `FieldErrors` gathers every problem under the field it is about
(so the page shows each beside its field, the API lists each with a pointer), then raises them at
once as a ValidationError. Its checks say the recurring problems in core.messages' words."""

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from comity.core import messages
from comity.core.countries import is_country
from comity.core.currencies import is_currency
from comity.core.dates import implausible, too_early
from comity.core.limits import check_lengths
from comity.core.numbers import amount_out_of_range

# A vocabulary's TextChoices, or its codes.
Allowed = type[models.TextChoices] | Iterable[str]


def _codes(allowed: Allowed) -> list[str]:
    if isinstance(allowed, type) and issubclass(allowed, models.TextChoices):
        return list(allowed.values)
    return list(allowed)


class FieldErrors(dict[str, list[str]]):
    """Messages by field name ("title", "subjects", "evidence.2.sha256"), in the order found."""

    def add(self, name: str, message: str) -> None:
        self.setdefault(name, []).append(message)

    def required(self, name: str, value: object) -> bool:
        """Whether `value` is given (not empty, nor blank); if not, says the field is required."""
        if value is None or (isinstance(value, str) and not value.strip()) or value in ((), []):
            self.add(name, messages.required())
            return False
        return True

    def code(self, name: str, value: str, allowed: Allowed, required: bool = True) -> None:
        codes = _codes(allowed)
        if (value or required) and value not in codes:
            self.add(name, messages.unknown_code(value, codes) if value else messages.required())

    def codes(self, name: str, values: Iterable[str], allowed: Allowed) -> None:
        codes = _codes(allowed)
        for value in values:
            if value not in codes:
                self.add(name, messages.unknown_code(value, codes))

    def country(self, name: str, value: str, required: bool = True, prefix: str = "") -> None:
        if (value or required) and not is_country(value):
            self.add(name, prefix + (messages.unknown_country(value) if value else messages.required()))

    def currency(self, name: str, value: str, required: bool = True) -> None:
        if (value or required) and not is_currency(value):
            self.add(name, messages.unknown_currency(value) if value else messages.required())

    def money(self, amount_name: str, amount: Decimal | None, currency_name: str, currency: str) -> None:
        """An amount, if given, is not negative nor out of range, and has a currency."""
        if amount is not None and amount < 0:
            self.add(amount_name, messages.negative_amount())
        elif amount is not None and (too_large := amount_out_of_range(amount)):
            self.add(amount_name, too_large)
        if amount is not None or currency:
            self.currency(currency_name, currency)

    def texts(self, model: type[models.Model], values: Mapping[str, str], **where: str) -> None:
        """Texts longer than their field allows (core.limits), as they will be stored (stripped)."""
        check_lengths(self, model, {name: value.strip() for name, value in values.items()}, **where)

    def happened(self, name: str, day: datetime.date | None) -> None:
        """A date something happened on: neither before 1950 nor in the future (core.dates)."""
        if day is not None and (message := implausible(day, timezone.localdate())) is not None:
            self.add(name, message)

    def ahead(self, name: str, day: datetime.date | None) -> None:
        """A date that may lie in the future (a review, a deadline), though not before 1950."""
        if day is not None and (message := too_early(day)) is not None:
            self.add(name, message)

    def raise_if_any(self) -> None:
        if self:
            raise ValidationError(dict(self))
