"""Federation benchmark (#25 'Speed'), run by run.py like the others.

1. The cryptography of one package of a request with 10 MB of attachments: seal (sign the
   manifest with Ed25519, encrypt manifest and parts to the recipient's X25519 key) and open
   (decrypt, verify, check every part's size and digest), in this process.
2. FEDERATION_BENCH_MESSAGES (default 1,000) request packages without attachments sent from a
   deployment A to a deployment B over loopback HTTP, SQLite at both ends, each its own database,
   data folder and `comity serve` (gunicorn and its worker) as an operator runs them. The packages are
   queued at A before A starts; A's worker then delivers them, timed from its first claim (the first
   send) until no message waits (the last receipt), read in A's database every 50 ms; beside the
   cryptography alone of as many packages and their receipts, and the processor time each side
   spent a message (A's and B's `comity serve` with their workers and web workers).

Two SQLite deployments whatever database run.py hands it, as the issue asks: under PostgreSQL it
says so and measures nothing.
"""

import datetime
import json
import os
import random
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import django

MESSAGES = int(os.environ.get("FEDERATION_BENCH_MESSAGES", "1000"))
ATTACHMENTS_MB = 10
RUNS = 5
COMITY = str(Path(sys.executable).with_name("comity"))
BODY = {
    "type": "mla",
    "legal_basis": "uncac",
    "proceeding": "criminal",
    "offences": ["uncac-15", "uncac-23"],
    "reference": "PE-2026-501",
    "summary": "Bank records of a company suspected of laundering bribes.",
    "sent_on": "2026-12-05",
}
QUEUE = """
import datetime
import json
import secrets
from comity.accounts.models import Authority
from comity.accounts.services import user_create
from comity.cooperation import services
from comity.federation.models import PeerAuthority
link = PeerAuthority.objects.get(remote_id={remote})
sender = Authority.objects.get(pk={sender})
officer = user_create(
    actor=None, username="bench-officer", authority=sender, role="officer", password=secrets.token_urlsafe(24)
)
body = json.loads({body!r})
for n in range({count}):
    services.request_create(
        actor=officer, requesting_authority=sender, requested_authority=link.authority,
        type=body["type"], legal_basis=body["legal_basis"], proceeding=body["proceeding"],
        offences=body["offences"], summary=body["summary"], requesting_reference="PE-BENCH-%06d" % n,
        sent_on=datetime.date.fromisoformat(body["sent_on"]),
    )
"""
OUTBOX = (
    "SELECT COUNT(*) FILTER (WHERE attempts > 0), COUNT(*) FILTER (WHERE state = 'queued') "
    "FROM federation_message WHERE direction = 'out'"
)
RECEIVED = """
from comity.federation.models import Message
print(Message.objects.filter(direction="in").count())
"""


