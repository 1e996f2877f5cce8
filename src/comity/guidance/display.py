"""A profile's values as a reader sees them: codes by their labels in the reader's language,
languages by their names, yes and no. Shared by the profile page, the comparison and the forms."""

from functools import cache
from typing import Any

from babel import Locale, UnknownLocaleError
from django.db.models import TextChoices
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from comity.guidance.choices import (
    Authentication,
    Channel,
    DualCriminality,
    DualCriminalityTest,
    ElementLevel,
)
from comity.reference.choices import LegalBasis, RefusalGround

CODES: dict[str, type[TextChoices]] = {
    "legal_bases": LegalBasis,
    "dual_criminality": DualCriminality,
    "dual_criminality_test": DualCriminalityTest,
    "channels": Channel,
    "authentication": Authentication,
    "grounds": RefusalGround,
}
FLAGS = frozenset({"certified_translation", "ncb_confiscation"})


@cache
def _language_names(language: str) -> dict[str, str]:
    try:
        locale = Locale.parse(language.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        locale = Locale("en")
    return dict(locale.languages)


def language_name(code: str) -> str:
    names = _language_names(get_language() or "en")
    return names.get(
        code.replace("-hans", "_Hans").replace("-hant", "_Hant"), names.get(code.split("-")[0], code)
    )


def value_text(key: str, value: Any) -> str:
    """`value` of the field `key` (a general requirement, a part of a section) for reading."""
    if value is None:
        return "—"
    if key in FLAGS:
        return _("Yes") if value else _("No")
    if key == "languages":
        return ", ".join(language_name(code) for code in value)
    if key in CODES:
        labels = dict(CODES[key].choices)
        codes = value if isinstance(value, list) else [value]
        return "; ".join(str(labels.get(code, code)) for code in codes) if codes else "—"
    return str(value)


def level_text(level: str | None) -> str:
    return str(dict(ElementLevel.choices).get(level, "—")) if level else _("Not asked for")
