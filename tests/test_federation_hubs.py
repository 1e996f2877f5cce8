"""A hub's trust list between two deployments run as operators run them (ADR 11 addendum): the hub
signs it and serves it at its well-known address; the member, which trusted the hub's key document
explicitly, fetches and applies it, refuses it replayed, and revokes a peer a newer list drops."""

import json

import pytest

from comity.federation.tests.helpers import peer_document
from tests.test_federation import Deployment

WELL_KNOWN = "/.well-known/comity-trust-list.jws"


def _peers(deployment: Deployment) -> dict[str, str]:
    lines = deployment.run("federation", "peers").stdout.splitlines()
    return {line.split("\t")[0]: line.split("\t")[1] for line in lines}


@pytest.mark.django_db(transaction=True)
def test_a_member_applies_its_hubs_served_list_once_and_follows_the_next(tmp_path, new_database):
    hub = Deployment(tmp_path, new_database(migrated=True), "hub.comity.test", "AT", "Network hub office")
    member = Deployment(
        tmp_path, new_database(migrated=True), "pe.comity.test", "PE", "Fiscalía de la Nación"
    )
    peer = tmp_path / "ch.json"
    peer.write_text(json.dumps(peer_document()))
    hub.run("federation", "trust", str(peer))
    hub.run("federation", "trust", str(member.key_file))
    # the member trusts the hub's key document, whose fingerprint its operator compared
    printed = hub.run("federation", "init", "--name", hub.name, "--url", hub.url).stdout.strip()
    trusted = member.run("federation", "trust-hub", str(hub.key_file)).stdout
    assert printed.removeprefix("Fingerprint: ") in trusted
    hub.run("federation", "hub-list", "--output", str(tmp_path / "1.jws"), "--expires-in", "30")
    hub.start()
    try:
        applied = member.run("federation", "trust-list", hub.url + WELL_KNOWN).stdout
        assert "Trust list 1 of hub.comity.test applied" in applied and "1 skipped" in applied  # itself
        assert _peers(member) == {"ch.comity.test": "trusted", "hub.comity.test": "trusted"}
        again = member.run("federation", "trust-list", hub.url + WELL_KNOWN, check=False)
        assert again.returncode != 0 and "Trust list refused (stale)" in again.stderr
        # the hub's next list leaves CH out: the member no longer trusts it
        hub.run(
            "federation",
            "hub-list",
            "--output",
            str(tmp_path / "2.jws"),
            "--expires-in",
            "30",
            "--include",
            "pe.comity.test",
        )
        applied = member.run("federation", "trust-list", hub.url + WELL_KNOWN).stdout
        assert "Revoked ch.comity.test" in applied
        assert _peers(member) == {"ch.comity.test": "revoked", "hub.comity.test": "trusted"}
    finally:
        hub.stop()
    # the file the hub wrote is the same list, and it is not newer than what the member applied
    replayed = member.run("federation", "trust-list", str(tmp_path / "1.jws"), check=False)
    assert replayed.returncode != 0 and "Trust list refused (stale)" in replayed.stderr
