"""Writes of the shared kernel, called by every app's services inside their transaction."""

from collections.abc import Iterable

from django.db import models

from comity.core.models import AccessEntry, AuditEntry


def audit(*, actor, action: str, obj: models.Model, fields: Iterable[str] = ()) -> AuditEntry:
    return AuditEntry.objects.create(
        actor=actor,
        authority_id=getattr(actor, "authority_id", None),
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        fields=sorted(fields),
    )


def record_access(*, user, obj: models.Model, channel: str) -> None:
    AccessEntry.objects.create(
        user=user, object_type=obj._meta.label_lower, object_id=str(obj.pk), channel=channel
    )
