"""`comity ledger verify` and `monitor` against a live server, honest and dishonest."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from comity.ledger import services
from comity.ledger.models import LedgerEntry, LedgerNode, LedgerState, TreeHead
from comity.ledger.note import generate_signer
from comity.ledger.tests.test_services import AGREEMENT, PAYMENT

pytestmark = pytest.mark.django_db(transaction=True)


def ledger(*args: str) -> str:
    out = io.StringIO()
    call_command("ledger", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def grow(actor, agreement_index: int, count: int) -> None:
    for n in range(count):
        services.disbursement_record(
            actor=actor, agreement_index=agreement_index, data=PAYMENT | {"amount": f"{n + 7}.25"}
        )


@pytest.fixture
def agreement(peru, switzerland):
    entry = services.agreement_record(actor=peru.officer, data=AGREEMENT)
    grow(peru.officer, entry.pk, 9)
    return entry.pk


def test_verify_an_honest_log(live_server, agreement, ledger_key):
    output = ledger("verify", live_server.url, "--key", ledger_key.verifier_key, "--all-proofs")
    assert "OK: 10 entries" in output and "10 inclusion" in output


def test_verify_refuses_another_key_and_a_rewritten_entry(live_server, agreement):
    with pytest.raises(CommandError, match="no signature by"):
        ledger(
            "verify", live_server.url, "--key", generate_signer("comity.local/returned-assets").verifier_key
        )
    with pytest.raises(CommandError, match="bad verifier key"):
        ledger("verify", live_server.url, "--key", "not-a-key")
    entry = LedgerEntry.objects.get(pk=3)
    LedgerEntry.objects.filter(pk=3).update(
        leaf_input=bytes(entry.leaf_input).replace(b'"9.25"', b'"9000.25"')
    )
    with pytest.raises(CommandError, match="not the signed root"):
        ledger("verify", live_server.url)


def test_verify_cannot_reach_the_server(db):
    with pytest.raises(CommandError, match="cannot reach"):
        ledger("verify", "http://127.0.0.1:9")


def test_monitor_follows_growth_and_catches_a_rewrite(live_server, agreement, peru, tmp_path):
    state = tmp_path / "monitor.json"
    assert "Started: size 10" in ledger("monitor", live_server.url, "--state", str(state))
    assert "unchanged at size 10" in ledger("monitor", live_server.url, "--state", str(state))
    grow(peru.officer, agreement, 5)
    assert "grew from 10 to 15, consistent" in ledger("monitor", live_server.url, "--state", str(state))
    remembered = json.loads(state.read_text())

    # An administrator rewrites history: same key, a different first agreement, and a longer log.
    LedgerEntry.objects.all().delete()
    LedgerNode.objects.all().delete()
    TreeHead.objects.all().delete()
    LedgerState.objects.update(tree_size=0)
    rewritten = services.agreement_record(actor=peru.officer, data=AGREEMENT | {"amount": "1000"})
    grow(peru.officer, rewritten.pk, 20)
    with pytest.raises(CommandError, match="ALERT: the log was rewritten"):
        ledger("monitor", live_server.url, "--state", str(state))
    assert json.loads(state.read_text()) == remembered  # the alert does not move the state on


def test_monitor_catches_a_fork_and_a_shrink(live_server, agreement, peru, tmp_path):
    state = tmp_path / "monitor.json"
    ledger("monitor", live_server.url, "--state", str(state))
    tampered = json.loads(state.read_text())
    tampered["root_hash"] = "A" * 43 + "="
    state.write_text(json.dumps(tampered))
    with pytest.raises(CommandError, match="ALERT: fork"):
        ledger("monitor", live_server.url, "--state", str(state))
    tampered["tree_size"] = 11
    state.write_text(json.dumps(tampered))
    with pytest.raises(CommandError, match="ALERT: the log shrank from 11 to 10"):
        ledger("monitor", live_server.url, "--state", str(state))
    state.write_text("not json")
    with pytest.raises(CommandError, match="not a monitor state"):
        ledger("monitor", live_server.url, "--state", str(state))


def test_local_check_command(agreement):
    assert "OK: 10 entries; 10 signed tree heads" in ledger("check")


def test_init_keeps_an_existing_key(ledger_key):
    assert ledger_key.verifier_key in ledger("init")
