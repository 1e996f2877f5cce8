"""How long a text may be. Each model field's `max_length` is its limit, the one place it is
written: services check it (so a page, the API and an import give the same message, and an
import, which writes in bulk, checks the same rows), forms and API schemas read it to say so
early. A TextField has one too, which the database does not enforce: the services do.

A page listing several long texts (a timeline's details) stays quick to render; a summary of
200,000 characters took 22 s.
"""

from collections.abc import Mapping

from django.db import models
from django.utils.translation import ngettext


def max_length(model: type[models.Model], field: str) -> int:
    limit = model._meta.get_field(field).max_length  # type: ignore[union-attr]
    assert limit, f"{model.__name__}.{field} has no max_length"
    return limit


def too_long(model: type[models.Model], field: str, value: object) -> str | None:
    """The message for `value` when it is longer than the field's limit, else None."""
    limit = max_length(model, field)
    if not isinstance(value, str) or len(value) <= limit:
        return None
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
