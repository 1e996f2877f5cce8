"""Form helpers shared by every app's pages."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language


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
    the 250-country filters most of a list page's time. The options' HTML is kept per language
    and set of choices; only the selected ones are marked at each rendering."""

    def render(self, name, value, attrs=None, renderer=None):
        selected = {str(v) for v in (value if isinstance(value, list | tuple) else [value]) if v is not None}
        choices = [(str(key), label) for key, label in self.choices]
        options = _options(get_language() or "", tuple(key for key, _label in choices), choices)
        html = "".join(
            option.replace('">', '" selected>', 1) if key in selected else option
            for key, option in zip((key for key, _label in choices), options, strict=True)
        )
        final = self.build_attrs(self.attrs, attrs)
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(final), mark_safe(html))


_OPTIONS: dict[tuple[str, tuple[str, ...]], list[str]] = {}


def _options(language: str, keys: tuple[str, ...], choices: list[tuple[str, object]]) -> list[str]:
    """Each choice as an <option>, escaped once per language and set of choices."""
    cache_key = (language, keys)
    if cache_key not in _OPTIONS:
        _OPTIONS[cache_key] = [
            format_html('<option value="{}">{}</option>', key, label) for key, label in choices
        ]
    return _OPTIONS[cache_key]
