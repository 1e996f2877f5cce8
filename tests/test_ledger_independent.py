"""An independent verifier (Go's golang.org/x/mod/sumdb/note and tlog, not Comity's code) checks
the log served by the API: the root from /entries, every inclusion and consistency proof, and the
checkpoint's Ed25519 signature."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from comity.ledger import services
from comity.ledger.note import generate_signer
from comity.ledger.tests.test_services import AGREEMENT, PAYMENT

SOURCE = Path(__file__).parent / "independent" / "ledger_verify.go"
GOPATH = "/usr/share/gocode"  # Debian's golang-golang-x-mod-dev puts golang.org/x/mod here


@pytest.fixture(scope="session")
def go_verifier(tmp_path_factory) -> Path:
    go = shutil.which("go")
    assert go, "the independent verifier needs Go: apt-get install golang-go golang-golang-x-mod-dev"
    assert Path(GOPATH, "src/golang.org/x/mod/sumdb/tlog").is_dir(), (
        "the independent verifier needs Debian's golang-golang-x-mod-dev"
    )
    binary = tmp_path_factory.mktemp("go") / "ledger_verify"
    env = os.environ | {
        "GO111MODULE": "off",
        "GOPATH": GOPATH,
        "GOFLAGS": "",
        "GOCACHE": str(tmp_path_factory.mktemp("gocache")),
    }
    subprocess.run([go, "build", "-o", str(binary), str(SOURCE)], check=True, env=env, timeout=300)
    return binary


@pytest.mark.django_db(transaction=True)
def test_go_reference_implementation_verifies_our_log(live_server, peru, go_verifier):
    key, _created = services.ensure_key()
    agreement = services.agreement_record(actor=peru.officer, data=AGREEMENT)
    for n in range(40):  # odd sizes and several heads exercise every proof shape
        services.disbursement_record(
            actor=peru.officer, agreement_index=agreement.pk, data=PAYMENT | {"amount": f"{n + 1}"}
        )
    services.correction_record(actor=peru.officer, corrects=3, reason="Typo", replacement=None)

    result = subprocess.run(
        [str(go_verifier), live_server.url, key.verifier_key], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK 42 entries")
    assert "42 inclusion and 41 consistency proofs" in result.stdout

    stranger = generate_signer(key.name).verifier_key
    refused = subprocess.run(
        [str(go_verifier), live_server.url, stranger], capture_output=True, text=True, timeout=120
    )
    assert refused.returncode == 1 and "checkpoint signature" in refused.stderr
