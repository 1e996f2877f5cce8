"""The life of a cooperation request, derived from its timeline.

The timeline is the truth; status, dates and outcome are folded from it here, and an event that
could not happen (an execution before receipt, anything after a final outcome but a note or a
reopening by a head, a date before 1950 or in the future) is refused with a message that says why.

A wrong date is never edited: a correction event names the event it corrects and the right date,
and the fold reads every event at its latest corrected date (`corrected`).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from comity.cooperation.choices import FINAL_STATUSES, EventKind, Status
from comity.core.dates import implausible

S = Status
RECEIVED_AND_OPEN = frozenset({S.RECEIVED, S.ACKNOWLEDGED, S.IN_EXECUTION, S.POSTPONED})
SENT_AND_OPEN = RECEIVED_AND_OPEN | {S.SENT, S.AWAITING_INFORMATION}

# event -> (statuses it may follow, status it leads to; None keeps the status)
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    EventKind.SENT: (frozenset({S.DRAFT}), S.SENT),
    EventKind.RECEIVED: (frozenset({S.DRAFT, S.SENT}), S.RECEIVED),
    EventKind.ACKNOWLEDGED: (frozenset({S.RECEIVED}), S.ACKNOWLEDGED),
    EventKind.INFORMATION_REQUESTED: (RECEIVED_AND_OPEN, S.AWAITING_INFORMATION),
    EventKind.INFORMATION_PROVIDED: (frozenset({S.AWAITING_INFORMATION}), None),
    EventKind.EXECUTION_STARTED: (frozenset({S.RECEIVED, S.ACKNOWLEDGED, S.POSTPONED}), S.IN_EXECUTION),
    EventKind.POSTPONED: (frozenset({S.RECEIVED, S.ACKNOWLEDGED, S.IN_EXECUTION}), S.POSTPONED),
    EventKind.PARTIALLY_EXECUTED: (RECEIVED_AND_OPEN, S.PARTIALLY_EXECUTED),
    EventKind.EXECUTED: (RECEIVED_AND_OPEN, S.EXECUTED),
    EventKind.REFUSED: (RECEIVED_AND_OPEN | {S.AWAITING_INFORMATION}, S.REFUSED),
    EventKind.WITHDRAWN: (SENT_AND_OPEN | {S.DRAFT}, S.WITHDRAWN),
    EventKind.LAPSED: (SENT_AND_OPEN, S.LAPSED),
    EventKind.REMINDER_SENT: (SENT_AND_OPEN, None),
    EventKind.REOPENED: (FINAL_STATUSES, None),
}
EXECUTION_EVENTS = frozenset(
    {
        EventKind.EXECUTION_STARTED,
        EventKind.PARTIALLY_EXECUTED,
        EventKind.EXECUTED,
        EventKind.POSTPONED,
        EventKind.ACKNOWLEDGED,
        EventKind.INFORMATION_REQUESTED,
    }
)
# Notes may be written about any day, and a correction is about an earlier event; every other
# event keeps the timeline in date order.
UNDATED_ORDER_EVENTS = frozenset({EventKind.NOTE, EventKind.CORRECTION})
# Events that change nothing the fold says (a correction acts through `corrected`).
NEUTRAL_EVENTS = frozenset({EventKind.NOTE, EventKind.CORRECTION})


class TransitionError(ValueError):
    """An event the request's life does not allow; `field` names the input at fault."""

    def __init__(self, message: str, field: str = "kind") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Timeline:
    """What the events so far say about a request."""

    status: str | None = None
    # The status to go back to after additional information, or after a reopening.
    resume: str | None = None
    last_date: datetime.date | None = None
    sent_on: datetime.date | None = None
    received_on: datetime.date | None = None
    acknowledged_on: datetime.date | None = None
    closed_on: datetime.date | None = None
    refusal_grounds: tuple[str, ...] = field(default=())

    def evolve(self, **changes: object) -> Timeline:
        """A copy with `changes`. Like dataclasses.replace without re-running __init__ (imports
        replay millions of events, and replace re-validates each copy)."""
        new = object.__new__(Timeline)
        new.__dict__.update(self.__dict__, **changes)
        return new

    @property
    def outcome(self) -> str:
        return self.status if self.status in FINAL_STATUSES else ""

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES


# Computed once: TextChoices.values builds a new list at every call, and imports replay millions.
EVENT_KINDS = frozenset(EventKind.values)


def _label(value: str | None) -> str:
    return str(Status(value).label) if value else ""


def check_date(day: datetime.date, today: datetime.date) -> None:
    """TransitionError (on `occurred_on`) for a date no event of a request can have: before
    `core.dates.EARLIEST_DATE`, or after `today`."""
    message = implausible(day, today)
    if message is not None:
        raise TransitionError(message, "occurred_on")


