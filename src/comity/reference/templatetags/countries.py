from django import template

from comity.reference.countries import country_name as _country_name

register = template.Library()


@register.filter
def country_name(code: str) -> str:
    """`PE`|country_name → Peru, in the active language."""
    return _country_name(code)
