"""Checking a Comity ledger from the outside, over its public HTTP API only.

`verify` downloads every entry, recomputes the tree, checks the signed checkpoint and the
server's proofs against it; `monitor` remembers the last checkpoint it saw and proves that the
next one extends it. Neither trusts the server's database: only bytes, hashes and signatures.
"""

import base64
import json
import os
import random
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import rfc8785

from comity.ledger import merkle
from comity.ledger.note import (
    Checkpoint,
    NoteError,
    Verifier,
    open_note,
    parse_checkpoint,
    parse_verifier_key,
)

PAGE = 1000
SAMPLE = 256


class VerifyError(Exception):
    """The log failed a check; the message says which."""


class Client:
    def __init__(self, url: str, timeout: float = 30) -> None:
        self.base = url.rstrip("/")
        self.timeout = timeout

    def _get(self, path: str, params: dict[str, Any] | None = None) -> bytes:
        url = f"{self.base}/api/v1/ledger/{path}" + (f"?{urllib.parse.urlencode(params)}" if params else "")
        request = urllib.request.Request(url, headers={"User-Agent": "comity-ledger-verifier"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.read()
        except urllib.error.HTTPError as error:
            raise VerifyError(
                f"{url} answered {error.code}: {error.read()[:300].decode(errors='replace')}"
            ) from error
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise VerifyError(f"cannot reach {url}: {error}") from error

    def json(self, path: str, **params: Any) -> Any:
        try:
            return json.loads(self._get(path, params))
        except ValueError as error:
            raise VerifyError(f"{path} did not answer JSON") from error

    def text(self, path: str) -> str:
        return self._get(path).decode()


def _b64(value: str, what: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except (ValueError, TypeError) as error:
        raise VerifyError(f"{what} is not base64") from error


def signed_checkpoint(client: Client, verifier: Verifier) -> tuple[Checkpoint, str]:
    note = client.text("checkpoint")
    try:
        checkpoint = parse_checkpoint(open_note(note, verifier))
    except NoteError as error:
        raise VerifyError(f"the checkpoint does not verify: {error}") from error
    if checkpoint.origin != verifier.name:
        raise VerifyError(
            f"the checkpoint's origin {checkpoint.origin!r} is not the key's name {verifier.name!r}"
        )
    return checkpoint, note


def verifier_key(client: Client, pinned: str | None) -> tuple[Verifier, bool]:
    """The key to check signatures with, and whether it came from the caller rather than the server."""
    text = pinned or client.text("public-key")
    try:
        return parse_verifier_key(text), bool(pinned)
    except NoteError as error:
        raise VerifyError(f"bad verifier key: {error}") from error


def iter_entries(client: Client, size: int) -> Iterator[tuple[int, bytes, dict]]:
    start = 0
    while start < size:
        page = client.json("entries", start=start, end=min(size, start + PAGE) - 1)["entries"]
        if not page:
            raise VerifyError(f"the server returned no entries from {start}")
        for item in page:
            if item["leaf_index"] != start:
                raise VerifyError(f"expected entry {start}, got {item['leaf_index']}")
            yield start, _b64(item["leaf_input"], f"leaf_input of entry {start}"), item["entry"]
            start += 1


def _check_content(index: int, leaf_input: bytes, decoded: dict, kinds: dict[int, str]) -> str:
    content = json.loads(leaf_input)
    if content != decoded:
        raise VerifyError(f"entry {index}: the decoded entry differs from its leaf input")
    if rfc8785.dumps(content) != leaf_input:
        raise VerifyError(f"entry {index}: the leaf input is not canonical JSON (RFC 8785)")
    kind = content.get("type")
    if kind == "disbursement" and kinds.get(content.get("agreement")) != "return-agreement":
        raise VerifyError(f"entry {index}: a disbursement under {content.get('agreement')}, not an agreement")
    if kind == "correction" and kinds.get(content.get("corrects")) not in (
        "return-agreement",
        "disbursement",
    ):
        raise VerifyError(
            f"entry {index}: a correction of {content.get('corrects')}, which it cannot correct"
        )
    if kind not in ("return-agreement", "disbursement", "correction"):
        raise VerifyError(f"entry {index}: unknown entry type {kind!r}")
    for part in (content, content.get("replacement") or {}):
        if "amount" in part:
            try:
                if Decimal(part["amount"]) <= 0:
                    raise VerifyError(f"entry {index}: an amount that is not positive")
            except InvalidOperation as error:
                raise VerifyError(f"entry {index}: an amount that is not a number") from error
    return kind


@dataclass
class Report:
    tree_size: int
    root_hash: str
    inclusion_checked: int
    consistency_checked: int
    key_pinned: bool


def verify(
    url: str,
    *,
    key: str | None = None,
    all_proofs: bool = False,
    progress: Callable[[str], None] = lambda message: None,
) -> Report:
    client = Client(url)
    verifier, pinned = verifier_key(client, key)
    checkpoint, note = signed_checkpoint(client, verifier)
    head = client.json("sth")
    if (head["tree_size"], head["root_hash"], head["checkpoint"]) != (
        checkpoint.size,
        base64.b64encode(checkpoint.root_hash).decode(),
        note,
    ):
        raise VerifyError("/sth and /checkpoint disagree")

    hashes: list[bytes] = []
    kinds: dict[int, str] = {}
    for index, leaf_input, decoded in iter_entries(client, checkpoint.size):
        kinds[index] = _check_content(index, leaf_input, decoded, kinds)
        hashes.append(merkle.leaf_hash(leaf_input))
        if index % 10000 == 9999:
            progress(f"entries: {index + 1}/{checkpoint.size}")
    nodes = merkle.build_nodes(hashes)
    root = merkle.range_hash(0, len(hashes), nodes.__getitem__)
    if root != checkpoint.root_hash:
        raise VerifyError("the root recomputed from the entries is not the signed root")

    rng = random.Random(checkpoint.size)
    size = checkpoint.size
    leaves = (
        range(size)
        if all_proofs or size <= SAMPLE
        else sorted({0, size - 1, *rng.sample(range(size), SAMPLE)})
    )
    for index in leaves:
        proof = client.json("proof/inclusion", leaf_index=index, tree_size=size)["audit_path"]
        try:
            merkle.verify_inclusion(
                index, size, hashes[index], [_b64(p, "a proof hash") for p in proof], root
            )
        except merkle.ProofError as error:
            raise VerifyError(f"inclusion proof of entry {index}: {error}") from error
    earlier = sorted(
        {
            1,
            size - 1,
            *(1 << b for b in range(size.bit_length())),
            *rng.sample(range(1, size + 1), min(size, 32)),
        }
        & set(range(1, size))
    )
    for first in earlier:
        proof = client.json("proof/consistency", first=first, second=size)["consistency"]
        first_root = merkle.range_hash(0, first, nodes.__getitem__)
        try:
            merkle.verify_consistency(first, size, first_root, root, [_b64(p, "a proof hash") for p in proof])
        except merkle.ProofError as error:
            raise VerifyError(f"consistency proof {first}→{size}: {error}") from error
    return Report(size, base64.b64encode(root).decode(), len(leaves), len(earlier), pinned)


@dataclass
class MonitorState:
    url: str
    verifier_key: str
    tree_size: int
    root_hash: str
    checkpoint: str


def monitor(
    url: str, state_file: Path, *, key: str | None = None
) -> tuple[MonitorState | None, MonitorState]:
    """Check the log's newest checkpoint against the one remembered in `state_file`, then remember it."""
    client = Client(url)
    previous = None
    if state_file.exists():
        try:
            previous = MonitorState(**json.loads(state_file.read_text()))
        except (ValueError, TypeError) as error:
            raise VerifyError(f"the state file {state_file} is not a monitor state") from error
        if key and key.strip() != previous.verifier_key:
            raise VerifyError("the key given differs from the one the state file was started with")
        key = previous.verifier_key
    verifier, _pinned = verifier_key(client, key)
    checkpoint, note = signed_checkpoint(client, verifier)
    current = MonitorState(
        url,
        key.strip() if key else client.text("public-key").strip(),
        checkpoint.size,
        base64.b64encode(checkpoint.root_hash).decode(),
        note,
    )
    if previous is not None:
        old_root = base64.b64decode(previous.root_hash)
        if checkpoint.size < previous.tree_size:
            raise VerifyError(f"ALERT: the log shrank from {previous.tree_size} to {checkpoint.size} entries")
        if checkpoint.size == previous.tree_size and checkpoint.root_hash != old_root:
            raise VerifyError(f"ALERT: fork: two different roots for size {checkpoint.size}")
        if checkpoint.size > previous.tree_size > 0:
            proof = client.json("proof/consistency", first=previous.tree_size, second=checkpoint.size)[
                "consistency"
            ]
            try:
                merkle.verify_consistency(
                    previous.tree_size,
                    checkpoint.size,
                    old_root,
                    checkpoint.root_hash,
                    [_b64(p, "a proof hash") for p in proof],
                )
            except merkle.ProofError as error:
                raise VerifyError(
                    f"ALERT: the log was rewritten: size {previous.tree_size} is not a prefix of "
                    f"size {checkpoint.size} ({error})"
                ) from error
    temporary = state_file.with_name(state_file.name + ".tmp")
    temporary.write_text(json.dumps(asdict(current), indent=2))
    os.replace(temporary, state_file)
    return previous, current
