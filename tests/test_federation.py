"""Federation between deployments run as an operator runs them: their own processes and databases."""

import base64
import datetime
import hashlib
import json
import os
import signal
import subprocess
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from comity.federation.keys import fingerprint
from comity.federation.tests.helpers import peer_document, peer_keys
from comity.federation.tests.test_delivery import FakeInbox
from tests.conftest import server_databases
from tests.servers import COMITY, free_port, run_comity, wait_until_served


def test_a_deployment_keeps_its_keys_in_the_folder_of_its_sqlite_file(tmp_path, migrated_database_url):
    env = os.environ | {"DATABASE_URL": migrated_database_url}
    for name in ("COMITY_FEDERATION_SIGNING_KEY_FILE", "COMITY_FEDERATION_ENCRYPTION_KEY_FILE"):
        env.pop(name, None)
    if not migrated_database_url.startswith("sqlite"):
        env["COMITY_DATA_DIR"] = str(tmp_path)
    printed = run_comity(env, "federation", "init", "--name", "b.test", "--url", "http://127.0.0.1:9")
    assert (tmp_path / "federation" / "signing.pem").exists()
    assert (tmp_path / "federation" / "encryption.pem").exists()
    document = json.loads(run_comity(env, "federation", "key").stdout)
    assert printed.stdout.strip() == f"Fingerprint: {fingerprint(document)}"


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
import json, sys
from comity.accounts.models import Authority
from comity.federation import services
from comity.federation.models import PeerAuthority
link = PeerAuthority.objects.get(remote_id={remote})
message = services.message_queue(
    actor=None, kind="request.new", sender=Authority.objects.get(pk={sender}), recipient=link.authority,
    body=json.loads({body!r}),
)
print(message.message_id)
"""
RECEIVED = """
import json
from comity.federation.models import Message
print(json.dumps([[str(m.message_id), m.body["reference"], m.peer.name] for m in Message.objects.filter(direction="in").order_by("pk")]))
"""
LINKED = """
from comity.federation.models import PeerAuthority
print(PeerAuthority.objects.get(remote_id={remote}).authority_id)
"""
INCOMING = """
import json
from comity.cooperation.models import Request
print(json.dumps([
    [r.requesting_reference, r.requested_authority_id, r.status, sorted(r.offence_rows.values_list("code", flat=True)), r.pk]
    for r in Request.objects.filter(requested_authority__external=False, requesting_reference="PE-2026-900")
]))
"""
TIMELINE = """
import json
from comity.cooperation.models import Request
request = Request.objects.get(pk={pk})
print(json.dumps([[e.kind, e.authority.country, e.text] for e in request.events.order_by("pk")]))
"""
STATUS = """
from comity.cooperation.models import Request
print(Request.objects.get(pk={pk}).status)
"""
RECEIPTS = """
import json
from comity.cooperation.models import Request
from comity.federation.selectors import request_receipts
print(json.dumps([line.text for line in request_receipts(Request.objects.get(pk={pk}))]))
"""


class Deployment:
    """One Comity deployment run as an operator runs it: its own database (migrated), data folder
    and port."""

    def __init__(self, tmp_path: Path, database_url: str, name: str, country: str, authority: str) -> None:
        self.name, self.port = name, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        data = tmp_path / name
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("COMITY_")} | {
            "DATABASE_URL": database_url,
            "COMITY_VAR_DIR": str(data),
            "COMITY_DATA_DIR": str(data),
            "COMITY_MFA_REQUIRED_ROLES": "",
            "COMITY_JOB_LEASE_SECONDS": "2",  # the worker's sweeps every second
        }
        self.server: subprocess.Popen | None = None
        self.authority = int(
            self.run(
                "authority", "add", "--country", country, "--kind", "central-authority", "--name", authority
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        self.run("federation", "init", "--name", name, "--url", self.url)
        self.key_file = tmp_path / f"{name}.json"
        self.key_file.write_text(self.run("federation", "key").stdout)

    def run(self, *args: str, check: bool = True, stdin: str = "") -> subprocess.CompletedProcess:
        return run_comity(self.env, *args, check=check, stdin=stdin)

    def add_officer(self, username: str, password: str) -> None:
        self.run(
            "user",
            "add",
            username,
            "--authority",
            str(self.authority),
            "--role",
            "officer",
            "--password-stdin",
            stdin=f"{password}\n",
        )

    def queue(self, peer: "Deployment", reference: str) -> str:
        body = json.dumps(BODY | {"reference": reference})
        script = QUEUE.format(remote=peer.authority, sender=self.authority, body=body)
        return self.run("shell", "-c", script).stdout.strip().splitlines()[-1]

    def received(self) -> list[list[str]]:
        return json.loads(self.run("shell", "-c", RECEIVED).stdout.strip().splitlines()[-1])

    def incoming(self) -> list[list]:
        return json.loads(self.run("shell", "-c", INCOMING).stdout.strip().splitlines()[-1])

    def receipts(self, request_id: int) -> list[str]:
        return json.loads(
            self.run("shell", "-c", RECEIPTS.format(pk=request_id)).stdout.strip().splitlines()[-1]
        )

    def timeline(self, request_id: int) -> list[list[str]]:
        return json.loads(
            self.run("shell", "-c", TIMELINE.format(pk=request_id)).stdout.strip().splitlines()[-1]
        )

    def status(self, request_id: int) -> str:
        return self.run("shell", "-c", STATUS.format(pk=request_id)).stdout.strip().splitlines()[-1]

    def start(self) -> None:
        if self.server is not None:
            return
        self.server = subprocess.Popen(
            [COMITY, "serve", "--port", str(self.port)],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until_served(self.server, f"{self.url}/healthz", seconds=60)

    def stop(self) -> None:
        if self.server is not None:
            self.server.send_signal(signal.SIGTERM)
            self.server.wait(timeout=30)
            self.server = None


@pytest.fixture(scope="module")
def pair(tmp_path_factory, migrated_template) -> Iterator[tuple[Deployment, Deployment]]:
    """Deployments A (Peru) and B (Switzerland) trusting each other, shared by this module's tests
    in their order (starting two deployments is the slow part): the first starts and stops them as
    its story needs and leaves them running; the browser's flow starts any that is not."""
    folder = tmp_path_factory.mktemp("pair")
    with server_databases(folder, migrated_template) as new_database:
        a = Deployment(folder, new_database(migrated=True), "pe.comity.test", "PE", "Fiscalía de la Nación")
        b = Deployment(
            folder, new_database(migrated=True), "ch.comity.test", "CH", "Federal Office of Justice"
        )
        assert not (folder / "pe.comity.test" / "federation" / "signing.pem").samefile(
            folder / "ch.comity.test" / "federation" / "signing.pem"
        )
        a.run("federation", "trust", str(b.key_file))
        b.run("federation", "trust", str(a.key_file))
        try:
            yield a, b
        finally:
            a.stop()
            b.stop()


