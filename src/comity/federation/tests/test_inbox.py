"""POST /federation/inbox: a package from a trusted peer is recorded once and answered with a
signed DELIVERY receipt; anything else with a signed rejection naming the reason, nothing written
but an audit entry."""

import datetime
import json
import uuid
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from joserfc.jwk import OKPKey

from comity.accounts.tests.factories import AuthorityFactory, UserFactory
from comity.cooperation import services
from comity.cooperation.models import Request
from comity.core.models import AuditEntry
from comity.federation import packages
from comity.federation.models import Message, Peer, PeerAuthority
from comity.federation.packages import Part, SenderKey
from comity.federation.tests.helpers import forge, peer_document, peer_keys
from conftest import Side, bearer, make_request

INBOX = "/federation/inbox"
BODY = {
    "type": "mla",
    "legal_basis": "uncac",
    "proceeding": "criminal",
    "offences": ["uncac-15", "uncac-23"],
    "reference": "CH-2026-17",
    "summary": "Bank records of a company suspected of laundering bribes.",
    "sent_on": "2026-12-05",
}


class World:
    """This deployment (PE, hosting Peru's authority) and a trusted peer (CH) with its keys."""

    def __init__(self, peru, tmp_path) -> None:
        call_command(
            "federation",
            "init",
            "--name",
            "pe.comity.test",
            "--url",
            "https://pe.test",
            stdout=StringIO(),
            stderr=StringIO(),
        )
        out = StringIO()
        call_command("federation", "key", stdout=out)
        self.document = json.loads(out.getvalue())
        self.our_signing = OKPKey.import_key(self.document["keys"][0])
        self.our_encryption = OKPKey.import_key(self.document["keys"][1])
        self.peer_signing, self.peer_encryption = peer_keys()
        path = tmp_path / "ch.json"
        path.write_text(json.dumps(peer_document(keys=(self.peer_signing, self.peer_encryption))))
        call_command("federation", "trust", str(path), stdout=StringIO())
        self.peru = peru.authority
        self.officer = peru.officer

    def manifest(self, body: dict | bytes = BODY, **changes) -> tuple[dict, list[Part]]:
        content = body if isinstance(body, bytes) else json.dumps(body).encode()
        parts = [Part("body", "application/json", content)]
        manifest = packages.manifest_for(
            message_id=str(uuid.uuid4()),
            conversation_id=str(uuid.uuid4()),
            kind="request.new",
            sender=("ch.comity.test", 7),
            recipient=("pe.comity.test", self.peru.pk),
            created_at=timezone.now(),
            parts=parts,
        )
        return {**manifest, **changes}, parts

    def manifest_with(
        self,
        body: dict,
        documents: dict[str, tuple[str, bytes]],
        kind: str = "request.new",
        conversation_id: str | None = None,
    ) -> tuple[dict, list[Part]]:
        """A manifest (of a request.new unless `kind` says) and its parts: the body, then
        `documents` (name: (type, bytes))."""
        manifest, parts = self.manifest(body)
        parts = [*parts, *(Part(name, media, content) for name, (media, content) in documents.items())]
        manifest = packages.manifest_for(
            message_id=manifest["message_id"],
            conversation_id=conversation_id or manifest["conversation_id"],
            kind=kind,
            sender=("ch.comity.test", 7),
            recipient=("pe.comity.test", self.peru.pk),
            created_at=timezone.now(),
            parts=parts,
        )
        return manifest, parts

    def package(self, body: dict | bytes = BODY, **changes) -> bytes:
        manifest, parts = self.manifest(body, **changes)
        return packages.seal(
            manifest, parts, signing_key=self.peer_signing, recipient_key=self.our_encryption
        )

    def receipt(self, response) -> dict:
        assert response["Content-Type"] == "application/jose"
        ours = SenderKey(key=self.our_signing, deployment="pe.comity.test")
        return packages.receipt_verify(
            response.content.decode(), lambda kid: ours if kid == self.our_signing.thumbprint() else None
        )


