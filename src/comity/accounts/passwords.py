"""Password rules beyond Django's (OWASP ASVS 2.1): no password made of a character or two
repeated, and never the demo data's published password on a real account."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Published in the README and printed by `make run`: good for the demo's users only, which are
# made without this check.
DEMO_PASSWORD = "comity-demo-2026"
MIN_DISTINCT_CHARACTERS = 5


class VariedCharactersValidator:
    """Refuses a password with fewer than MIN_DISTINCT_CHARACTERS different characters
    ("bbbbbbbbbbbbbbbbbbbb", "abababababab"): long, and guessed at once."""

    def validate(self, password: str, user: Any = None) -> None:
        if len(set(password)) < MIN_DISTINCT_CHARACTERS:
            raise ValidationError(
                _("This password repeats too few characters: use at least %(n)d different ones.")
                % {"n": MIN_DISTINCT_CHARACTERS},
                code="password_too_repetitive",
            )

    def get_help_text(self) -> str:
        return _("Your password must use at least %(n)d different characters.") % {
            "n": MIN_DISTINCT_CHARACTERS
        }


class NotTheDemoPasswordValidator:
    """Refuses the demo data's password, which anyone who read the README knows."""

    def validate(self, password: str, user: Any = None) -> None:
        if password.strip().casefold() == DEMO_PASSWORD:
            raise ValidationError(
                _("This is the demonstration data's published password: choose your own."),
                code="password_is_demo",
            )

    def get_help_text(self) -> str:
        return _("Your password cannot be the demonstration data's password.")
