"""Directory codes as words in the reader's language: `{{ entry.competences|labels:"competence" }}`,
`{{ "de"|language_name }}`."""

from django import template
from django.db import models

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
def language_names(codes: list[str]) -> str:
    return ", ".join(languages.language_name(code) for code in codes)


@register.filter
def stale_on(entry: object, today: object) -> bool:
    return bool(entry.stale_on(today))  # type: ignore[attr-defined]