@pytest.mark.django_db(transaction=True)
def test_two_deployments_deliver_once_through_a_peer_down_the_worker_and_a_file(tmp_path, pair):
    a, b = pair
    b.stop()
    # B is down: the message waits in A's outbox
    first = a.queue(b, "PE-2026-501")
    assert a.run("federation", "send").stdout.strip() == "0 settled, 1 waiting."
    # B is back: delivered once, and never again
    b.start()
    assert a.run("federation", "send").stdout.strip() == "1 settled, 0 waiting."
    assert b.received() == [[first, "PE-2026-501", "pe.comity.test"]]
    assert a.run("federation", "send").stdout.strip() == "0 settled, 0 waiting."
    # the same package carried as a file changes nothing: the same receipt, no second message
    package = tmp_path / "first.jose"
    a.run("federation", "export", first, "--output", str(package))
    assert b.run("federation", "import", str(package)).stdout.strip() == "DELIVERY"
    assert len(b.received()) == 1
    # a new message by file only, both ways: B has it, and B's receipt carried back settles it at
    # A as the answer to a post would; A's next send has nothing to do
    second = a.queue(b, "PE-2026-502")
    a.run("federation", "export", second, "--output", str(tmp_path / "second.jose"))
    receipt = tmp_path / "second-receipt.jose"
    imported = b.run("federation", "import", str(tmp_path / "second.jose"), "--receipt", str(receipt))
    assert imported.stdout.strip() == "DELIVERY"
    assert [row[0] for row in b.received()] == [first, second]
    assert (
        a.run("federation", "import", str(receipt)).stdout.strip()
        == f"Receipt recorded: {second} is delivered"
    )
    assert a.run("federation", "send").stdout.strip() == "0 settled, 0 waiting."
    # a third by file, whose receipt is not carried back: A's later post gets it and settles it
    third_by_file = a.queue(b, "PE-2026-504")
    a.run("federation", "export", third_by_file, "--output", str(tmp_path / "third.jose"))
    assert b.run("federation", "import", str(tmp_path / "third.jose")).stdout.strip() == "DELIVERY"
    assert a.run("federation", "send").stdout.strip() == "1 settled, 0 waiting."
    # a package changed on its way is refused, and B records nothing
    tampered = tmp_path / "tampered.jose"
    text = (tmp_path / "second.jose").read_text()
    middle = len(text) // 2
    tampered.write_text(text[:middle] + ("A" if text[middle] != "A" else "B") + text[middle + 1 :])
    refused = b.run("federation", "import", str(tampered), check=False)
    assert refused.returncode != 0 and "Refused: malformed" in refused.stderr
    assert len(b.received()) == 3
    # A's worker delivers on its own
    a.start()
    fourth = a.queue(b, "PE-2026-503")
    deadline = time.monotonic() + 90
    while len(b.received()) < 4 and time.monotonic() < deadline:
        time.sleep(1)
    assert [row[0] for row in b.received()] == [first, second, third_by_file, fourth]
    assert a.run("federation", "send").stdout.strip() == "0 settled, 0 waiting."
    # an officer at A registers a request to B's authority over the API: B has it incoming,
    # with A's reference, and A's request shows B's signed delivery receipt
    a.add_officer("pe-officer", "a long passphrase for the test")
    token = a.run("token", "add", "pe-officer").stdout.strip().splitlines()[-1]
    counterpart = int(a.run("shell", "-c", LINKED.format(remote=b.authority)).stdout.strip().splitlines()[-1])
    created = urllib.request.urlopen(
        urllib.request.Request(
            f"{a.url}/api/v1/requests",
            data=json.dumps(
                {
                    "type": "mla",
                    "legal_basis": "uncac",
                    "proceeding": "criminal",
                    "offences": ["uncac-15", "uncac-23"],
                    "measures": ["bank-records"],
                    "requesting_authority": a.authority,
                    "requested_authority": counterpart,
                    "requesting_reference": "PE-2026-900",
                    "summary": "Bank records of a company suspected of laundering bribes.",
                    "subjects": [{"kind": "legal", "name": "Andes Holding SA", "country": "PE"}],
                    "sent_on": datetime.date.today().isoformat(),
                }
            ).encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            method="POST",
        ),
        timeout=60,
    )
    request_id = json.load(created)["id"]
    deadline = time.monotonic() + 90
    while not b.incoming() and time.monotonic() < deadline:
        time.sleep(1)
    assert b.incoming()[-1][:-1] == ["PE-2026-900", b.authority, "received", ["uncac-15", "uncac-23"]]
    assert {"Queued for ch.comity.test", "Delivered to ch.comity.test"} <= set(a.receipts(request_id))
    # an official at B opens it (over the API): A learns it from B's signed RETRIEVAL receipt
    b.add_officer("ch-officer", "another long passphrase for the test")
    b_token = b.run("token", "add", "ch-officer").stdout.strip().splitlines()[-1]
    incoming_id = b.incoming()[-1][-1]
    opened = urllib.request.urlopen(
        urllib.request.Request(
            f"{b.url}/api/v1/requests/{incoming_id}", headers={"Authorization": f"Bearer {b_token}"}
        ),
        timeout=60,
    )
    read = json.load(opened)
    assert read["id"] == incoming_id
    assert [(s["kind"], s["name"], s["country"]) for s in read["subjects"]] == [
        ("legal", "Andes Holding SA", "PE")
    ]
    deadline = time.monotonic() + 90
    while "Opened at ch.comity.test" not in a.receipts(request_id) and time.monotonic() < deadline:
        time.sleep(1)
    assert a.receipts(request_id).count("Opened at ch.comity.test") == 1
    # B acknowledges it and asks for more information (over the API): A's timeline shows both
    for kind, text in (("acknowledged", ""), ("information-requested", "Which bank?")):
        _record(b, b_token, incoming_id, kind, text)
    deadline = time.monotonic() + 90
    while a.timeline(request_id)[-1][0] != "information-requested" and time.monotonic() < deadline:
        time.sleep(1)
    assert a.timeline(request_id) == [
        ["created", "PE", ""],
        ["sent", "PE", ""],
        ["received", "CH", ""],
        ["acknowledged", "CH", ""],
        ["information-requested", "CH", "Which bank?"],
    ]
    assert a.status(request_id) == "awaiting-information"
    # A provides it, B executes: both sides show the same shared events, in the same order, each
    # in the name of the side that recorded it, and the same status; each has its own creation
    _record(a, token, request_id, "information-provided", "Banco Andino, account 0042.")
    deadline = time.monotonic() + 90
    while b.timeline(incoming_id)[-1][0] != "information-provided" and time.monotonic() < deadline:
        time.sleep(1)
    _record(b, b_token, incoming_id, "executed", "Records sent by diplomatic bag.")
    deadline = time.monotonic() + 90
    while a.timeline(request_id)[-1][0] != "executed" and time.monotonic() < deadline:
        time.sleep(1)
    shared = [
        ["sent", "PE", ""],
        ["received", "CH", ""],
        ["acknowledged", "CH", ""],
        ["information-requested", "CH", "Which bank?"],
        ["information-provided", "PE", "Banco Andino, account 0042."],
        ["executed", "CH", "Records sent by diplomatic bag."],
    ]
    assert a.timeline(request_id) == [["created", "PE", ""], *shared]
    assert b.timeline(incoming_id) == [["created", "CH", ""], *shared]
    assert a.status(request_id) == b.status(incoming_id) == "executed"


