"""The federation page and API for the deployment's administrators: peers, the outbox with a
retry, packages carried as files. Nobody else learns they exist (404)."""

import datetime
import json
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from comity.accounts.choices import Role
from comity.accounts.tests.factories import UserFactory
from comity.core.models import AuditEntry
from comity.federation import packages, services
from comity.federation.models import Message, PeerAuthority
from comity.federation.packages import SenderKey
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
    answers = [
        client.get("/federation/"),
        client.get(f"/federation/messages/{message.pk}/package"),
        client.post(f"/federation/messages/{message.pk}/retry/"),
        client.post("/federation/import/", {"package": upload}),
    ]
    if user is None:
        assert all(a.status_code == 302 and a["Location"].startswith("/login/") for a in answers)
    else:
        assert [a.status_code for a in answers] == [404] * 4
        api = bearer(user)
        assert api.get("/api/v1/federation/peers").status_code == 404
        assert api.get("/api/v1/federation/messages").status_code == 404
        assert api.post(f"/api/v1/federation/messages/{message.pk}/retry").status_code == 404
        assert 'href="/federation/"' not in client.get("/", follow=True).content.decode()
    message.refresh_from_db()
    assert message.attempts == 3 and not AuditEntry.objects.filter(action="federation.retry").exists()
    assert Message.objects.filter(direction="in").count() == 0


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
