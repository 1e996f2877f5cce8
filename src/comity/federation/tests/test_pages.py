"""The federation page and API for the deployment's administrators: peers, the outbox with a
retry, packages carried as files. Nobody else learns they exist (404)."""

import base64
import datetime
import json
import uuid
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone

from comity.accounts.choices import Role
from comity.accounts.tests.factories import UserFactory
from comity.core.models import AuditEntry
from comity.federation import packages, services
from comity.federation.models import Message, Peer, PeerAuthority, Receipt
from comity.federation.packages import SenderKey
from comity.federation.tests.helpers import peer_document, peer_keys
from comity.federation.tests.test_inbox import World
from conftest import bearer

BODY = {
    "type": "mla",
    "legal_basis": "uncac",
    "proceeding": "criminal",
    "offences": ["uncac-15"],
    "reference": "PE-2026-777",
    "summary": "Secret summary that stays out of the page.",
    "sent_on": "2026-12-05",
}


@pytest.fixture
def world(peru, tmp_path) -> World:
    return World(peru, tmp_path)


@pytest.fixture
def admin(peru):
    return UserFactory(username="pe-admin", authority=peru.authority, role=Role.ADMIN, is_staff=True)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _queue(world: World) -> Message:
    link = PeerAuthority.objects.select_related("authority").get(remote_id=7)
    return services.message_queue(
        actor=world.officer, kind="request.new", sender=world.peru, recipient=link.authority, body=BODY
    )


def _unreachable(message: Message, *, failed: bool = False) -> None:
    """As the worker leaves a message after three attempts at a peer that does not answer."""
    Message.objects.filter(pk=message.pk).update(
        attempts=3,
        last_error="unreachable",
        next_attempt_at=timezone.now() + datetime.timedelta(minutes=4),
        state="failed" if failed else "queued",
    )


