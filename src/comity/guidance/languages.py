"""Which codes are languages a State may accept requests in: ISO 639-1 (pycountry), and Comity's
own `zh-hans`."""

from functools import cache

import pycountry
from django.utils.translation import gettext as _


@cache
def _codes() -> frozenset[str]:
    return frozenset(language.alpha_2 for language in pycountry.languages if hasattr(language, "alpha_2"))


def is_language(code: str) -> bool:
    return code in _codes() or code in ("zh-hans", "zh-hant")


def unknown_language(code: str) -> str:
    return _("Unknown language code: %(code)s (ISO 639-1, e.g. en, es, fr).") % {"code": code}
