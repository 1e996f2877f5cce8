"""How long a text may be, and which characters it may not hold. Each model field's `max_length` is its limit, the one place it is
written: services check it (so a page, the API and an import give the same message, and an
import, which writes in bulk, checks the same rows), forms and API schemas read it to say so
early. A TextField has one too, which the database does not enforce: the services do.

A page listing several long texts (a timeline's details) stays quick to render, which an
unbounded summary made slow.

No text holds a control character but, in a multi-line text (a TextField), the tab and the line
breaks: a NUL cannot be stored on PostgreSQL at all, and the others break the exports and the
XML of an XLSX file later, far from where they were typed.
"""

import re
from collections.abc import Mapping

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

CONTROL = re.compile(r"[\x00-\x1f\x7f]")
LINE_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # all but tab, LF, CR


def control_character(value: object, multiline: bool = False) -> str | None:
    """The message for a text holding a control character (but tab and line breaks in a
    multi-line text), else None."""
    if isinstance(value, str) and (LINE_CONTROL if multiline else CONTROL).search(value):
        return _("This text contains a control character (such as NUL or a bell); remove it.")
    return None


def max_length(model: type[models.Model], field: str) -> int:
    limit = model._meta.get_field(field).max_length  # type: ignore[union-attr]
    assert limit, f"{model.__name__}.{field} has no max_length"
    return limit


def too_long(model: type[models.Model], field: str, value: object) -> str | None:
    """The message for `value` when it is longer than the field's limit, or holds a character no
    text may hold, else None."""
    limit = max_length(model, field)
    if not isinstance(value, str):
        return None
    if len(value) <= limit:
        return control_character(value, isinstance(model._meta.get_field(field), models.TextField))
    return ngettext(
        "At most %(limit)d character; this has %(length)d.",
        "At most %(limit)d characters; this has %(length)d.",
        limit,
    ) % {"limit": limit, "length": len(value)}


def check_lengths(
    errors: dict[str, list[str]],
    model: type[models.Model],
    values: Mapping[str, object],
    *,
    under: str | None = None,
    prefix: str = "",
) -> None:
    """Add to `errors` the text values longer than their field's limit: under each field's name,
    or all under `under` (an item of a list, e.g. "subjects", with `prefix` "Subject 2: ")."""
    for name, value in values.items():
        message = too_long(model, name, value)
        if message is not None:
            errors.setdefault(under or name, []).append(prefix + message)
