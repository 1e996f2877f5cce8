"""Writes of the outbox's delivery (ADR 11): due messages claimed a batch at a time, posted a few
at a time to each peer over kept-alive connections, settled a batch at a time.

The guarantees are the ones of one message at a time:
- a message is claimed (its attempt counted and its next attempt put off) in a transaction that
  commits before the network is touched: a worker killed while posting loses nothing, the message
  is due again after the delay, and the inbox's idempotency makes a second post harmless;
- a message is settled only on a receipt signed by that very peer about that very package
  (DELIVERY, or a rejection naming its reason), and once: a message another delivery settled in
  the meantime keeps its first receipt;
- a message that was not settled waits 2^attempts x OUTBOX_FIRST_DELAY (at most OUTBOX_MAX_DELAY),
  and is given up with our NON_DELIVERY once the window has passed.

One transaction claims a batch and one settles it, where one message at a time took two; posts
to a peer go a few at a time (COMITY_FEDERATION_POSTS_PER_PEER), so that the peer's web workers
are busy together and a slow peer holds up no other.
"""

import datetime
import http.client
import queue
import socket
import ssl
import threading
import urllib.parse
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from comity.federation import keys, packages
from comity.federation.choices import MessageDirection, MessageState
from comity.federation.models import Deployment, Message, Receipt
from comity.federation.packages import Evidence, Refused, SenderKey
from comity.federation.services import inbox_url, own_receipt_record, sender_key

# A failed delivery is tried again after 2^attempts × this, at most OUTBOX_MAX_DELAY.
OUTBOX_FIRST_DELAY = datetime.timedelta(seconds=30)
OUTBOX_MAX_DELAY = datetime.timedelta(hours=1)
OUTBOX_BATCH = 100
OUTBOX_TIMEOUT_SECONDS = 30
# A receipt is a short JWS: anything longer is not one.
ANSWER_BYTES = 64 * 1024


def outbox_deliver(*, now: datetime.datetime | None = None, due_only: bool = True) -> int:
    """Post a batch of due outbound messages to their peers' inboxes; the worker runs this in a
    loop while messages are due (COMITY_WORKER_LOOPS), `comity federation send` with
    due_only=False. Returns how many were settled (delivered, refused by the peer, or given up)."""
    now = now or timezone.now()
    claimed = _claim(now, due_only)
    if not claimed:
        return 0
    answers = _post_all(claimed)
    return _settle_all(claimed, answers, now)


def outbox_loop() -> int:
    """One round of the worker's delivery loop: a batch of the due messages, if any. The loop
    runs it again at once while it settles messages, else after the worker's interval."""
    return outbox_deliver()


def _delay(attempts: int) -> datetime.timedelta:
    return min(OUTBOX_FIRST_DELAY * 2**attempts, OUTBOX_MAX_DELAY)


