"""Consultations between deployments (ADR 11): a consultation with a peer's authority goes to the
peer as `consultation.message` packages on one conversation id (opening, messages with their
files, closing; never read receipts); the peer's are applied here once per origin in the name of
its authority, refused `unacceptable` when they cannot be, and seen by participants only."""

import base64
import json
import uuid

import pytest
from django.test import Client

from comity.accounts.tests.factories import AuthorityFactory, UserFactory
from comity.core.models import AuditEntry
from comity.federation import packages
from comity.federation import services as federation
from comity.federation.models import Message, PeerAuthority
from comity.federation.tests.test_inbox import World, post
from comity.network.models import Consultation, ConsultationMessage
from comity.network.tests.helpers import hub
from conftest import bearer

CH, PE = "ch.comity.test", "pe.comity.test"
BASE = "/api/v1/consultations"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def world(peru, nigeria, tmp_path) -> World:
    """PE hosts Peru and Nigeria, both members of its network; CH (a trusted peer) hosts 7 and 9."""
    hub(peru, nigeria)
    return World(peru, tmp_path)


def api(client, url: str, body: dict):
    return client.post(url, json.dumps(body), content_type="application/json")


def theirs(world: World, body: dict, conversation: str, sender: int = 7) -> bytes:
    return world.package(
        body,
        kind="consultation.message",
        conversation_id=conversation,
        sender={"deployment": CH, "authority": sender},
    )


def opening(world: World, **changes) -> dict:
    return {
        "subject": "Accounts of a former minister in Lima",
        "handling": "TLP:AMBER",
        "summary": "Bribes for a road contract.",
        "participants": [{"deployment": CH, "authority": 7}, {"deployment": PE, "authority": world.peru.pk}],
    } | changes


def sent() -> list[dict]:
    return [
        m.body for m in Message.objects.filter(direction="out", kind="consultation.message").order_by("pk")
    ]


def test_a_consultation_with_a_peers_authority_travels_with_its_files(world):
    bern = PeerAuthority.objects.get(remote_id=7).authority
    # the peer's authorities are offered beside the network's members
    page = Client()
    page.force_login(world.officer)
    assert bern.name in page.get("/network/consultations/new/", follow=True).content.decode()
    lima = bearer(world.officer)
    opened = api(
        lima,
        BASE,
        {
            "participants": [bern.pk],
            "subject": "Accounts in Zurich",
            "handling": "TLP:RED",
            "summary": "Bribes.",
        },
    )
    assert opened.status_code == 201, opened.content
    consultation = Consultation.objects.get()
    url = f"{BASE}/{consultation.pk}"
    posted = api(
        lima,
        f"{url}/messages",
        {
            "body": "Could you freeze the accounts?",
            "attachments": [{"name": "draft.pdf", "content_base64": base64.b64encode(PDF).decode()}],
        },
    )
    assert posted.status_code == 201, posted.content
    assert api(lima, f"{url}/close", {}).status_code == 200
    # one conversation, kept on the consultation: the opening names the participants by deployment
    # and id there; the message goes with its text and its file; then the closing
    messages = Message.objects.filter(direction="out").order_by("pk")
    assert {str(m.conversation_id) for m in messages} == {str(consultation.conversation_id)}
    assert [m.manifest["recipient"] for m in messages] == [{"deployment": CH, "authority": 7}] * 3
    assert [[p["name"] for p in m.manifest["parts"]] for m in messages] == [
        ["body"],
        ["body", "attachment-1"],
        ["body"],
    ]
    digest = messages[1].manifest["parts"][1]
    assert (digest["media_type"], digest["size"]) == ("application/pdf", len(PDF))
    first, second, third = sent()
    assert first["opening"] == {
        "subject": "Accounts in Zurich",
        "handling": "TLP:RED",
        "summary": "Bribes.",
        "questions": "",
        "participants": [{"deployment": PE, "authority": world.peru.pk}, {"deployment": CH, "authority": 7}],
    }
    assert first["message"] is None and not first["closed"]
    message = ConsultationMessage.objects.get()
    assert second == {
        "opening": None,
        "invited": [],
        "message": {
            "id": message.pk,
            "body": message.body,
            "attachments": [{"part": "attachment-1", "file_name": "draft.pdf"}],
        },
        "closed": False,
    }
    assert third == {"opening": None, "invited": [], "message": None, "closed": True}
    # given up after the window, then sent again: sealed anew with the same file
    Message.objects.filter(pk=messages[1].pk).update(state="failed")
    admin = UserFactory(authority=world.peru, role="admin")
    again = federation.message_retry(actor=admin, message=messages[1])
    assert again.state == "queued" and again.package != messages[1].package
    assert again.manifest["parts"] == messages[1].manifest["parts"]
    # the page says what does not travel
    page = _page(world, consultation)
    assert "read receipts do not travel" in page


