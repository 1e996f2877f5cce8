"""Shared events of a request between two deployments (ADR 11): each carries its origin, is
applied once per origin, events recorded at once at both ends fold alike, corrections name
their event by its origin, and a peer's reopening is applied in the name of its authority."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from comity.cooperation import services
from comity.cooperation.models import Request
from comity.federation.models import Message
from comity.federation.services import system_actor
from comity.federation.tests.test_inbox import BODY, World, post
from conftest import bearer

CH, PE = "ch.comity.test", "pe.comity.test"


@pytest.fixture
def world(peru, tmp_path) -> World:
    return World(peru, tmp_path)


def incoming(world: World, sent_on: datetime.date | None = None) -> tuple[Request, str]:
    """CH's request (its sent event is its id 5) applied here; the request and its conversation."""
    sent = (sent_on or timezone.localdate()).isoformat()
    assert post(world.package(BODY | {"sent_event_id": 5, "sent_on": sent})).status_code == 200
    return Request.objects.get(), str(Message.objects.get(direction="in").conversation_id)


def theirs(world: World, conversation: str, event_id: int, kind: str, **body) -> bytes:
    event = {"event_id": event_id, "kind": kind, "occurred_on": timezone.localdate().isoformat()}
    return world.package(event | body, kind="request.event", conversation_id=conversation)


def correction(world: World, conversation: str, event_id: int, day, named: dict, **body) -> bytes:
    return theirs(
        world,
        conversation,
        event_id,
        "correction",
        occurred_on=day.isoformat(),
        text="Per the letter.",
        corrects=named,
        **body,
    )


def sent_bodies() -> list[dict]:
    return [m.body for m in Message.objects.filter(direction="out", kind="request.event").order_by("pk")]


def test_a_peers_event_keeps_its_origin_and_is_applied_once_whatever_its_message(world):
    request, conversation = incoming(world)
    # the peer's sent event is named by its id there; ours follow it, and say so when they travel
    sent, received = request.events.get(kind="sent"), request.events.get(kind="received")
    assert (sent.origin_deployment, sent.origin_event_id) == (CH, 5)
    assert (received.origin_deployment, received.after_event_id) == ("", 5)
    services.event_record(
        actor=world.officer, request=request, kind="acknowledged", occurred_on=timezone.localdate()
    )
    acknowledged = request.events.get(kind="acknowledged")
    assert [(b["event_id"], b["kind"], b["after_event_id"]) for b in sent_bodies()] == [
        (received.pk, "received", 5),
        (acknowledged.pk, "acknowledged", 5),
    ]
    # the peer's reminder, knowing our acknowledgement: recorded with its origin, once, even when
    # the same event comes again in another message (a package re-sent after a restore)
    for _ in range(2):
        assert (
            post(theirs(world, conversation, 6, "reminder-sent", after_event_id=acknowledged.pk)).status_code
            == 200
        )
    [reminder] = request.events.filter(kind="reminder-sent")
    assert (reminder.origin_deployment, reminder.origin_event_id, reminder.after_event_id) == (
        CH,
        6,
        acknowledged.pk,
    )
    assert reminder.authority == request.requesting_authority and not reminder.conflicting
    assert Message.objects.filter(direction="in", kind="request.event").count() == 2
    # nothing applied from the peer goes back to it
    assert len(sent_bodies()) == 2


def test_the_peers_sent_event_is_recorded_in_the_name_of_the_requesting_authority(world):
    request, _conversation = incoming(world)
    events = {e["kind"]: e for e in bearer(world.officer).get(f"/api/v1/requests/{request.pk}/events").json()}
    # CH sent it, we received it: each event names the side that recorded it, as at CH
    assert events["sent"]["authority"]["id"] == request.requesting_authority_id
    assert events["received"]["authority"]["id"] == request.requested_authority_id
    assert events["sent"]["actor"] != events["received"]["actor"]


def test_events_recorded_at_once_at_both_ends_are_kept_and_folded_by_adr_11s_rule(world, client):
    request, conversation = incoming(world)
    received = request.events.get(kind="received")
    today = timezone.localdate()
    # we execute, while CH (knowing only our receipt) withdraws the same day
    services.event_record(actor=world.officer, request=request, kind="executed", occurred_on=today)
    executed = request.events.get(kind="executed")
    assert post(theirs(world, conversation, 6, "withdrawn", after_event_id=received.pk)).status_code == 200
    # both kept; at once, the same day: by deployment name, ch... before pe...: the withdrawal
    # stands and our execution conflicts. CH folds the same events alike (test_statemachine).
    request.refresh_from_db()
    assert (request.status, request.closed_on) == ("withdrawn", today)
    withdrawn = request.events.get(kind="withdrawn")
    executed.refresh_from_db()
    assert executed.conflicting and not withdrawn.conflicting
    assert withdrawn.origin_deployment == CH
    # both sides see it, on the page and over the API
    client.force_login(world.officer)
    page = client.get(f"/requests/{request.pk}/").content.decode()
    assert "Conflicts with the other side" in page
    events = bearer(world.officer).get(f"/api/v1/requests/{request.pk}/events").json()
    assert {e["kind"]: e["conflicting"] for e in events}["executed"] is True
    # our next event follows both: refused while the fold says withdrawn
    with pytest.raises(ValidationError):
        services.event_record(actor=world.officer, request=request, kind="executed", occurred_on=today)


