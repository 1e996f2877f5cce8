"""Countries by ISO 3166-1 alpha-2 code, from pycountry, named in the active language by Babel,
placed in UN M49 regions and sub-regions by countryinfo."""

from collections.abc import Mapping
from functools import cache

import pycountry
from babel import Locale, UnknownLocaleError
from countryinfo import CountryInfo
from django.utils.translation import get_language

from comity.core.countries import country_codes, is_country

__all__ = [
    "country_codes",
    "is_country",
    "country_name",
    "country_choices",
    "region_of",
    "region_name",
    "UNKNOWN_REGION",
]


@cache
def _names(language: str) -> dict[str, str]:
    territories: Mapping[str, str]
    try:
        territories = Locale.parse(language.replace("-", "_")).territories
    except (ValueError, UnknownLocaleError):
        territories = {}
    return {
        c.alpha_2: territories.get(c.alpha_2) or getattr(c, "common_name", None) or c.name
        for c in pycountry.countries
    }


def country_name(code: str) -> str:
    return _names(get_language() or "en").get(code, code)


# The UN M49 regions as `region_of` names them, by their M49 code, which CLDR names in every language.
_M49 = {"Africa": "002", "Americas": "019", "Asia": "142", "Europe": "150", "Oceania": "009"}


def region_name(region: str) -> str:
    """A region of `region_of` ("Americas") named in the active language (Amériques, 美洲); the
    unknown region as CLDR's unknown region."""
    try:
        territories = Locale.parse((get_language() or "en").replace("-", "_")).territories
    except (ValueError, UnknownLocaleError):
        return region
    return str(territories.get(_M49.get(region, "ZZ"), region))


def country_choices() -> list[tuple[str, str]]:
    names = _names(get_language() or "en")
    return sorted(names.items(), key=lambda item: item[1])


UNKNOWN_REGION = "Other"


@cache
def region_of(code: str) -> tuple[str, str]:
    """(UN M49 region, sub-region) of a country, e.g. ("Americas", "Latin America and the Caribbean")."""
    try:
        info = CountryInfo(code)
        return info.region() or UNKNOWN_REGION, info.subregion() or UNKNOWN_REGION
    except (KeyError, ValueError, LookupError, AttributeError):
        return UNKNOWN_REGION, UNKNOWN_REGION
