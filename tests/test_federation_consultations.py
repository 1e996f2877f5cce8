"""A consultation between two deployments run as operators run them (ADR 11): opened at A with an
authority of B, it reaches B through A's worker, and B's answer comes back to A the same way."""

import json
import time
import urllib.request
from typing import Any

import pytest

from tests.test_federation import LINKED, Deployment, pair  # noqa: F401 (pair: the fixture)


def _api(deployment: Deployment, token: str, path: str, body: dict | None = None) -> Any:
    request = urllib.request.Request(
        f"{deployment.url}/api/v1{path}",
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="GET" if body is None else "POST",
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)


def _until(check, seconds: float = 90) -> Any:
    deadline = time.monotonic() + seconds
    while not (found := check()) and time.monotonic() < deadline:
        time.sleep(1)
    return found


@pytest.mark.django_db(transaction=True)
def test_an_officer_at_a_consults_an_authority_at_b_and_reads_its_answer(pair):  # noqa: F811
    a, b = pair
    tokens = {}
    for deployment, username in ((a, "pe-consultant"), (b, "ch-consultant")):
        deployment.run("network", "join", "hub", str(deployment.authority), "--name", "Hub")
        deployment.run("network", "approve", "hub", str(deployment.authority))
        deployment.add_officer(username, "a long passphrase for the consultation")
        tokens[deployment.name] = deployment.run("token", "add", username).stdout.strip().splitlines()[-1]
        deployment.start()
    lima, bern = tokens[a.name], tokens[b.name]
    counterpart = int(a.run("shell", "-c", LINKED.format(remote=b.authority)).stdout.strip().splitlines()[-1])
    opened = _api(
        a,
        lima,
        "/consultations",
        {
            "participants": [counterpart],
            "subject": "Accounts of a former minister",
            "handling": "TLP:AMBER",
            "summary": "Bribes for a road contract.",
        },
    )
    # B's officer finds it in the inbox, opened by A's authority, B's own taking part
    [row] = _until(lambda: _api(b, bern, "/consultations")["items"])
    there = _api(b, bern, f"/consultations/{row['id']}")
    assert there["subject"] == "Accounts of a former minister" and there["handling"] == "TLP:AMBER"
    assert {p["country"] for p in there["participants"]} == {"PE", "CH"}
    assert there["opened_by_authority"]["country"] == "PE"
    # B answers; A reads the answer in its own consultation, from B's authority
    _api(b, bern, f"/consultations/{row['id']}/messages", {"body": "We hold two accounts."})
    answered = _until(lambda: _api(a, lima, f"/consultations/{opened['id']}")["messages"])
    assert [(m["body"], m["authority"]["id"]) for m in answered] == [("We hold two accounts.", counterpart)]
