"""Appending to the transparency log: validate, canonicalise, hash, extend the tree, sign.

Every append runs in one transaction that holds the ledger's lock row, so concurrent writers
queue instead of forking the tree, and a crash leaves the old tree or the new one, never half.
"""

import datetime
import json
import re
import time
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

import rfc8785
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comity.accounts.models import User
from comity.core import messages
from comity.core.choices import AuditAction
from comity.core.dates import implausible
from comity.core.errors import FieldErrors
from comity.core.limits import control_character
from comity.core.numbers import amount_out_of_range
from comity.core.policy import require_writer
from comity.core.services import audit
from comity.ledger import merkle
from comity.ledger.choices import EntryKind
from comity.ledger.models import LedgerEntry, LedgerNode, LedgerState, TreeHead
from comity.ledger.note import (
    Checkpoint,
    NoteError,
    Signer,
    generate_signer,
    parse_private_key,
    write_key_file,
)

SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")
MAX_TEXT = 2000


class LedgerNotInitialised(RuntimeError):
    pass


def ensure_key() -> tuple[Signer, bool]:
    """The signing key, created at COMITY_LEDGER_KEY_FILE if there is none; True when created."""
    path = Path(settings.COMITY_LEDGER_KEY_FILE)
    if path.exists():
        return signer(), False
    created = generate_signer(settings.COMITY_LEDGER_ORIGIN)
    write_key_file(path, created)
    return created, True


@lru_cache(maxsize=4)
def _signer_from(path: Path, mtime: float) -> Signer:
    return parse_private_key(path.read_text())


def signer() -> Signer:
    path = Path(settings.COMITY_LEDGER_KEY_FILE)
    try:
        loaded = _signer_from(path, path.stat().st_mtime)
    except FileNotFoundError as error:
        raise LedgerNotInitialised(
            f"The ledger has no signing key at {path}: run `comity ledger init` first."
        ) from error
    except NoteError as error:
        raise LedgerNotInitialised(f"The ledger key at {path} is not valid: {error}") from error
    if loaded.name != settings.COMITY_LEDGER_ORIGIN:
        raise LedgerNotInitialised(
            f"The ledger key is named {loaded.name!r} but the origin is {settings.COMITY_LEDGER_ORIGIN!r}."
        )
    return loaded


# --- validation -------------------------------------------------------------------------------


def _amount(errors: FieldErrors, field: str, value: Any) -> str:
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        errors.add(field, messages.not_an_amount(value))
        return ""
    if not amount.is_finite() or amount <= 0:
        errors.add(field, _("An amount is a positive number."))
    elif too_large := amount_out_of_range(amount):
        errors.add(field, too_large)
        return ""
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -4:
        errors.add(field, _("An amount has at most four decimals."))
        return ""
    return f"{amount:f}"


def _currency(errors: FieldErrors, field: str, value: Any) -> str:
    code = str(value or "").upper()
    errors.currency(field, code)
    return code


def _date(errors: FieldErrors, field: str, value: Any) -> str:
    if isinstance(value, datetime.date):
        day = value
    else:
        try:
            day = datetime.date.fromisoformat(str(value))
        except ValueError:
            errors.add(field, messages.not_a_date(value))
            return ""
    if (message := implausible(day, timezone.localdate())) is not None:
        errors.add(field, message)
    return day.isoformat()


def _text(errors: FieldErrors, field: str, value: Any, required: bool = True) -> str:
    text = str(value or "").strip()
    if required:
        errors.required(field, text)
    if len(text) > MAX_TEXT:
        errors.add(field, _("At most %(n)d characters.") % {"n": MAX_TEXT})
    if (control := control_character(text, multiline=True)) is not None:
        errors.add(field, control)
    return text


