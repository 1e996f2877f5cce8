import base64
import json

import pytest
from django.test import Client

from comity.ledger import merkle, services
from comity.ledger.models import LedgerEntry, TreeHead
from comity.ledger.note import open_note, parse_checkpoint, parse_verifier_key
from comity.ledger.tests.test_services import AGREEMENT, PAYMENT
from conftest import bearer

API = "/api/v1/ledger"


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def log(peru, switzerland):
    client = bearer(peru.officer)
    agreement = post(client, f"{API}/agreements", AGREEMENT)
    assert agreement.status_code == 201, agreement.content
    index = agreement.json()["leaf_index"]
    for n in range(12):
        response = post(
            client, f"{API}/agreements/{index}/disbursements", PAYMENT | {"amount": f"{n + 1}000"}
        )
        assert response.status_code == 201, response.content
    return index


def test_the_public_reads_without_logging_in(log):
    public = Client()
    head = public.get(f"{API}/sth").json()
    assert head["tree_size"] == 13 and head["timestamp"] > 0
    note_text = public.get(f"{API}/checkpoint")
    assert (
        note_text["Content-Type"].startswith("text/plain")
        and note_text.content.decode() == head["checkpoint"]
    )
    key = public.get(f"{API}/public-key").content.decode().strip()
    checkpoint = parse_checkpoint(open_note(head["checkpoint"], parse_verifier_key(key)))
    assert (checkpoint.size, base64.b64encode(checkpoint.root_hash).decode()) == (13, head["root_hash"])

    entries = public.get(f"{API}/entries?start=0&end=12").json()["entries"]
    assert [e["leaf_index"] for e in entries] == list(range(13))
    leaves = [base64.b64decode(e["leaf_input"]) for e in entries]
    assert [json.loads(raw) for raw in leaves] == [e["entry"] for e in entries]
    hashes = [merkle.leaf_hash(raw) for raw in leaves]
    assert merkle.root_of_leaves(hashes) == checkpoint.root_hash

    for index in range(13):
        proof = public.get(f"{API}/proof/inclusion?leaf_index={index}&tree_size=13").json()["audit_path"]
        merkle.verify_inclusion(
            index, 13, hashes[index], [base64.b64decode(p) for p in proof], checkpoint.root_hash
        )
    for first in range(1, 14):
        proof = public.get(f"{API}/proof/consistency?first={first}&second=13").json()["consistency"]
        merkle.verify_consistency(
            first,
            13,
            merkle.root_of_leaves(hashes[:first]),
            checkpoint.root_hash,
            [base64.b64decode(p) for p in proof],
        )


def test_entries_are_served_in_pages_of_at_most_a_thousand(log, settings, monkeypatch):
    monkeypatch.setattr("comity.ledger.selectors.MAX_ENTRIES_PER_CALL", 5)
    assert [e["leaf_index"] for e in Client().get(f"{API}/entries?start=3&end=100").json()["entries"]] == [
        3,
        4,
        5,
        6,
        7,
    ]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("entries?start=5&end=2", "start"),
        ("entries?start=13&end=20", "start"),
        ("entries?start=-1&end=2", "start"),
        ("entries?start=a&end=2", "start"),
        ("proof/inclusion?leaf_index=0&tree_size=14", "tree_size"),
        ("proof/inclusion?leaf_index=13&tree_size=13", "leaf_index"),
        ("proof/inclusion?leaf_index=0&tree_size=0", "tree_size"),
        ("proof/consistency?first=5&second=14", "second"),
        ("proof/consistency?first=6&second=5", "first"),
        ("proof/consistency?first=0&second=5", "first"),
    ],
)
def test_impossible_reads_are_clear_errors(log, query, field):
    response = Client().get(f"{API}/{query}")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert field in [e["field"] for e in response.json()["errors"]]


def test_an_empty_log(db):
    assert Client().get(f"{API}/sth").json()["tree_size"] == 0
    assert Client().get(f"{API}/sth").json()["root_hash"] == base64.b64encode(merkle.EMPTY_ROOT).decode()
    assert Client().get(f"{API}/checkpoint").status_code == 404
    assert Client().get(f"{API}/entries?start=0&end=0").status_code == 422


