"""Form helpers shared by every app's pages."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe


def add_service_errors(
    form: forms.Form, error: ValidationError, aliases: dict[str, str] | None = None
) -> None:
    """Show a service's per-field errors on the form's fields (or above the form)."""
    aliases = aliases or {}
    for field, messages in (
        error.message_dict.items() if hasattr(error, "error_dict") else [("__all__", error.messages)]
    ):
        target = aliases.get(field, field)
        for message in messages:
            form.add_error(target if target in form.fields else None, message)


class FastSelect(forms.Select):
    """A <select> rendered in Python: Django renders each <option> through a template, which made
    the 250-country filters most of a list page's time."""

    def render(self, name, value, attrs=None, renderer=None):
        selected = {str(v) for v in (value if isinstance(value, list | tuple) else [value]) if v is not None}
        final = self.build_attrs(self.attrs, attrs)
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (key, mark_safe(" selected") if str(key) in selected else "", label)
                for key, label in self.choices
            ),
        )
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(final), options)