def test_a_peers_authority_invited_later_gets_the_opening_and_a_conversion_closes_its_copy(world, nigeria):
    bern = PeerAuthority.objects.get(remote_id=7).authority
    lima = bearer(world.officer)
    opened = api(
        lima, BASE, {"participants": [nigeria.authority.pk], "subject": "Ours", "handling": "TLP:GREEN"}
    )
    url = f"{BASE}/{opened.json()['id']}"
    assert not Message.objects.exists()  # nobody at a peer yet
    assert api(lima, f"{url}/participants", {"authorities": [bern.pk]}).status_code == 201
    assert api(lima, f"{url}/messages", {"body": "Welcome."}).status_code == 201
    converted = api(
        lima,
        f"{url}/convert",
        {
            "requested_authority": bern.pk,
            "type": "mla",
            "legal_basis": "uncac",
            "proceeding": "criminal",
            "offences": ["uncac-15"],
        },
    )
    assert converted.status_code == 201, converted.content
    invited, posted, closed = sent()
    assert [p["authority"] for p in invited["opening"]["participants"]] == [
        world.peru.pk,
        nigeria.authority.pk,
        7,
    ]
    assert (
        invited["message"] is None and posted["opening"] is None and posted["message"]["body"] == "Welcome."
    )
    assert closed == {"opening": None, "invited": [], "message": None, "closed": True}
    # the request is ours, and travels as a request does
    assert Message.objects.filter(direction="out", kind="request.new").count() == 1


def test_an_authority_invited_at_a_peer_holding_a_copy_joins_it_there(world, nigeria):
    """Both ways: our invitation of a peer's further authority reaches the peer's copy; the peer's
    invitation of one of ours adds it here (and it is told), once."""
    bern = PeerAuthority.objects.get(remote_id=7).authority
    geneva = PeerAuthority.objects.get(remote_id=9).authority
    lima = bearer(world.officer)
    opened = api(lima, BASE, {"participants": [bern.pk], "subject": "Ours", "handling": "TLP:AMBER"})
    url = f"{BASE}/{opened.json()['id']}"
    assert (
        api(lima, f"{url}/participants", {"authorities": [geneva.pk, nigeria.authority.pk]}).status_code
        == 201
    )
    first, invitation = sent()
    assert first["opening"] is not None
    assert invitation == {
        "opening": None,
        "invited": [
            {"deployment": CH, "authority": 9},
            {"deployment": PE, "authority": nigeria.authority.pk},
        ],
        "message": None,
        "closed": False,
    }
    # CH's consultation with Peru; CH then invites Nigeria (hosted here) and its own authority 9
    conversation = str(uuid.uuid4())
    assert post(theirs(world, {"opening": opening(world)}, conversation)).status_code == 200
    theirs_here = Consultation.objects.get(conversation_id=conversation)
    invited = {
        "invited": [{"deployment": PE, "authority": nigeria.authority.pk}, {"deployment": CH, "authority": 9}]
    }
    assert post(theirs(world, invited, conversation)).status_code == 200
    assert post(theirs(world, invited, conversation)).status_code == 200  # again: no change
    assert {p.authority for p in theirs_here.participants.all()} == {
        bern,
        world.peru,
        nigeria.authority,
        geneva,
    }
    assert bearer(nigeria.officer).get(f"{BASE}/{theirs_here.pk}").status_code == 200
    # nothing of what CH sent went back to CH
    assert len(sent()) == 2
    # an invitation naming as hosted here an authority that is not: refused, nothing written
    _refused(world, theirs(world, {"invited": [{"deployment": PE, "authority": 99_999}]}, conversation))


