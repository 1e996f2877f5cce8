"""Packages between deployments (ADR 11), as pure functions: sealing (sign, then encrypt) and
opening (decrypt, verify, check every part), and signed receipts. No database here: the caller
gives the keys; the inbox's service decides what is applied.

joserfc does the cryptography, with the algorithms pinned on every call so that a package cannot
choose a weaker one; rfc8785 gives the bytes that are signed.
"""

import base64
import binascii
import datetime
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import rfc8785
from django.db import models
from joserfc import jwe, jws
from joserfc.errors import BadSignatureError, JoseError
from joserfc.jwk import OKPKey
from pydantic import ValidationError as SchemaError

from comity.federation.schemas import BODY_SCHEMAS, Manifest

PACKAGE_FORMAT = "comity-package/1"
RECEIPT_FORMAT = "comity-receipt/1"
SIGNING = ["Ed25519"]
ENCRYPTION = ["ECDH-ES+A256KW", "A256GCM"]
INSTANT = "%Y-%m-%dT%H:%M:%SZ"
# How far ahead of our clock a sender's may be.
CLOCK_SKEW = datetime.timedelta(minutes=5)


class Reason(models.TextChoices):
    """Why an inbox refused a package: the reason its signed rejection receipt names."""

    TOO_LARGE = "too_large"
    MALFORMED = "malformed"
    WRONG_RECIPIENT = "wrong_recipient"
    UNTRUSTED_KEY = "untrusted_key"
    REVOKED_PEER = "revoked_peer"
    BAD_SIGNATURE = "bad_signature"
    PART_HASH = "part_hash"
    TOO_OLD = "too_old"
    FROM_FUTURE = "from_future"
    REPLAY = "replay"
    SCHEMA = "schema"
    # The content fits the schema but not the recipient's rules (an offence code it does not
    # know, a date its state machine refuses): nothing is applied.
    UNACCEPTABLE = "unacceptable"


class Evidence(models.TextChoices):
    """ETSI EN 319 522 REM evidences, by the names e-CODEX gives them."""

    SUBMISSION_ACCEPTANCE = "SUBMISSION_ACCEPTANCE"
    SUBMISSION_REJECTION = "SUBMISSION_REJECTION"
    DELIVERY = "DELIVERY"
    RELAY_REMMD_REJECTION = "RELAY_REMMD_REJECTION"
    NON_DELIVERY = "NON_DELIVERY"
    RETRIEVAL = "RETRIEVAL"


class Refused(Exception):
    def __init__(self, reason: Reason, message_id: str | None = None) -> None:
        super().__init__(reason.value)
        self.reason = reason
        self.message_id = message_id


@dataclass(frozen=True)
class Part:
    name: str
    media_type: str
    content: bytes


@dataclass(frozen=True)
class SenderKey:
    """A peer's public signing key as the receiver knows it."""

    key: OKPKey
    deployment: str
    revoked: bool = False


@dataclass(frozen=True)
class Opened:
    manifest: dict[str, Any]
    parts: dict[str, bytes]
    body: dict[str, Any]
    signing_kid: str
    manifest_sha256: str


