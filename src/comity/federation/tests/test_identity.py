"""A deployment's federation identity: `comity federation init`, `key`, the well-known document."""

import json
import stat
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from comity.core.models import AuditEntry
from comity.federation.keys import fingerprint
from comity.federation.models import Deployment

WELL_KNOWN = "/.well-known/comity-federation.json"


def _run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("federation", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_init_writes_both_keys_to_owner_only_files_and_prints_the_fingerprint(peru, settings):
    out, _ = _run("init", "--name", "pe.comity.test", "--url", "https://comity.pe.test")
    signing = Path(settings.COMITY_FEDERATION_SIGNING_KEY_FILE)
    encryption = Path(settings.COMITY_FEDERATION_ENCRYPTION_KEY_FILE)
    for path in (signing, encryption):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert path.read_text().startswith("-----BEGIN PRIVATE KEY-----")
    document = json.loads(_run("key")[0])
    assert out.strip() == f"Fingerprint: {fingerprint(document)}"
    # the private keys are nowhere in the database: not the deployment row, not the audit trail
    private = json.loads(json.dumps([str(path.read_text()) for path in (signing, encryption)]))
    row = Deployment.objects.values().get()
    assert row["name"] == "pe.comity.test" and not any(p in json.dumps(row, default=str) for p in private)
    entry = AuditEntry.objects.get(action="federation.init")
    assert entry.detail == {} and entry.fields == ["name", "url"]
    # a second init keeps the keys (peers trust them) and says so
    before = signing.read_bytes()
    out2, err2 = _run("init", "--name", "pe.comity.test", "--url", "https://comity.pe.test")
    assert signing.read_bytes() == before and out2 == out and "already present" in err2
    with pytest.raises(CommandError, match="already named pe.comity.test"):
        _run("init", "--name", "other.test", "--url", "https://comity.pe.test")


def test_the_key_document_is_public_json_with_public_keys_and_hosted_authorities_only(
    peru, switzerland, secretariat_user
):
    _run("init", "--name", "pe.comity.test", "--url", "https://comity.pe.test")
    printed = json.loads(_run("key")[0])  # JSON and nothing else on stdout
    served = Client().get(WELL_KNOWN)
    assert served.status_code == 200 and served.json() == printed
    assert printed["name"] == "pe.comity.test" and printed["url"] == "https://comity.pe.test"
    assert [(k["use"], k["crv"], k["status"]) for k in printed["keys"]] == [
        ("sig", "Ed25519", "current"),
        ("enc", "X25519", "current"),
    ]
    assert all(set(k) == {"kty", "crv", "x", "kid", "use", "status"} for k in printed["keys"])  # no "d"
    # the secretariat is never a party; external authorities are not hosted here
    assert {(a["country"], a["name"]) for a in printed["authorities"]} == {
        ("PE", "Fiscalía de la Nación"),
        ("CH", "Federal Office of Justice"),
    }


def test_before_init_there_is_no_key_document(db):
    assert Client().get(WELL_KNOWN).status_code == 404
    with pytest.raises(CommandError, match="federation init"):
        _run("key")


@pytest.mark.parametrize(
    ("name", "url", "field"),
    [("PE Comity", "https://comity.pe.test", "name"), ("pe.comity.test", "ftp://x", "url")],
)
def test_init_refuses_a_bad_name_or_address_and_makes_no_key(db, settings, name, url, field):
    with pytest.raises(CommandError, match=field):
        _run("init", "--name", name, "--url", url)
    assert not Path(settings.COMITY_FEDERATION_SIGNING_KEY_FILE).exists()
    assert not Deployment.objects.exists()