def _page(world: World, consultation: Consultation) -> str:
    client = Client()
    client.force_login(world.officer)
    return client.get(f"/network/consultations/{consultation.pk}/").content.decode()


def test_a_peers_consultation_is_applied_once_per_origin_in_the_name_of_its_authority(world):
    conversation = str(uuid.uuid4())
    bern = PeerAuthority.objects.get(remote_id=7).authority
    body = {"opening": opening(world), "message": {"id": 31, "body": "Do you hold accounts of his?"}}
    assert post(theirs(world, body, conversation)).status_code == 200
    # the same message again in another package (a restore at CH): applied once
    assert post(theirs(world, {"message": body["message"]}, conversation)).status_code == 200
    consultation = Consultation.objects.get()
    assert str(consultation.conversation_id) == conversation
    assert consultation.opened_by_authority == bern
    assert {p.authority for p in consultation.participants.all()} == {bern, world.peru}
    [message] = consultation.messages.all()
    assert (message.authority, message.origin_deployment, message.origin_message_id) == (bern, CH, 31)
    lima = bearer(world.officer)
    read = lima.get(f"{BASE}/{consultation.pk}")
    assert read.status_code == 200
    assert [m["body"] for m in read.json()["messages"]] == ["Do you hold accounts of his?"]
    applied = AuditEntry.objects.filter(action="federation.apply", object_type="network.consultation")
    assert applied.count() == 2
    assert set(applied.first().detail) == {"kind", "message_id", "peer"}  # no content
    # our answer goes back on the same conversation, without the opening CH already has; nothing
    # applied from CH went back
    assert api(lima, f"{BASE}/{consultation.pk}/messages", {"body": "Yes, two."}).status_code == 201
    [answer] = Message.objects.filter(direction="out")
    assert str(answer.conversation_id) == conversation
    assert answer.manifest["recipient"] == {"deployment": CH, "authority": 7}
    assert answer.body["opening"] is None and answer.body["message"]["body"] == "Yes, two."
    # CH closes it: closed here too, and nothing more is written in it
    assert post(theirs(world, {"closed": True}, conversation)).status_code == 200
    consultation.refresh_from_db()
    assert consultation.closed_at is not None
    assert api(lima, f"{BASE}/{consultation.pk}/messages", {"body": "One more thing"}).status_code == 422


def _with_files(world: World, body: dict, conversation: str, files: dict[str, tuple[str, bytes]]) -> bytes:
    manifest, parts = world.manifest_with(
        body, files, kind="consultation.message", conversation_id=conversation
    )
    return packages.seal(manifest, parts, signing_key=world.peer_signing, recipient_key=world.our_encryption)


def test_a_peers_message_is_applied_with_its_files_or_not_at_all(world):
    conversation = str(uuid.uuid4())
    assert post(theirs(world, {"opening": opening(world)}, conversation)).status_code == 200
    consultation = Consultation.objects.get()
    post_ = {
        "id": 41,
        "body": "The draft order",
        "attachments": [{"part": "attachment-1", "file_name": "orden.pdf"}],
    }
    # refused, nothing written: a part the body does not name, a named part missing, a type the
    # manifest misstates, a file of a type not accepted here
    for files in (
        {"attachment-1": ("application/pdf", PDF), "attachment-2": ("application/pdf", PDF)},
        {},
        {"attachment-1": ("text/plain", PDF)},
        {"attachment-1": ("application/octet-stream", b"MZ\x90\x00" + bytes(64))},
    ):
        _refused(world, _with_files(world, {"message": post_}, conversation, files))
    assert not consultation.messages.exists()
    assert (
        post(
            _with_files(world, {"message": post_}, conversation, {"attachment-1": ("application/pdf", PDF)})
        ).status_code
        == 200
    )
    [message] = consultation.messages.all()
    [attachment] = message.attachments.all()
    assert (attachment.name, attachment.content_type, bytes(attachment.content)) == (
        "orden.pdf",
        "application/pdf",
        PDF,
    )
    read = bearer(world.officer).get(f"{BASE}/{consultation.pk}").json()
    [shown] = read["messages"][0]["attachments"]
    assert shown["name"] == "orden.pdf"


