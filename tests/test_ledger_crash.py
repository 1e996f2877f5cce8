"""Kill -9 the server while two clients stream appends, restart it, and check that the log was
never torn or forked: every tree head a client saw is a prefix of the one after the restart."""

import base64
import http.client
import json
import os
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request

from comity.ledger import merkle
from comity.ledger.note import open_note, parse_checkpoint, parse_verifier_key
from tests.servers import COMITY, free_port, wait_until_served

AGREEMENT = {
    "title": "Return",
    "returning_state": "CH",
    "receiving_state": "PE",
    "signed_on": "2020-03-05",
    "amount": "26000000",
    "currency": "USD",
    "purpose": "Institutions",
}


class Server:
    def __init__(self, env: dict[str, str]) -> None:
        self.env, self.port, self.process = env, free_port(), None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [COMITY, "runserver", "--noreload", f"127.0.0.1:{self.port}"],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until_served(self.process, f"{self.url}/api/v1/ledger/sth")

    def kill(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)


def call(url: str, token: str | None = None, body: dict | None = None) -> dict:
    headers = {"Content-Type": "application/json"} | ({"Authorization": f"Bearer {token}"} if token else {})
    request = urllib.request.Request(url, data=json.dumps(body).encode() if body else None, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def test_a_killed_server_leaves_a_log_consistent_with_every_head_it_published(
    tmp_path, migrated_database_url
):
    env = os.environ | {
        "DATABASE_URL": migrated_database_url,
        "COMITY_VAR_DIR": str(tmp_path),
        "COMITY_LEDGER_KEY_FILE": str(tmp_path / "ledger.key"),
        "COMITY_DB_CONN_MAX_AGE": "0",
    }

    def comity(*args: str, stdin: str = "") -> str:
        return subprocess.run(
            [COMITY, *args], env=env, input=stdin, capture_output=True, text=True, check=True, timeout=120
        ).stdout.strip()

    verifier = parse_verifier_key(comity("ledger", "init").splitlines()[-1])
    authority = comity("authority", "add", "--country", "PE", "--kind", "central-authority", "--name", "FN")
    comity(
        "user",
        "add",
        "writer",
        "--authority",
        authority,
        "--role",
        "officer",
        "--password-stdin",
        stdin="a-long-enough-secret\n",
    )
    token = comity("token", "add", "writer")

    server = Server(env)
    server.start()
    api = f"{server.url}/api/v1/ledger"
    agreement = call(f"{api}/agreements", token, AGREEMENT)["leaf_index"]
    seen: list[dict] = []
    failures: list[str] = []
    appended = 0

    def stream(stop: threading.Event) -> None:
        nonlocal appended
        n = 0
        while not stop.is_set():
            n += 1
            try:
                call(
                    f"{api}/agreements/{agreement}/disbursements",
                    token,
                    {
                        "date": "2021-01-01",
                        "amount": f"{n}.5",
                        "currency": "USD",
                        "recipient": "r",
                        "purpose": "p",
                    },
                )
                appended += 1
                seen.append(call(f"{api}/sth"))
            except urllib.error.HTTPError as error:  # the server answered, and refused: a real failure
                failures.append(f"{error.code} {error.read()[:200]!r}")
                return
            except (OSError, http.client.HTTPException, ValueError):
                return  # the connection died with the server (reset, truncated or empty answer)

    for _cycle in range(3):
        stop = threading.Event()
        writers = [threading.Thread(target=stream, args=(stop,)) for _n in range(2)]
        for writer in writers:
            writer.start()
        time.sleep(1.5)
        server.kill()  # mid-stream: some append is most likely in flight
        stop.set()
        for writer in writers:
            writer.join(timeout=15)
        assert "OK:" in comity("ledger", "check")  # the database alone is whole
        server.start()

    call(
        f"{api}/agreements/{agreement}/disbursements",
        token,
        {"date": "2021-01-02", "amount": "1", "currency": "USD", "recipient": "r", "purpose": "p"},
    )
    final = call(f"{api}/sth")
    checkpoint = parse_checkpoint(open_note(final["checkpoint"], verifier))
    server.kill()
    server.start()
    try:
        assert failures == []
        assert appended >= 6, "the clients should have appended during each cycle"
        assert checkpoint.size >= appended + 2
        for head in seen:
            old = parse_checkpoint(open_note(head["checkpoint"], verifier))
            proof = call(f"{api}/proof/consistency?first={old.size}&second={checkpoint.size}")["consistency"]
            merkle.verify_consistency(
                old.size,
                checkpoint.size,
                old.root_hash,
                checkpoint.root_hash,
                [base64.b64decode(p) for p in proof],
            )
    finally:
        server.kill()
