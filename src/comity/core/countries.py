"""Which codes are countries (ISO 3166-1 alpha-2, from pycountry): the check every input makes.

Their names, regions and choices for forms are `reference.countries`'s."""

from functools import cache

import pycountry


@cache
def country_codes() -> tuple[str, ...]:
    return tuple(sorted(c.alpha_2 for c in pycountry.countries))


def is_country(code: str) -> bool:
    return code in _code_set()


@cache
def _code_set() -> frozenset[str]:
    return frozenset(country_codes())
