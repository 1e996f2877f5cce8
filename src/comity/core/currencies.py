"""Which codes are currencies (ISO 4217, from pycountry): the check every input makes.

Rates and conversions are `reference.money`'s."""

import pycountry


def is_currency(code: str) -> bool:
    return pycountry.currencies.get(alpha_3=code) is not None
