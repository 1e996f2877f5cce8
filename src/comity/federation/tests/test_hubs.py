"""Hub trust lists (ADR 11 addendum): `comity federation hub-list` at a hub, the list served at
/.well-known/comity-trust-list.jws, `trust-hub` and `trust-list FILE_OR_URL` at a member; every
refusal names its reason, writes nothing and is audited."""

import datetime
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from joserfc import jws
from joserfc.jwk import OKPKey

from comity.accounts.choices import Role
from comity.accounts.models import Authority
from comity.accounts.tests.factories import UserFactory
from comity.core.models import AuditEntry
from comity.federation import services, trustlists
from comity.federation.keys import public_jwk
from comity.federation.models import Peer, PeerAuthority, PeerKey, TrustList
from comity.federation.tests.helpers import peer_document, peer_keys
from comity.federation.tests.test_inbox import World, post

WELL_KNOWN = "/.well-known/comity-trust-list.jws"
HUB = "hub.comity.test"
NOW = timezone.now()


def run(*args: str) -> str:
    out = StringIO()
    call_command("federation", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def write(tmp_path, name: str, content: object) -> str:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return str(path)


def init(name: str = "pe.comity.test") -> None:
    run("init", "--name", name, "--url", f"https://{name}")


# --- At the hub -------------------------------------------------------------------------------


def test_a_hub_signs_its_own_and_its_peers_key_documents_into_an_expiring_numbered_list(peru, tmp_path):
    init(HUB)
    ch, ng = peer_document(), peer_document(name="ng.comity.test", authorities=[])
    run("trust", write(tmp_path, "ch.json", ch))
    run("trust", write(tmp_path, "ng.json", ng))
    assert Client().get(WELL_KNOWN).status_code == 404  # not a hub until it publishes a list
    out = run("hub-list", "--output", str(tmp_path / "1.jws"), "--expires-in", "30")
    assert out.startswith(f"Trust list 1 written to {tmp_path / '1.jws'}")
    token = (tmp_path / "1.jws").read_text().strip()
    own = json.loads(run("key"))
    signing = OKPKey.import_key(own["keys"][0])
    claims = json.loads(jws.deserialize_compact(token, signing, algorithms=["Ed25519"]).payload)
    assert claims["format"] == "comity-trust-list/1" and claims["hub"] == HUB and claims["sequence"] == 1
    issued = trustlists.parse_instant(claims["issued_at"])
    assert trustlists.parse_instant(claims["expires_at"]) - issued == datetime.timedelta(days=30)
    # its own key document, then its peers' exactly as they published them
    assert claims["documents"] == [own, ch, ng]
    served = Client().get(WELL_KNOWN)
    assert served.status_code == 200 and served["Content-Type"] == "application/jose"
    assert served.content.decode() == token
    entry = AuditEntry.objects.get(action="federation.list.publish")
    assert entry.detail == {"sequence": "1", "documents": "3"}
    # the next list is numbered after it, and only the peers named are in it; it is the one served
    run("hub-list", "--output", str(tmp_path / "2.jws"), "--expires-in", "7", "--include", "ng.comity.test")
    second = (tmp_path / "2.jws").read_text().strip()
    claims = json.loads(jws.deserialize_compact(second, signing, algorithms=["Ed25519"]).payload)
    assert claims["sequence"] == 2 and [d["name"] for d in claims["documents"]] == [HUB, "ng.comity.test"]
    assert Client().get(WELL_KNOWN).content.decode() == second


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--expires-in", "0"], "expires_in: A trust list expires in 1 to 366 days"),
        (["--expires-in", "400"], "expires_in: "),
        (["--expires-in", "7", "--include", "nowhere.test"], "include: No peer named nowhere.test"),
    ],
)
def test_a_hub_list_with_bad_arguments_is_refused_and_no_file_is_left(db, tmp_path, args, message):
    init(HUB)
    run("trust", write(tmp_path, "ch.json", peer_document()))
    with pytest.raises(CommandError, match=message):
        run("hub-list", "--output", str(tmp_path / "list.jws"), *args)
    assert not (tmp_path / "list.jws").exists() and not TrustList.objects.exists()