def timed(function) -> tuple[float, object]:
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def crypto(packages, OKPKey) -> dict:
    """Seal and open one package of a request with 10 MB of attachments, RUNS times."""
    signing, encryption = OKPKey.generate_key("Ed25519"), OKPKey.generate_key("X25519")
    rng = random.Random(25)
    attachments = [
        packages.Part(f"attachment-{n}", "application/pdf", rng.randbytes(2**20 * ATTACHMENTS_MB // 4))
        for n in range(4)
    ]
    parts = [packages.Part("body", "application/json", json.dumps(BODY).encode()), *attachments]
    now = datetime.datetime.now(datetime.UTC)
    manifest = packages.manifest_for(
        message_id="00000000-0000-4000-8000-000000000025",
        conversation_id="00000000-0000-4000-8000-000000000026",
        kind="request.new",
        sender=("a.bench", 1),
        recipient=("b.bench", 2),
        created_at=now,
        parts=parts,
    )
    sender = packages.SenderKey(signing, "a.bench")
    seal_runs, open_runs = [], []
    sealed = b""
    for _run in range(RUNS):
        seconds, sealed = timed(
            lambda: packages.seal(manifest, parts, signing_key=signing, recipient_key=encryption)
        )
        seal_runs.append(seconds)
        seconds, opened = timed(
            lambda sealed=sealed: packages.open_package(
                sealed,
                recipient="b.bench",
                decryption_key=lambda kid: encryption,
                sender_key=lambda kid: sender,
                now=now,
                max_age=datetime.timedelta(days=7),
                max_bytes=len(sealed),
            )
        )
        open_runs.append(seconds)
        assert opened.parts["attachment-0"] == attachments[0].content
    return {
        "attachments_mb": ATTACHMENTS_MB,
        "package_mb": round(len(sealed) / 2**20, 1),
        "seal_seconds": round(statistics.median(seal_runs), 3),
        "open_seconds": round(statistics.median(open_runs), 3),
        "runs": RUNS,
        "what": "seal: Ed25519 JWS of the manifest, then JWE ECDH-ES+A256KW/A256GCM of manifest and "
        "parts; open: decrypt, verify, every part's size and SHA-256 (median of the runs)",
    }


def crypto_alone(packages, OKPKey, count: int) -> float:
    """The cryptography of `count` small request packages and their receipts: seal, open, sign
    and verify the receipt, in one process, no database, no network."""
    signing, encryption = OKPKey.generate_key("Ed25519"), OKPKey.generate_key("X25519")
    receiving = OKPKey.generate_key("Ed25519")
    now = datetime.datetime.now(datetime.UTC)

    def all_of_them() -> None:
        for n in range(count):
            body = json.dumps(BODY | {"reference": f"PE-BENCH-{n:06d}"}).encode()
            parts = [packages.Part("body", "application/json", body)]
            manifest = packages.manifest_for(
                message_id=f"00000000-0000-4000-8000-{n:012d}",
                conversation_id=f"00000000-0000-4000-9000-{n:012d}",
                kind="request.new",
                sender=("a.bench", 1),
                recipient=("b.bench", 2),
                created_at=now,
                parts=parts,
            )
            sealed = packages.seal(manifest, parts, signing_key=signing, recipient_key=encryption)
            packages.open_package(
                sealed,
                recipient="b.bench",
                decryption_key=lambda kid: encryption,
                sender_key=lambda kid: packages.SenderKey(signing, "a.bench"),
                now=now,
                max_age=datetime.timedelta(days=7),
                max_bytes=len(sealed),
            )
            receipt = packages.receipt_sign(
                evidence=packages.Evidence.DELIVERY,
                issuer="b.bench",
                issued_at=now,
                message_id=manifest["message_id"],
                package_sha256=packages.sha256(sealed),
                signing_key=receiving,
            )
            packages.receipt_verify(receipt, lambda kid: packages.SenderKey(receiving, "b.bench"))

    return timed(all_of_them)[0]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Deployment:
    """A deployment of its own: database, data folder, port, `comity serve`."""

    def __init__(self, scratch: Path, name: str, country: str, authority: str) -> None:
        self.name, self.port = name, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        data = scratch / name
        data.mkdir()
        self.database = data / "comity.sqlite3"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("COMITY_")} | {
            "DATABASE_URL": f"sqlite:///{self.database}",
            "COMITY_MFA_REQUIRED_ROLES": "",
        }
        self.server: subprocess.Popen | None = None
        self.run("migrate", "--no-input")
        added = self.run(
            "authority", "add", "--country", country, "--kind", "central-authority", "--name", authority
        )
        self.authority = int(added.stdout.strip().splitlines()[-1])
        self.run("federation", "init", "--name", name, "--url", self.url)
        self.key_file = scratch / f"{name}.json"
        self.key_file.write_text(self.run("federation", "key").stdout)

    def run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [COMITY, *args], env=self.env, capture_output=True, text=True, check=True, timeout=3600
        )

    def start(self) -> None:
        self.server = subprocess.Popen(
            [COMITY, "serve", "--port", str(self.port)],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.url}/healthz", timeout=2).read()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not start")

    def stop(self) -> None:
        if self.server is not None:
            self.server.send_signal(signal.SIGTERM)
            self.server.wait(timeout=30)

    def outbox(self) -> tuple[int, int]:
        """How many outbound messages were tried at least once, and how many still wait."""
        with sqlite3.connect(self.database, timeout=60) as db:
            tried, waiting = db.execute(OUTBOX).fetchone()
        return tried, waiting

    def cpu_seconds(self) -> float:
        """Processor time of `comity serve` and every process under it (gunicorn, its web workers,
        the worker's supervisor and worker), from /proc."""
        assert self.server is not None
        tick, children, own = os.sysconf("SC_CLK_TCK"), {}, {}
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(pid))
            own[int(pid)] = (int(fields[11]) + int(fields[12])) / tick
        total, todo = 0.0, [self.server.pid]
        while todo:
            pid = todo.pop()
            total += own.get(pid, 0.0)
            todo.extend(children.get(pid, []))
        return total


