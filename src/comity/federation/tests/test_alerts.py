"""Urgent freezing alerts between two deployments (ADR 11, #25 item 2): a peer's `alert` reaches
the 24/7 contact of the authority it names here, through the network's alert_send, once; this
side's acknowledgement and outcome go back as `alert.answer`; our own alert to a peer's authority
travels, and the peer's answers are recorded here, a freezing becoming a step of our asset. A
package whose content is wrong, or an answer on an unknown alert or one its state refuses, is
refused with a signed receipt and writes nothing."""

import datetime
import json
import uuid

import pytest
from django.test import Client
from django.utils import timezone

from comity.assets import services as asset_services
from comity.assets.models import AssetStep
from comity.core.models import AuditEntry
from comity.federation import packages
from comity.federation.models import Message, Peer, PeerAuthority
from comity.federation.services import peer_revoke
from comity.federation.tests.test_inbox import World, post
from comity.network.models import Alert, AlertStep, Notification
from comity.network.tests.helpers import hub
from conftest import bearer

IBAN = "CH9300762011623852957"
SECOND_IBAN = "CH5604835012345678009"
REASON = "The account holder is moving the bribes to a trust tonight."


@pytest.fixture
def world(peru, tmp_path) -> World:
    return World(peru, tmp_path)


def _deadline(hours: int = 24) -> str:
    return packages.instant(timezone.now() + datetime.timedelta(hours=hours))


def alert_body(**changes) -> dict:
    return {
        "alert_id": 41,
        "reason": REASON,
        "deadline": _deadline(),
        "assets": [
            {"kind": "iban", "identifier": IBAN, "amount": "2500000.00", "currency": "USD"},
            {"kind": "iban", "identifier": SECOND_IBAN},
        ],
    } | changes


def answer(world: World, conversation: str, **body) -> bytes:
    return world.package({"alert_id": 41} | body, kind="alert.answer", conversation_id=conversation)


def their_alert(world: World, **changes) -> tuple[Alert, str]:
    """CH's alert 41 (from its authority 7) to Peru, applied here; the alert and its conversation."""
    response = post(world.package(alert_body(**changes), kind="alert"))
    assert response.status_code == 200, world.receipt(response)
    message = Message.objects.get(direction="in", kind="alert")
    return Alert.objects.get(pk=message.alert_id), str(message.conversation_id)


def answers_sent() -> list[dict]:
    return [m.body for m in Message.objects.filter(direction="out", kind="alert.answer").order_by("pk")]


