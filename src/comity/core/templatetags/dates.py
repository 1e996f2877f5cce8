"""`{{ value|day }}`, `{{ value|moment }}`: a day, a moment for a reader of the active language (see core.formats.format_day).
A built-in of the templates (settings.TEMPLATES), as Django's own `date` filter is."""

from django import template

from comity.core.formats import format_day, format_moment

register = template.Library()


@register.filter
def day(value: object) -> str:
    return format_day(value)


@register.filter
def moment(value: object) -> str:
    return format_moment(value)
