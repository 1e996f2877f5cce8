"""`{{ request|display:"status" }}`: a field's choice label, like `get_status_display`, from a
table made once per language. Django's own rebuilds the choices (translating every label) at each
call, for every row of a list."""

from functools import cache

from django import template
from django.db import models
from django.utils.translation import get_language

register = template.Library()


@cache
def _labels(model: type[models.Model], field: str, language: str) -> dict[str, str]:
    return {str(key): str(label) for key, label in model._meta.get_field(field).flatchoices}  # type: ignore[union-attr]


def labels(model: type[models.Model], field: str) -> dict[str, str]:
    """Code → label of a field's choices, in the active language."""
    return _labels(model, field, get_language() or "")


@register.filter
def display(obj: models.Model, field: str) -> str:
    value = getattr(obj, field)
    return labels(type(obj), field).get(str(value), value)
