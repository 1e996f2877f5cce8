"""Form helpers shared by every app's pages."""

from django import forms
from django.core.exceptions import ValidationError


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