def test_the_administrator_sees_peers_and_outbox_in_words_never_the_content(world, admin):
    message = _queue(world)
    _unreachable(message)
    page = _client(admin).get("/federation/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "ch.comity.test" in text and "Trusted" in text
    [peer] = page.context["peers"]
    assert (peer.queued, peer.failed, peer.last_delivery_at) == (1, 0, None)
    assert peer.fingerprint in text
    [row] = page.context["rows"]
    assert (row.kind, row.recipient, row.state, row.attempts) == (
        "request.new",
        "Federal Office of Justice",
        "queued",
        3,
    )
    assert "the peer could not be reached" in text and "Retry" in text
    assert "Secret summary" not in text and "PE-2026-777" not in text
    # the administrator's menus link to it: the administration site where they land, and the pages
    assert 'href="/federation/"' in _client(admin).get("/admin/").content.decode()
    assert 'href="/federation/"' in text


@pytest.mark.parametrize("who", ["officer", "head", "viewer", "other-head", "secretariat", "anonymous"])
def test_nobody_but_an_administrator_reaches_the_page_or_the_api(world, who, nigeria, secretariat_user):
    message = _queue(world)
    _unreachable(message)
    user = {
        "officer": world.officer,
        "head": UserFactory(authority=world.peru, role=Role.HEAD),
        "viewer": UserFactory(authority=world.peru, role=Role.VIEWER),
        "other-head": nigeria.head,
        "secretariat": secretariat_user,
        "anonymous": None,
    }[who]
    client = _client(user) if user else Client()
    upload = SimpleUploadedFile("p.jose", world.package())
    peer = Peer.objects.get(name="ch.comity.test")
    received = Message.objects.create(
        direction="in",
        message_id=uuid.uuid4(),
        conversation_id=uuid.uuid4(),
        kind="request.event",
        peer=peer,
        manifest={},
        manifest_sha256="",
        state="received",
    )
    Receipt.objects.create(
        message=received, evidence="DELIVERY", issuer="pe.comity.test", issued_at=timezone.now(), token="t"
    )
    answers = [
        client.get("/federation/"),
        client.get(f"/federation/messages/{message.pk}/package"),
        client.post(f"/federation/messages/{message.pk}/retry/"),
        client.post("/federation/import/", {"package": upload}),
        client.get(f"/federation/messages/{received.pk}/receipt"),
        client.get(f"/federation/peers/{peer.pk}/revoke/"),
        client.post(f"/federation/peers/{peer.pk}/revoke/"),
    ]
    if user is None:
        assert all(a.status_code == 302 and a["Location"].startswith("/login/") for a in answers)
    else:
        assert [a.status_code for a in answers] == [404] * 7
        api = bearer(user)
        assert api.get("/api/v1/federation/peers").status_code == 404
        assert api.get("/api/v1/federation/messages").status_code == 404
        assert api.post(f"/api/v1/federation/messages/{message.pk}/retry").status_code == 404
        assert api.post(f"/api/v1/federation/peers/{peer.pk}/revoke").status_code == 404
        assert 'href="/federation/"' not in client.get("/", follow=True).content.decode()
    message.refresh_from_db()
    assert message.attempts == 3 and not AuditEntry.objects.filter(action="federation.retry").exists()
    assert Message.objects.filter(direction="in").count() == 1  # the one made above, no other
    assert Peer.objects.get(pk=peer.pk).state == "trusted"
    assert not AuditEntry.objects.filter(action="federation.revoke").exists()


def test_a_retry_resets_the_backoff_at_once_and_is_audited(world, admin):
    message = _queue(world)
    _unreachable(message)
    answer = _client(admin).post(f"/federation/messages/{message.pk}/retry/", follow=True)
    assert "The message will be sent again at once." in answer.content.decode()
    message.refresh_from_db()
    assert (message.state, message.attempts, message.last_error) == ("queued", 0, "")
    assert message.next_attempt_at <= timezone.now()
    entry = AuditEntry.objects.get(action="federation.retry")
    assert entry.detail == {"kind": "request.new", "peer": "ch.comity.test", "state": "queued"}
    assert entry.actor_id == admin.pk


def test_a_message_given_up_is_sealed_again_under_its_id_for_the_peer_alone(world, admin):
    message = _queue(world)
    _unreachable(message, failed=True)
    old_package, old_created = message.package, message.manifest["created_at"]
    answer = bearer(admin).post(f"/api/v1/federation/messages/{message.pk}/retry")
    assert answer.status_code == 200
    assert answer.json()["state"] == "queued" and answer.json()["attempts"] == 0
    message.refresh_from_db()
    assert message.package != old_package and message.manifest["created_at"] >= old_created
    opened = packages.open_package(
        message.package.encode(),
        recipient="ch.comity.test",
        decryption_key=lambda kid: world.peer_encryption,
        sender_key=lambda kid: SenderKey(key=world.our_signing, deployment="pe.comity.test"),
        now=timezone.now(),
        max_age=datetime.timedelta(minutes=5),
        max_bytes=2**20,
    )
    assert (
        opened.manifest["message_id"] == str(message.message_id) and opened.body["reference"] == "PE-2026-777"
    )


def test_a_delivered_message_is_not_sent_again(world, admin):
    message = _queue(world)
    Message.objects.filter(pk=message.pk).update(state="delivered", next_attempt_at=None)
    answer = bearer(admin).post(f"/api/v1/federation/messages/{message.pk}/retry")
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "state"
    page = _client(admin).post(f"/federation/messages/{message.pk}/retry/", follow=True)
    assert "Only a message that is waiting or was not delivered can be sent again." in page.content.decode()
    assert Message.objects.get(pk=message.pk).state == "delivered"
    assert not AuditEntry.objects.filter(action="federation.retry").exists()


def test_the_package_file_is_the_one_the_export_command_writes(world, admin, tmp_path):
    message = _queue(world)
    answer = _client(admin).get(f"/federation/messages/{message.pk}/package")
    assert answer["Content-Type"] == "application/jose"
    assert f'filename="{message.message_id}.jose"' in answer["Content-Disposition"]
    call_command(
        "federation",
        "export",
        str(message.message_id),
        "--output",
        str(tmp_path / "p.jose"),
        stdout=StringIO(),
    )
    assert answer.content == (tmp_path / "p.jose").read_bytes()


def test_a_package_file_uploaded_is_received_once_and_a_bad_one_refused_in_words(world, admin):
    client = _client(admin)
    package = world.package()
    answer = client.post(
        "/federation/import/", {"package": SimpleUploadedFile("ch.jose", package)}, follow=True
    )
    assert "The package was received." in answer.content.decode()
    assert Message.objects.filter(direction="in").count() == 1
    again = client.post(
        "/federation/import/", {"package": SimpleUploadedFile("ch.jose", package)}, follow=True
    )
    assert again.status_code == 200 and Message.objects.filter(direction="in").count() == 1
    bad = client.post("/federation/import/", {"package": SimpleUploadedFile("ch.jose", b"not a package")})
    assert bad.status_code == 422
    assert "The package was refused: the package cannot be read." in bad.content.decode()
    empty = client.post("/federation/import/", {})
    assert empty.status_code == 422 and "This field is required." in empty.content.decode()
    assert Message.objects.filter(direction="in").count() == 1


def test_the_api_lists_peers_and_messages_by_state(world, admin):
    waiting, given_up = _queue(world), _queue(world)
    _unreachable(given_up, failed=True)
    api = bearer(admin)
    [peer] = api.get("/api/v1/federation/peers").json()
    assert (peer["name"], peer["state"], peer["queued"], peer["failed"]) == (
        "ch.comity.test",
        "trusted",
        1,
        1,
    )
    assert peer["fingerprint"] and peer["last_delivery_at"] is None
    everything = api.get("/api/v1/federation/messages").json()
    assert [m["id"] for m in everything["items"]] == [given_up.pk, waiting.pk]
    failed = api.get("/api/v1/federation/messages?state=failed").json()["items"]
    assert [(m["id"], m["last_error"], m["last_error_text"]) for m in failed] == [
        (given_up.pk, "unreachable", "the peer could not be reached")
    ]
    assert "summary" not in json.dumps(everything) and "PE-2026-777" not in json.dumps(everything)
    assert api.get("/api/v1/federation/messages?state=lost").status_code == 422
    assert api.post(f"/api/v1/federation/messages/{2**63}/retry").status_code == 422
    assert api.post(f"/api/v1/federation/messages/{given_up.pk + 100}/retry").status_code == 404


def _received(world: World, client: Client) -> Message:
    answer = client.post("/federation/import/", {"package": SimpleUploadedFile("ch.jose", world.package())})
    assert answer.status_code == 200
    return Message.objects.get(direction="in")


def test_each_peer_shows_where_its_trust_comes_from_and_its_messages_either_way(world, admin, tmp_path):
    client = _client(admin)
    received = _received(world, client)
    waiting, given_up = _queue(world), _queue(world)
    _unreachable(given_up, failed=True)
    hub = Peer.objects.get(name="ch.comity.test")
    Peer.objects.filter(pk=hub.pk).update(hub=True)
    ng = peer_document(name="ng.comity.test", authorities=[])
    (tmp_path / "ng.json").write_text(json.dumps(ng))
    call_command("federation", "trust", str(tmp_path / "ng.json"), stdout=StringIO())
    Peer.objects.filter(name="ng.comity.test").update(vouched_by=hub)
    page = client.get("/federation/")
    text = page.content.decode()
    by_name = {peer.name: peer for peer in page.context["peers"]}
    # the request received was acknowledged to the peer at once (events.send_received): queued too
    acknowledged = Message.objects.exclude(pk__in=[waiting.pk, given_up.pk]).get(direction="out")
    assert (by_name["ch.comity.test"].queued, by_name["ch.comity.test"].failed) == (2, 1)
    assert by_name["ch.comity.test"].received == 1 and by_name["ng.comity.test"].received == 0
    assert "its key document, imported by hand" in text
    assert "the trust list of the hub <bdi>ch.comity.test</bdi>" in text
    assert f'href="/federation/peers/{hub.pk}/revoke/"' in text
    # every message either way, newest first; the one received with its receipt, the others sent
    assert [row.pk for row in page.context["rows"]] == [given_up.pk, waiting.pk, acknowledged.pk, received.pk]
    assert f'href="/federation/messages/{received.pk}/receipt"' in text
    row = page.context["rows"][-1]
    assert (row.state, row.peer_authority, row.retryable) == ("received", "Federal Office of Justice", False)
    # one peer's received messages alone, and one state
    only = client.get(f"/federation/?peer={hub.pk}&state=received")
    assert [row.pk for row in only.context["rows"]] == [received.pk]
    assert client.get(f"/federation/?peer={hub.pk}&state=failed").context["rows"][0].pk == given_up.pk
    elsewhere = Peer.objects.get(name="ng.comity.test").pk
    assert client.get(f"/federation/?peer={elsewhere}").context["rows"] == []
    assert len(client.get("/federation/?peer=nonsense").context["rows"]) == 4
    # the API says the same
    api = bearer(admin)
    peers = {peer["name"]: peer for peer in api.get("/api/v1/federation/peers").json()}
    assert (peers["ch.comity.test"]["hub"], peers["ch.comity.test"]["vouched_by"]) == (True, None)
    assert (peers["ng.comity.test"]["vouched_by"], peers["ch.comity.test"]["received"]) == (
        "ch.comity.test",
        1,
    )
    items = api.get(f"/api/v1/federation/messages?state=received&peer={hub.pk}").json()["items"]
    assert [(m["id"], m["direction"], m["sender"], m["recipient"]) for m in items] == [
        (received.pk, "in", "Federal Office of Justice", "")
    ]


def test_a_package_file_received_on_the_page_offers_its_signed_receipt_to_carry_back(world, admin):
    client = _client(admin)
    package = world.package()
    answer = client.post("/federation/import/", {"package": SimpleUploadedFile("ch.jose", package)})
    assert answer.status_code == 200
    message = Message.objects.get(direction="in")
    offered = answer.context["receipt"]
    assert offered["accepted"] and offered["file_name"] == f"receipt-{message.message_id}.jose"
    token = base64.b64decode(offered["href"].removeprefix("data:application/jose;base64,")).decode()
    assert token == message.receipts.get(evidence="DELIVERY").token
    assert f'download="receipt-{message.message_id}.jose"' in answer.content.decode()
    claims = world.receipt(HttpResponse(token, content_type="application/jose"))
    assert claims["evidence"] == "DELIVERY" and claims["package_sha256"] == packages.sha256(package)
    # and later, from the message's row, the same file
    again = client.get(f"/federation/messages/{message.pk}/receipt")
    assert again["Content-Type"] == "application/jose" and again.content.decode() == token
    assert f'filename="receipt-{message.message_id}.jose"' in again["Content-Disposition"]
    # a message we sent has no receipt of ours to carry: 404
    assert client.get(f"/federation/messages/{_queue(world).pk}/receipt").status_code == 404


@pytest.mark.parametrize(
    ("content", "text"),
    [
        (b"not a package", "The package was refused: the package cannot be read."),
        ("tampered", "The package was refused: "),
        ("other-key", "The package was refused: the sender is not trusted there."),
    ],
)
def test_a_bad_package_file_is_refused_in_words_with_its_signed_refusal_and_nothing_written(
    world, admin, content, text
):
    if content == "tampered":
        package = bytearray(world.package())
        package[-30] = ord("A") if package[-30] != ord("A") else ord("B")
        content = bytes(package)
    elif content == "other-key":
        stranger = World.__new__(World)
        stranger.peer_signing, _unused = peer_keys()
        stranger.our_encryption, stranger.peru = world.our_encryption, world.peru
        content = World.package(stranger)
    answer = _client(admin).post("/federation/import/", {"package": SimpleUploadedFile("ch.jose", content)})
    assert answer.status_code == 422
    page = answer.content.decode()
    assert text in page
    assert answer.context["form"].errors["package"]
    offered = answer.context["receipt"]
    assert not offered["accepted"]
    token = base64.b64decode(offered["href"].removeprefix("data:application/jose;base64,")).decode()
    assert world.receipt(HttpResponse(token, content_type="application/jose"))["evidence"] == (
        "RELAY_REMMD_REJECTION"
    )
    assert Message.objects.filter(direction="in").count() == 0 and not Receipt.objects.exists()


def test_a_package_file_too_large_is_refused_by_its_size_naming_the_field(world, admin, settings):
    settings.COMITY_FEDERATION_MAX_PACKAGE_BYTES = 1000
    answer = _client(admin).post(
        "/federation/import/", {"package": SimpleUploadedFile("ch.jose", world.package())}
    )
    assert answer.status_code == 422
    errors = answer.context["form"].errors["package"]
    assert errors and "ch.jose" in errors[0]
    assert answer.context["receipt"] is None
    assert Message.objects.filter(direction="in").count() == 0
    assert not AuditEntry.objects.filter(action__startswith="federation.re").exists()


def test_a_peer_is_revoked_on_the_page_after_a_confirmation_and_it_is_audited(world, admin):
    client = _client(admin)
    peer = Peer.objects.get(name="ch.comity.test")
    message = _queue(world)
    confirm = client.get(f"/federation/peers/{peer.pk}/revoke/")
    assert confirm.status_code == 200 and peer.fingerprint in confirm.content.decode()
    assert "its packages are refused" in confirm.content.decode()
    assert Peer.objects.get(pk=peer.pk).state == "trusted"  # looking is not revoking
    answer = client.post(f"/federation/peers/{peer.pk}/revoke/", follow=True)
    assert "ch.comity.test is no longer trusted: its packages are refused." in answer.content.decode()
    assert Peer.objects.get(pk=peer.pk).state == "revoked"
    entry = AuditEntry.objects.get(action="federation.revoke")
    assert entry.actor_id == admin.pk
    # its packages are refused from now on, its waiting messages stay unsent
    refused = client.post("/federation/import/", {"package": SimpleUploadedFile("ch.jose", world.package())})
    assert "the sender is no longer trusted there" in refused.content.decode()
    retry = client.post(f"/federation/messages/{message.pk}/retry/", follow=True)
    assert "The peer deployment is no longer trusted" in retry.content.decode()
    # revoking again writes nothing; the API does the same for an administrator
    again = client.post(f"/federation/peers/{peer.pk}/revoke/", follow=True)
    assert "This peer deployment is already revoked." in again.content.decode()
    api = bearer(admin).post(f"/api/v1/federation/peers/{peer.pk}/revoke")
    assert api.status_code == 200 and api.json()["state"] == "revoked"
    assert AuditEntry.objects.filter(action="federation.revoke").count() == 1
    assert client.get(f"/federation/peers/{peer.pk + 100}/revoke/").status_code == 404


def test_the_api_revokes_a_peer_for_an_administrator(world, admin):
    peer = Peer.objects.get(name="ch.comity.test")
    answer = bearer(admin).post(f"/api/v1/federation/peers/{peer.pk}/revoke")
    assert answer.status_code == 200 and answer.json()["state"] == "revoked"
    assert Peer.objects.get(pk=peer.pk).state == "revoked"
    assert AuditEntry.objects.get(action="federation.revoke").actor_id == admin.pk
    assert bearer(admin).post(f"/api/v1/federation/peers/{peer.pk + 100}/revoke").status_code == 404


def _carried_back(world: World, message: Message, signing=None, **changes) -> bytes:
    """The DELIVERY receipt the peer signs for a package of ours carried to it as a file."""
    claims = {
        "evidence": packages.Evidence.DELIVERY,
        "issuer": "ch.comity.test",
        "issued_at": timezone.now(),
        "message_id": str(message.message_id),
        "package_sha256": packages.sha256(message.package.encode("ascii")),
        "signing_key": signing or world.peer_signing,
    } | changes
    return packages.receipt_sign(**claims).encode("ascii")


def test_a_receipt_carried_back_as_a_file_settles_its_message_once_on_the_command_line(world, tmp_path):
    """Where no network link is allowed, the package goes as a file and its receipt comes back as
    one: imported here, it settles the message as the answer to a post would, once."""
    message = _queue(world)
    file = tmp_path / "receipt.jose"
    for wrong, named in (
        (_carried_back(world, message, signing=peer_keys()[0]), "not a receipt signed by a trusted peer"),
        (_carried_back(world, message, package_sha256="0" * 64), "about no message sent from here"),
        (_carried_back(world, message, message_id=str(uuid.uuid4())), "about no message sent from here"),
    ):
        file.write_bytes(wrong)
        with pytest.raises(CommandError, match=named):
            call_command("federation", "import", str(file), stdout=StringIO())
    message.refresh_from_db()
    assert message.state == "queued" and [r.evidence for r in message.receipts.all()] == [
        "SUBMISSION_ACCEPTANCE"
    ]
    file.write_bytes(_carried_back(world, message))
    out = StringIO()
    call_command("federation", "import", str(file), stdout=out)
    assert out.getvalue().strip() == f"Receipt recorded: {message.message_id} is delivered"
    message.refresh_from_db()
    assert message.state == "delivered" and message.next_attempt_at is None
    assert [r.evidence for r in message.receipts.order_by("pk")] == ["SUBMISSION_ACCEPTANCE", "DELIVERY"]
    # the same receipt again, or the online post's, changes nothing
    out = StringIO()
    call_command("federation", "import", str(file), stdout=out)
    assert out.getvalue().strip() == f"Already settled: {message.message_id} is delivered"
    assert message.receipts.count() == 2


def test_a_receipt_carried_back_is_received_on_the_page_too(world, admin):
    message = _queue(world)
    client = _client(admin)
    forged = _carried_back(world, message, signing=peer_keys()[0])
    refused = client.post("/federation/import/", {"package": SimpleUploadedFile("receipt.jose", forged)})
    assert refused.status_code == 422
    assert "not a receipt signed by a trusted peer" in refused.context["form"].errors["package"][0]
    assert Message.objects.get(pk=message.pk).state == "queued"
    page = client.post(
        "/federation/import/",
        {"package": SimpleUploadedFile("receipt.jose", _carried_back(world, message))},
        follow=True,
    )
    assert page.status_code == 200
    assert f"Receipt recorded: message {message.message_id} is now “Delivered”." in page.content.decode()
    assert Message.objects.get(pk=message.pk).state == "delivered"
