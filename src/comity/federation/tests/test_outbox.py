"""The outbox: a queued message is sealed for its peer, retried with exponential backoff while the
peer cannot be reached, and given up with our own NON_DELIVERY receipt after the window. (Delivery
to a live peer: tests/test_federation.py, with two deployments.)"""

import datetime
import json
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone
from joserfc.jwk import OKPKey
from tests.servers import free_port

from comity.accounts.tests.factories import AuthorityFactory, UserFactory
from comity.cooperation.models import Request
from comity.cooperation.tests.test_transfer import HEADER
from comity.core.models import AuditEntry
from comity.federation import delivery, packages, services
from comity.federation.models import Message, Peer, PeerAuthority
from comity.federation.packages import SenderKey
from comity.federation.tests.helpers import peer_document, peer_keys
from conftest import Side, bearer, make_request

BODY = {
    "type": "mla",
    "legal_basis": "uncac",
    "proceeding": "criminal",
    "offences": ["uncac-15", "uncac-23"],
    "reference": "PE-2026-501",
    "sent_on": "2026-12-05",
}


@pytest.fixture
def peer(peru, tmp_path):
    """A trusted peer whose address nothing listens on."""
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
    signing, encryption = peer_keys()
    document = peer_document(keys=(signing, encryption))
    document["url"] = f"http://127.0.0.1:{free_port()}"
    path = tmp_path / "ch.json"
    path.write_text(json.dumps(document))
    call_command("federation", "trust", str(path), stdout=StringIO())
    return PeerAuthority.objects.select_related("authority").get(remote_id=7), encryption


def _send() -> str:
    out = StringIO()
    call_command("federation", "send", stdout=out)
    return out.getvalue().strip()


def test_a_queued_message_is_sealed_for_the_peer_alone_with_our_submission_receipt(peru, peer):
    link, peer_encryption = peer
    message = services.message_queue(
        actor=peru.officer, kind="request.new", sender=peru.authority, recipient=link.authority, body=BODY
    )
    assert message.state == "queued" and message.manifest["recipient"] == {
        "deployment": "ch.comity.test",
        "authority": 7,
    }
    # only the peer can open it
    opened = packages.open_package(
        message.package.encode(),
        recipient="ch.comity.test",
        decryption_key=lambda kid: peer_encryption if kid == peer_encryption.thumbprint() else None,
        sender_key=lambda kid: SenderKey(
            key=OKPKey.import_key(json.loads(_key())["keys"][0]), deployment="pe.comity.test"
        ),
        now=timezone.now(),
        max_age=datetime.timedelta(days=1),
        max_bytes=2**20,
    )
    assert opened.body["reference"] == "PE-2026-501"
    [receipt] = message.receipts.all()
    assert receipt.evidence == "SUBMISSION_ACCEPTANCE" and receipt.issuer == "pe.comity.test"
    entry = AuditEntry.objects.get(action="federation.send")
    assert entry.detail == {"kind": "request.new", "peer": "ch.comity.test"}


def _key() -> str:
    out = StringIO()
    call_command("federation", "key", stdout=out)
    return out.getvalue()


def test_a_peer_that_cannot_be_reached_is_tried_again_later_and_given_up_after_the_window(
    peru, peer, settings
):
    link, _ = peer
    message = services.message_queue(
        actor=None, kind="request.new", sender=peru.authority, recipient=link.authority, body=BODY
    )
    assert _send() == "0 settled, 1 waiting."
    message.refresh_from_db()
    first_retry = message.next_attempt_at
    assert (message.state, message.attempts, message.last_error) == ("queued", 1, "unreachable")
    # the worker's sweep respects the delay; each failure doubles it
    assert delivery.outbox_deliver() == 0
    assert Message.objects.get().attempts == 1
    delivery.outbox_deliver(now=first_retry)
    message.refresh_from_db()
    assert message.attempts == 2
    assert message.next_attempt_at == first_retry + datetime.timedelta(seconds=120)
    # past the window: given up, with our signed NON_DELIVERY
    later = timezone.now() + datetime.timedelta(seconds=settings.COMITY_FEDERATION_MAX_AGE + 1)
    assert delivery.outbox_deliver(now=later) == 1
    message.refresh_from_db()
    assert message.state == "failed"
    assert [r.evidence for r in message.receipts.all()] == ["SUBMISSION_ACCEPTANCE", "NON_DELIVERY"]


def test_plain_http_beyond_this_machine_is_never_used(peru, peer):
    link, _ = peer
    Peer.objects.update(url="http://ch.comity.example")
    services.message_queue(
        actor=None, kind="request.new", sender=peru.authority, recipient=link.authority, body=BODY
    )
    assert _send() == "0 settled, 1 waiting."
    assert Message.objects.get().last_error == "insecure_address"


