"""The recurring messages about bad input, each written (and so translated) once: every service,
form, endpoint and import that refuses an unknown code, country or currency, a missing value, a
malformed date or amount says it in these words, with the value it was given."""

from collections.abc import Iterable

from django.utils.translation import gettext as _


def required() -> str:
    return _("This field is required.")


def unknown_code(value: object, allowed: Iterable[str]) -> str:
    return _("Unknown code “%(value)s”; allowed: %(allowed)s.") % {
        "value": value,
        "allowed": ", ".join(allowed),
    }


def unknown_country(value: object) -> str:
    return _("Unknown country code “%(value)s”: use ISO 3166-1 alpha-2, e.g. PE.") % {"value": value}


def unknown_currency(value: object) -> str:
    return _("Unknown currency “%(value)s”: use an ISO 4217 code such as USD.") % {"value": value}


def not_a_date(value: object) -> str:
    return _("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": value}


def not_an_amount(value: object) -> str:
    return _("“%(value)s” is not an amount: digits and a decimal point, no thousands separators.") % {
        "value": value
    }


def negative_amount() -> str:
    return _("An amount cannot be negative.")