@pytest.mark.parametrize("path", ["/agreements", "/agreements/0/disbursements", "/corrections"])
def test_recording_refuses_the_anonymous_and_outsiders(log, nigeria, path):
    body = (
        {"corrects": 1, "reason": "x", "replacement": None}
        if path == "/corrections"
        else (AGREEMENT if path == "/agreements" else PAYMENT)
    )
    before = (LedgerEntry.objects.count(), TreeHead.objects.count())
    assert post(Client(), API + path, body).status_code == 401
    assert post(bearer(nigeria.officer), API + path, body).status_code == 403
    assert (LedgerEntry.objects.count(), TreeHead.objects.count()) == before


def test_bad_recordings_are_422_and_change_nothing(log, peru):
    client = bearer(peru.officer)
    before = (LedgerEntry.objects.count(), TreeHead.objects.count())
    cases = [
        (f"/agreements/{log}/disbursements", PAYMENT | {"amount": "-10"}, "amount"),
        (f"/agreements/{log}/disbursements", PAYMENT | {"currency": "ZZZ"}, "currency"),
        ("/agreements/5/disbursements", PAYMENT, "agreement"),
        ("/agreements/999/disbursements", PAYMENT, "agreement"),
        ("/corrections", {"corrects": 999, "reason": "x", "replacement": None}, "corrects"),
        ("/agreements", AGREEMENT | {"currency": "ABC"}, "currency"),
    ]
    for path, body, field in cases:
        response = post(client, API + path, body)
        assert response.status_code == 422, (path, response.content)
        assert field in [e["field"] for e in response.json()["errors"]], response.json()
    assert (LedgerEntry.objects.count(), TreeHead.objects.count()) == before


def test_corrections_through_the_api(log, switzerland):
    response = post(
        bearer(switzerland.officer),
        f"{API}/corrections",
        {"corrects": 1, "reason": "Recorded twice", "replacement": None},
    )
    assert response.status_code == 201
    assert response.json()["entry"] | {"logged_at": None} == {
        "type": "correction",
        "corrects": 1,
        "agreement": log,
        "reason": "Recorded twice",
        "replacement": None,
        "logged_at": None,
    }


def test_missing_key_is_a_503_problem(log, settings, tmp_path):
    settings.COMITY_LEDGER_KEY_FILE = tmp_path / "nowhere.key"
    services._signer_from.cache_clear()
    response = Client().get(f"{API}/public-key")
    assert response.status_code == 503 and "comity ledger init" in response.json()["detail"]


def test_pages_are_public_and_forms_only_for_party_officers(log, peru, nigeria):
    index_page = Client().get("/ledger/").content.decode()
    assert "Return of confiscated proceeds" in index_page and "Record a return agreement" not in index_page
    page = Client().get(f"/ledger/agreements/{log}/").content.decode()
    assert "Verify in your browser" in page and "ab" * 8 in page and "Record a payment" not in page
    assert Client().get("/ledger/agreements/1/").status_code == 404  # a disbursement is not an agreement
    officer = Client()
    officer.force_login(peru.officer)
    assert "Record a payment" in officer.get(f"/ledger/agreements/{log}/").content.decode()
    outsider = Client()
    outsider.force_login(nigeria.officer)
    assert "Record a payment" not in outsider.get(f"/ledger/agreements/{log}/").content.decode()
    response = outsider.post(
        f"/ledger/agreements/{log}/disbursements/",
        {"date": "2021-02-01", "amount": "10", "currency": "USD", "recipient": "x", "purpose": "y"},
    )
    assert response.status_code == 403


def test_recording_through_the_forms(log, peru):
    client = Client()
    client.force_login(peru.officer)
    response = client.post(
        f"/ledger/agreements/{log}/disbursements/",
        {
            "date": "2021-02-01",
            "amount": "2500",
            "currency": "USD",
            "recipient": "Court of Lima",
            "purpose": "Servers",
            "evidence": "Invoice: " + "cd" * 32,
        },
    )
    assert response.status_code == 302
    entry = LedgerEntry.objects.order_by("-leaf_index").first()
    assert services.entry_content(entry)["evidence"] == [{"description": "Invoice", "sha256": "cd" * 32}]
    bad = client.post(
        f"/ledger/agreements/{log}/disbursements/",
        {
            "date": "2021-02-01",
            "amount": "-2",
            "currency": "USD",
            "recipient": "x",
            "purpose": "y",
            "evidence": "no colon here",
        },
    )
    assert bad.status_code == 422 and "description: SHA-256" in bad.content.decode()
    fix = client.post(
        f"/ledger/agreements/{log}/corrections/", {"corrects": entry.pk, "reason": "Typo", "amount": "2400"}
    )
    assert fix.status_code == 302
    assert "2400" in client.get(f"/ledger/agreements/{log}/").content.decode()
