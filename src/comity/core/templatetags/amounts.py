"""`{{ value|amount:currency }}`: an amount for a reader of the active language (see core.formats)."""

from django import template

from comity.core.formats import format_amount

register = template.Library()


@register.filter
def amount(value: object, currency: str = "") -> str:
    return format_amount(value, currency)