def instant(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime(INSTANT)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def manifest_for(
    *,
    message_id: str,
    conversation_id: str,
    kind: str,
    sender: tuple[str, int],
    recipient: tuple[str, int],
    created_at: datetime.datetime,
    parts: list[Part],
) -> dict[str, Any]:
    return {
        "format": PACKAGE_FORMAT,
        "message_id": message_id,
        "conversation_id": conversation_id,
        "kind": kind,
        "sender": {"deployment": sender[0], "authority": sender[1]},
        "recipient": {"deployment": recipient[0], "authority": recipient[1]},
        "created_at": instant(created_at),
        "parts": [
            {"name": p.name, "media_type": p.media_type, "size": len(p.content), "sha256": sha256(p.content)}
            for p in parts
        ],
    }


def seal(
    manifest: Mapping[str, Any], parts: list[Part], *, signing_key: OKPKey, recipient_key: OKPKey
) -> bytes:
    """Sign the canonical manifest (JWS, Ed25519), then encrypt it with the parts to the
    recipient's X25519 key (JWE, ECDH-ES+A256KW, A256GCM). The package's bytes."""
    signed = jws.serialize_compact(
        {"alg": "Ed25519", "kid": signing_key.thumbprint(), "typ": "comity-manifest+jws"},
        rfc8785.dumps(dict(manifest)),
        signing_key,
        algorithms=SIGNING,
    )
    plaintext = rfc8785.dumps(
        {"manifest": signed, "parts": {p.name: base64.b64encode(p.content).decode("ascii") for p in parts}}
    )
    sealed = jwe.encrypt_compact(
        {
            "alg": "ECDH-ES+A256KW",
            "enc": "A256GCM",
            "kid": recipient_key.thumbprint(),
            "cty": "comity-package+json",
        },
        plaintext,
        recipient_key,
        algorithms=ENCRYPTION,
    )
    return sealed.encode("ascii")


def _registry(max_bytes: int) -> jwe.JWERegistry:
    """Our algorithms only, and ciphertext up to the package's own limit: the library's default cap
    (64 KB) would refuse a request's package with its attachments."""
    registry = jwe.JWERegistry(algorithms=ENCRYPTION)
    registry.max_ciphertext_length = max_bytes
    return registry


def is_receipt(content: bytes) -> bool:
    """Whether a file carried between deployments holds a receipt (a compact JWS: three parts)
    rather than a package (a compact JWE: five)."""
    return content.strip().count(b".") == 2


def jose_header(token: bytes | str) -> dict[str, Any]:
    """The protected header of a compact JOSE object, read before any key is chosen."""
    text = token.decode("ascii") if isinstance(token, bytes) else token
    try:
        encoded = text.split(".", 1)[0]
        header = json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
    except (ValueError, UnicodeDecodeError, binascii.Error) as error:
        raise Refused(Reason.MALFORMED) from error
    if not isinstance(header, dict) or not isinstance(header.get("kid"), str):
        raise Refused(Reason.MALFORMED)
    return header


def open_package(
    package: bytes,
    *,
    recipient: str,
    decryption_key: Callable[[str], OKPKey | None],
    sender_key: Callable[[str], SenderKey | None],
    now: datetime.datetime,
    max_age: datetime.timedelta,
    max_bytes: int,
) -> Opened:
    """Decrypt, verify and check a package addressed to deployment `recipient`, or raise Refused
    with the first reason found, in ADR 11's order. Nothing is trusted before it is checked."""
    if len(package) > max_bytes:
        raise Refused(Reason.TOO_LARGE)
    try:
        package.decode("ascii")
    except UnicodeDecodeError as error:
        raise Refused(Reason.MALFORMED) from error
    key = decryption_key(jose_header(package)["kid"])
    if key is None:
        raise Refused(Reason.WRONG_RECIPIENT)
    try:
        plaintext = jwe.decrypt_compact(package, key, registry=_registry(max_bytes)).plaintext
        envelope = json.loads(plaintext or b"")
    except (JoseError, ValueError) as error:
        raise Refused(Reason.MALFORMED) from error
    if (
        not isinstance(envelope, dict)
        or set(envelope) != {"manifest", "parts"}
        or not isinstance(envelope["manifest"], str)
        or not isinstance(envelope["parts"], dict)
    ):
        raise Refused(Reason.MALFORMED)
    signing_kid = jose_header(envelope["manifest"])["kid"]
    signer = sender_key(signing_kid)
    if signer is None:
        raise Refused(Reason.UNTRUSTED_KEY)
    if signer.revoked:
        raise Refused(Reason.REVOKED_PEER)
    try:
        payload = jws.deserialize_compact(envelope["manifest"], signer.key, algorithms=SIGNING).payload
    except BadSignatureError as error:
        raise Refused(Reason.BAD_SIGNATURE) from error
    except (JoseError, ValueError) as error:
        raise Refused(Reason.MALFORMED) from error
    try:
        raw_manifest = json.loads(payload)
        manifest = Manifest.model_validate(raw_manifest)
    except (ValueError, SchemaError) as error:
        raise Refused(Reason.SCHEMA, _message_id(payload)) from error
    message_id = manifest.message_id
    if manifest.sender.deployment != signer.deployment:
        raise Refused(Reason.UNTRUSTED_KEY, message_id)
    if manifest.recipient.deployment != recipient:
        raise Refused(Reason.WRONG_RECIPIENT, message_id)
    parts = _checked_parts(manifest, envelope["parts"])
    created = datetime.datetime.strptime(manifest.created_at, INSTANT).replace(tzinfo=datetime.UTC)
    if created < now - max_age:
        raise Refused(Reason.TOO_OLD, message_id)
    if created > now + CLOCK_SKEW:
        raise Refused(Reason.FROM_FUTURE, message_id)
    body = _checked_body(manifest, parts)
    return Opened(
        manifest=raw_manifest,
        parts=parts,
        body=body,
        signing_kid=signing_kid,
        manifest_sha256=sha256(rfc8785.dumps(raw_manifest)),
    )


def _message_id(payload: bytes) -> str | None:
    try:
        found = json.loads(payload).get("message_id")
    except (ValueError, AttributeError):
        return None
    return found if isinstance(found, str) and len(found) == 36 else None


def _checked_parts(manifest: Manifest, encoded: Mapping[str, Any]) -> dict[str, bytes]:
    """Every part the manifest names, of its size and digest, and no other."""
    names = [part.name for part in manifest.parts]
    if len(set(names)) != len(names) or set(encoded) != set(names):
        raise Refused(Reason.PART_HASH, manifest.message_id)
    parts = {}
    for digest in manifest.parts:
        value = encoded[digest.name]
        try:
            content = base64.b64decode(value, validate=True) if isinstance(value, str) else None
        except binascii.Error:
            content = None
        if content is None or len(content) != digest.size or sha256(content) != digest.sha256:
            raise Refused(Reason.PART_HASH, manifest.message_id)
        parts[digest.name] = content
    return parts


def _checked_body(manifest: Manifest, parts: Mapping[str, bytes]) -> dict[str, Any]:
    """The `body` part, parsed against its kind's schema."""
    schema = BODY_SCHEMAS.get(manifest.kind)
    if schema is None or "body" not in parts:
        raise Refused(Reason.SCHEMA, manifest.message_id)
    try:
        return schema.model_validate_json(parts["body"]).model_dump()
    except SchemaError as error:
        raise Refused(Reason.SCHEMA, manifest.message_id) from error


def receipt_sign(
    *,
    evidence: Evidence,
    issuer: str,
    issued_at: datetime.datetime,
    message_id: str | None,
    package_sha256: str,
    signing_key: OKPKey,
    reason: Reason | None = None,
) -> str:
    claims: dict[str, Any] = {
        "format": RECEIPT_FORMAT,
        "evidence": evidence.value,
        "issuer": issuer,
        "issued_at": instant(issued_at),
        "message_id": message_id,
        "package_sha256": package_sha256,
    }
    if reason is not None:
        claims["reason"] = reason.value
    return jws.serialize_compact(
        {"alg": "Ed25519", "kid": signing_key.thumbprint(), "typ": "comity-receipt+jws"},
        rfc8785.dumps(claims),
        signing_key,
        algorithms=SIGNING,
    )


def receipt_verify(token: str, sender_key: Callable[[str], SenderKey | None]) -> dict[str, Any]:
    """A receipt's claims once its signature is verified by a trusted peer's key naming itself as
    the issuer; Refused otherwise."""
    signer = sender_key(jose_header(token)["kid"])
    if signer is None:
        raise Refused(Reason.UNTRUSTED_KEY)
    try:
        claims = json.loads(jws.deserialize_compact(token, signer.key, algorithms=SIGNING).payload)
    except BadSignatureError as error:
        raise Refused(Reason.BAD_SIGNATURE) from error
    except (JoseError, ValueError) as error:
        raise Refused(Reason.MALFORMED) from error
    if (
        not isinstance(claims, dict)
        or claims.get("format") != RECEIPT_FORMAT
        or claims.get("issuer") != signer.deployment
    ):
        raise Refused(Reason.MALFORMED)
    return claims