@pytest.fixture
def world(peru, tmp_path) -> World:
    return World(peru, tmp_path)


def post(package: bytes):
    return Client().post(INBOX, package, content_type="application/jose")


def test_a_package_from_a_trusted_peer_is_recorded_once_with_a_signed_delivery_receipt(world):
    package = world.package()
    response = post(package)
    assert response.status_code == 200
    receipt = world.receipt(response)
    message = Message.objects.get(direction="in")
    assert receipt["evidence"] == "DELIVERY" and receipt["message_id"] == str(message.message_id)
    assert receipt["issuer"] == "pe.comity.test" and receipt["package_sha256"] == packages.sha256(package)
    assert (
        message.direction == "in" and message.peer.name == "ch.comity.test" and message.kind == "request.new"
    )
    assert message.body["reference"] == "CH-2026-17"
    assert message.receipts.get().token == response.content.decode()
    entry = AuditEntry.objects.get(action="federation.receive")
    assert entry.detail == {"kind": "request.new", "peer": "ch.comity.test"}  # no content
    # delivered again (the sender's worker died before it saw the receipt): the same receipt, nothing new
    again = post(package)
    assert again.status_code == 200 and again.content == response.content
    assert (
        Message.objects.filter(direction="in").count() == 1
        and AuditEntry.objects.filter(action="federation.receive").count() == 1
    )


def _rejected(world, package: bytes, reason: str, status: int = 400) -> None:
    response = post(package)
    assert response.status_code == status
    receipt = world.receipt(response)
    assert (receipt["evidence"], receipt["reason"]) == ("RELAY_REMMD_REJECTION", reason)
    assert not Message.objects.exists()
    entry = AuditEntry.objects.filter(action="federation.reject").latest("pk")
    assert entry.detail["reason"] == reason
    assert "CH-2026-17" not in json.dumps(entry.detail) and "laundering" not in response.content.decode()


def test_a_part_whose_hash_does_not_match_is_refused(world):
    manifest, _ = world.manifest()
    tampered = {"body": json.dumps({**BODY, "reference": "CH-2026-99"}).encode()}
    _rejected(
        world,
        forge(manifest, tampered, signing_key=world.peer_signing, recipient_key=world.our_encryption),
        "part_hash",
    )


def test_a_bad_signature_is_refused(world):
    manifest, parts = world.manifest()
    impostor = OKPKey.generate_key("Ed25519", private=True)
    package = forge(
        manifest,
        {p.name: p.content for p in parts},
        signing_key=impostor,
        recipient_key=world.our_encryption,
        kid=world.peer_signing.thumbprint(),  # claims to be the peer's key
    )
    _rejected(world, package, "bad_signature")


def test_a_key_no_peer_was_trusted_with_is_refused(world):
    manifest, parts = world.manifest()
    stranger = OKPKey.generate_key("Ed25519", private=True)
    _rejected(
        world,
        packages.seal(manifest, parts, signing_key=stranger, recipient_key=world.our_encryption),
        "untrusted_key",
    )


def test_a_package_for_another_deployment_is_refused(world):
    manifest, parts = world.manifest()
    elsewhere = OKPKey.generate_key("X25519", private=True)
    _rejected(
        world,
        packages.seal(manifest, parts, signing_key=world.peer_signing, recipient_key=elsewhere),
        "wrong_recipient",
    )
    readdressed = world.package(recipient={"deployment": "ng.comity.test", "authority": world.peru.pk})
    _rejected(world, readdressed, "wrong_recipient")


def test_a_package_older_than_the_window_or_from_the_future_is_refused(world, settings):
    settings.COMITY_FEDERATION_MAX_AGE = 3600
    old = packages.instant(timezone.now() - datetime.timedelta(hours=2))
    _rejected(world, world.package(created_at=old), "too_old")
    ahead = packages.instant(timezone.now() + datetime.timedelta(hours=1))
    _rejected(world, world.package(created_at=ahead), "from_future")