def test_a_peer_trusted_before_documents_were_kept_must_be_trusted_again_to_be_listed(db, tmp_path):
    init(HUB)
    document = peer_document()
    run("trust", write(tmp_path, "ch.json", document))
    Peer.objects.update(document={})  # as a peer trusted before migration federation 0004 is
    with pytest.raises(CommandError, match="include: The key document of ch.comity.test is not kept here"):
        run("hub-list", "--output", str(tmp_path / "list.jws"), "--expires-in", "7")
    run("trust", write(tmp_path, "ch.json", document))
    run("hub-list", "--output", str(tmp_path / "list.jws"), "--expires-in", "7")
    assert TrustList.objects.get().sequence == 1


def test_a_hub_list_never_overwrites_a_file_and_needs_an_identity(db, tmp_path):
    with pytest.raises(CommandError, match="no federation identity"):
        run("hub-list", "--output", str(tmp_path / "list.jws"), "--expires-in", "7")
    assert not (tmp_path / "list.jws").exists()
    init(HUB)
    existing = tmp_path / "old.jws"
    existing.write_text("kept")
    with pytest.raises(CommandError, match="exists"):
        run("hub-list", "--output", str(existing), "--expires-in", "7")
    assert existing.read_text() == "kept" and not TrustList.objects.exists()


# --- At a member --------------------------------------------------------------------------------


class Hub:
    """A hub deployment as a member sees it: its keys, and lists it signs as `hub-list` does."""

    def __init__(self, tmp_path) -> None:
        self.tmp_path = tmp_path
        self.keys = peer_keys()
        self.document = peer_document(name=HUB, keys=self.keys, authorities=[])
        self.count = 0

    def sign(self, documents: list[dict], *, key: OKPKey | None = None, **changes) -> str:
        claims = trustlists.claims_for(
            hub=HUB,
            sequence=1,
            issued_at=NOW - datetime.timedelta(hours=1),
            expires_at=NOW + datetime.timedelta(days=30),
            documents=[self.document, *documents],
        )
        claims.update(changes)
        return jws.serialize_compact(
            {"alg": "Ed25519", "kid": self.keys[0].thumbprint(), "typ": "comity-trust-list+jws"},
            json.dumps(claims).encode(),
            key or self.keys[0],
            algorithms=["Ed25519"],
        )

    def file(self, documents: list[dict], **changes) -> str:
        self.count += 1
        return write(self.tmp_path, f"list-{self.count}.jws", self.sign(documents, **changes))


@pytest.fixture
def hub(peru, tmp_path) -> Hub:
    init()
    hub = Hub(tmp_path)
    out = run("trust-hub", write(tmp_path, "hub.json", hub.document))
    assert out.startswith(f"Trusted hub {HUB}")
    return hub


def state() -> list[tuple[str, str]]:
    return list(Peer.objects.order_by("name").values_list("name", "state"))


