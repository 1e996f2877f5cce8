"""The public transparency log of returned assets: an append-only RFC 9162 Merkle tree.

Nothing here is ever updated or deleted. A wrong entry is corrected by a later entry that
references it, so anyone holding an earlier signed tree head can check that the log only grew.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from comity.ledger.choices import EntryKind


class LedgerEntry(models.Model):
    """One leaf: a return agreement, a disbursement under one, or a correction of an entry.

    `leaf_input` is the entry's canonical JSON (RFC 8785), the exact bytes that are hashed;
    the other columns are indexes into it for the public pages.
    """

    leaf_index = models.PositiveBigIntegerField(primary_key=True)
    kind = models.CharField(max_length=32, choices=EntryKind.choices)
    agreement_index = models.PositiveBigIntegerField(db_index=True)
    corrects_index = models.PositiveBigIntegerField(null=True, blank=True)
    leaf_input = models.BinaryField()
    leaf_hash = models.BinaryField(max_length=32)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")

    def __str__(self) -> str:
        return f"#{self.leaf_index} {self.kind}"


class LedgerNode(models.Model):
    """The hash of one complete subtree: level L, index i covers leaves [i·2^L, (i+1)·2^L).

    Stored once complete and never changed, so any root or proof reads O(log n) of them.
    """

    pk = models.CompositePrimaryKey("level", "index")
    level = models.PositiveSmallIntegerField()
    index = models.PositiveBigIntegerField()
    hash = models.BinaryField(max_length=32)

    def __str__(self) -> str:
        return f"({self.level}, {self.index})"


class TreeHead(models.Model):
    """A signed tree head: the log's size and root at one moment, as a C2SP signed checkpoint."""

    tree_size = models.PositiveBigIntegerField(primary_key=True)
    root_hash = models.BinaryField(max_length=32)
    timestamp = models.PositiveBigIntegerField(help_text=_("Milliseconds since 1970-01-01 UTC"))
    checkpoint = models.TextField()

    def __str__(self) -> str:
        return f"STH {self.tree_size}"


class LedgerState(models.Model):
    """The one row that appends lock, so that two writers cannot fork the tree."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    tree_size = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="ledger_state_single_row")]

    def __str__(self) -> str:
        return f"ledger of {self.tree_size} entries"
