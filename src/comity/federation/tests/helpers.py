"""A peer deployment's key document, made the way `comity federation key` makes it, for tests that
model a peer without running one."""

from typing import Any

from joserfc.jwk import OKPKey

from comity.federation.keys import KEY_DOCUMENT_FORMAT, public_jwk


def peer_keys() -> tuple[OKPKey, OKPKey]:
    return OKPKey.generate_key("Ed25519", private=True), OKPKey.generate_key("X25519", private=True)


def peer_document(
    name: str = "ch.comity.test",
    keys: tuple[OKPKey, OKPKey] | None = None,
    authorities: list[dict[str, Any]] | None = None,
    retired: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    signing, encryption = keys or peer_keys()
    return {
        "format": KEY_DOCUMENT_FORMAT,
        "name": name,
        "url": f"http://127.0.0.1:9/{name}",
        "keys": [public_jwk(signing, use="sig"), public_jwk(encryption, use="enc"), *(retired or [])],
        "authorities": authorities
        if authorities is not None
        else [
            {"id": 7, "country": "CH", "kind": "central-authority", "name": "Federal Office of Justice"},
            {"id": 9, "country": "CH", "kind": "prosecution", "name": "Office of the Attorney General"},
        ],
    }