def test_a_package_larger_than_the_limit_is_refused_before_it_is_read(world, settings):
    package = world.package()
    settings.COMITY_FEDERATION_MAX_PACKAGE_BYTES = len(package) - 1
    _rejected(world, package, "too_large", status=413)


def test_a_message_id_replayed_with_another_content_is_refused(world):
    manifest, parts = world.manifest()
    assert (
        post(
            packages.seal(manifest, parts, signing_key=world.peer_signing, recipient_key=world.our_encryption)
        ).status_code
        == 200
    )
    other = [Part("body", "application/json", json.dumps({**BODY, "reference": "CH-2026-18"}).encode())]
    replayed = packages.manifest_for(
        message_id=manifest["message_id"],
        conversation_id=manifest["conversation_id"],
        kind="request.new",
        sender=("ch.comity.test", 7),
        recipient=("pe.comity.test", world.peru.pk),
        created_at=timezone.now(),
        parts=other,
    )
    response = post(
        packages.seal(replayed, other, signing_key=world.peer_signing, recipient_key=world.our_encryption)
    )
    assert response.status_code == 400 and world.receipt(response)["reason"] == "replay"
    assert Message.objects.get(direction="in").body["reference"] == "CH-2026-17"


@pytest.mark.parametrize(
    "body",
    [
        {k: v for k, v in BODY.items() if k != "offences"},
        {**BODY, "reference": "x" * 101},
        {**BODY, "unexpected": 1},
        b"not json",
    ],
)
def test_content_that_fails_its_schema_is_refused(world, body):
    _rejected(world, world.package(body), "schema")


def test_a_revoked_peer_or_an_authority_it_does_not_host_is_refused(world):
    _rejected(world, world.package(sender={"deployment": "ch.comity.test", "authority": 8}), "untrusted_key")
    Peer.objects.update(state="revoked")
    _rejected(world, world.package(), "revoked_peer")


@pytest.mark.parametrize("garbage", [b"", b"not.a.package", b"\xff\xfe", b"e30.e30.e30.e30.e30"])
def test_garbage_is_refused_as_malformed_or_unaddressed(world, garbage):
    response = post(garbage)
    assert response.status_code == 400
    assert world.receipt(response)["reason"] in {"malformed", "wrong_recipient"}
    assert not Message.objects.exists()


def test_the_inbox_takes_only_posts_and_exists_only_once_initialised(db):
    assert post(b"x").status_code == 404
    assert Client().get(INBOX).status_code == 405


def test_after_a_rotation_packages_sealed_to_the_old_key_still_open_and_the_old_keys_are_published(world):
    sealed_before = world.package()
    call_command("federation", "rotate", stdout=StringIO(), stderr=StringIO())
    out = StringIO()
    call_command("federation", "key", stdout=out)
    published = {(k["kid"], k["status"]) for k in json.loads(out.getvalue())["keys"]}
    assert (world.our_encryption.thumbprint(), "retired") in published
    assert (world.our_signing.thumbprint(), "retired") in published
    assert len(published) == 4
    response = post(sealed_before)
    assert response.status_code == 200
    # the receipt is signed with the new key, which the old one does not verify
    with pytest.raises(packages.Refused):
        world.receipt(response)


def test_a_package_larger_than_64_kb_opens(world):
    """A request's package carries its attachments (#25 item 2): the JOSE library's default cap of
    64 KB of ciphertext refused every package above it as malformed; the inbox's own limit
    (COMITY_FEDERATION_MAX_PACKAGE_BYTES) is the one that holds."""
    scan = b"%PDF-1.4\n" + bytes(range(256)) * 4096  # 1 MB
    manifest, parts = world.manifest_with(
        {**BODY, "documents": [{"part": "scan", "file_name": "scan.pdf"}]},
        {"scan": ("application/pdf", scan)},
    )
    package = packages.seal(
        manifest, parts, signing_key=world.peer_signing, recipient_key=world.our_encryption
    )
    assert len(package) > 1_000_000
    response = post(package)
    assert response.status_code == 200 and world.receipt(response)["evidence"] == "DELIVERY"
    assert Message.objects.get(direction="in").kind == "request.new"