def _record(deployment: Deployment, token: str, request_id: int, kind: str, text: str = "") -> None:
    """An event recorded over `deployment`'s API with an officer's token."""
    urllib.request.urlopen(
        urllib.request.Request(
            f"{deployment.url}/api/v1/requests/{request_id}/events",
            data=json.dumps(
                {"kind": kind, "occurred_on": datetime.date.today().isoformat(), "text": text}
            ).encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            method="POST",
        ),
        timeout=60,
    )


OUTBOUND = """
import json
from comity.federation.models import Message
print(json.dumps([
    [m.state, m.attempts, [r.evidence for r in m.receipts.order_by("pk")]]
    for m in Message.objects.filter(direction="out").order_by("pk")
]))
"""


@pytest.mark.django_db(transaction=True)
def test_a_sender_killed_while_posting_loses_nothing_and_settles_once(tmp_path, new_database):
    """The sending process dies with its post in flight, after the peer took the package and
    before its receipt came back: the message was claimed in a transaction of its own, so it is
    waiting still, and the next send delivers it again and settles it once, with one receipt."""
    a = Deployment(tmp_path, new_database(migrated=True), "pe.comity.test", "PE", "Fiscalía de la Nación")
    signing, encryption = peer_keys()
    port = free_port()
    document = peer_document(
        keys=(signing, encryption),
        authorities=[
            {"id": 7, "country": "CH", "kind": "central-authority", "name": "Federal Office of Justice"}
        ],
    )
    document["url"] = f"http://127.0.0.1:{port}"
    (tmp_path / "ch.json").write_text(json.dumps(document))
    a.run("federation", "trust", str(tmp_path / "ch.json"))
    message_id = (
        a.run("shell", "-c", QUEUE.format(remote=7, sender=a.authority, body=json.dumps(BODY)))
        .stdout.strip()
        .splitlines()[-1]
    )
    # the peer holds each answer until the test lets it go
    gate = threading.Barrier(2, timeout=120)
    inbox = FakeInbox(port, "ch.comity.test", signing, lambda digest: message_id, together=gate)
    try:
        sender = subprocess.Popen([COMITY, "federation", "send"], env=a.env, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 90
        while not inbox.log and time.monotonic() < deadline:
            time.sleep(0.1)
        assert inbox.log and inbox.log[0][0] == "in"
        sender.kill()  # SIGKILL, as the OOM killer or an operator's mistake would
        sender.wait(timeout=30)
        gate.wait()  # the peer answers a sender that is gone
        assert json.loads(a.run("shell", "-c", OUTBOUND).stdout.strip().splitlines()[-1]) == [
            ["queued", 1, ["SUBMISSION_ACCEPTANCE"]]
        ]
        # the next send posts the same package again and settles it, once
        answer = threading.Thread(target=gate.wait)
        answer.start()
        assert a.run("federation", "send").stdout.strip() == "1 settled, 0 waiting."
        answer.join(timeout=60)
        assert list(inbox.posts.values()) == [2]
        assert json.loads(a.run("shell", "-c", OUTBOUND).stdout.strip().splitlines()[-1]) == [
            ["delivered", 2, ["SUBMISSION_ACCEPTANCE", "DELIVERY"]]
        ]
        assert a.run("federation", "send").stdout.strip() == "0 settled, 0 waiting."
    finally:
        inbox.close()


ALERT_SETUP = """
from comity.accounts.models import User
from comity.assets import services as assets
officer = User.objects.get(username={username!r})
case = assets.case_create(
    actor=officer, title="Bribes for the port concession", origin_country="PE", offences=["uncac-15"],
    asset_location_countries=["CH"],
)
print(case.pk)
"""
ALERTS = """
import json
from comity.network.models import Alert
print(json.dumps([[a.pk, a.status, a.from_authority.country] for a in Alert.objects.order_by("pk")]))
"""
FROZEN_STEPS = """
import json
from comity.assets.models import AssetStep
print(json.dumps([
    [s.asset.case_id, s.asset.identifier, str(s.amount), s.order_reference, s.order_country]
    for s in AssetStep.objects.filter(kind="frozen").order_by("pk")
]))
"""


def _api(deployment: Deployment, token: str, path: str, body: dict | None = None) -> Any:
    request = urllib.request.Request(
        f"{deployment.url}{path}",
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="GET" if body is None else "POST",
    )
    return json.load(urllib.request.urlopen(request, timeout=60))


def _shell(deployment: Deployment, script: str) -> Any:
    return json.loads(deployment.run("shell", "-c", script).stdout.strip().splitlines()[-1])


def _until(check: Callable[[], Any], seconds: float = 90) -> Any:
    """What `check` gives once it gives something, or its last answer after `seconds`: the other
    deployment's worker delivers in its own time."""
    deadline = time.monotonic() + seconds
    while not (found := check()) and time.monotonic() < deadline:
        time.sleep(1)
    return found


@pytest.mark.django_db(transaction=True)
def test_an_alert_from_a_reaches_b_and_bs_freezing_becomes_a_step_of_as_asset(pair):
    a, b = pair
    a.start()
    b.start()
    a.add_officer("pe-alerts", "a passphrase for the alerts")
    b.add_officer("ch-alerts", "a passphrase for the alerts")
    a_token = a.run("token", "add", "pe-alerts").stdout.strip().splitlines()[-1]
    b_token = b.run("token", "add", "ch-alerts").stdout.strip().splitlines()[-1]
    # A's officer is of no network at A, as B's at B: federation trust stands for membership
    case = _shell(a, ALERT_SETUP.format(username="pe-alerts"))
    counterpart = int(a.run("shell", "-c", LINKED.format(remote=b.authority)).stdout.strip().splitlines()[-1])
    deadline = datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=12)
    sent = _api(
        a,
        a_token,
        "/api/v1/alerts",
        {
            "to_authority": counterpart,
            "assets": [
                {
                    "identifier_kind": "iban",
                    "identifier": "CH9300762011623852957",
                    "amount": "2500000",
                    "currency": "USD",
                }
            ],
            "reason": "The account holder is moving the bribes to a trust tonight.",
            "deadline": deadline.isoformat(),
            "asset_case": case,
        },
    )
    assert [row["id"] for row in _api(a, a_token, "/api/v1/alerts")["items"]] == [sent["id"]]
    # B has it, from A's authority, and its officer (no network member at B) lists, reads and answers it
    _until(lambda: bool(_shell(b, ALERTS)))
    [[alert_at_b, status, country]] = _shell(b, ALERTS)
    assert (status, country) == ("sent", "PE")
    received = _api(b, b_token, "/api/v1/alerts?direction=received")["items"]
    assert [row["id"] for row in received] == [alert_at_b]
    assert _api(b, b_token, f"/api/v1/alerts/{alert_at_b}")["reason"].startswith("The account holder")
    _api(b, b_token, f"/api/v1/alerts/{alert_at_b}/acknowledge", {"note": "On it."})
    _api(
        b,
        b_token,
        f"/api/v1/alerts/{alert_at_b}/outcome",
        {"outcome": "frozen", "order_reference": "CH-ORD-9", "frozen": []},
    )
    # A records both through its own services: the freezing is a step of A's asset, in B's name
    _until(lambda: _api(a, a_token, f"/api/v1/alerts/{sent['id']}")["status"] == "frozen")
    detail = _api(a, a_token, f"/api/v1/alerts/{sent['id']}")
    assert [s["status"] for s in detail["steps"]] == ["sent", "acknowledged", "frozen"]
    assert detail["assets"][0]["frozen"] is True
    assert _shell(a, FROZEN_STEPS) == [[case, "CH9300762011623852957", "2500000.00", "CH-ORD-9", "CH"]]


