import datetime

import pytest

from comity.cooperation.choices import EventKind as K
from comity.cooperation.choices import Status
from comity.cooperation.statemachine import Timeline, TransitionError, apply, corrected, next_events, replay

D = datetime.date


def run(*steps, by_head=False):
    timeline = apply(Timeline(), K.CREATED, D(2024, 1, 1))
    for kind, day, *grounds in steps:
        timeline = apply(timeline, kind, day, by_head=by_head, refusal_grounds=grounds[0] if grounds else ())
    return timeline


def test_a_full_life_sets_dates_status_and_outcome():
    t = run(
        (K.SENT, D(2024, 1, 2)),
        (K.RECEIVED, D(2024, 1, 9)),
        (K.ACKNOWLEDGED, D(2024, 1, 10)),
        (K.EXECUTION_STARTED, D(2024, 2, 1)),
        (K.EXECUTED, D(2024, 6, 30)),
    )
    assert (t.status, t.outcome, t.sent_on, t.received_on, t.acknowledged_on, t.closed_on) == (
        Status.EXECUTED,
        "executed",
        D(2024, 1, 2),
        D(2024, 1, 9),
        D(2024, 1, 10),
        D(2024, 6, 30),
    )


@pytest.mark.parametrize("kind", [K.EXECUTION_STARTED, K.EXECUTED, K.PARTIALLY_EXECUTED, K.ACKNOWLEDGED])
def test_no_execution_before_receipt(kind):
    with pytest.raises(TransitionError, match="not been received yet"):
        run((K.SENT, D(2024, 1, 2)), (kind, D(2024, 1, 3)))


def test_after_a_final_outcome_only_a_note_or_a_reopening_by_a_head():
    closed = run((K.RECEIVED, D(2024, 1, 2)), (K.REFUSED, D(2024, 2, 1), ["dual-criminality"]))
    assert closed.outcome == "refused" and closed.refusal_grounds == ("dual-criminality",)
    assert apply(closed, K.NOTE, D(2024, 2, 2)) == closed
    for kind in (K.EXECUTED, K.REMINDER_SENT, K.INFORMATION_REQUESTED, K.WITHDRAWN):
        with pytest.raises(TransitionError, match="closed"):
            apply(closed, kind, D(2024, 2, 3))
    with pytest.raises(TransitionError, match="head of unit"):
        apply(closed, K.REOPENED, D(2024, 2, 3))
    reopened = apply(closed, K.REOPENED, D(2024, 2, 3), by_head=True)
    assert (reopened.status, reopened.outcome, reopened.closed_on, reopened.refusal_grounds) == (
        Status.RECEIVED,
        "",
        None,
        (),
    )


def test_additional_information_returns_to_where_the_request_was():
    t = run(
        (K.RECEIVED, D(2024, 1, 2)),
        (K.EXECUTION_STARTED, D(2024, 1, 5)),
        (K.INFORMATION_REQUESTED, D(2024, 1, 6)),
    )
    assert t.status == Status.AWAITING_INFORMATION
    assert apply(t, K.INFORMATION_PROVIDED, D(2024, 2, 1)).status == Status.IN_EXECUTION
    with pytest.raises(TransitionError, match="No additional information"):
        run((K.RECEIVED, D(2024, 1, 2)), (K.INFORMATION_PROVIDED, D(2024, 1, 3)))


def test_received_before_sent_is_refused_with_both_dates():
    with pytest.raises(
        TransitionError, match="cannot be received .2024-01-01. before it was sent .2024-01-05."
    ):
        run((K.SENT, D(2024, 1, 5)), (K.RECEIVED, D(2024, 1, 1)))


def test_events_keep_date_order_but_notes_may_look_back():
    t = run((K.SENT, D(2024, 3, 1)))
    with pytest.raises(TransitionError) as error:
        apply(t, K.REMINDER_SENT, D(2024, 2, 1))
    assert error.value.field == "occurred_on"
    assert apply(t, K.NOTE, D(2024, 1, 1)).status == Status.SENT


def test_future_dates_are_refused():
    with pytest.raises(TransitionError, match="future"):
        apply(run(), K.SENT, D(2024, 5, 2), today=D(2024, 5, 1))


