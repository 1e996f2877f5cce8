import datetime
import random

import pytest

from comity.cooperation.choices import EventKind as K
from comity.cooperation.choices import Status
from comity.cooperation.statemachine import (
    SharedEvent,
    Timeline,
    TransitionError,
    apply,
    corrected,
    fold_shared,
    next_events,
    replay,
)

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


# A request shared between two deployments (ADR 11): PE sent it to CH.
PE, CH = "pe.comity.test", "ch.comity.test"


def shared(*events, own=PE):
    """SharedEvents numbered locally in the order given: (kind, day, origin, origin id, after[, extra])."""
    rows = [SharedEvent(1, K.CREATED, D(2024, 1, 2), (), own, 1, None)]
    for pk, (kind, day, origin, origin_id, after, *extra) in enumerate(events, start=2):
        grounds = extra[0] if extra and kind != K.CORRECTION else ()
        corrects = extra[0] if extra and kind == K.CORRECTION else None
        rows.append(SharedEvent(pk, kind, day, tuple(grounds), origin, origin_id, after, corrects))
    return rows


def by_origin(rows, conflicting):
    return {(e.origin, e.origin_id) for e in rows if e.pk in conflicting}


def test_events_both_sides_record_at_once_fold_alike_at_both_ends_and_one_is_kept_conflicting():
    day = D(2024, 3, 1)
    sent = (K.SENT, D(2024, 1, 2), PE, 12, None)
    received = (K.RECEIVED, D(2024, 1, 9), CH, 40, 12)
    # PE withdraws (its id 15) knowing CH's receipt; CH executes (its id 44) the same day, not
    # knowing of the withdrawal: each side records its own first and gets the other's after
    withdrawn = (K.WITHDRAWN, day, PE, 15, 40)
    executed = (K.EXECUTED, day, CH, 44, 12)
    at_pe = shared(sent, received, withdrawn, executed)
    at_ch = shared(sent, received, executed, withdrawn, own=CH)
    (pe_timeline, pe_conflicts), (ch_timeline, ch_conflicts) = fold_shared(at_pe), fold_shared(at_ch)
    assert pe_timeline == ch_timeline
    # at once: by date, then deployment name ("ch..." before "pe..."): executed, then the withdrawal
    assert (pe_timeline.status, pe_timeline.closed_on) == (Status.EXECUTED, day)
    assert by_origin(at_pe, pe_conflicts) == by_origin(at_ch, ch_conflicts) == {(PE, 15)}
    # in arrival order, each side would have refused the other's event and kept its own status
    with pytest.raises(TransitionError):
        apply(run((K.SENT, D(2024, 1, 2)), (K.RECEIVED, D(2024, 1, 9)), (K.WITHDRAWN, day)), K.EXECUTED, day)


def test_what_one_side_did_knowing_the_others_event_follows_it_whatever_the_names():
    # CH receives the same day PE sent it: by name alone "ch" would come first, and a receipt
    # before the sending would leave the sending conflicting
    day = D(2024, 1, 2)
    rows = shared(
        (K.SENT, day, PE, 12, None),
        (K.RECEIVED, day, CH, 40, 12),
        (K.INFORMATION_REQUESTED, day, CH, 41, 12),
        (K.INFORMATION_PROVIDED, day, PE, 13, 41),
    )
    timeline, conflicts = fold_shared(rows)
    assert conflicts == frozenset()
    assert (timeline.status, timeline.sent_on, timeline.received_on) == (Status.RECEIVED, day, day)


def test_the_shared_fold_is_the_same_in_every_order_of_arrival():
    events = [
        (K.SENT, D(2024, 1, 2), PE, 12, None),
        (K.RECEIVED, D(2024, 1, 9), CH, 40, 12),
        (K.ACKNOWLEDGED, D(2024, 1, 10), CH, 41, 12),
        (K.INFORMATION_REQUESTED, D(2024, 2, 1), CH, 42, 12),
        (K.INFORMATION_PROVIDED, D(2024, 2, 8), PE, 13, 42),
        (K.EXECUTION_STARTED, D(2024, 2, 9), CH, 43, 13),
        # at once: PE withdraws, CH refuses
        (K.WITHDRAWN, D(2024, 3, 1), PE, 14, 43),
        (K.REFUSED, D(2024, 3, 2), CH, 44, 13, ["dual-criminality"]),
        # PE corrects CH's acknowledgement date (knowing everything up to the refusal)
        (K.CORRECTION, D(2024, 1, 11), PE, 15, 44, 4),
    ]
    results = set()
    for order in _orders(len(events)):
        rows = shared(*(events[i] for i in order))
        # the correction names the acknowledgement by its local id in this order
        rows = [
            e if e.kind != K.CORRECTION else SharedEvent(**{**_fields(e), "corrects": _local(rows, CH, 41)})
            for e in rows
        ]
        timeline, conflicts = fold_shared(rows)
        results.add((timeline, frozenset(by_origin(rows, conflicts))))
    [(timeline, conflicts)] = results
    assert conflicts == {(CH, 44)}  # the withdrawal (1 March) came first
    assert (timeline.status, timeline.acknowledged_on, timeline.closed_on) == (
        Status.WITHDRAWN,
        D(2024, 1, 11),
        D(2024, 3, 1),
    )


def _orders(n):
    """Some orders of n events: each rotation, its reverse, and a few shuffles (seeded)."""
    rng = random.Random(25)
    base = list(range(n))
    orders = [base[i:] + base[:i] for i in range(n)]
    orders += [list(reversed(o)) for o in orders]
    for _ in range(20):
        rng.shuffle(base)
        orders.append(list(base))
    return orders


def _fields(event):
    return {name: getattr(event, name) for name in SharedEvent.__slots__}


def _local(rows, origin, origin_id):
    return next(e.pk for e in rows if (e.origin, e.origin_id) == (origin, origin_id))


def test_a_correction_moving_an_event_reorders_the_fold_at_both_ends():
    # CH's execution was dated 5 March by mistake; PE withdrew on 3 March not knowing of it: the
    # withdrawal comes first. CH then corrects its execution to 1 March: execution first.
    events = [
        (K.SENT, D(2024, 1, 2), PE, 12, None),
        (K.RECEIVED, D(2024, 1, 9), CH, 40, 12),
        (K.EXECUTED, D(2024, 3, 5), CH, 41, 12),
        (K.WITHDRAWN, D(2024, 3, 3), PE, 13, 40),
    ]
    rows = shared(*events)
    timeline, conflicts = fold_shared(rows)
    assert timeline.status == Status.WITHDRAWN and by_origin(rows, conflicts) == {(CH, 41)}
    rows = shared(*events, (K.CORRECTION, D(2024, 3, 1), CH, 42, 13, _local(rows, CH, 41)))
    timeline, conflicts = fold_shared(rows)
    assert timeline.status == Status.EXECUTED and by_origin(rows, conflicts) == {(PE, 13)}