def agreement_content(data: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    errors = FieldErrors()
    returning = str(data.get("returning_state", "")).upper()
    receiving = str(data.get("receiving_state", "")).upper()
    for field, code in (("returning_state", returning), ("receiving_state", receiving)):
        errors.country(field, code)
    if returning and returning == receiving:
        errors.add("receiving_state", _("The receiving State differs from the returning one."))
    content = {
        "type": EntryKind.RETURN_AGREEMENT.value,
        "title": _text(errors, "title", data.get("title")),
        "returning_state": returning,
        "receiving_state": receiving,
        "signed_on": _date(errors, "signed_on", data.get("signed_on")),
        "amount": _amount(errors, "amount", data.get("amount")),
        "currency": _currency(errors, "currency", data.get("currency")),
        "purpose": _text(errors, "purpose", data.get("purpose")),
        "monitoring_body": _text(errors, "monitoring_body", data.get("monitoring_body"), required=False),
    }
    return content, errors


def _evidence(errors: FieldErrors, items: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    evidence = []
    for position, item in enumerate(items):
        digest = str(item.get("sha256", "")).lower()
        if not SHA256_HEX.match(digest):
            errors.add(f"evidence.{position}.sha256", _("A SHA-256 is 64 hexadecimal characters."))
        evidence.append(
            {
                "description": _text(errors, f"evidence.{position}.description", item.get("description")),
                "sha256": digest,
            }
        )
    return evidence


def disbursement_content(
    data: Mapping[str, Any], agreement: Mapping[str, Any], agreement_index: int
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    errors = FieldErrors()
    currency = _currency(errors, "currency", data.get("currency"))
    if currency and "currency" not in errors and currency != agreement["currency"]:
        errors.add(
            "currency",
            _("Disbursements are recorded in the agreement's currency, %(currency)s.")
            % {"currency": agreement["currency"]},
        )
    content = {
        "type": EntryKind.DISBURSEMENT.value,
        "agreement": agreement_index,
        "date": _date(errors, "date", data.get("date")),
        "amount": _amount(errors, "amount", data.get("amount")),
        "currency": currency,
        "recipient": _text(errors, "recipient", data.get("recipient")),
        "purpose": _text(errors, "purpose", data.get("purpose")),
        "evidence": _evidence(errors, data.get("evidence") or []),
    }
    if content["date"] and agreement["signed_on"] and content["date"] < agreement["signed_on"]:
        errors.add(
            "date",
            _("A disbursement follows the agreement (signed %(date)s).") % {"date": agreement["signed_on"]},
        )
    return content, errors


# --- the tree ---------------------------------------------------------------------------------


def _frontier(size: int) -> list[merkle.Node]:
    """The complete subtrees that make a tree of `size` leaves, left to right."""
    return merkle.range_nodes(0, size)


def _append_locked(contents: Sequence[dict[str, Any]], *, actor: User | None) -> list[LedgerEntry]:
    LedgerState.objects.get_or_create(pk=1)  # made by a migration, but `flush` empties it too
    state = LedgerState.objects.select_for_update().get(pk=1)
    size = state.tree_size
    frontier = _frontier(size)
    known: dict[merkle.Node, bytes] = {
        (node.level, node.index): bytes(node.hash) for node in LedgerNode.objects.filter(pk__in=frontier)
    }
    if len(known) != len(frontier):
        raise RuntimeError("The ledger's stored nodes do not match its size; run `comity ledger check`.")
    entries: list[LedgerEntry] = []
    new_nodes: list[LedgerNode] = []
    logged_at = timezone.now().replace(microsecond=0).isoformat().replace("+00:00", "Z")
    for content in contents:
        index = size + len(entries)
        leaf_input = rfc8785.dumps(content | {"logged_at": logged_at})
        digest = merkle.leaf_hash(leaf_input)
        entries.append(
            LedgerEntry(
                leaf_index=index,
                kind=content["type"],
                leaf_input=leaf_input,
                leaf_hash=digest,
                recorded_by=actor,
                agreement_index=content.get("agreement", index),
                corrects_index=content.get("corrects"),
            )
        )
        level, position, value = 0, index, digest
        known[(0, index)] = value
        new_nodes.append(LedgerNode(level=0, index=index, hash=value))
        while position & 1:  # this leaf completes a subtree: hash it with its left sibling
            value = merkle.node_hash(known[(level, position - 1)], value)
            level, position = level + 1, position >> 1
            known[(level, position)] = value
            new_nodes.append(LedgerNode(level=level, index=position, hash=value))
    new_size = size + len(entries)
    root = merkle.fold([known[node] for node in _frontier(new_size)])
    LedgerEntry.objects.bulk_create(entries, batch_size=2000)
    LedgerNode.objects.bulk_create(new_nodes, batch_size=2000)
    checkpoint = Checkpoint(settings.COMITY_LEDGER_ORIGIN, new_size, root)
    TreeHead.objects.create(
        tree_size=new_size,
        root_hash=root,
        timestamp=int(time.time() * 1000),
        checkpoint=signer().sign(checkpoint.text()),
    )
    state.tree_size = new_size
    state.save(update_fields=["tree_size"])
    return entries


@transaction.atomic
def append_entries(contents: Sequence[dict[str, Any]], *, actor: User | None) -> list[LedgerEntry]:
    """Append already-validated contents as one batch with one new signed tree head (demo, bench)."""
    signer()  # fail before taking the lock if the key is missing
    return _append_locked(contents, actor=actor)


# --- recording by officers --------------------------------------------------------------------


def entry_content(entry: LedgerEntry) -> dict[str, Any]:
    return json.loads(bytes(entry.leaf_input))


def _require_party(actor: User, states: Sequence[str]) -> None:
    require_writer(
        actor,
        _("Only officers of a party to the agreement may record in the ledger."),
        [actor.authority_id] if actor.authority is not None and actor.authority.country in states else [],
    )


def _agreement(index: Any) -> tuple[int, dict[str, Any]]:
    entry = (
        LedgerEntry.objects.filter(leaf_index=index, kind=EntryKind.RETURN_AGREEMENT).first()
        if isinstance(index, int) and index >= 0
        else None
    )
    if entry is None:
        raise ValidationError(
            {"agreement": [_("No return agreement is entry %(index)s of the ledger.") % {"index": index}]}
        )
    return entry.leaf_index, entry_content(entry)


@transaction.atomic
def agreement_record(*, actor: User, data: Mapping[str, Any]) -> LedgerEntry:
    content, errors = agreement_content(data)
    if errors:
        raise ValidationError(errors)
    _require_party(actor, [content["returning_state"], content["receiving_state"]])
    [entry] = _append_locked([content], actor=actor)
    audit(actor=actor, action=AuditAction.LEDGER_AGREEMENT, obj=entry)
    return entry


@transaction.atomic
def disbursement_record(*, actor: User, agreement_index: int, data: Mapping[str, Any]) -> LedgerEntry:
    index, agreement = _agreement(agreement_index)
    _require_party(actor, [agreement["returning_state"], agreement["receiving_state"]])
    content, errors = disbursement_content(data, agreement, index)
    if errors:
        raise ValidationError(errors)
    [entry] = _append_locked([content], actor=actor)
    audit(actor=actor, action=AuditAction.LEDGER_DISBURSEMENT, obj=entry)
    return entry


@transaction.atomic
def correction_record(
    *, actor: User, corrects: int, reason: str, replacement: Mapping[str, Any] | None
) -> LedgerEntry:
    """Record that entry `corrects` should read as `replacement` (or is void when None)."""
    target = (
        LedgerEntry.objects.filter(leaf_index=corrects).exclude(kind=EntryKind.CORRECTION).first()
        if isinstance(corrects, int) and corrects >= 0
        else None
    )
    if target is None:
        raise ValidationError(
            {
                "corrects": [
                    _("No agreement or disbursement is entry %(index)s of the ledger.") % {"index": corrects}
                ]
            }
        )
    agreement_index, agreement = _agreement(target.agreement_index)
    _require_party(actor, [agreement["returning_state"], agreement["receiving_state"]])
    errors = FieldErrors()
    reason = _text(errors, "reason", reason)
    corrected: dict[str, Any] | None = None
    if replacement is not None:
        if target.kind == EntryKind.RETURN_AGREEMENT:
            corrected, replacement_errors = agreement_content(replacement)
        else:
            corrected, replacement_errors = disbursement_content(replacement, agreement, agreement_index)
        errors |= {f"replacement.{field}": messages for field, messages in replacement_errors.items()}
    if errors:
        raise ValidationError(errors)
    content = {
        "type": EntryKind.CORRECTION.value,
        "corrects": target.leaf_index,
        "agreement": agreement_index,
        "reason": reason,
        "replacement": corrected,
    }
    [entry] = _append_locked([content], actor=actor)
    audit(actor=actor, action=AuditAction.LEDGER_CORRECTION, obj=entry)
    return entry