@pytest.mark.django_db(transaction=True)
def test_an_officer_at_a_consults_an_authority_at_b_and_reads_its_answer(pair):
    a, b = pair
    tokens = {}
    for deployment, username in ((a, "pe-consultant"), (b, "ch-consultant")):
        deployment.run("network", "join", "consult", str(deployment.authority), "--name", "Consultations")
        deployment.run("network", "approve", "consult", str(deployment.authority))
        deployment.add_officer(username, "a long passphrase for the consultation")
        tokens[deployment.name] = deployment.run("token", "add", username).stdout.strip().splitlines()[-1]
        deployment.start()
    lima, bern = tokens[a.name], tokens[b.name]
    counterpart = int(a.run("shell", "-c", LINKED.format(remote=b.authority)).stdout.strip().splitlines()[-1])
    opened = _api(
        a,
        lima,
        "/api/v1/consultations",
        {
            "participants": [counterpart],
            "subject": "Accounts of a former minister",
            "handling": "TLP:AMBER",
            "summary": "Bribes for a road contract.",
        },
    )
    # B's officer finds it in the inbox, opened by A's authority, B's own taking part
    [row] = _until(lambda: _api(b, bern, "/api/v1/consultations")["items"])
    there = _api(b, bern, f"/api/v1/consultations/{row['id']}")
    assert there["subject"] == "Accounts of a former minister" and there["handling"] == "TLP:AMBER"
    assert {p["country"] for p in there["participants"]} == {"PE", "CH"}
    assert there["opened_by_authority"]["country"] == "PE"
    # B answers with a file; A reads the answer in its own consultation, from B's authority, and
    # the file is the one B attached
    statement = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    _api(
        b,
        bern,
        f"/api/v1/consultations/{row['id']}/messages",
        {
            "body": "We hold two accounts.",
            "attachments": [
                {"name": "statements.pdf", "content_base64": base64.b64encode(statement).decode()}
            ],
        },
    )
    answered = _until(lambda: _api(a, lima, f"/api/v1/consultations/{opened['id']}")["messages"])
    assert [(m["body"], m["authority"]["id"]) for m in answered] == [("We hold two accounts.", counterpart)]
    [file] = answered[0]["attachments"]
    assert (file["name"], file["size"], file["sha256"]) == (
        "statements.pdf",
        len(statement),
        hashlib.sha256(statement).hexdigest(),
    )