def test_a_peers_alert_reaches_the_authority_it_names_here_and_our_answers_go_back(world, nigeria):
    alert, conversation = their_alert(world)
    central = PeerAuthority.objects.get(remote_id=7).authority
    assert (alert.from_authority, alert.to_authority, alert.status) == (central, world.peru, "sent")
    assert alert.sent_by.username == f"federation:{central.pk}"
    # Peru is no member of any network: federation trust stands for it. Its officers are alerted
    # at once (no 24/7 contact in its directory), and they, and nobody else, read the alert.
    assert Notification.objects.filter(user=world.officer, kind="alert", urgent=True).count() == 1
    officer = bearer(world.officer)
    detail = officer.get(f"/api/v1/alerts/{alert.pk}").json()
    assert detail["status"] == "sent" and detail["reason"] == REASON
    assert [(a["identifier"], a["amount"]) for a in detail["assets"]] == [
        (IBAN, "2500000.00"),
        (SECOND_IBAN, None),
    ]
    assert detail["from_authority"]["id"] == central.pk and detail["asset_case"] is None
    page = f"/network/alerts/{alert.pk}/"
    client = Client()
    client.force_login(world.officer)
    assert REASON in client.get(page).content.decode()
    for outsider in (nigeria.officer, nigeria.head):
        client.force_login(outsider)
        assert client.get(page).status_code == 404
        assert bearer(outsider).get(f"/api/v1/alerts/{alert.pk}").status_code == 404
        assert (
            bearer(outsider)
            .post(f"/api/v1/alerts/{alert.pk}/acknowledge", {}, "application/json")
            .status_code
            == 404
        )
    # applied as the peer authority's system actor, audited without content
    applied = AuditEntry.objects.get(action="federation.apply")
    assert applied.detail["kind"] == "alert" and applied.detail["peer"] == "ch.comity.test"
    recorded = json.dumps([e.detail for e in AuditEntry.objects.all()])
    assert IBAN not in recorded and "bribes" not in recorded

    acknowledged = officer.post(
        f"/api/v1/alerts/{alert.pk}/acknowledge", {"note": "On it."}, "application/json"
    )
    assert acknowledged.status_code == 200 and acknowledged.json()["status"] == "acknowledged"
    second = alert.assets.order_by("pk")[1]
    outcome = officer.post(
        f"/api/v1/alerts/{alert.pk}/outcome",
        {
            "outcome": "frozen",
            "order_reference": "PE-ORD-7",
            "frozen": [{"alert_asset": second.pk, "amount": "1000", "currency": "USD"}],
        },
        "application/json",
    )
    assert outcome.status_code == 200 and outcome.json()["status"] == "frozen"
    # each step went back on the alert's conversation, naming CH's alert by CH's id and the
    # frozen asset by its place in the alert, for CH to record it on its own asset
    sent = Message.objects.filter(direction="out", kind="alert.answer").order_by("pk")
    assert {str(m.conversation_id) for m in sent} == {conversation}
    assert [m.manifest["recipient"]["authority"] for m in sent] == [7, 7]
    [ack, frozen] = answers_sent()
    assert (ack["alert_id"], ack["answer"], ack["note"]) == (41, "acknowledged", "On it.")
    assert (frozen["answer"], frozen["outcome"], frozen["order_reference"]) == (
        "outcome",
        "frozen",
        "PE-ORD-7",
    )
    assert frozen["frozen"] == [{"index": 1, "amount": "1000.00", "currency": "USD"}]
    assert frozen["on"] == timezone.localdate().isoformat()


def test_a_peers_alert_is_applied_once_and_its_withdrawal_does_not_go_back(world):
    package = world.package(alert_body(), kind="alert")
    first, again = post(package), post(package)
    assert first.status_code == again.status_code == 200 and first.content == again.content
    assert Alert.objects.count() == 1
    alert = Alert.objects.get()
    conversation = str(Message.objects.get(direction="in").conversation_id)
    withdrawn = post(answer(world, conversation, answer="withdrawn", reason="Moved already."))
    assert withdrawn.status_code == 200
    alert.refresh_from_db()
    assert alert.status == "withdrawn"
    assert alert.steps.get(status="withdrawn").note == "Moved already."
    assert Notification.objects.filter(user=world.officer, kind="alert").count() == 2
    assert answers_sent() == []


def _ours(world: World) -> tuple[dict, Alert, Message]:
    """Peru's officer alerts CH's central authority from its asset case: the alert queued for CH."""
    hub(type("Side", (), {"authority": world.peru})())
    case = asset_services.case_create(
        actor=world.officer,
        title="Bribes for the port concession",
        origin_country="PE",
        offences=["uncac-15"],
        asset_location_countries=["CH"],
    )
    central = PeerAuthority.objects.get(remote_id=7).authority
    response = bearer(world.officer).post(
        "/api/v1/alerts",
        {
            "to_authority": central.pk,
            "assets": [
                {"identifier_kind": "iban", "identifier": IBAN, "amount": "2500000", "currency": "usd"}
            ],
            "reason": REASON,
            "deadline": _deadline(),
            "asset_case": case.pk,
        },
        "application/json",
    )
    assert response.status_code == 201, response.content
    alert = Alert.objects.get(pk=response.json()["id"])
    return response.json(), alert, Message.objects.get(direction="out", kind="alert")