def test_a_members_peers_come_from_its_hubs_list_and_a_peer_dropped_later_is_revoked(hub, tmp_path):
    ch = peer_document()
    ng = peer_document(name="ng.comity.test", authorities=[])
    ours = json.loads(run("key"))  # the hub lists its members, this one too: skipped
    out = run("trust-list", hub.file([ch, ng, ours], sequence=3))
    assert (
        "Trust list 3 of hub.comity.test applied" in out and "3 trusted, 0 revoked, 1 skipped" in out
    )  # the hub, ch, ng
    assert state() == [("ch.comity.test", "trusted"), (HUB, "trusted"), ("ng.comity.test", "trusted")]
    assert set(Authority.objects.filter(country="CH").values_list("name", flat=True)) >= {
        "Federal Office of Justice",
        "Office of the Attorney General",
    }
    assert Peer.objects.get(name="ch.comity.test").vouched_by.name == HUB
    listed = {line.split("\t")[0]: line.split("\t")[-1] for line in run("peers").splitlines()}
    assert listed == {"ch.comity.test": f"via {HUB}", HUB: "direct, hub", "ng.comity.test": f"via {HUB}"}
    entry = AuditEntry.objects.get(action="federation.list.apply")
    assert entry.detail == {"hub": HUB, "sequence": "3", "trusted": "3", "revoked": "0", "skipped": "1"}
    # a peer the operator trusted directly is not the hub's to revoke
    run("trust", write(tmp_path, "gb.json", peer_document(name="gb.comity.test", authorities=[])))
    out = run("trust-list", hub.file([ch], sequence=4))
    assert "Revoked ng.comity.test: no longer on the hub's list." in out
    assert state() == [
        ("ch.comity.test", "trusted"),
        ("gb.comity.test", "trusted"),
        (HUB, "trusted"),
        ("ng.comity.test", "revoked"),
    ]
    ng_kid = ng["keys"][0]["kid"]
    assert services.sender_key(ng_kid).revoked  # its packages are refused from now on
    # listed again later, it is trusted again; one its operator revoked here is not overruled
    services.peer_revoke(actor=None, peer=Peer.objects.get(name="gb.comity.test"))
    gb = peer_document(name="gb.comity.test", authorities=[], keys=None)
    gb["keys"] = [dict(key) for key in Peer.objects.get(name="gb.comity.test").document["keys"]]
    out = run("trust-list", hub.file([ch, ng, gb], sequence=5))
    assert "1 skipped" in out
    assert dict(state()) == {
        "ch.comity.test": "trusted",
        "gb.comity.test": "revoked",
        HUB: "trusted",
        "ng.comity.test": "trusted",
    }
    assert list(TrustList.objects.order_by("sequence").values_list("sequence", flat=True)) == [3, 4, 5]


def _refused(hub, path: str, reason: str, text: str) -> None:
    peers_before = state()
    keys_before = PeerKey.objects.count()
    lists_before = TrustList.objects.count()
    with pytest.raises(CommandError, match=rf"^Trust list refused \({reason}\): {text}"):
        run("trust-list", path)
    assert state() == peers_before and PeerKey.objects.count() == keys_before
    assert TrustList.objects.count() == lists_before and not Authority.objects.filter(country="NG").exists()
    entry = AuditEntry.objects.filter(action="federation.list.refuse").latest("pk")
    assert entry.detail["reason"] == reason
    assert "ng.comity.test" not in json.dumps(entry.detail)


NG = peer_document(
    name="ng.comity.test",
    authorities=[
        {"id": 3, "country": "NG", "kind": "central-authority", "name": "Federal Ministry of Justice"}
    ],
)


def test_a_list_signed_by_another_key_under_the_hubs_key_id_is_refused(hub):
    impostor = OKPKey.generate_key("Ed25519", private=True)
    _refused(hub, hub.file([NG], key=impostor), "bad_signature", "its signature does not verify")


def test_a_list_of_a_hub_not_trusted_here_is_refused(hub, tmp_path):
    other = Hub(tmp_path)  # same name, keys never trusted
    _refused(hub, other.file([NG]), "untrusted_hub", "it is not signed by a hub trusted here")
    # a peer trusted as a peer, not as a hub, vouches for no one
    peer = Hub(tmp_path)
    peer.document = peer_document(name="ch.comity.test", keys=peer.keys, authorities=[])
    run("trust", write(tmp_path, "ch.json", peer.document))
    _refused(hub, peer.file([NG], hub="ch.comity.test"), "untrusted_hub", "it is not signed by a hub")
    # a hub's key speaking for another deployment
    _refused(hub, hub.file([NG], hub="ch.comity.test"), "untrusted_hub", "it is not signed by a hub")
    # a hub revoked here
    services.peer_revoke(actor=None, peer=Peer.objects.get(name=HUB))
    _refused(hub, hub.file([NG]), "untrusted_hub", "it is not signed by a hub")


def test_an_expired_or_future_list_is_refused(hub):
    past = trustlists.claims_for(
        hub=HUB,
        sequence=1,
        issued_at=NOW - datetime.timedelta(days=40),
        expires_at=NOW - datetime.timedelta(days=10),
        documents=[],
    )
    _refused(
        hub,
        hub.file([NG], issued_at=past["issued_at"], expires_at=past["expires_at"]),
        "expired",
        "it has expired",
    )
    future = trustlists.claims_for(
        hub=HUB,
        sequence=1,
        issued_at=NOW + datetime.timedelta(days=1),
        expires_at=NOW + datetime.timedelta(days=10),
        documents=[],
    )
    _refused(
        hub,
        hub.file([NG], issued_at=future["issued_at"], expires_at=future["expires_at"]),
        "from_future",
        "it is dated in the future",
    )