def test_only_participants_see_a_consultation_that_travelled(world, nigeria):
    conversation = str(uuid.uuid4())
    assert post(theirs(world, {"opening": opening(world)}, conversation)).status_code == 200
    applied = Consultation.objects.get()
    bern = PeerAuthority.objects.get(remote_id=7).authority
    opened = api(
        bearer(world.officer), BASE, {"participants": [bern.pk], "subject": "Ours", "handling": "TLP:AMBER"}
    )
    ours = Consultation.objects.get(pk=opened.json()["id"])
    abuja = bearer(nigeria.officer)  # a member of the network, taking part in neither
    for consultation in (applied, ours):
        assert bearer(world.officer).get(f"{BASE}/{consultation.pk}").status_code == 200
        assert abuja.get(f"{BASE}/{consultation.pk}").status_code == 404


def _refused(world: World, package: bytes, reason: str = "unacceptable") -> None:
    before = (Consultation.objects.count(), ConsultationMessage.objects.count(), Message.objects.count())
    response = post(package)
    assert response.status_code == 400 and world.receipt(response)["reason"] == reason
    after = (Consultation.objects.count(), ConsultationMessage.objects.count(), Message.objects.count())
    assert after == before
    assert AuditEntry.objects.filter(action="federation.reject").latest("pk").detail["reason"] == reason


def test_what_cannot_be_applied_is_refused_and_nothing_is_written(world, nigeria):
    conversation = str(uuid.uuid4())
    message = {"message": {"id": 40, "body": "Hello"}}
    # a message on a conversation no consultation here has
    _refused(world, theirs(world, message, conversation))
    # an opening that does not name us, or names an authority not hosted here
    _refused(
        world,
        theirs(
            world,
            {
                "opening": opening(
                    world,
                    participants=[
                        {"deployment": CH, "authority": 7},
                        {"deployment": PE, "authority": nigeria.authority.pk},
                    ],
                )
            },
            conversation,
        ),
    )
    named = [{"deployment": CH, "authority": 7}, {"deployment": PE, "authority": world.peru.pk}]
    _refused(
        world,
        theirs(
            world,
            {"opening": opening(world, participants=[*named, {"deployment": PE, "authority": 99_999}])},
            conversation,
        ),
    )
    # one naming an authority hosted here that is a member of no network (it could not read it)
    outsider = AuthorityFactory(country="FR", name="Parquet national financier")
    participants = [*named, {"deployment": PE, "authority": outsider.pk}]
    _refused(world, theirs(world, {"opening": opening(world, participants=participants)}, conversation))
    # a body its schema refuses (an unknown handling code, an empty message): refused as such
    _refused(world, theirs(world, {"opening": opening(world, handling="TLP:BLUE")}, conversation), "schema")
    _refused(world, theirs(world, {"message": {"id": 40, "body": " "}}, conversation), "schema")
    # the conversation opened, a message from CH's authority that does not take part
    assert post(theirs(world, {"opening": opening(world)}, conversation)).status_code == 200
    _refused(world, theirs(world, message, conversation, sender=9))
    # closed here: CH's message comes too late
    consultation = Consultation.objects.get()
    api(bearer(world.officer), f"{BASE}/{consultation.pk}/close", {})
    _refused(world, theirs(world, message, conversation))