def test_our_alert_to_a_peers_authority_travels_and_its_freezing_becomes_a_step_of_our_asset(world):
    sent, alert, message = _ours(world)
    assert message.alert == alert and message.manifest["recipient"] == {
        "deployment": "ch.comity.test",
        "authority": 7,
    }
    assert message.body["alert_id"] == alert.pk and message.body["reason"] == REASON
    assert message.body["assets"] == [
        {"kind": "iban", "identifier": IBAN, "amount": "2500000.00", "currency": "USD"}
    ]
    conversation = str(message.conversation_id)
    their = {"alert_id": alert.pk}
    ack = world.package(their | {"answer": "acknowledged"}, kind="alert.answer", conversation_id=conversation)
    assert post(ack).status_code == 200
    officer = bearer(world.officer)
    assert officer.get(f"/api/v1/alerts/{alert.pk}").json()["status"] == "acknowledged"
    frozen = world.package(
        their
        | {
            "answer": "outcome",
            "outcome": "frozen",
            "order_reference": "CH-ORD-9",
            "on": timezone.localdate().isoformat(),
            "frozen": [{"index": 0, "amount": "2400000.00", "currency": "USD"}],
        },
        kind="alert.answer",
        conversation_id=conversation,
    )
    assert post(frozen).status_code == 200
    detail = officer.get(f"/api/v1/alerts/{alert.pk}").json()
    assert detail["status"] == "frozen" and detail["assets"][0]["frozen"] is True
    assert [s["status"] for s in detail["steps"]] == ["sent", "acknowledged", "frozen"]
    # the freezing is a step of our asset, in CH's name, re-keyed by nobody
    step = AssetStep.objects.get(kind="frozen")
    assert step.asset == alert.assets.get().asset and step.asset.case_id == sent["asset_case"]
    assert (step.amount, step.order_reference, step.order_country) == (2400000, "CH-ORD-9", "CH")
    # nothing applied from the peer goes back to it
    assert answers_sent() == []


def test_our_withdrawal_of_an_alert_to_a_peer_goes_to_it(world):
    _sent, alert, message = _ours(world)
    response = bearer(world.officer).post(
        f"/api/v1/alerts/{alert.pk}/withdraw", {"reason": "Frozen here already."}, "application/json"
    )
    assert response.status_code == 200
    [withdrawn] = Message.objects.filter(direction="out", kind="alert.answer")
    assert withdrawn.conversation_id == message.conversation_id
    assert (withdrawn.body["alert_id"], withdrawn.body["answer"], withdrawn.body["reason"]) == (
        alert.pk,
        "withdrawn",
        "Frozen here already.",
    )


def _refused(world: World, package: bytes, reason: str) -> None:
    """Refused with a signed rejection naming `reason`, and nothing written but its audit entry."""
    before = (
        Message.objects.count(),
        Alert.objects.count(),
        AlertStep.objects.count(),
        AssetStep.objects.count(),
    )
    response = post(package)
    assert response.status_code == 400
    receipt = world.receipt(response)
    assert (receipt["evidence"], receipt["reason"]) == ("RELAY_REMMD_REJECTION", reason)
    after = (
        Message.objects.count(),
        Alert.objects.count(),
        AlertStep.objects.count(),
        AssetStep.objects.count(),
    )
    assert after == before
    entry = AuditEntry.objects.filter(action="federation.reject").latest("pk")
    assert entry.detail["reason"] == reason and IBAN not in json.dumps(entry.detail)


