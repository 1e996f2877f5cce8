from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Status(models.TextChoices):
    """Where a request stands; always derived from its timeline by the state machine."""

    DRAFT = "draft", pgettext_lazy("request status", "Registered, not sent")
    SENT = "sent", pgettext_lazy("request status", "Sent")
    RECEIVED = "received", pgettext_lazy("request status", "Received")
    ACKNOWLEDGED = "acknowledged", pgettext_lazy("request status", "Acknowledged")
    AWAITING_INFORMATION = (
        "awaiting-information",
        pgettext_lazy("request status", "Awaiting additional information"),
    )
    IN_EXECUTION = "in-execution", pgettext_lazy("request status", "In execution")
    POSTPONED = "postponed", pgettext_lazy("request status", "Postponed")
    EXECUTED = "executed", pgettext_lazy("request status", "Executed")
    PARTIALLY_EXECUTED = "partially-executed", pgettext_lazy("request status", "Partially executed")
    REFUSED = "refused", pgettext_lazy("request status", "Refused")
    WITHDRAWN = "withdrawn", pgettext_lazy("request status", "Withdrawn")
    LAPSED = "lapsed", pgettext_lazy("request status", "Lapsed")


FINAL_STATUSES = frozenset(
    {Status.EXECUTED, Status.PARTIALLY_EXECUTED, Status.REFUSED, Status.WITHDRAWN, Status.LAPSED}
)
OPEN_STATUSES = frozenset(Status) - FINAL_STATUSES


class EventKind(models.TextChoices):
    CREATED = "created", pgettext_lazy("event", "Created")
    SENT = "sent", pgettext_lazy("event", "Sent")
    RECEIVED = "received", pgettext_lazy("event", "Received")
    ACKNOWLEDGED = "acknowledged", pgettext_lazy("event", "Acknowledged")
    INFORMATION_REQUESTED = (
        "information-requested",
        pgettext_lazy("event", "Additional information requested"),
    )
    INFORMATION_PROVIDED = "information-provided", pgettext_lazy("event", "Additional information provided")
    EXECUTION_STARTED = "execution-started", pgettext_lazy("event", "Execution started")
    PARTIALLY_EXECUTED = "partially-executed", pgettext_lazy("event", "Partially executed")
    EXECUTED = "executed", pgettext_lazy("event", "Executed")
    REFUSED = "refused", pgettext_lazy("event", "Refused")
    POSTPONED = "postponed", pgettext_lazy("event", "Postponed")
    WITHDRAWN = "withdrawn", pgettext_lazy("event", "Withdrawn")
    LAPSED = "lapsed", pgettext_lazy("event", "Lapsed")
    REMINDER_SENT = "reminder-sent", pgettext_lazy("event", "Reminder sent")
    NOTE = "note", pgettext_lazy("event", "Note")
    REOPENED = "reopened", pgettext_lazy("event", "Reopened")
    # Supersedes the date of an earlier event (`Event.corrects`); the earlier event stays.
    CORRECTION = "correction", pgettext_lazy("event", "Date corrected")


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
