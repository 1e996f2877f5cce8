"""Writes of the shared kernel, called by every app's services inside their transaction."""

import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from comity.core.choices import AuditAction
from comity.core.models import AccessEntry, AuditEntry, Submission

M = TypeVar("M", bound=models.Model)
# How long a submission's key is remembered: a retry comes within seconds or minutes; a key is
# not meant to be a permanent name (the IETF's Idempotency-Key draft asks for an expiry).
SUBMISSION_KEPT = datetime.timedelta(hours=24)


def audit(
    *,
    actor: AbstractBaseUser | None,
    action: AuditAction,
    obj: models.Model,
    fields: Iterable[str] = (),
    detail: Mapping[str, str] | None = None,
) -> AuditEntry:
    """Record a write. `detail` carries codes an auditor needs to read the change (the old and new
    confidentiality level, say), never case content: no names, summaries or references."""
    return AuditEntry.objects.create(
        actor_id=actor.pk if actor is not None else None,
        authority_id=getattr(actor, "authority_id", None),
        # The table takes any text: the enumeration is the one list of actions.
        action=AuditAction(action).value,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        fields=sorted(fields),
        detail=dict(detail or {}),
    )


def record_access(*, user: AbstractBaseUser, obj: models.Model, channel: str) -> None:
    AccessEntry.objects.create(
        user_id=user.pk, object_type=obj._meta.label_lower, object_id=str(obj.pk), channel=channel
    )


class KeyReused(ValueError):
    """A submission key that the user already gave, in the last `SUBMISSION_KEPT`, to something else."""


@dataclass(frozen=True)
class Submitted(Generic[M]):
    """What a submission created (`created`), or the id of what it created the first time
    (`replayed_id`) when the same key came again."""

    created: M | None
    replayed_id: str | None

    @property
    def replayed(self) -> bool:
        return self.replayed_id is not None


def submission_fingerprint(*parts: str | bytes) -> str:
    """A keyed hash of what a submission asked for (its endpoint, its body): equal for a retry,
    and revealing nothing of the body, not even to a guess, without the server's secret key."""
    joined = b"\0".join(part.encode() if isinstance(part, str) else part for part in parts)
    return salted_hmac("comity.core.submission", joined, algorithm="sha256").hexdigest()


def submit_once(
    *, actor: AbstractBaseUser, key: str, fingerprint: str, create: Callable[[], M]
) -> Submitted[M]:
    """Run `create` (a service) once per `key` of `actor`, in one transaction with the key's record.

    The same key again (a double click, the Back button, a client retrying after a timeout)
    creates nothing and returns the first creation's id; a retry that arrives while the first is
    still being written waits for it (the key's unique index), and if the first failed, it runs.
    KeyReused when the key was given to a different submission (another `fingerprint`).
    """
    with transaction.atomic():
        now = timezone.now()
        Submission.objects.filter(user_id=actor.pk, created_at__lt=now - SUBMISSION_KEPT).delete()
        try:
            with transaction.atomic():
                claim = Submission.objects.create(
                    user_id=actor.pk, key=key, fingerprint=fingerprint, created_at=now
                )
        except IntegrityError:
            earlier = Submission.objects.get(user_id=actor.pk, key=key)
            if earlier.fingerprint != fingerprint:
                raise KeyReused(key) from None
            return Submitted(None, earlier.object_id)
        created = create()
        claim.object_id = str(created.pk)
        claim.save(update_fields=["object_id"])
        return Submitted(created, None)