def _claim(now: datetime.datetime, due_only: bool) -> list[Message]:
    with transaction.atomic():
        waiting = Message.objects.filter(direction=MessageDirection.OUTBOUND, state=MessageState.QUEUED)
        if due_only:
            waiting = waiting.filter(next_attempt_at__lte=now)
        waiting = waiting.order_by("next_attempt_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            # Another worker's claim in progress is left to it (PostgreSQL); SQLite's writes take
            # turns anyway.
            waiting = waiting.select_for_update(skip_locked=True, of=("self",))
        claimed = list(waiting.select_related("peer")[:OUTBOX_BATCH])
        by_attempts: dict[int, list[int]] = defaultdict(list)
        for message in claimed:
            by_attempts[message.attempts].append(message.pk)
        for attempts, pks in by_attempts.items():
            Message.objects.filter(pk__in=pks).update(
                attempts=F("attempts") + 1, next_attempt_at=now + _delay(attempts + 1)
            )
    return claimed


@dataclass(frozen=True)
class _Answer:
    """What a post brought back: the peer's HTTP status and body, or the error that stopped it."""

    status: int = 0
    body: bytes = b""
    error: str = ""


class _Connections:
    """Kept-alive connections to one peer, one per post in flight; a connection the peer closed
    is opened again."""

    def __init__(self, url: str) -> None:
        parts = urllib.parse.urlsplit(url)
        self.path = parts.path or "/"
        self.host, self.port = parts.hostname or "", parts.port
        self.https = parts.scheme == "https"
        self.idle: queue.SimpleQueue[http.client.HTTPConnection] = queue.SimpleQueue()
        self.made: list[http.client.HTTPConnection] = []
        self.lock = threading.Lock()

    def _new(self) -> http.client.HTTPConnection:
        made: http.client.HTTPConnection
        if self.https:
            made = http.client.HTTPSConnection(
                self.host, self.port, timeout=OUTBOX_TIMEOUT_SECONDS, context=ssl.create_default_context()
            )
        else:
            made = http.client.HTTPConnection(self.host, self.port, timeout=OUTBOX_TIMEOUT_SECONDS)
        with self.lock:
            self.made.append(made)
        return made

    @contextmanager
    def one(self) -> Iterator[http.client.HTTPConnection]:
        try:
            held = self.idle.get_nowait()
        except queue.Empty:
            held = self._new()
        try:
            yield held
        finally:
            self.idle.put(held)

    def close(self) -> None:
        for made in self.made:
            made.close()


def _post(connections: _Connections, package: bytes) -> _Answer:
    headers = {"Content-Type": "application/jose", "Accept": "application/jose"}
    with connections.one() as held:
        for reused in (held.sock is not None, False):
            try:
                held.request("POST", connections.path, body=package, headers=headers)
                response = held.getresponse()
                body = response.read(ANSWER_BYTES)
                if response.will_close or not response.isclosed():
                    # The peer closes after each answer (or sent more than a receipt).
                    held.close()
                return _Answer(status=response.status, body=body)
            except (ConnectionResetError, BrokenPipeError, http.client.RemoteDisconnected) as failure:
                held.close()
                if reused:
                    continue  # the peer closed a kept-alive connection meanwhile: once more, afresh
                return _Answer(error=_error_code(failure))
            except (OSError, http.client.HTTPException) as failure:
                held.close()
                return _Answer(error=_error_code(failure))
    return _Answer(error="network")


def _post_in_turn(connections: _Connections, packages: list[bytes]) -> list[_Answer]:
    """Each package posted once the one before it was answered; after a failed post the rest wait
    for the next attempt (answered with the same error), so that none overtakes it."""
    answers: list[_Answer] = []
    for package in packages:
        if answers and answers[-1].error:
            answers.append(answers[-1])
            continue
        answers.append(_post(connections, package))
    return answers


def _error_code(failure: BaseException) -> str:
    if isinstance(failure, ConnectionError | socket.gaierror | TimeoutError):
        return "unreachable"
    return "network"


def _post_all(claimed: list[Message]) -> dict[int, _Answer]:
    """Every claimed message posted to its peer, at most COMITY_FEDERATION_POSTS_PER_PEER at once
    to each; nothing here touches the database."""
    answers: dict[int, _Answer] = {}
    by_peer: dict[int, list[Message]] = defaultdict(list)
    for message in claimed:
        by_peer[message.peer_id].append(message)
    per_peer = max(1, settings.COMITY_FEDERATION_POSTS_PER_PEER)
    pools: list[tuple[_Connections, ThreadPoolExecutor]] = []
    futures = []
    try:
        for messages in by_peer.values():
            url = inbox_url(messages[0].peer)
            if url is None:
                answers.update({message.pk: _Answer(error="insecure_address") for message in messages})
                continue
            connections = _Connections(url)
            pool = ThreadPoolExecutor(max_workers=min(per_peer, len(messages)), thread_name_prefix="outbox")
            pools.append((connections, pool))
            # One conversation's messages go one after the other, in the order they were queued:
            # posted side by side, a request's two events could be applied at the peer in the
            # other order (its timeline then differs from ours). Conversations go side by side.
            by_conversation: dict[object, list[Message]] = defaultdict(list)
            for message in messages:
                by_conversation[message.conversation_id].append(message)
            for in_turn in by_conversation.values():
                packages = [message.package.encode("ascii") for message in in_turn]
                future = pool.submit(_post_in_turn, connections, packages)
                futures.append(([message.pk for message in in_turn], future))
        for pks, future in futures:
            answers.update(zip(pks, future.result(), strict=True))
    finally:
        for connections, pool in pools:
            pool.shutdown(wait=True)
            connections.close()
    return answers


def _receipt_claims(
    message: Message, answer: _Answer, verify_key: Callable[[str], SenderKey | None]
) -> dict | None:
    """The peer's receipt in the answer if it is one, signed by that peer, about this package."""
    if answer.error:
        return None
    try:
        claims = packages.receipt_verify(answer.body.decode("ascii"), verify_key)
    except (Refused, UnicodeDecodeError):
        return None
    if (
        claims.get("issuer") != message.peer.name
        or claims.get("message_id") not in (str(message.message_id), None)
        or claims.get("package_sha256") != packages.sha256(message.package.encode("ascii"))
        or claims.get("evidence") not in (Evidence.DELIVERY, Evidence.RELAY_REMMD_REJECTION)
    ):
        return None
    return claims


def _settle_all(claimed: list[Message], answers: dict[int, _Answer], now: datetime.datetime) -> int:
    known: dict[str, SenderKey | None] = {}

    def verify_key(kid: str) -> SenderKey | None:
        if kid not in known:
            known[kid] = sender_key(kid)
        return known[kid]

    settled = 0
    window = datetime.timedelta(seconds=settings.COMITY_FEDERATION_MAX_AGE)
    # Verified before the transaction: the signatures are checked without holding the write lock.
    outcomes = [(message, _receipt_claims(message, answers[message.pk], verify_key)) for message in claimed]
    with transaction.atomic():
        own: tuple[Deployment, keys.DeploymentKeys] | None = None
        for message, claims in outcomes:
            answer = answers[message.pk]
            still_queued = Message.objects.filter(pk=message.pk, state=MessageState.QUEUED)
            if claims is not None:
                delivered = claims["evidence"] == Evidence.DELIVERY
                reason = "" if delivered else str(claims.get("reason", ""))
                # Settled once: a message another delivery settled meanwhile keeps its receipt.
                if still_queued.update(
                    state=MessageState.DELIVERED if delivered else MessageState.REJECTED,
                    last_error=reason[:64],
                    next_attempt_at=None,
                ):
                    Receipt.objects.create(
                        message=message,
                        evidence=claims["evidence"],
                        reason=reason[:32],
                        issuer=message.peer.name,
                        issued_at=now,
                        token=answer.body.decode("ascii"),
                    )
                    settled += 1
                continue
            error = answer.error or (f"http_{answer.status}" if answer.status != 200 else "bad_receipt")
            created = datetime.datetime.strptime(message.manifest["created_at"], packages.INSTANT).replace(
                tzinfo=datetime.UTC
            )
            if created < now - window:
                if still_queued.update(state=MessageState.FAILED, last_error=error, next_attempt_at=None):
                    own = own or (Deployment.objects.get(), keys.load())
                    own_receipt_record(*own, message, Evidence.NON_DELIVERY, now)
                    settled += 1
            else:
                still_queued.update(last_error=error)
    return settled


def receipt_import(token: str, *, now: datetime.datetime | None = None) -> tuple[Message, bool]:
    """A peer's receipt carried back as a file, where no network link is allowed (`comity
    federation import`, the Federation page): checked as the answer to a post is (signed by the
    trusted peer it names, about a package sent from here to that peer) and settling its message
    as that answer would, once. The message, and whether this receipt settled it (False: it was
    settled already, and keeps its first receipt). ValidationError on `receipt` otherwise."""
    try:
        claims = packages.receipt_verify(token, sender_key)
        message_id = uuid.UUID(str(claims.get("message_id")))
    except (Refused, ValueError, KeyError) as error:
        raise ValidationError(
            {"receipt": _("This is not a receipt signed by a trusted peer deployment.")}
        ) from error
    message = (
        Message.objects.select_related("peer")
        .filter(direction=MessageDirection.OUTBOUND, message_id=message_id, peer__name=claims.get("issuer"))
        .first()
    )
    answer = _Answer(status=200, body=token.encode("ascii"))
    if message is None or _receipt_claims(message, answer, sender_key) is None:
        raise ValidationError(
            {"receipt": _("This receipt is about no message sent from here to its signer.")}
        )
    settled = _settle_all([message], {message.pk: answer}, now or timezone.now()) == 1
    message.refresh_from_db()
    return message, settled
