"""Helpers shared by the management commands."""

from django.core.exceptions import ValidationError


def validation_message(error: ValidationError) -> str:
    """One line per field, `field: message`, for the terminal."""
    if hasattr(error, "error_dict"):
        return "\n".join(f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items())
    return " ".join(error.messages)