def loopback(count: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="comity-federation-bench-") as folder:
        scratch = Path(folder)
        a = Deployment(scratch, "a.bench", "PE", "Fiscalía de la Nación")
        b = Deployment(scratch, "b.bench", "CH", "Federal Office of Justice")
        a.run("federation", "trust", str(b.key_file))
        b.run("federation", "trust", str(a.key_file))
        script = QUEUE.format(remote=b.authority, sender=a.authority, body=json.dumps(BODY), count=count)
        queued_seconds, _q = timed(lambda: a.run("shell", "-c", script))
        b.start()
        try:
            a.start()
            while not a.outbox()[0]:
                time.sleep(0.05)
            started = time.perf_counter()
            a_cpu, b_cpu = a.cpu_seconds(), b.cpu_seconds()
            deadline = time.monotonic() + 3600
            while a.outbox()[1] and time.monotonic() < deadline:
                time.sleep(0.05)
            sent_seconds = time.perf_counter() - started
            a_cpu, b_cpu = a.cpu_seconds() - a_cpu, b.cpu_seconds() - b_cpu
            received = int(b.run("shell", "-c", RECEIVED).stdout.strip().splitlines()[-1])
        finally:
            a.stop()
            b.stop()
    return {
        "messages": count,
        "received": received,
        "queue_seconds": round(queued_seconds, 1),
        "send_seconds": round(sent_seconds, 1),
        "messages_per_s": round(received / sent_seconds, 1),
        "target_messages_per_s": 50,
        "cpu_ms_per_message": {"a": round(a_cpu / count * 1000, 1), "b": round(b_cpu / count * 1000, 1)},
        "what": "A's outbox delivered by A's worker (`comity serve`), from its first claim to no message "
        "waiting, each settled on B's signed receipt; B is `comity serve` on loopback and sends each "
        "request's date received back to A meanwhile; queueing (which seals each package) timed apart; "
        "cpu: processor time of each side's processes over the same span",
    }


def main() -> None:
    if not os.environ.get("DATABASE_URL", "sqlite").startswith("sqlite"):
        print(json.dumps({"skipped": "two SQLite deployments, as #25 asks; nothing measured here"}))
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comity.config.settings")
    django.setup()
    from joserfc.jwk import OKPKey

    from comity.federation import packages

    result: dict = {"package_10mb": crypto(packages, OKPKey)}
    result["loopback"] = loopback(MESSAGES)
    alone = crypto_alone(packages, OKPKey, MESSAGES)
    result["loopback"]["cryptography_alone_seconds"] = round(alone, 2)
    # Queueing seals each package; sending opens it at B and signs and checks the receipt.
    spent = result["loopback"]["queue_seconds"] + result["loopback"]["send_seconds"]
    result["loopback"]["cryptography_share_of_queue_and_send"] = round(alone / spent, 2)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
