"""Trusting a peer deployment: `comity federation trust FILE`, `comity federation peers`."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from comity.accounts.models import Authority
from comity.accounts.tests.factories import AuthorityFactory
from comity.core.models import AuditEntry
from comity.federation.keys import fingerprint, public_jwk
from comity.federation.models import Peer, PeerAuthority, PeerKey
from comity.federation.tests.helpers import peer_document, peer_keys
from conftest import bearer


def _trust(tmp_path, document: object) -> str:
    path = tmp_path / "peer.json"
    path.write_text(json.dumps(document))
    out = StringIO()
    call_command("federation", "trust", str(path), stdout=out)
    return out.getvalue()


def _peers() -> list[str]:
    out = StringIO()
    call_command("federation", "peers", stdout=out)
    return out.getvalue().splitlines()


def test_a_trusted_peers_authorities_appear_in_the_directory_with_their_country(peru, tmp_path):
    document = peer_document()
    out = _trust(tmp_path, document)
    assert f"fingerprint {fingerprint(document)}" in out and "2 authorities linked" in out
    listed = bearer(peru.officer).get("/api/v1/authorities?country=CH").json()["items"]
    assert {(a["name"], a["country"], a["kind"], a["external"]) for a in listed} == {
        ("Federal Office of Justice", "CH", "central-authority", True),
        ("Office of the Attorney General", "CH", "prosecution", True),
    }
    links = PeerAuthority.objects.select_related("authority").order_by("remote_id")
    assert [(link.remote_id, link.authority.name) for link in links] == [
        (7, "Federal Office of Justice"),
        (9, "Office of the Attorney General"),
    ]
    [line] = _peers()
    assert line.split("\t")[:2] == ["ch.comity.test", "trusted"] and "2 authorities" in line
    entry = AuditEntry.objects.get(action="federation.trust")
    assert entry.detail == {"keys": "2", "authorities_linked": "2"}


def test_an_external_authority_already_known_by_name_is_linked_not_duplicated(peru, tmp_path):
    known = AuthorityFactory(country="CH", name="FEDERAL OFFICE OF JUSTICE", external=True)
    _trust(tmp_path, peer_document())
    assert PeerAuthority.objects.get(remote_id=7).authority == known
    assert Authority.objects.filter(country="CH").count() == 2


def test_trusting_again_after_a_rotation_keeps_the_old_keys_retired(db, tmp_path):
    old = peer_keys()
    _trust(tmp_path, peer_document(keys=old))
    new = peer_keys()
    retired = [public_jwk(old[0], use="sig", status="retired")]
    _trust(tmp_path, peer_document(keys=new, retired=retired))
    keys = {key.kid: key.retired for key in PeerKey.objects.all()}
    assert keys == {
        old[0].thumbprint(): True,
        old[1].thumbprint(): True,  # no longer listed: kept, retired
        new[0].thumbprint(): False,
        new[1].thumbprint(): False,
    }
    assert Peer.objects.count() == 1 and PeerAuthority.objects.count() == 2


def _broken(change) -> dict:
    document = peer_document()
    change(document)
    return document


@pytest.mark.parametrize(
    ("document", "field"),
    [
        (_broken(lambda d: d["keys"][0].update(kid=d["keys"][1]["kid"])), "keys.0.kid"),
        (_broken(lambda d: d["keys"][1].update(use="sig")), "keys.1.crv"),
        (_broken(lambda d: d["keys"].append(dict(d["keys"][0], status="current"))), "keys"),
        (_broken(lambda d: d["keys"][0].update(d="c2VjcmV0")), "keys.0.d"),
        (_broken(lambda d: d["authorities"][0].update(kind="secretariat")), "authorities.0.kind"),
        (_broken(lambda d: d["authorities"][0].update(country="Switzerland")), "authorities.0.country"),
        (_broken(lambda d: d["authorities"][0].update(name="x" * 201)), "authorities.0.name"),
        (_broken(lambda d: d.update(url="javascript:alert(1)")), "url"),
        (_broken(lambda d: d.update(format="other/1")), "format"),
    ],
)
def test_a_bad_key_document_is_refused_naming_the_field_and_nothing_is_written(
    peru, tmp_path, document, field
):
    with pytest.raises(CommandError, match=rf"(^|; ){field}: "):
        _trust(tmp_path, document)
    assert not Peer.objects.exists() and not PeerKey.objects.exists()
    assert not Authority.objects.filter(external=True).exists()


def test_a_peer_naming_a_local_authority_is_refused_whole(switzerland, tmp_path):
    with pytest.raises(CommandError, match="authorities.0.name"):
        _trust(tmp_path, peer_document())
    assert not Peer.objects.exists() and not PeerAuthority.objects.exists()
    assert Authority.objects.filter(country="CH").count() == 1  # the second one was not kept either


def test_a_key_of_another_peer_or_our_own_document_is_refused(db, tmp_path):
    keys = peer_keys()
    _trust(tmp_path, peer_document(keys=keys))
    with pytest.raises(CommandError, match="belongs to another peer"):
        _trust(tmp_path, peer_document(name="impostor.test", keys=keys, authorities=[]))
    call_command(
        "federation",
        "init",
        "--name",
        "pe.comity.test",
        "--url",
        "https://pe.test",
        stdout=StringIO(),
        stderr=StringIO(),
    )
    with pytest.raises(CommandError, match="own key document"):
        _trust(tmp_path, peer_document(name="pe.comity.test", authorities=[]))


@pytest.mark.parametrize("content", ["[1, 2]", "not json", "{" * 10])
def test_a_file_that_is_no_key_document_is_refused(db, tmp_path, content):
    path = tmp_path / "peer.json"
    path.write_text(content)
    with pytest.raises(CommandError):
        call_command("federation", "trust", str(path), stdout=StringIO())
    assert not Peer.objects.exists()
