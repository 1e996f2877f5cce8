"""Delivery of the outbox a batch at a time, a few posts at once per peer (federation/delivery.py),
against peers played by an HTTP server in this process that signs receipts with the peer's key.
(Two real deployments: tests/test_federation.py.)"""

import datetime
import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from joserfc.jwk import OKPKey
from tests.servers import free_port

from comity.federation import delivery, packages, services
from comity.federation.models import Message, PeerAuthority
from comity.federation.packages import Evidence
from comity.federation.tests.helpers import peer_document, peer_keys

BODY = {
    "type": "mla",
    "legal_basis": "uncac",
    "proceeding": "criminal",
    "offences": ["uncac-15"],
    "reference": "PE-2026-501",
    "sent_on": "2026-12-05",
}


class FakeInbox:
    """A peer's inbox: answers each package with a DELIVERY receipt signed by `signing` about it,
    counting the posts of each package and the most posts in flight at once."""

    def __init__(
        self,
        port: int,
        name: str,
        signing: OKPKey,
        message_ids: Callable[[str], str],
        together: threading.Barrier | None = None,
        answer_after: float = 0.0,
    ) -> None:
        self.name, self.signing, self.message_ids = name, signing, message_ids
        self.posts: Counter[str] = Counter()
        self.log: list[tuple[str, str]] = []  # ("in" | "out", package digest), as they happened
        self.in_flight = self.most_in_flight = 0
        self.lock = threading.Lock()
        inbox = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keeps connections alive, as the outbox hopes

            def do_POST(self) -> None:
                with inbox.lock:
                    inbox.in_flight += 1
                    inbox.most_in_flight = max(inbox.most_in_flight, inbox.in_flight)
                package = self.rfile.read(int(self.headers["Content-Length"]))
                with inbox.lock:
                    inbox.log.append(("in", packages.sha256(package)))
                time.sleep(answer_after)
                if together is not None:
                    # Answered only once as many posts as the barrier's parties are in flight
                    # together: posts one at a time would break it (and get a 503).
                    try:
                        together.wait()
                    except threading.BrokenBarrierError:
                        self.send_response(503)
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return
                digest = packages.sha256(package)
                token = packages.receipt_sign(
                    evidence=Evidence.DELIVERY,
                    issuer=inbox.name,
                    issued_at=timezone.now(),
                    message_id=inbox.message_ids(digest),
                    package_sha256=digest,
                    signing_key=inbox.signing,
                ).encode()
                with inbox.lock:
                    inbox.posts[digest] += 1
                    inbox.log.append(("out", digest))
                    inbox.in_flight -= 1
                self.send_response(200)
                self.send_header("Content-Type", "application/jose")
                self.send_header("Content-Length", str(len(token)))
                self.end_headers()
                self.wfile.write(token)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _trust(tmp_path, name: str, remote_id: int, port: int) -> tuple[PeerAuthority, OKPKey]:
    signing, encryption = peer_keys()
    document = peer_document(
        name=name,
        keys=(signing, encryption),
        authorities=[
            {"id": remote_id, "country": "CH", "kind": "central-authority", "name": f"Office {name}"}
        ],
    )
    document["url"] = f"http://127.0.0.1:{port}"
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(document))
    call_command("federation", "trust", str(path), stdout=StringIO())
    return PeerAuthority.objects.select_related("authority").get(peer__name=name), signing


def _message_id(digest: str) -> str:
    for message in Message.objects.filter(direction="out"):
        if packages.sha256(message.package.encode("ascii")) == digest:
            return str(message.message_id)
    raise AssertionError("a package nobody queued")


@pytest.fixture
def deployment(peru):
    call_command(
        "federation", "init", "--name", "pe.comity.test", "--url", "https://pe.test", stdout=StringIO()
    )


@pytest.fixture
def inboxes() -> Iterator[list[FakeInbox]]:
    made: list[FakeInbox] = []
    yield made
    for inbox in made:
        inbox.close()


def _queue(peru, link: PeerAuthority, count: int, conversation_id: str | None = None) -> list[Message]:
    return [
        services.message_queue(
            actor=None,
            kind="request.new",
            sender=peru.authority,
            recipient=link.authority,
            body=BODY | {"reference": f"PE-2026-{n:03d}" if conversation_id is None else f"PE-2026-9{n:02d}"},
            conversation_id=conversation_id,
        )
        for n in range(count)
    ]


def _digests(messages: list[Message]) -> dict[str, str]:
    return {packages.sha256(m.package.encode("ascii")): str(m.message_id) for m in messages}