def test_an_older_or_the_same_list_again_is_refused_as_a_replay(hub):
    run("trust-list", hub.file([], sequence=7))
    _refused(hub, hub.file([NG], sequence=7), "stale", "it is not newer than the list")
    _refused(hub, hub.file([NG], sequence=6), "stale", "it is not newer than the list")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"sequence": 0}, "sequence"),
        ({"format": "comity-trust-list/2"}, "format"),
        ({"extra": "x"}, "extra"),
        ({"expires_at": "2027-01-01"}, "expires_at"),
    ],
)
def test_a_list_of_the_wrong_form_is_refused_naming_the_field(hub, changes, field):
    _refused(hub, hub.file([NG], **changes), "schema", rf"its content does not have the form .*; {field}: ")


def test_a_list_signed_before_the_hub_rotated_its_key_still_applies_until_it_expires(hub, tmp_path):
    before = hub.file([NG], sequence=1)
    old_signing = hub.keys[0]
    hub.keys = peer_keys()
    hub.document = peer_document(
        name=HUB,
        keys=hub.keys,
        authorities=[],
        retired=[public_jwk(old_signing, use="sig", status="retired")],
    )
    run("trust-hub", write(tmp_path, "hub2.json", hub.document))  # its new document, fingerprint compared
    run("trust-list", before)
    assert ("ng.comity.test", "trusted") in state()
    run("trust-list", hub.file([NG], sequence=2))  # signed with its new key


def test_a_list_with_a_bad_key_document_is_refused_naming_it_and_nothing_is_trusted(hub):
    bad = peer_document(name="gb.comity.test", authorities=[])
    bad["keys"][0]["kid"] = bad["keys"][1]["kid"]
    _refused(hub, hub.file([NG, bad]), "unacceptable", r".*; documents\.2\.keys\.0\.kid: The key id is not")


def test_a_list_naming_a_local_authority_is_refused_whole(hub, switzerland):
    _refused(
        hub,
        hub.file([NG, peer_document()]),
        "unacceptable",
        r"a key document it lists cannot be trusted here; documents\.2\.authorities\.0\.name: ",
    )


@pytest.mark.parametrize("content", ["not a list", "a.b.c", ""])
def test_a_file_that_is_no_signed_list_is_refused(hub, tmp_path, content):
    _refused(hub, write(tmp_path, "junk.jws", content), "malformed", "the file is not a signed trust list")


def test_a_list_is_fetched_from_the_hubs_address(hub):
    token = hub.sign([NG], sequence=2)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            found = self.path == WELL_KNOWN
            self.send_response(200 if found else 404)
            self.end_headers()
            if found:
                self.wfile.write(token.encode())

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with pytest.raises(CommandError, match="answered HTTP 404"):
            run("trust-list", f"{base}/nothing")
        out = run("trust-list", base + "/")  # the hub's address: its well-known one is meant
    finally:
        server.shutdown()
        server.server_close()
    assert "Trust list 2 of hub.comity.test applied" in out and ("ng.comity.test", "trusted") in state()
    with pytest.raises(CommandError, match="HTTPS"):
        run("trust-list", "http://hub.example.org" + WELL_KNOWN)


def test_a_list_larger_than_a_list_may_be_is_refused_unread(hub, tmp_path):
    path = tmp_path / "huge.jws"
    path.write_text(hub.sign([NG]) + "A" * trustlists.MAX_TRUST_LIST_BYTES)
    _refused(hub, str(path), "too_large", "the trust list is too large")


def test_trust_list_needs_an_identity_here(db, tmp_path):
    with pytest.raises(CommandError, match="no federation identity"):
        run("trust-list", write(tmp_path, "list.jws", "a.b.c"))


# --- Renames and rotations ----------------------------------------------------------------------