def test_a_new_request_is_applied_once_as_an_incoming_request_with_the_senders_reference(world):
    package = world.package()
    assert post(package).status_code == 200
    message = Message.objects.get(direction="in")
    request = Request.objects.get()
    assert message.request == request
    assert request.requested_authority == world.peru and request.requesting_reference == "CH-2026-17"
    assert request.requesting_authority.peer_link.remote_id == 7 and request.requesting_authority.external
    assert request.status == "received" and request.received_on == timezone.localdate()
    assert sorted(request.offence_rows.values_list("code", flat=True)) == ["uncac-15", "uncac-23"]
    # applied in the name of the recipient's system actor, who cannot log in
    actor = request.created_by
    assert actor.authority == world.peru and not actor.has_usable_password()
    assert actor.username == f"federation:{world.peru.pk}"
    applied = AuditEntry.objects.get(action="federation.apply")
    assert applied.detail == {
        "kind": "request.new",
        "message_id": str(message.message_id),
        "peer": "ch.comity.test",
    }
    assert post(package).status_code == 200
    assert Request.objects.count() == 1 and AuditEntry.objects.filter(action="federation.apply").count() == 1


@pytest.mark.parametrize(
    "body",
    [
        {**BODY, "offences": ["uncac-99"]},  # a code this deployment does not know
        {**BODY, "sent_on": (timezone.localdate() + datetime.timedelta(days=2)).isoformat()},
        {**BODY, "urgent": True, "urgency_reason": ""},
    ],
)
def test_a_new_request_this_deployment_cannot_accept_is_refused_with_nothing_written(world, body):
    _rejected(world, world.package(body), "unacceptable")
    assert not Request.objects.exists()
    assert not AuditEntry.objects.filter(action__in=["request.create", "federation.apply"]).exists()


def test_the_first_opening_by_an_official_of_the_recipient_sends_a_signed_retrieval_back(world, client):
    assert post(world.package()).status_code == 200
    received, request = Message.objects.get(direction="in"), Request.objects.get()
    page = f"/requests/{request.pk}/"
    # an outsider sees nothing and opens nothing
    client.force_login(UserFactory(authority=AuthorityFactory(country="NG"), role="officer"))
    assert client.get(page).status_code == 404
    assert not received.receipts.filter(evidence="RETRIEVAL").exists()
    client.force_login(world.officer)
    assert "Opened here, receipt sent to ch.comity.test" in client.get(page).content.decode()
    assert client.get(page).status_code == 200
    [retrieval] = received.receipts.filter(evidence="RETRIEVAL")
    [back] = Message.objects.filter(direction="out", kind="request.receipt")
    assert back.kind == "request.receipt" and back.conversation_id == received.conversation_id
    assert back.body == {"message_id": str(received.message_id), "receipt": retrieval.token}
    assert back.manifest["recipient"] == {"deployment": "ch.comity.test", "authority": 7}
    ours = SenderKey(key=world.our_signing, deployment="pe.comity.test")
    claims = packages.receipt_verify(retrieval.token, lambda kid: ours)
    assert (claims["evidence"], claims["message_id"]) == ("RETRIEVAL", str(received.message_id))


def _retrieval(world, message_id: str, *, signing_key=None, evidence=packages.Evidence.RETRIEVAL) -> bytes:
    token = packages.receipt_sign(
        evidence=evidence,
        issuer="ch.comity.test",
        issued_at=timezone.now(),
        message_id=message_id,
        package_sha256="0" * 64,
        signing_key=signing_key or world.peer_signing,
    )
    return world.package({"message_id": message_id, "receipt": token}, kind="request.receipt")


