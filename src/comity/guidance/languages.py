"""Which codes are languages a State may accept requests in: ISO 639-1 (pycountry), and Comity's
own `zh-hans`."""

from functools import cache

import pycountry


@cache
def _codes() -> frozenset[str]:
    return frozenset(language.alpha_2 for language in pycountry.languages if hasattr(language, "alpha_2"))


def is_language(code: str) -> bool:
    return code in _codes() or code in ("zh-hans", "zh-hant")