def test_a_peer_renaming_an_authority_renames_the_linked_one_in_place(peru, tmp_path):
    keys = peer_keys()
    run("trust", write(tmp_path, "ch.json", peer_document(keys=keys)))
    linked = PeerAuthority.objects.get(remote_id=7).authority
    renamed = peer_document(keys=keys)
    renamed["authorities"][0].update(name="Federal Office of Justice FOJ", kind="fiu")
    run("trust", write(tmp_path, "ch2.json", renamed))
    linked.refresh_from_db()
    assert (linked.name, linked.kind, linked.external) == (
        "Federal Office of Justice FOJ",
        "fiu",
        True,
    )
    assert PeerAuthority.objects.get(remote_id=7).authority_id == linked.pk
    assert Authority.objects.filter(country="CH").count() == 2
    entry = AuditEntry.objects.filter(action="authority.update").get()
    assert entry.object_id == str(linked.pk) and entry.fields == ["kind", "name"]


def test_a_rename_onto_a_local_authoritys_name_is_refused_whole(switzerland, tmp_path):
    keys = peer_keys()
    document = peer_document(
        keys=keys, authorities=[{"id": 4, "country": "CH", "kind": "prosecution", "name": "AG"}]
    )
    run("trust", write(tmp_path, "ch.json", document))
    document["authorities"][0]["name"] = "FEDERAL office of justice"  # Switzerland's own, here
    new = peer_keys()
    document["keys"] = [public_jwk(new[0], use="sig"), public_jwk(new[1], use="enc")]
    with pytest.raises(CommandError, match=r"authorities\.0\.name: "):
        run("trust", write(tmp_path, "ch2.json", document))
    assert PeerAuthority.objects.get(remote_id=4).authority.name == "AG"
    assert not PeerKey.objects.filter(kid=new[0].thumbprint()).exists()  # nothing of it kept


def test_a_rotation_and_rename_learnt_from_a_hubs_list_keep_old_packages_verifiable(peru, tmp_path):
    world = World(peru, tmp_path)  # PE trusts CH directly
    old_package = world.package()  # sealed with CH's key before its rotation
    hub = Hub(tmp_path)
    run("trust-hub", write(tmp_path, "hub.json", hub.document))
    new = peer_keys()
    rotated = peer_document(
        keys=new,
        retired=[public_jwk(world.peer_signing, use="sig", status="retired")],
    )
    rotated["authorities"][0]["name"] = "Bundesamt für Justiz"
    run("trust-list", hub.file([rotated]))
    ch = Peer.objects.get(name="ch.comity.test")
    assert ch.vouched_by is None  # trusted directly before: stays so
    kinds = dict(ch.keys.values_list("kid", "retired"))
    assert kinds[world.peer_signing.thumbprint()] is True and kinds[new[0].thumbprint()] is False
    assert PeerAuthority.objects.get(peer=ch, remote_id=7).authority.name == "Bundesamt für Justiz"
    # a package signed with the retired key still verifies and is applied
    assert post(old_package).status_code == 200


def test_a_peer_a_hub_vouches_for_revoked_by_the_administrator_stays_revoked_whatever_the_hub_lists(
    hub, peru
):
    ch = peer_document()
    run("trust-list", hub.file([ch], sequence=1))
    peer = Peer.objects.get(name="ch.comity.test")
    assert peer.vouched_by.name == HUB
    admin = UserFactory(authority=peru.authority, role=Role.ADMIN)
    client = Client()
    client.force_login(admin)
    assert client.post(f"/federation/peers/{peer.pk}/revoke/").status_code == 302
    # the hub's next list still names it: the administrator's word is not overruled
    out = run("trust-list", hub.file([ch], sequence=2))
    assert "0 revoked, 1 skipped" in out
    assert dict(state())["ch.comity.test"] == "revoked"
    assert services.sender_key(ch["keys"][0]["kid"]).revoked
    # trusted again by hand, it is the administrator's peer, not the hub's to drop
    run("trust", write(hub.tmp_path, "ch.json", ch))
    run("trust-list", hub.file([], sequence=3))
    assert dict(state())["ch.comity.test"] == "trusted"
