"""Writes of the statistics app: a State's submission, received and audited."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from comity.accounts.choices import Role
from comity.accounts.models import User
from comity.core.choices import AuditAction
from comity.core.services import audit
from comity.statistics.models import Submission, SubmissionVersion
from comity.statistics.submissions import check, read_file


def may_submit(user: User) -> bool:
    """Whether `user` may send a State's submission at all: the secretariat (any State) and a
    national coordinator (their own); to anyone else the import does not exist (404)."""
    return user.is_active and (user.role == Role.SECRETARIAT or user.coordinated_country is not None)


def submission_receive_file(*, actor: User | None, data: bytes) -> Submission:
    """Receive a submission file as uploaded or read from disk: the same checks and the same
    per-path problems whichever way it came (page, API or command line)."""
    return submission_receive(actor=actor, payload=read_file(data))


@transaction.atomic
def submission_receive(*, actor: User | None, payload: Any) -> Submission:
    """Receive a State's submission: whole or not at all, each problem named by its path. A
    coordinator submits for their own State only; the secretariat (or the command line, `actor`
    None) for any. A second file for the same State and period must say it is a correction; every
    version is kept."""
    problems = check(payload)
    if problems:
        raise ValidationError(problems)
    state, period = payload["state"], payload["period"]
    if actor is not None and actor.role != Role.SECRETARIAT:
        coordinated = actor.coordinated_country
        if coordinated is None:
            raise ValidationError(
                [_("state: only a national coordinator or the secretariat submits figures.")]
            )
        if coordinated != state:
            raise ValidationError(
                [
                    _("state: you coordinate %(ours)s, not %(theirs)s.")
                    % {"ours": coordinated, "theirs": state}
                ]
            )
    submission = Submission.objects.select_for_update().filter(state=state, period=period).first()
    correction = bool(payload.get("correction", False))
    if submission is not None and not correction:
        raise ValidationError(
            [
                _(
                    "correction: a submission of %(state)s for %(period)d was already received; "
                    'send the new file with "correction": true to replace it.'
                )
                % {"state": state, "period": period}
            ]
        )
    if submission is None:
        submission = Submission.objects.create(state=state, period=period, payload=payload, received_by=actor)
    else:
        submission.payload, submission.received_by = payload, actor
        submission.save(update_fields=["payload", "received_by", "received_at"])
    number = submission.versions.count() + 1
    SubmissionVersion.objects.create(
        submission=submission, number=number, payload=payload, correction=correction, received_by=actor
    )
    audit(
        actor=actor,
        action=AuditAction.STATISTICS_SUBMISSION,
        obj=submission,
        fields=["payload"],
        detail={"version": str(number), "correction": "yes" if correction else "no"},
    )
    return submission
