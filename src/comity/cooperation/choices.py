from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    """Where a request stands; always derived from its timeline by the state machine."""

    DRAFT = "draft", _("Registered, not sent")
    SENT = "sent", _("Sent")
    RECEIVED = "received", _("Received")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    AWAITING_INFORMATION = "awaiting-information", _("Awaiting additional information")
    IN_EXECUTION = "in-execution", _("In execution")
    POSTPONED = "postponed", _("Postponed")
    EXECUTED = "executed", _("Executed")
    PARTIALLY_EXECUTED = "partially-executed", _("Partially executed")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    LAPSED = "lapsed", _("Lapsed")


FINAL_STATUSES = frozenset(
    {Status.EXECUTED, Status.PARTIALLY_EXECUTED, Status.REFUSED, Status.WITHDRAWN, Status.LAPSED}
)
OPEN_STATUSES = frozenset(Status) - FINAL_STATUSES


class EventKind(models.TextChoices):
    CREATED = "created", _("Created")
    SENT = "sent", _("Sent")
    RECEIVED = "received", _("Received")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    INFORMATION_REQUESTED = "information-requested", _("Additional information requested")
    INFORMATION_PROVIDED = "information-provided", _("Additional information provided")
    EXECUTION_STARTED = "execution-started", _("Execution started")
    PARTIALLY_EXECUTED = "partially-executed", _("Partially executed")
    EXECUTED = "executed", _("Executed")
    REFUSED = "refused", _("Refused")
    POSTPONED = "postponed", _("Postponed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    LAPSED = "lapsed", _("Lapsed")
    REMINDER_SENT = "reminder-sent", _("Reminder sent")
    NOTE = "note", _("Note")
    REOPENED = "reopened", _("Reopened")
    # Supersedes the date of an earlier event (`Event.corrects`); the earlier event stays.
    CORRECTION = "correction", _("Date corrected")


class Direction(models.TextChoices):
    """Seen from the acting user's authority."""

    INCOMING = "incoming", _("Incoming")
    OUTGOING = "outgoing", _("Outgoing")


class SubjectKind(models.TextChoices):
    NATURAL = "natural", _("Natural person")
    LEGAL = "legal", _("Legal person")


class NamesVisibleTo(models.TextChoices):
    """Who, on each side, may know the subjects' names of a confidential request."""

    OFFICERS = "officers", _("Officers and heads of unit")
    HEADS = "heads", _("Heads of unit only")
