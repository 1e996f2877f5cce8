"""Writes of the reference data: exchange rates, all of a file or none."""

from collections.abc import Sequence

from django.db import transaction

from comity.reference.models import ExchangeRate


@transaction.atomic
def rates_store(rows: Sequence[ExchangeRate]) -> None:
    """Store `rates`, a later rate of a currency and day replacing the earlier one. Published
    reference data, not case records: nothing to audit but the command that loaded them."""
    ExchangeRate.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["currency", "day"], update_fields=["per_usd", "source"]
    )
