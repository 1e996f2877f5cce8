"""C2SP signed notes (Ed25519) and tlog checkpoints, as Go's golang.org/x/mod/sumdb/note reads them.

A verifier key is `name+hexkeyid+base64(0x01 || public key)`, a private key
`PRIVATE+KEY+name+hexkeyid+base64(0x01 || seed)`; the key id is the first four bytes of
SHA-256(name || "\\n" || 0x01 || public key). A signature line is
`— name base64(key id || Ed25519 signature of the note text)`.
"""

import base64
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ALG_ED25519 = b"\x01"
SIGNATURE_PREFIX = "— "  # an em dash and a space


class NoteError(ValueError):
    """A key, note or checkpoint that is malformed or does not verify."""


def _key_id(name: str, public: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + ALG_ED25519 + public).digest()[:4]


def _check_name(name: str) -> None:
    if not name or "+" in name or any(c.isspace() for c in name):
        raise NoteError(f"a key name has no '+' and no white space: {name!r}")


@dataclass(frozen=True)
class Signer:
    name: str
    private: Ed25519PrivateKey

    @property
    def public_bytes(self) -> bytes:
        return self.private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

    @property
    def key_id(self) -> bytes:
        return _key_id(self.name, self.public_bytes)

    @property
    def verifier_key(self) -> str:
        return f"{self.name}+{self.key_id.hex()}+{base64.b64encode(ALG_ED25519 + self.public_bytes).decode()}"

    def private_key_text(self) -> str:
        seed = self.private.private_bytes_raw()
        return f"PRIVATE+KEY+{self.name}+{self.key_id.hex()}+{base64.b64encode(ALG_ED25519 + seed).decode()}"

    def sign(self, text: str) -> str:
        """The signed note: `text` (ending in a newline), a blank line, the signature line."""
        if not text.endswith("\n"):
            raise NoteError("a note's text ends with a newline")
        signature = self.private.sign(text.encode())
        line = base64.b64encode(self.key_id + signature).decode()
        return f"{text}\n{SIGNATURE_PREFIX}{self.name} {line}\n"


def generate_signer(name: str) -> Signer:
    _check_name(name)
    return Signer(name, Ed25519PrivateKey.generate())


def parse_private_key(text: str) -> Signer:
    parts = text.strip().split("+", 4)  # the base64 key may itself contain '+'
    if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
        raise NoteError("not a signed-note private key (PRIVATE+KEY+name+id+key)")
    name, key_id, encoded = parts[2:]
    raw = base64.b64decode(encoded)
    if raw[:1] != ALG_ED25519 or len(raw) != 33:
        raise NoteError("not an Ed25519 private key")
    signer = Signer(name, Ed25519PrivateKey.from_private_bytes(raw[1:]))
    if signer.key_id.hex() != key_id:
        raise NoteError("the private key's id does not match its name and key")
    return signer


def write_key_file(path: Path, signer: Signer) -> None:
    """Create the key file, readable by its owner only; never overwrite an existing key."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(signer.private_key_text() + "\n")


@dataclass(frozen=True)
class Verifier:
    name: str
    key_id: bytes
    public: Ed25519PublicKey


def parse_verifier_key(text: str) -> Verifier:
    parts = text.strip().split("+", 2)
    if len(parts) != 3:
        raise NoteError("not a signed-note verifier key (name+id+key)")
    name, key_id, encoded = parts
    _check_name(name)
    try:
        raw = base64.b64decode(encoded, validate=True)
    except ValueError as error:
        raise NoteError("the verifier key is not base64") from error
    if raw[:1] != ALG_ED25519 or len(raw) != 33:
        raise NoteError("not an Ed25519 verifier key")
    if _key_id(name, raw[1:]).hex() != key_id:
        raise NoteError("the verifier key's id does not match its name and key")
    return Verifier(name, bytes.fromhex(key_id), Ed25519PublicKey.from_public_bytes(raw[1:]))


def open_note(note: str, verifier: Verifier) -> str:
    """The text of a signed note, if `verifier` signed it; else NoteError."""
    text, separator, signatures = note.rpartition("\n\n")
    if not separator or not signatures.endswith("\n"):
        raise NoteError("malformed signed note")
    text += "\n"
    for line in signatures[:-1].split("\n"):
        if not line.startswith(SIGNATURE_PREFIX):
            raise NoteError("malformed signature line")
        name, _space, encoded = line[len(SIGNATURE_PREFIX) :].partition(" ")
        try:
            raw = base64.b64decode(encoded, validate=True)
        except ValueError as error:
            raise NoteError("a signature is not base64") from error
        if name == verifier.name and raw[:4] == verifier.key_id:
            try:
                verifier.public.verify(raw[4:], text.encode())
            except InvalidSignature as error:
                raise NoteError("the note's signature does not verify") from error
            return text
    raise NoteError(f"the note carries no signature by {verifier.name}")


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root_hash: bytes

    def text(self) -> str:
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root_hash).decode()}\n"


def parse_checkpoint(text: str) -> Checkpoint:
    lines = text.split("\n")
    if len(lines) < 4 or lines[-1] != "":
        raise NoteError("a checkpoint has an origin, a size and a root hash, each on its line")
    origin, size, root = lines[:3]
    if not size.isdigit() or (size.startswith("0") and size != "0"):
        raise NoteError(f"the checkpoint's size is not a number: {size!r}")
    try:
        root_hash = base64.b64decode(root, validate=True)
    except ValueError as error:
        raise NoteError("the checkpoint's root hash is not base64") from error
    if len(root_hash) != 32:
        raise NoteError("the checkpoint's root hash is not 32 bytes")
    return Checkpoint(origin, int(size), root_hash)