def test_an_alert_whose_content_is_not_an_alerts_is_refused(world):
    for body in (
        alert_body(assets=[]),
        alert_body(assets=[{"kind": "iban", "identifier": IBAN}] * 51),
        alert_body(reason="x" * 5001),
        alert_body(deadline="tomorrow"),
        alert_body(assets=[{"kind": "iban", "identifier": IBAN, "amount": "-5"}]),
        alert_body(case_reference="CH-17"),
    ):
        _refused(world, world.package(body, kind="alert"), "schema")
    # the form is right but our rules refuse it: a deadline passed, an identifier that is no IBAN
    past = packages.instant(timezone.now() - datetime.timedelta(hours=1))
    _refused(world, world.package(alert_body(deadline=past), kind="alert"), "unacceptable")
    bad = alert_body(assets=[{"kind": "iban", "identifier": "CH00 not an iban"}])
    _refused(world, world.package(bad, kind="alert"), "unacceptable")
    assert not Alert.objects.exists()


def test_an_answer_on_an_unknown_alert_or_that_its_state_refuses_is_refused(world):
    _refused(world, answer(world, str(uuid.uuid4()), answer="acknowledged"), "unacceptable")
    alert, conversation = their_alert(world)
    # CH's answers name its own alert: another id, an answer only its recipient gives, or a step
    # the alert's state refuses are refused, and the alert stays as it was
    _refused(world, answer(world, conversation, answer="withdrawn", alert_id=42), "unacceptable")
    _refused(world, answer(world, conversation, answer="acknowledged"), "unacceptable")
    _refused(world, answer(world, conversation, answer="outcome", outcome="frozen"), "unacceptable")
    _refused(world, answer(world, conversation, answer="outcome", outcome="sent"), "schema")
    # a second alert on the same conversation
    _refused(
        world,
        world.package(alert_body(alert_id=43), kind="alert", conversation_id=conversation),
        "unacceptable",
    )
    assert post(answer(world, conversation, answer="withdrawn")).status_code == 200
    _refused(world, answer(world, conversation, answer="withdrawn"), "unacceptable")
    alert.refresh_from_db()
    assert alert.status == "withdrawn"


def test_an_answer_to_our_alert_that_its_state_refuses_is_refused(world):
    _sent, alert, message = _ours(world)
    conversation = str(message.conversation_id)
    ours = {"alert_id": alert.pk}
    outcome = ours | {"answer": "outcome", "outcome": "frozen", "frozen": [{"index": 0}]}
    # an outcome before the acknowledgement; an asset the alert does not have
    _refused(world, world.package(outcome, kind="alert.answer", conversation_id=conversation), "unacceptable")
    ack = world.package(ours | {"answer": "acknowledged"}, kind="alert.answer", conversation_id=conversation)
    assert post(ack).status_code == 200
    elsewhere = outcome | {"frozen": [{"index": 3}]}
    _refused(
        world, world.package(elsewhere, kind="alert.answer", conversation_id=conversation), "unacceptable"
    )
    # a withdrawal is ours to make, not theirs
    withdrawn = ours | {"answer": "withdrawn"}
    _refused(
        world, world.package(withdrawn, kind="alert.answer", conversation_id=conversation), "unacceptable"
    )
    alert.refresh_from_db()
    assert alert.status == "acknowledged" and not AssetStep.objects.filter(kind="frozen").exists()


def test_an_alert_to_the_authority_of_a_peer_no_longer_trusted_is_not_sent(world):
    hub(type("Side", (), {"authority": world.peru})())
    peer = Peer.objects.get(name="ch.comity.test")
    peer_revoke(actor=None, peer=peer)
    central = PeerAuthority.objects.get(remote_id=7).authority
    response = bearer(world.officer).post(
        "/api/v1/alerts",
        {
            "to_authority": central.pk,
            "assets": [{"identifier_kind": "iban", "identifier": IBAN}],
            "reason": REASON,
            "deadline": _deadline(),
        },
        "application/json",
    )
    # nobody here would answer it, and it cannot reach the peer's 24/7 contact: refused, not kept
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["to_authority"]
    assert not Alert.objects.exists() and not Message.objects.filter(kind="alert").exists()