def test_corrections_travel_and_name_their_event_by_its_origin(world):
    today = timezone.localdate()
    request, conversation = incoming(world, sent_on=today - datetime.timedelta(days=10))
    sent, received = request.events.get(kind="sent"), request.events.get(kind="received")
    # CH corrects its date sent (its id 5), then our date received (our id): each lands on its event
    day = today - datetime.timedelta(days=12)
    assert post(correction(world, conversation, 6, day, {"deployment": CH, "event_id": 5})).status_code == 200
    request.refresh_from_db()
    assert request.sent_on == day
    assert request.events.get(origin_event_id=6).corrects == sent
    day = today - datetime.timedelta(days=5)
    named = {"deployment": PE, "event_id": received.pk}
    assert post(correction(world, conversation, 7, day, named, after_event_id=received.pk)).status_code == 200
    request.refresh_from_db()
    assert request.received_on == day and request.events.get(origin_event_id=7).corrects == received
    # one naming an event we do not have, or one of ours that came from them: refused, nothing kept
    for named in ({"deployment": CH, "event_id": 99}, {"deployment": PE, "event_id": sent.pk}):
        response = post(correction(world, conversation, 8, day, named))
        assert response.status_code == 400 and world.receipt(response)["reason"] == "unacceptable"
    assert not request.events.filter(origin_event_id=8).exists()
    # ours, of their event and of our own: each travels naming the event by its origin
    for target, day in (
        (sent, today - datetime.timedelta(days=11)),
        (received, today - datetime.timedelta(days=4)),
    ):
        services.event_record(
            actor=world.officer,
            request=request,
            kind="correction",
            occurred_on=day,
            text="Per the letter.",
            corrects=target.pk,
        )
    assert [(b["kind"], b["corrects"]) for b in sent_bodies()[-2:]] == [
        ("correction", {"deployment": CH, "event_id": 5}),
        ("correction", {"deployment": PE, "event_id": received.pk}),
    ]
    # a correction of our own creation stays here: each side's creation is its own
    services.event_record(
        actor=world.officer,
        request=request,
        kind="correction",
        occurred_on=today - datetime.timedelta(days=13),
        text="Registered earlier.",
        corrects=request.events.get(kind="created").pk,
    )
    assert len(sent_bodies()) == 3


def test_a_peers_reopening_is_applied_in_the_name_of_its_authority_and_only_so(world):
    request, conversation = incoming(world)
    today = timezone.localdate()
    assert post(theirs(world, conversation, 6, "withdrawn", after_event_id=1)).status_code == 200
    request.refresh_from_db()
    assert request.status == "withdrawn"
    # the system actor is an officer: it cannot reopen by itself, nor can our officers
    ch_actor = system_actor(request.requesting_authority)
    for actor in (ch_actor, world.officer):
        with pytest.raises(ValidationError):
            services.event_record(actor=actor, request=request, kind="reopened", occurred_on=today)
    # a reopening recorded at CH (by a head there) is applied: CH's rules allowed it
    assert post(theirs(world, conversation, 7, "reopened", after_event_id=1)).status_code == 200
    request.refresh_from_db()
    assert request.status == "received" and request.is_open and request.closed_on is None
    reopened = request.events.get(kind="reopened")
    assert reopened.actor == ch_actor and reopened.origin_event_id == 7 and not reopened.conflicting


def test_a_local_correction_that_would_put_an_accepted_event_in_conflict_is_refused(world):
    today = timezone.localdate()
    request, _conversation = incoming(world, sent_on=today - datetime.timedelta(days=10))
    received = request.events.get(kind="received")
    # our date received moved before CH's date sent: the receipt could no longer follow it
    with pytest.raises(ValidationError) as refused:
        services.event_record(
            actor=world.officer,
            request=request,
            kind="correction",
            occurred_on=today - datetime.timedelta(days=11),
            text="Typo.",
            corrects=received.pk,
        )
    assert "could no longer follow" in str(refused.value.message_dict["occurred_on"])
    assert not request.events.filter(kind="correction").exists()
    request.refresh_from_db()
    assert request.received_on == today
