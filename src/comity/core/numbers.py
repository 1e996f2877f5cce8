"""The range of every number Comity accepts, in one place for the API's schemas, the services
(pages) and the imports: out of range is a 422 naming the field, never an overflow in the
database (a 500) nor a 401-digit amount in the append-only public log."""

from decimal import Decimal
from typing import Annotated

from django.utils.translation import gettext as _
from pydantic import Field

# The databases' 64-bit integer: every id is between 1 and this.
MAX_ID = 2**63 - 1
# Any amount, in any currency, is below 10^15: the largest recoveries run to billions of US dollars,
# and USD 10 billion is about 1.6 × 10^14 Indonesian rupiah.
MAX_AMOUNT = Decimal("999999999999999.99")

ObjectId = Annotated[int, Field(ge=1, le=MAX_ID, description="an id (1 to 2^63 - 1)")]
# A position in the transparency log (leaf index, tree size), from 0.
LogIndex = Annotated[int, Field(ge=0, le=MAX_ID, description="0 to 2^63 - 1")]
Amount = Annotated[
    Decimal,
    # The services refuse a negative amount themselves, in their own words.
    Field(
        ge=-MAX_AMOUNT,
        le=MAX_AMOUNT,
        allow_inf_nan=False,
        description="0 to 999,999,999,999,999.99 in the currency given",
    ),
]


def amount_out_of_range(amount: Decimal | int) -> str | None:
    """Why `amount` cannot be recorded (infinite, or at or above 10^15), or None."""
    amount = Decimal(amount)
    if not amount.is_finite() or abs(amount) > MAX_AMOUNT:
        return _("An amount is at most %(max)s.") % {"max": f"{MAX_AMOUNT:,}"}
    return None


def id_out_of_range(value: int) -> bool:
    return not 1 <= value <= MAX_ID