def test_only_a_trusted_peers_authority_with_valid_content_is_queued(peru, nigeria, peer):
    link, _ = peer
    with pytest.raises(services.NotFederated):
        services.message_queue(
            actor=None, kind="request.new", sender=peru.authority, recipient=nigeria.authority, body=BODY
        )
    with pytest.raises(ValidationError) as refused:
        services.message_queue(
            actor=None,
            kind="request.new",
            sender=peru.authority,
            recipient=link.authority,
            body={**BODY, "reference": "x" * 101},
        )
    assert list(refused.value.message_dict) == ["reference"]
    Peer.objects.update(state="revoked")
    with pytest.raises(services.NotFederated):
        services.message_queue(
            actor=None, kind="request.new", sender=peru.authority, recipient=link.authority, body=BODY
        )
    assert not Message.objects.exists()


def test_export_writes_only_an_outbound_package_and_never_over_a_file(peru, peer, tmp_path):
    link, _ = peer
    message = services.message_queue(
        actor=None, kind="request.new", sender=peru.authority, recipient=link.authority, body=BODY
    )
    target = tmp_path / "out.jose"
    call_command("federation", "export", str(message.message_id), "--output", str(target), stdout=StringIO())
    assert target.read_text() == message.package
    with pytest.raises(CommandError, match="exists"):
        call_command(
            "federation", "export", str(message.message_id), "--output", str(target), stdout=StringIO()
        )
    with pytest.raises(CommandError, match="No outbound message"):
        call_command("federation", "export", "not-an-id", "--output", str(tmp_path / "x"), stdout=StringIO())


API_REQUEST = {
    "type": "mla",
    "legal_basis": "uncac",
    "proceeding": "criminal",
    "offences": ["uncac-15"],
    "measures": ["bank-records"],
    "requesting_reference": "PE-2026-777",
    "summary": "Bank records of a company suspected of laundering bribes.",
    "subjects": [{"kind": "natural", "name": "Alberto Quispe"}],
}


def test_a_request_to_a_peers_authority_queues_its_new_request_message_with_it(peru, peer, client):
    link, peer_encryption = peer
    response = bearer(peru.officer).post(
        "/api/v1/requests",
        {**API_REQUEST, "requesting_authority": peru.authority.pk, "requested_authority": link.authority.pk},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    request = Request.objects.get()
    message = Message.objects.get()
    assert (message.kind, message.direction, message.request) == ("request.new", "out", request)
    assert message.manifest["recipient"] == {"deployment": "ch.comity.test", "authority": 7}
    assert message.body["reference"] == "PE-2026-777" and message.body["offences"] == ["uncac-15"]
    assert message.body["measures"] == ["bank-records"] and message.body["sent_on"] is None
    assert message.body["subjects"] == [
        {"kind": "natural", "name": "Alberto Quispe", "identifiers": "", "country": ""}
    ]
    # the request's page says where it stands, in the reader's language; an outsider sees nothing
    client.force_login(peru.officer)
    page = client.get(f"/requests/{request.pk}/").content.decode()
    assert "Queued for ch.comity.test" in page
    client.force_login(UserFactory(authority=AuthorityFactory(country="NG"), role="officer"))
    assert client.get(f"/requests/{request.pk}/").status_code == 404


def test_a_request_to_an_authority_no_trusted_peer_hosts_stays_here(peru, nigeria, peer):
    link, _ = peer
    external = AuthorityFactory(country="BR", external=True)
    make_request(peru, Side(external, peru.officer, peru.head, peru.viewer))
    Peer.objects.update(state="revoked")
    make_request(peru, Side(link.authority, peru.officer, peru.head, peru.viewer))
    make_request(peru, nigeria)
    assert Request.objects.count() == 3 and not Message.objects.exists()


def test_an_imported_request_to_a_peers_authority_travels_unless_already_received(peru, peer, tmp_path):
    source = tmp_path / "requests.csv"
    source.write_text(
        "\n".join(
            [
                HEADER,
                "PE-OUT-8,outgoing,mla,PE,CH,Fiscalía de la Nación,Federal Office of Justice,uncac,uncac-23,"
                "bank-records,criminal,no,2025-03-01,,,,,Bank records",
                "PE-OUT-9,outgoing,mla,PE,CH,Fiscalía de la Nación,Federal Office of Justice,uncac,uncac-15,"
                ",criminal,no,2025-03-01,2025-03-09,,,,Sent by post and received",
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    call_command(
        "import",
        "requests",
        str(source),
        "--authority",
        str(peru.authority.pk),
        stdout=StringIO(),
        stderr=StringIO(),
    )
    assert Request.objects.count() == 2
    [message] = Message.objects.all()
    assert message.request == Request.objects.get(requesting_reference="PE-OUT-8")
    assert (message.body["reference"], message.body["offences"], message.body["sent_on"]) == (
        "PE-OUT-8",
        ["uncac-23"],
        "2025-03-01",
    )