def check_grounds(kind: str, grounds: tuple[str, ...]) -> None:
    """TransitionError (on `refusal_grounds`) unless a refusal states grounds and only a refusal or
    a postponement has any: whatever the timeline."""
    if kind == EventKind.REFUSED and not grounds:
        raise TransitionError(_("A refusal states at least one ground."), "refusal_grounds")
    if grounds and kind not in {EventKind.REFUSED, EventKind.POSTPONED}:
        raise TransitionError(_("Grounds are given only for a refusal or a postponement."), "refusal_grounds")


def apply(
    timeline: Timeline,
    kind: str,
    occurred_on: datetime.date,
    *,
    by_head: bool = False,
    refusal_grounds: Iterable[str] = (),
    today: datetime.date | None = None,
) -> Timeline:
    """The timeline after one more event, or TransitionError if the event cannot happen now."""
    if kind not in EVENT_KINDS:
        raise TransitionError(
            _("Unknown event %(kind)s; allowed: %(allowed)s.")
            % {"kind": kind, "allowed": ", ".join(EventKind.values)}
        )
    if timeline.status is None:
        if kind != EventKind.CREATED:
            raise TransitionError(_("A timeline starts with its creation."))
        return timeline.evolve(status=S.DRAFT, last_date=occurred_on)
    if kind == EventKind.CREATED:
        raise TransitionError(_("The request already exists."))
    if today is not None:
        check_date(occurred_on, today)
    if kind == EventKind.RECEIVED and timeline.sent_on and occurred_on < timeline.sent_on:
        raise TransitionError(
            _("A request cannot be received (%(date)s) before it was sent (%(sent)s).")
            % {"date": occurred_on, "sent": timeline.sent_on},
            "occurred_on",
        )
    if kind not in UNDATED_ORDER_EVENTS and timeline.last_date and occurred_on < timeline.last_date:
        raise TransitionError(
            _("The date %(date)s is before the previous event of the timeline (%(last)s).")
            % {"date": occurred_on, "last": timeline.last_date},
            "occurred_on",
        )
    if kind in NEUTRAL_EVENTS:
        return timeline

    allowed_from, target = TRANSITIONS[kind]
    if timeline.status not in allowed_from:
        if timeline.is_final:
            message = _(
                "The request is closed (%(status)s): only a note, or a reopening by a head of "
                "unit, may follow."
            )
        elif kind in EXECUTION_EVENTS and timeline.received_on is None:
            message = _("The request has not been received yet (%(status)s): record its receipt first.")
        elif kind == EventKind.INFORMATION_PROVIDED:
            message = _("No additional information was requested (%(status)s).")
        else:
            message = _("“%(event)s” is not possible while the request is “%(status)s”.")
        raise TransitionError(message % {"status": _label(timeline.status), "event": EventKind(kind).label})

    if kind == EventKind.REOPENED:
        if not by_head:
            raise TransitionError(_("Only a head of unit may reopen a closed request."))
        return timeline.evolve(
            status=timeline.resume,
            resume=None,
            closed_on=None,
            refusal_grounds=(),
            last_date=occurred_on,
        )

    grounds = tuple(refusal_grounds)
    check_grounds(kind, grounds)

    changes: dict = {"last_date": occurred_on}
    if kind == EventKind.SENT:
        changes["sent_on"] = occurred_on
    elif kind == EventKind.RECEIVED:
        changes["received_on"] = occurred_on
    elif kind == EventKind.ACKNOWLEDGED:
        changes["acknowledged_on"] = occurred_on
    if kind == EventKind.INFORMATION_PROVIDED:
        changes["status"], changes["resume"] = timeline.resume, None
    elif target is not None:
        changes["status"] = target
        if target == S.AWAITING_INFORMATION or target in FINAL_STATUSES:
            changes["resume"] = timeline.status
        if target in FINAL_STATUSES:
            changes["closed_on"] = occurred_on
            changes["refusal_grounds"] = grounds
    return timeline.evolve(**changes)


def next_events(status: str, *, by_head: bool) -> list[str]:
    """The events that may follow a request in `status`, in the order of `EventKind` (what the
    event form offers). A note or a correction may always follow; a reopening only a final
    outcome, by a head."""
    return [
        kind
        for kind in EventKind.values
        if kind in NEUTRAL_EVENTS
        or (
            kind in TRANSITIONS and status in TRANSITIONS[kind][0] and (by_head or kind != EventKind.REOPENED)
        )
    ]


