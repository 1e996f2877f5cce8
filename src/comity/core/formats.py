"""Numbers and amounts written for a reader in the active language (Babel's CLDR data): grouped
thousands, the language's own separators, the currency code always beside an amount."""

from decimal import Decimal, InvalidOperation
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.numbers import format_decimal
from django.utils.translation import get_language


@cache
def babel_locale(language: str) -> Locale:
    """The Babel locale of a Django language code (`zh-hans` → `zh_Hans`); English if unknown."""
    try:
        return Locale.parse(language.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return Locale.parse("en")


def format_amount(value: object, currency: str = "") -> str:
    """`value` with at least two and at most four decimals and grouped thousands, then the
    currency code: "59,737.21 USD" in English, "59 737,21 USD" in French. A value that is not a
    number is given back as it is."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if not number.is_finite():
        return str(value)
    text = format_decimal(number, format="#,##0.00##", locale=babel_locale(get_language() or "en"))
    return f"{text} {currency}".strip()
