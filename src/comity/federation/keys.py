"""This deployment's federation keys (ADR 11): made once, kept in files, never in the database.

The signing key is Ed25519, the encryption key X25519; both are PKCS#8 PEM files readable by their
owner only. A key is named by its RFC 7638 thumbprint (`kid`).
"""

import hashlib
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import rfc8785
from django.conf import settings
from joserfc.errors import JoseError
from joserfc.jwk import OKPKey

KEY_DOCUMENT_FORMAT = "comity-federation-key/1"


class KeysMissing(RuntimeError):
    """The deployment has no federation keys yet (`comity federation init` makes them)."""


@dataclass(frozen=True)
class DeploymentKeys:
    signing: OKPKey
    encryption: OKPKey

    @property
    def signing_kid(self) -> str:
        return self.signing.thumbprint()

    @property
    def encryption_kid(self) -> str:
        return self.encryption.thumbprint()


def public_jwk(key: OKPKey, *, use: str, status: str = "current") -> dict[str, str]:
    """The public half of a key as a JWK, named by its thumbprint."""
    jwk: dict[str, str] = {str(k): str(v) for k, v in key.as_dict(private=False).items()}
    return {**jwk, "kid": key.thumbprint(), "use": use, "status": status}


def _write_new(path: Path, pem: bytes) -> None:
    """Create the key file, readable by its owner only; never overwrite an existing key."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)


def key_files() -> tuple[Path, Path]:
    return (
        Path(settings.COMITY_FEDERATION_SIGNING_KEY_FILE),
        Path(settings.COMITY_FEDERATION_ENCRYPTION_KEY_FILE),
    )


def name_write(name: str) -> None:
    """This deployment's name in its data folder, beside its keys, where the settings find it for
    the cookies' names (they are read before the database is); the next start uses it."""
    path = Path(settings.COMITY_DEPLOYMENT_NAME_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(name + "\n")


def generate() -> tuple[DeploymentKeys, bool]:
    """The deployment's keys, generated into their files if neither exists; True when generated.
    One file without the other is a damaged installation, refused rather than half-repaired."""
    signing_file, encryption_file = key_files()
    if signing_file.exists() and encryption_file.exists():
        return load(), False
    if signing_file.exists() or encryption_file.exists():
        raise KeysMissing(
            f"Only one of {signing_file} and {encryption_file} exists: restore the other from "
            "your copy, or move both away to make new keys (peers must then trust the new ones)."
        )
    signing = OKPKey.generate_key("Ed25519", private=True)
    encryption = OKPKey.generate_key("X25519", private=True)
    _write_new(signing_file, signing.as_pem(private=True))
    _write_new(encryption_file, encryption.as_pem(private=True))
    return DeploymentKeys(signing=signing, encryption=encryption), True


@lru_cache(maxsize=8)
def _key_from(path: Path, mtime: float, curve: str) -> OKPKey:
    key = OKPKey.import_key(path.read_bytes())
    if key.curve_name != curve or not key.is_private:
        raise KeysMissing(f"{path} does not hold a private {curve} key.")
    return key


def load() -> DeploymentKeys:
    signing_file, encryption_file = key_files()
    try:
        return DeploymentKeys(
            signing=_key_from(signing_file, signing_file.stat().st_mtime, "Ed25519"),
            encryption=_key_from(encryption_file, encryption_file.stat().st_mtime, "X25519"),
        )
    except FileNotFoundError as error:
        raise KeysMissing(
            f"This deployment has no federation key at {error.filename}: "
            "run `comity federation init --name NAME --url URL` first."
        ) from error
    except (ValueError, JoseError) as error:
        raise KeysMissing(f"A federation key file is not a valid key: {type(error).__name__}") from error


def fingerprint(document: dict[str, Any]) -> str:
    """SHA-256 of the canonical identity part of a key document (name, URL, keys; not the
    authorities), in groups of four hex digits to read aloud."""
    identity = {"name": document["name"], "url": document["url"], "keys": document["keys"]}
    digest = hashlib.sha256(rfc8785.dumps(identity)).hexdigest()
    return " ".join(digest[i : i + 4] for i in range(0, len(digest), 4))


def _retired_files(current: Path) -> list[Path]:
    return sorted(current.parent.glob(f"{current.name}.retired-*"))


def retired_public_jwks() -> list[dict[str, str]]:
    """The public halves of the keys this deployment used before its last rotations: peers keep
    them to verify what was signed before."""
    signing_file, encryption_file = key_files()
    found = []
    for path, curve, use in ((signing_file, "Ed25519", "sig"), (encryption_file, "X25519", "enc")):
        for retired in _retired_files(path):
            key = _key_from(retired, retired.stat().st_mtime, curve)
            found.append(public_jwk(key, use=use, status="retired"))
    return found


def encryption_key(kid: str) -> OKPKey | None:
    """Our private encryption key named `kid`, current or retired (a peer may have sealed a
    package before it learnt of a rotation); None if it is not ours."""
    current = load().encryption
    if current.thumbprint() == kid:
        return current
    _, encryption_file = key_files()
    for retired in _retired_files(encryption_file):
        key = _key_from(retired, retired.stat().st_mtime, "X25519")
        if key.thumbprint() == kid:
            return key
    return None


def rotate() -> DeploymentKeys:
    """New current keys; the old files are kept beside them, renamed with their kid."""
    old = load()
    signing_file, encryption_file = key_files()
    signing_file.rename(signing_file.with_name(f"{signing_file.name}.retired-{old.signing_kid}"))
    encryption_file.rename(encryption_file.with_name(f"{encryption_file.name}.retired-{old.encryption_kid}"))
    return generate()[0]
