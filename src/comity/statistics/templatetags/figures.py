from django import template

register = template.Library()


@register.filter
def percent(ratio: float | None) -> str:
    """A ratio as a percentage to one decimal ("0.2%"), or a dash when there is nothing to divide."""
    if ratio is None:
        return "—"
    return f"{ratio * 100:.1f}%"