def test_a_retrieval_receipt_from_the_peer_shows_on_the_request_it_sent(world, client):
    link = PeerAuthority.objects.get(remote_id=7)
    request = make_request(
        Side(world.peru, world.officer, world.officer, world.officer),
        Side(link.authority, world.officer, world.officer, world.officer),
    )
    sent = Message.objects.get(direction="out", request=request)
    # signed by another key, or about a message never sent: refused, nothing kept
    _rejected_kept(world, _retrieval(world, str(sent.message_id), signing_key=peer_keys()[0]))
    _rejected_kept(world, _retrieval(world, str(uuid.uuid4())))
    _rejected_kept(world, _retrieval(world, str(sent.message_id), evidence=packages.Evidence.DELIVERY))
    assert not sent.receipts.filter(evidence="RETRIEVAL").exists()
    assert post(_retrieval(world, str(sent.message_id))).status_code == 200
    assert sent.receipts.filter(evidence="RETRIEVAL", issuer="ch.comity.test").count() == 1
    client.force_login(world.officer)
    assert "Opened at ch.comity.test" in client.get(f"/requests/{request.pk}/").content.decode()


def _rejected_kept(world, package: bytes) -> None:
    response = post(package)
    assert response.status_code == 400
    assert world.receipt(response)["reason"] == "unacceptable"


def test_reading_an_incoming_request_over_the_api_is_opening_it_too(world):
    assert post(world.package()).status_code == 200
    received, request = Message.objects.get(direction="in"), Request.objects.get()
    outsider = UserFactory(authority=AuthorityFactory(country="NG"), role="officer")
    assert bearer(outsider).get(f"/api/v1/requests/{request.pk}").status_code == 404
    assert not received.receipts.filter(evidence="RETRIEVAL").exists()
    assert bearer(world.officer).get(f"/api/v1/requests/{request.pk}").status_code == 200
    assert bearer(world.officer).get(f"/api/v1/requests/{request.pk}").status_code == 200
    assert received.receipts.filter(evidence="RETRIEVAL").count() == 1
    assert Message.objects.filter(direction="out", kind="request.receipt").count() == 1


def _event(world, conversation_id: str, **body) -> bytes:
    event = {"event_id": 41, "kind": "information-provided", "occurred_on": timezone.localdate().isoformat()}
    return world.package(event | body, kind="request.event", conversation_id=conversation_id)


def test_shared_events_travel_both_ways_on_a_request_that_travelled(world):
    assert post(world.package()).status_code == 200
    received, request = Message.objects.get(direction="in"), Request.objects.get()
    conversation = str(received.conversation_id)
    today = timezone.localdate()
    # ours: recorded here, queued for the peer on the same conversation; a note stays here
    services.event_record(actor=world.officer, request=request, kind="acknowledged", occurred_on=today)
    services.event_record(
        actor=world.officer,
        request=request,
        kind="information-requested",
        occurred_on=today,
        text="Which bank?",
    )
    services.event_record(actor=world.officer, request=request, kind="note", occurred_on=today, text="ours")
    sent = Message.objects.filter(direction="out", kind="request.event").order_by("pk")
    assert [(m.body["kind"], m.body["text"]) for m in sent] == [
        ("received", ""),
        ("acknowledged", ""),
        ("information-requested", "Which bank?"),
    ]
    assert {str(m.conversation_id) for m in sent} == {conversation}
    assert sent[0].manifest["recipient"] == {"deployment": "ch.comity.test", "authority": 7}
    # theirs: applied in the name of their authority, and not sent back
    assert post(_event(world, conversation, text="Banco Andino")).status_code == 200
    request.refresh_from_db()
    theirs = request.events.get(kind="information-provided")
    assert theirs.authority == request.requesting_authority and theirs.text == "Banco Andino"
    assert Message.objects.filter(direction="out", kind="request.event").count() == 3
    # an event on a conversation we do not know, or one the request's rules refuse: nothing kept
    _rejected_kept(world, _event(world, str(uuid.uuid4())))
    _rejected_kept(world, _event(world, conversation, kind="note"))
    assert request.events.filter(kind="information-provided").count() == 1