def replay(events: Iterable[tuple[str, datetime.date, Iterable[str]]]) -> Timeline:
    """Fold a whole timeline, oldest first: (kind, occurred_on, refusal_grounds) triples.

    Replay trusts who recorded each event (a reopening was checked when it was recorded).
    """
    timeline = Timeline()
    for kind, occurred_on, grounds in events:
        timeline = apply(timeline, kind, occurred_on, by_head=True, refusal_grounds=grounds)
    return timeline


# An event as the fold reads it from the database: (id, kind, occurred_on, refusal grounds,
# id of the event it corrects or None).
EventRow = tuple[int, str, datetime.date, Iterable[str], int | None]


def corrected(rows: Iterable[EventRow]) -> list[tuple[str, datetime.date, Iterable[str]]]:
    """The events, oldest first, each at its latest corrected date, for `replay`: a correction
    supersedes the date of the event it names (a later correction of the same event, the
    earlier correction), and itself changes nothing else."""
    rows = sorted(rows, key=lambda row: row[0])
    dates = {row[4]: row[2] for row in rows if row[1] == EventKind.CORRECTION and row[4] is not None}
    return [(kind, dates.get(pk, day), grounds) for pk, kind, day, grounds, _corrects in rows]


@dataclass(frozen=True, slots=True)
class SharedEvent:
    """An event of a request that travelled between two deployments, as the shared fold reads it
    (ADR 11): `origin` is the deployment that recorded it first and `origin_id` its id there;
    `after` the id of the last of the other deployment's events that `origin` had when recording
    it; `corrects` the local id of the event a correction names."""

    pk: int
    kind: str
    occurred_on: datetime.date
    grounds: tuple[str, ...]
    origin: str
    origin_id: int
    after: int | None
    corrects: int | None = None


def _causal_order(events: list[SharedEvent], key: Callable[[SharedEvent], tuple]) -> list[SharedEvent]:
    """The events in an order both deployments compute alike from the same set: each after the
    earlier events of its own deployment and after the other's events its deployment had when
    recording it (`after`); among the events free to come next, the least by `key`. Events one
    side recorded without having the other's (recorded at once) are thus ordered by `key` alone."""
    queues: dict[str, list[SharedEvent]] = {}
    for event in sorted(events, key=lambda e: (e.origin, e.origin_id)):
        queues.setdefault(event.origin, []).append(event)
    heads = dict.fromkeys(queues, 0)
    ordered: list[SharedEvent] = []

    def free(event: SharedEvent) -> bool:
        return all(
            heads[other] == len(queue) or queue[heads[other]].origin_id > (event.after or 0)
            for other, queue in queues.items()
            if other != event.origin
        )

    while len(ordered) < len(events):
        candidates = [queue[heads[origin]] for origin, queue in queues.items() if heads[origin] < len(queue)]
        # Ids claimed by a peer could make every head wait on another: the least by key goes first.
        chosen = min((e for e in candidates if free(e)), key=key, default=None) or min(candidates, key=key)
        ordered.append(chosen)
        heads[chosen.origin] += 1
    return ordered


def fold_shared(events: Iterable[SharedEvent]) -> tuple[Timeline, frozenset[int]]:
    """The timeline of a request shared between two deployments, and the local ids of its
    conflicting events, the same at both ends once both have the same events (ADR 11).

    The deployment's own creation comes first (each side has its own, on its own day, so it bounds
    no shared event's date); corrections then give each
    event its latest date, latest in their causal order (ties: deployment name, id); the other
    events are folded in causal order, events recorded at once ordered by date, deployment name,
    id. An event the state machine refuses at its place in that order is kept as conflicting and
    changes nothing: two sides recording at once end with the same status and dates, and see the
    conflict, instead of each refusing the other's event.
    """
    events = list(events)
    corrections = _causal_order(
        [e for e in events if e.kind == EventKind.CORRECTION], key=lambda e: (e.origin, e.origin_id)
    )
    dates = {e.corrects: e.occurred_on for e in corrections if e.corrects is not None}

    def on(event: SharedEvent) -> datetime.date:
        return dates.get(event.pk, event.occurred_on)

    others = [e for e in events if e.kind not in NEUTRAL_EVENTS and e.kind != EventKind.CREATED]
    # Each side registered the request on its own day: its creation bounds nothing shared.
    created = min(on(e) for e in events if e.kind not in NEUTRAL_EVENTS)
    timeline = apply(Timeline(), EventKind.CREATED, created)
    conflicting = set()
    for event in _causal_order(others, key=lambda e: (on(e), e.origin, e.origin_id)):
        try:
            timeline = apply(timeline, event.kind, on(event), by_head=True, refusal_grounds=event.grounds)
        except TransitionError:
            conflicting.add(event.pk)
    return timeline, frozenset(conflicting)
