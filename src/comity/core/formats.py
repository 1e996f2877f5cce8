"""Days, numbers and amounts written for a reader in the active language (Babel's CLDR data): grouped
thousands, the language's own separators, the currency code always beside an amount."""

import datetime
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from django.utils import timezone
from django.utils.translation import get_language, get_language_bidi


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


def format_day(value: object) -> str:
    """A day for a reader of the active language: CLDR's medium date ("5 déc. 2026", "2026年12月5日",
    "05/12/2026" in Arabic with its direction marks). English keeps ISO 8601 (2026-12-05): Comity's
    English readers are officials of every State, for whom the unambiguous form is the familiar one,
    and it is the form of every file, API and date field. An ISO day as text is read as a day;
    anything else is given back as it is ("" for None)."""
    if value is None:
        return ""
    if isinstance(value, str):
        # A day kept as text in a JSON document (a requirement profile's "last confirmed").
        text = value
        try:
            value = datetime.date.fromisoformat(text)
        except ValueError:
            return text
    if not isinstance(value, datetime.date):
        return str(value)
    day = value.date() if isinstance(value, datetime.datetime) else value
    language = get_language() or "en"
    if language.split("-")[0] == "en":
        return day.isoformat()
    return _isolated(format_date(day, format="medium", locale=babel_locale(language)))


def format_moment(value: object) -> str:
    """A moment (date and time, in the current time zone) for a reader of the active language:
    CLDR's short date and time, "2026-12-05 14:03" in English as format_day says. "" for None."""
    return moment_formatter()(value)


def moment_formatter() -> Callable[[object], str]:
    """format_moment for many moments at once (a list's rows): the language, its direction and the
    time zone are read once, not for each moment."""
    language = get_language() or "en"
    zone = timezone.get_current_timezone()
    english = language.split("-")[0] == "en"
    locale = None if english else babel_locale(language)
    bidi = get_language_bidi()

    def format(value: object) -> str:
        if not isinstance(value, datetime.datetime):
            return format_day(value)
        local = value.astimezone(zone) if timezone.is_aware(value) else value
        if locale is None:
            return local.strftime("%Y-%m-%d %H:%M")
        return _isolated(format_datetime(local, format="short", locale=locale), bidi)

    return format


def _isolated(text: str, bidi: bool | None = None) -> str:
    """In a right-to-left language, the day between Unicode's first-strong isolate marks (FSI, PDI):
    beside a code or a Latin word ("10/02/2018 · PE") the bidirectional algorithm otherwise moves
    its parts apart ("10 PE · 2018/02/"). Marks rather than <bdi>, since days also go in chart
    text and option labels."""
    return f"\u2068{text}\u2069" if (get_language_bidi() if bidi is None else bidi) else text
