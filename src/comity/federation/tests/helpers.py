"""A peer deployment's key document, made the way `comity federation key` makes it, for tests that
model a peer without running one."""

import base64
from typing import Any

import rfc8785
from joserfc import jwe, jws
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


def forge(
    manifest: dict[str, Any],
    parts: dict[str, bytes],
    *,
    signing_key: OKPKey,
    recipient_key: OKPKey,
    kid: str | None = None,
) -> bytes:
    """A package sealed as packages.seal does, except that anything may be wrong in it: a kid
    that is not the signing key's, parts that do not match the manifest. A hostile peer's tool."""
    signed = jws.serialize_compact(
        {"alg": "Ed25519", "kid": kid or signing_key.thumbprint()},
        rfc8785.dumps(manifest),
        signing_key,
        algorithms=["Ed25519"],
    )
    plaintext = rfc8785.dumps(
        {"manifest": signed, "parts": {name: base64.b64encode(data).decode() for name, data in parts.items()}}
    )
    return jwe.encrypt_compact(
        {"alg": "ECDH-ES+A256KW", "enc": "A256GCM", "kid": recipient_key.thumbprint()},
        plaintext,
        recipient_key,
        algorithms=["ECDH-ES+A256KW", "A256GCM"],
    ).encode()
