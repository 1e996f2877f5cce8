from django import template

from comity.reference.countries import country_name as _country_name
from comity.reference.countries import region_name as _region_name

register = template.Library()


@register.filter
def country_name(code: str) -> str:
    """`PE`|country_name → Peru, in the active language."""
    return _country_name(code)


@register.filter
def region_name(region: str) -> str:
    """`Americas`|region_name → Amériques, in the active language."""
    return _region_name(region)
