"""Languages of the directory: the ones an authority accepts requests in and its contacts speak.
Any ISO 639-1 code (`de`, `pt`, `ja`...), and `zh-hans` as Comity writes Chinese (VOCABULARY.md);
named in the reader's language by Babel."""

from functools import cache
from zoneinfo import available_timezones

import pycountry
from babel import Locale, UnknownLocaleError
from django.utils.translation import get_language

from comity.reference.choices import Language


@cache
def _codes() -> frozenset[str]:
    return frozenset(
        {lang.alpha_2 for lang in pycountry.languages if hasattr(lang, "alpha_2")} | set(Language.values)
    )


def is_language(code: str) -> bool:
    return code in _codes()


@cache
def _names(language: str) -> dict[str, str]:
    try:
        names = Locale.parse(language.replace("-", "_")).languages
    except (ValueError, UnknownLocaleError):
        names = Locale.parse("en").languages
    return {code: names.get(code.replace("zh-hans", "zh_Hans"), code) for code in _codes()}


def language_name(code: str) -> str:
    return _names(get_language() or "en").get(code, code)


@cache
def time_zones() -> frozenset[str]:
    return frozenset(available_timezones())
