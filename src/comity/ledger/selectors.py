"""Public reads of the transparency log. Everything here is public by design: no scoping."""

import base64
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from comity.ledger import merkle
from comity.ledger.choices import EntryKind
from comity.ledger.models import LedgerEntry, LedgerNode, TreeHead
from comity.ledger.services import entry_content

MAX_ENTRIES_PER_CALL = 1000


def latest_tree_head() -> TreeHead | None:
    return TreeHead.objects.order_by("-tree_size").first()


def tree_size() -> int:
    head = latest_tree_head()
    return head.tree_size if head else 0


def b64(value: bytes) -> str:
    return base64.b64encode(value).decode()


def entries_between(start: int, end: int) -> list[LedgerEntry]:
    """Entries start..end inclusive, as CT's get-entries; fewer when the range is long."""
    size = tree_size()
    if start < 0 or end < 0:
        raise ValidationError({"start": [_("Indexes start at 0.")]})
    if start > end:
        raise ValidationError(
            {"start": [_("start (%(start)d) is after end (%(end)d).") % {"start": start, "end": end}]}
        )
    if start >= size:
        raise ValidationError(
            {
                "start": [
                    _("The log has %(size)d entries; the last is %(last)d.")
                    % {"size": size, "last": size - 1}
                ]
            }
        )
    end = min(end, size - 1, start + MAX_ENTRIES_PER_CALL - 1)
    return list(LedgerEntry.objects.filter(leaf_index__gte=start, leaf_index__lte=end).order_by("leaf_index"))


def _hashes(ranges: list[merkle.Range]) -> list[bytes]:
    needed = merkle.nodes_for(ranges)
    stored = {(n.level, n.index): bytes(n.hash) for n in LedgerNode.objects.filter(pk__in=sorted(needed))}
    return [merkle.range_hash(start, end, stored.__getitem__) for start, end in ranges]


def _check_size(name: str, value: int) -> None:
    size = tree_size()
    if not 0 < value <= size:
        raise ValidationError(
            {
                name: [
                    _("%(name)s must be between 1 and the tree size, %(size)d.")
                    % {"name": name, "size": size}
                ]
            }
        )


def inclusion_proof(leaf_index: int, size: int) -> list[bytes]:
    _check_size("tree_size", size)
    if not 0 <= leaf_index < size:
        raise ValidationError(
            {"leaf_index": [_("leaf_index must be below tree_size (%(size)d).") % {"size": size}]}
        )
    return _hashes(merkle.inclusion_ranges(leaf_index, size))


def consistency_proof(first: int, second: int) -> list[bytes]:
    _check_size("first", first)
    _check_size("second", second)
    if first > second:
        raise ValidationError({"first": [_("first must not be larger than second.")]})
    return [] if first == second else _hashes(merkle.consistency_ranges(first, second))


def tree_head_json(head: TreeHead | None) -> dict[str, Any]:
    if head is None:
        return {"tree_size": 0, "root_hash": b64(merkle.EMPTY_ROOT), "timestamp": None, "checkpoint": None}
    return {
        "tree_size": head.tree_size,
        "root_hash": b64(bytes(head.root_hash)),
        "timestamp": head.timestamp,
        "checkpoint": head.checkpoint,
    }


@dataclass
class Disbursement:
    index: int
    content: dict[str, Any]
    corrections: list[int] = field(default_factory=list)
    void: bool = False


@dataclass
class Agreement:
    """A return agreement as its latest corrections make it read, with its disbursements."""

    index: int
    content: dict[str, Any]
    corrections: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    disbursements: list[Disbursement] = field(default_factory=list)

    @property
    def amount(self) -> Decimal:
        return Decimal(self.content["amount"])

    @property
    def disbursed(self) -> Decimal:
        return sum((Decimal(d.content["amount"]) for d in self.disbursements if not d.void), Decimal(0))

    @property
    def share_disbursed(self) -> float:
        return float(self.disbursed / self.amount) if self.amount else 0.0

    @property
    def entry_indexes(self) -> list[int]:
        return sorted(
            [self.index, *(d.index for d in self.disbursements), *(i for i, _c in self.corrections)]
        )


def _assemble(entries: list[LedgerEntry]) -> dict[int, Agreement]:
    agreements: dict[int, Agreement] = {}
    disbursements: dict[int, Disbursement] = {}
    for entry in sorted(entries, key=lambda e: e.leaf_index):
        content = entry_content(entry)
        if entry.kind == EntryKind.RETURN_AGREEMENT:
            agreements[entry.leaf_index] = Agreement(entry.leaf_index, content)
        elif entry.kind == EntryKind.DISBURSEMENT:
            disbursement = Disbursement(entry.leaf_index, content)
            disbursements[entry.leaf_index] = disbursement
            agreements[entry.agreement_index].disbursements.append(disbursement)
        else:
            agreement = agreements[entry.agreement_index]
            agreement.corrections.append((entry.leaf_index, content))
            replacement = content["replacement"]
            if content["corrects"] == agreement.index:
                agreement.content = replacement or agreement.content
            else:
                corrected = disbursements[content["corrects"]]
                corrected.corrections.append(entry.leaf_index)
                corrected.void = replacement is None
                corrected.content = replacement or corrected.content
    return agreements


def agreement_list() -> list[Agreement]:
    return sorted(
        _assemble(list(LedgerEntry.objects.all())).values(),
        key=lambda a: a.content["signed_on"],
        reverse=True,
    )


def agreement_detail(index: int) -> Agreement:
    entries = list(LedgerEntry.objects.filter(agreement_index=index))
    agreement = _assemble(entries).get(index)
    if agreement is None:
        raise Http404
    return agreement
