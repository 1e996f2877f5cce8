"""The recurring messages about bad input, each written (and so translated) once: every service,
form, endpoint and import that refuses an unknown code, country or currency, a missing value, a
malformed date or amount says it in these words, with the value it was given."""

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


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


def schema_error(error: Mapping[str, Any], given: object, *, unknown_field: str, wrong_type: str) -> str:
    """A pydantic error (`error["type"]`, its `ctx`) in Comity's words, in the reader's language:
    pydantic's own messages are English only. `given` is the value sent, where the caller knows it;
    `unknown_field` and `wrong_type` say where the schema is documented."""
    kind, context = str(error.get("type", "")), error.get("ctx") or {}
    if (
        kind == "missing"
        or (kind == "string_too_short" and not given)
        or (kind.endswith("_type") and given is None)
    ):
        return required()
    if kind == "extra_forbidden":
        return unknown_field
    if kind in ("enum", "literal_error") and "expected" in context:
        allowed = str(context["expected"]).replace("'", "").replace(" or ", ", ").split(", ")
        return unknown_code(given, allowed)
    if kind == "value_error":
        return str(context.get("error", error.get("msg", "")))
    if kind in ("string_too_long", "string_too_short", "too_long", "too_short"):
        return _length(kind, context)
    if kind.startswith(("date_", "datetime_")):
        return not_a_date(given)
    if kind.startswith("bool_"):
        return _("Give true or false.")
    if kind.startswith("int_"):
        return _("“%(value)s” is not a whole number.") % {"value": given}
    if kind.startswith(("float_", "decimal_")):
        return _("“%(value)s” is not a number.") % {"value": given}
    if kind in _BOUNDS:
        bound, message = _BOUNDS[kind]
        return message() % {"limit": context.get(bound, "")}
    if kind == "json_invalid":
        return _("This is not JSON: %(error)s.") % {"error": context.get("error", "")}
    return wrong_type


# pydantic's bound errors: the bound's name in the error's context, and the message.
_BOUNDS: dict[str, tuple[str, Callable[[], str]]] = {
    "greater_than": ("gt", lambda: _("Give a number greater than %(limit)s.")),
    "greater_than_equal": ("ge", lambda: _("Give a number of at least %(limit)s.")),
    "less_than": ("lt", lambda: _("Give a number less than %(limit)s.")),
    "less_than_equal": ("le", lambda: _("Give a number of at most %(limit)s.")),
}


def _length(kind: str, context: Mapping[str, Any]) -> str:
    if kind == "string_too_long":
        limit = int(context.get("max_length", 0))
        return ngettext("At most %(limit)d character.", "At most %(limit)d characters.", limit) % {
            "limit": limit
        }
    if kind == "string_too_short":
        limit = int(context.get("min_length", 0))
        return ngettext("At least %(limit)d character.", "At least %(limit)d characters.", limit) % {
            "limit": limit
        }
    if kind == "too_long":
        limit = int(context.get("max_length", 0))
        return ngettext("At most %(limit)d item.", "At most %(limit)d items.", limit) % {"limit": limit}
    return _("Give at least one.")