@pytest.mark.django_db(transaction=True)
def test_posts_to_a_peer_go_a_few_at_once_and_each_message_is_delivered_once(
    peru, deployment, inboxes, tmp_path, settings
):
    settings.COMITY_FEDERATION_POSTS_PER_PEER = 3
    port = free_port()
    link, signing = _trust(tmp_path, "ch.comity.test", 7, port)
    digests = _digests(_queue(peru, link, 12))
    inbox = FakeInbox(port, "ch.comity.test", signing, digests.__getitem__, threading.Barrier(3, timeout=20))
    inboxes.append(inbox)
    assert delivery.outbox_deliver() == 12
    assert sorted(inbox.posts.values()) == [1] * 12 and set(inbox.posts) == set(digests)
    assert inbox.most_in_flight == 3
    for message in Message.objects.filter(direction="out"):
        assert message.state == "delivered" and message.attempts == 1 and message.next_attempt_at is None
        assert [r.evidence for r in message.receipts.all()] == ["SUBMISSION_ACCEPTANCE", "DELIVERY"]
    # nothing waits any more: another round posts nothing
    assert delivery.outbox_deliver(due_only=False) == 0
    assert sum(inbox.posts.values()) == 12


@pytest.mark.django_db(transaction=True)
def test_one_conversations_messages_reach_the_peer_one_after_the_other_in_their_order(
    peru, deployment, inboxes, tmp_path, settings
):
    """Two events of one request posted side by side were applied at the peer in either order (its
    timeline then read 'information requested' before 'acknowledged'); other conversations still go
    side by side."""
    settings.COMITY_FEDERATION_POSTS_PER_PEER = 3
    port = free_port()
    link, signing = _trust(tmp_path, "ch.comity.test", 7, port)
    conversation = "0b0e4f6a-6a0c-4b8e-9f1a-2f6d5c1e7a01"
    queued = _queue(peru, link, 4, conversation)
    others = _queue(peru, link, 2)
    digests = _digests([*queued, *others])
    inbox = FakeInbox(port, "ch.comity.test", signing, digests.__getitem__, answer_after=0.2)
    inboxes.append(inbox)
    assert delivery.outbox_deliver() == 6
    # each of the conversation's posts arrives only once the one before it was answered
    turns = [packages.sha256(m.package.encode("ascii")) for m in queued]
    seen = [(way, digest) for way, digest in inbox.log if digest in turns]
    assert seen == [(way, digest) for digest in turns for way in ("in", "out")]
    assert inbox.most_in_flight == 3  # the conversation and the two others side by side


@pytest.mark.django_db(transaction=True)
def test_a_batch_with_a_peer_down_settles_the_other_peers_messages(peru, deployment, inboxes, tmp_path):
    up_port, down_port = free_port(), free_port()
    up, signing = _trust(tmp_path, "ch.comity.test", 7, up_port)
    down, _ = _trust(tmp_path, "fr.comity.test", 8, down_port)
    mixed = [*_queue(peru, up, 2), *_queue(peru, down, 2), *_queue(peru, up, 1)]
    inboxes.append(FakeInbox(up_port, "ch.comity.test", signing, _digests(mixed).__getitem__))
    assert delivery.outbox_deliver() == 3
    states = {
        (m.peer.name, m.state, m.attempts, m.last_error) for m in Message.objects.filter(direction="out")
    }
    assert states == {("ch.comity.test", "delivered", 1, ""), ("fr.comity.test", "queued", 1, "unreachable")}
    for message in Message.objects.filter(peer__name="fr.comity.test"):
        assert message.next_attempt_at >= message.created_at + datetime.timedelta(seconds=60)
        assert [r.evidence for r in message.receipts.all()] == ["SUBMISSION_ACCEPTANCE"]


@pytest.mark.django_db(transaction=True)
def test_a_receipt_signed_by_another_key_or_about_another_package_settles_nothing(
    peru, deployment, inboxes, tmp_path
):
    port = free_port()
    link, _signing = _trust(tmp_path, "ch.comity.test", 7, port)
    [message] = _queue(peru, link, 1)
    impostor = OKPKey.generate_key("Ed25519", private=True)
    inbox = FakeInbox(port, "ch.comity.test", impostor, _digests([message]).__getitem__)
    inboxes.append(inbox)
    assert delivery.outbox_deliver() == 0
    message.refresh_from_db()
    assert (message.state, message.attempts, message.last_error) == ("queued", 1, "bad_receipt")
    # the peer's own key, but a receipt about another package
    inbox.signing = _signing
    inbox.message_ids = lambda digest: "00000000-0000-4000-8000-000000000000"
    assert delivery.outbox_deliver(due_only=False) == 0
    message.refresh_from_db()
    assert (message.state, message.attempts, message.last_error) == ("queued", 2, "bad_receipt")
    assert sum(inbox.posts.values()) == 2