def test_refusal_needs_a_ground_and_only_refusals_and_postponements_take_one():
    received = run((K.RECEIVED, D(2024, 1, 2)))
    with pytest.raises(TransitionError, match="at least one ground"):
        apply(received, K.REFUSED, D(2024, 1, 3))
    with pytest.raises(TransitionError, match="only for a refusal"):
        apply(received, K.EXECUTED, D(2024, 1, 3), refusal_grounds=["bank-secrecy"])
    assert (
        apply(received, K.POSTPONED, D(2024, 1, 3), refusal_grounds=["ongoing-proceedings"]).status
        == Status.POSTPONED
    )


def test_a_timeline_starts_with_its_creation_only_once():
    with pytest.raises(TransitionError):
        apply(Timeline(), K.SENT, D(2024, 1, 1))
    with pytest.raises(TransitionError):
        apply(run(), K.CREATED, D(2024, 1, 1))


def test_replay_equals_step_by_step():
    events = [
        (K.CREATED, D(2024, 1, 1), []),
        (K.SENT, D(2024, 1, 2), []),
        (K.RECEIVED, D(2024, 1, 3), []),
        (K.WITHDRAWN, D(2024, 1, 4), []),
    ]
    assert replay(events) == run(
        (K.SENT, D(2024, 1, 2)), (K.RECEIVED, D(2024, 1, 3)), (K.WITHDRAWN, D(2024, 1, 4))
    )


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("by_head", [False, True])
def test_the_events_offered_next_are_exactly_those_the_state_machine_accepts(status, by_head):
    timeline = Timeline(status=status, resume=Status.RECEIVED, last_date=D(2024, 1, 1))
    offered = next_events(status, by_head=by_head)
    for kind in K.values:
        if kind == K.CREATED:
            continue
        grounds = ["other"] if kind == K.REFUSED else []
        try:
            apply(timeline, kind, D(2024, 1, 2), by_head=by_head, refusal_grounds=grounds)
        except TransitionError:
            assert kind not in offered
        else:
            assert kind in offered


def test_no_date_before_1950_nor_in_the_future():
    timeline = run((K.SENT, D(2024, 1, 2)))
    for day, says in (
        (D(1949, 12, 31), "before 1950-01-01"),
        (D(1, 1, 1), "0001-01-01 is before 1950"),
        (D(2024, 6, 2), "future"),
    ):
        with pytest.raises(TransitionError, match=says) as error:
            apply(timeline, K.RECEIVED, day, today=D(2024, 6, 1))
        assert error.value.field == "occurred_on"
    earliest = apply(Timeline(), K.CREATED, D(1950, 1, 1))
    assert apply(earliest, K.SENT, D(1950, 1, 1), today=D(2024, 6, 1)).sent_on == D(1950, 1, 1)


def test_a_correction_supersedes_the_date_of_the_event_it_names():
    rows = [
        (1, K.CREATED, D(1, 1, 1), [], None),
        (2, K.SENT, D(1, 1, 1), [], None),
        (3, K.RECEIVED, D(2025, 3, 9), [], None),
        (4, K.CORRECTION, D(2025, 3, 1), [], 2),
        (5, K.NOTE, D(2025, 3, 10), [], None),
        (6, K.CORRECTION, D(2025, 3, 2), [], 2),  # the latest correction of an event holds
    ]
    assert corrected(rows) == [
        (K.CREATED, D(1, 1, 1), []),
        (K.SENT, D(2025, 3, 2), []),
        (K.RECEIVED, D(2025, 3, 9), []),
        (K.CORRECTION, D(2025, 3, 1), []),
        (K.NOTE, D(2025, 3, 10), []),
        (K.CORRECTION, D(2025, 3, 2), []),
    ]
    timeline = replay(corrected(rows))
    assert (timeline.status, timeline.sent_on, timeline.received_on) == (
        Status.RECEIVED,
        D(2025, 3, 2),
        D(2025, 3, 9),
    )
    # a correction that breaks the order is refused by the fold
    with pytest.raises(TransitionError, match="cannot be received"):
        replay(corrected([*rows, (7, K.CORRECTION, D(2025, 3, 20), [], 2)]))
