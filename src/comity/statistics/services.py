"""Writes of the statistics app: a State's submission, received and audited."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from comity.accounts.models import User
from comity.core.choices import AuditAction
from comity.core.services import audit
from comity.statistics.models import Submission
from comity.statistics.submissions import check


@transaction.atomic
def submission_receive(*, actor: User | None, payload: Any) -> Submission:
    problems = check(payload)
    if problems:
        raise ValidationError(problems)
    submission, _created = Submission.objects.update_or_create(
        state=payload["state"], period=payload["period"], defaults={"payload": payload, "received_by": actor}
    )
    audit(actor=actor, action=AuditAction.STATISTICS_SUBMISSION, obj=submission)
    return submission
