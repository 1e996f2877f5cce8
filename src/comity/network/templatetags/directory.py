"""Directory codes as words in the reader's language: `{{ entry.competences|labels:"competence" }}`,
`{{ "de"|language_name }}`."""

from collections.abc import Iterable

from babel.lists import format_list
from django import template
from django.db import models
from django.utils.translation import get_language, to_locale

from comity.network import languages
from comity.network.choices import Affiliation, Channel, Competence, DirectoryChangeKind

register = template.Library()

VOCABULARIES: dict[str, type[models.TextChoices]] = {
    "competence": Competence,
    "channel": Channel,
    "affiliation": Affiliation,
    "change": DirectoryChangeKind,
}


@register.filter
def labels(codes: list[str] | str, vocabulary: str) -> list[str]:
    """The labels of a list of codes (or of one code), in order; an unknown code as it is."""
    names = dict(VOCABULARIES[vocabulary].choices)
    items = [codes] if isinstance(codes, str) else codes
    return [str(names.get(code, code)) for code in items]


@register.filter
def label(code: str, vocabulary: str) -> str:
    return str(dict(VOCABULARIES[vocabulary].choices).get(code, code))


@register.filter
def listed(items: Iterable[object]) -> str:
    """Items joined as the reader's language joins a list: "German, French, and English",
    "الألمانية والفرنسية والإنجليزية" (not a Latin comma in Arabic), "德语、法语和英语"."""
    words = [str(item) for item in items]
    if not words:
        return ""
    return format_list(words, style="standard", locale=to_locale(get_language() or "en"))


@register.filter
def language_names(codes: list[str]) -> str:
    return listed(languages.language_name(code) for code in codes)


@register.filter
def stale_on(entry: object, today: object) -> bool:
    return bool(entry.stale_on(today))  # type: ignore[attr-defined]
