"""`comity ledger check`: recompute this server's log from its own entries in one streaming pass
and check every signed tree head it ever published (an operator's fsck)."""

from dataclasses import dataclass

from comity.ledger import merkle
from comity.ledger.models import LedgerEntry, LedgerNode, LedgerState, TreeHead
from comity.ledger.note import NoteError, Verifier, open_note, parse_checkpoint, parse_verifier_key
from comity.ledger.services import signer
from comity.ledger.verifier import VerifyError


@dataclass
class CheckResult:
    tree_size: int
    heads: int


def _root(stack: list[tuple[int, bytes]]) -> bytes:
    return merkle.fold([value for _level, value in stack])


def check_local() -> CheckResult:
    verifier = parse_verifier_key(signer().verifier_key)
    heads = {h.tree_size: h for h in TreeHead.objects.all()}
    stack: list[tuple[int, bytes]] = []  # the frontier: (level, hash) of complete subtrees
    size = 0
    entries = LedgerEntry.objects.order_by("leaf_index").values_list("leaf_index", "leaf_input", "leaf_hash")
    for index, leaf_input, stored_hash in entries.iterator(chunk_size=5000):
        if index != size:
            raise VerifyError(f"entry {size} is missing (found {index})")
        value = merkle.leaf_hash(bytes(leaf_input))
        if value != bytes(stored_hash):
            raise VerifyError(f"entry {index}: its stored hash is not the hash of its leaf input")
        level = 0
        while stack and stack[-1][0] == level:
            value = merkle.node_hash(stack.pop()[1], value)
            level += 1
        stack.append((level, value))
        size += 1
        if size in heads:
            _check_head(heads.pop(size), _root(stack), verifier)
    if heads:
        raise VerifyError(f"signed tree heads for sizes beyond the entries: {sorted(heads)[:5]}")
    state = LedgerState.objects.get(pk=1)
    if state.tree_size != size:
        raise VerifyError(f"the ledger state says {state.tree_size} entries, the log has {size}")
    frontier = merkle.range_nodes(0, size)
    stored = {(n.level, n.index): bytes(n.hash) for n in LedgerNode.objects.filter(pk__in=frontier)}
    if size and merkle.fold([stored.get(node, b"") for node in frontier]) != _root(stack):
        raise VerifyError("the stored subtree hashes do not make the recomputed root")
    return CheckResult(size, TreeHead.objects.count())


def _check_head(head: TreeHead, root: bytes, verifier: Verifier) -> None:
    try:
        checkpoint = parse_checkpoint(open_note(head.checkpoint, verifier))
    except NoteError as error:
        raise VerifyError(f"the signed tree head of size {head.tree_size}: {error}") from error
    if (checkpoint.size, checkpoint.root_hash, bytes(head.root_hash)) != (head.tree_size, root, root):
        raise VerifyError(f"the signed tree head of size {head.tree_size} does not match the entries")