def _log_in(page: Page, deployment: Deployment, username: str, password: str) -> None:
    page.goto(f"{deployment.url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(
        page.get_by_role("link", name="Log out").or_(page.get_by_role("button", name="Log out"))
    ).to_be_visible()


def _record_in_browser(page: Page, kind: str, text: str = "") -> None:
    """An event recorded with the request page's form, as an official does."""
    page.get_by_text("Record an event").click()
    page.get_by_label("Event", exact=True).select_option(kind)
    page.get_by_label("Date", exact=True).fill(datetime.date.today().isoformat())
    if text:
        page.get_by_label("Details", exact=True).fill(text)
    page.get_by_role("button", name="Record", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Event recorded.")


def _reload_until(page: Page, selector: str, text: str, seconds: float = 90) -> None:
    """Reload `page` until `selector` holds `text`: the other deployment's worker delivers in its
    own time (each sweep every second here)."""
    deadline = time.monotonic() + seconds
    while True:
        found = page.locator(selector)
        if found.count() and text in found.first.inner_text():
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"{text!r} never appeared in {selector}")
        time.sleep(1)
        page.reload()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_request_made_in_the_browser_at_a_is_executed_in_the_browser_at_b(pair, browser: Browser):
    a, b = pair
    a.start()
    b.start()
    today = datetime.date.today().isoformat()
    a.add_officer("pe-browser", "a passphrase typed in the browser")
    b.add_officer("ch-browser", "a passphrase typed in the browser")
    # one browser holds both sessions: each deployment's session cookie has a name of its own
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    at_a, at_b = context.new_page(), context.new_page()
    try:
        _log_in(at_a, a, "pe-browser", "a passphrase typed in the browser")
        at_a.get_by_role("link", name="New request").click()
        at_a.get_by_label("We request (outgoing)").check()
        at_a.get_by_label("Counterpart authority").select_option(label="Federal Office of Justice (CH)")
        at_a.get_by_label("Type").select_option("mla")
        at_a.get_by_label("Legal basis").select_option("uncac")
        at_a.get_by_label("Laundering of proceeds of crime (art. 23)").check()
        at_a.get_by_label("Requesting authority's reference").fill("PE-2026-WEB")
        at_a.get_by_label("Summary of facts").fill(
            "Bank records of a company suspected of laundering bribes."
        )
        at_a.get_by_label("Sent on").fill(today)
        at_a.get_by_role("button", name="Register").click()
        expect(at_a.get_by_text("Request registered.")).to_be_visible()
        _reload_until(at_a, "ul.receipts", "Delivered to ch.comity.test")

        # B: the request is incoming, with A's reference; its official opens and acknowledges it
        _log_in(at_b, b, "ch-browser", "a passphrase typed in the browser")
        at_b.get_by_role("link", name="Requests").first.click()
        at_b.get_by_role("link", name="PE-2026-WEB").click()
        expect(at_b.locator("#status")).to_have_text("Received")
        _record_in_browser(at_b, "acknowledged")

        # A (still logged in beside B): opened at B, and B's acknowledgement on A's timeline
        _reload_until(at_a, "ul.receipts", "Opened at ch.comity.test")
        _reload_until(at_a, "ol.timeline", "Acknowledged")
        expect(at_a.locator("#status")).to_have_text("Acknowledged")
        expect(at_a.locator("ul.receipts")).to_contain_text("Delivered to ch.comity.test")

        # B asks for more information, A provides it, B executes: each reaches the other side
        _record_in_browser(at_b, "information-requested", "Which account?")
        _reload_until(at_a, "ol.timeline", "Which account?")
        expect(at_a.locator("#status")).to_have_text("Awaiting additional information")
        _record_in_browser(at_a, "information-provided", "Account 0042 at Banco Andino.")
        _reload_until(at_b, "ol.timeline", "Account 0042 at Banco Andino.")
        _record_in_browser(at_b, "executed")
        _reload_until(at_a, "#status", "Executed")
        expect(at_b.locator("#status")).to_have_text("Executed")
        cookies = {cookie["name"] for cookie in context.cookies() if cookie["name"].endswith("-session")}
        assert len(cookies) == 2
    finally:
        context.close()
