from typing import Any

from django import template

from comity.guidance.display import level_text, value_text

register = template.Library()


@register.simple_tag
def requirement(key: str, entry: dict[str, Any] | None) -> str:
    """A field's value as text (its entry holds value, source and date; None: not known)."""
    return value_text(key, entry.get("value") if entry else None)


@register.filter
def level(entry: dict[str, Any] | None) -> str:
    """An element's level, or that it is not asked for."""
    return level_text(entry.get("level") if entry else None)


@register.filter
def get_item(mapping: dict[str, Any] | None, key: str) -> Any:
    return (mapping or {}).get(key)
