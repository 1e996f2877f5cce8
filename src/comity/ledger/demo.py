"""Synthetic return agreements and their disbursements, deterministic under a seed."""

import datetime
import hashlib
import random
from decimal import Decimal

from django.core.exceptions import ValidationError

from comity.ledger.choices import EntryKind
from comity.ledger.models import LedgerEntry
from comity.ledger.services import (
    agreement_content,
    append_entries,
    disbursement_content,
    ensure_key,
    entry_content,
)
from comity.reference.countries import country_name

DEMO_TODAY = datetime.date(2026, 11, 1)
BATCH = 40
# (returning State, receiving State, currency, amount, signed on, purpose, monitoring body, projects)
AGREEMENTS = [
    (
        "CH",
        "PE",
        "USD",
        "26000000",
        datetime.date(2020, 3, 5),
        "Strengthening of anti-corruption institutions and the rule of law",
        "Joint monitoring committee with civil society observers",
        [
            "Anti-corruption prosecutors' training",
            "Case management system for the judiciary",
            "Forensic accounting laboratory",
            "Asset management office equipment",
        ],
    ),
    (
        "GB",
        "NG",
        "GBP",
        "4200000",
        datetime.date(2021, 3, 15),
        "Completion of three federal road and bridge projects",
        "Independent civil-society monitor",
        ["Second Niger bridge works", "Lagos–Ibadan road section", "Abuja–Kano road section"],
    ),
    (
        "FR",
        "TN",
        "EUR",
        "1500000",
        datetime.date(2022, 9, 1),
        "Youth employment and vocational training in interior regions",
        "National anti-corruption authority with an external auditor",
        ["Vocational centre, Kasserine", "Micro-enterprise grants, Sidi Bouzid", "Training of trainers"],
    ),
    (
        "LU",
        "BR",
        "USD",
        "9800000",
        datetime.date(2023, 6, 20),
        "Primary health care in municipalities affected by the diverted funds",
        "Federal audit court (TCU) and municipal health councils",
        ["Basic health units, Maranhão", "Ambulances for rural districts", "Vaccination cold chain"],
    ),
]
RECIPIENT_KIND = ["implementing agency", "contractor", "NGO partner", "municipality"]


def _sha256_of(label: str) -> str:
    return hashlib.sha256(label.encode()).hexdigest()


def create_ledger(rng: random.Random, disbursements: int = 320) -> int:
    ensure_key()
    contents = []
    for returning, receiving, currency, amount, signed_on, purpose, monitor, _projects in AGREEMENTS:
        content, errors = agreement_content(
            {
                "title": f"Return of confiscated proceeds from {country_name(returning)} to {country_name(receiving)}",
                "returning_state": returning,
                "receiving_state": receiving,
                "signed_on": signed_on,
                "amount": amount,
                "currency": currency,
                "purpose": purpose,
                "monitoring_body": monitor,
            }
        )
        if errors:
            raise ValidationError(errors)
        contents.append(content)
    append_entries(contents, actor=None)  # agreements are leaves 0..3
    per_agreement = [disbursements // len(AGREEMENTS)] * len(AGREEMENTS)
    pending: list[dict] = []
    created = len(AGREEMENTS)
    for index, (spec, count) in enumerate(zip(AGREEMENTS, per_agreement, strict=True)):
        _returning, _receiving, currency, amount, signed_on, *_rest, projects = spec
        agreement = contents[index] | {"signed_on": signed_on.isoformat()}
        # Disburse 55–95% of the amount in tranches spread from signature to the demo's today.
        budget = Decimal(amount) * Decimal(rng.randint(55, 95)) / 100
        span = (DEMO_TODAY - signed_on).days
        days = sorted(rng.randint(30, span) for _n in range(count))
        weights = [rng.random() + 0.2 for _n in range(count)]
        for day, weight in zip(days, weights, strict=True):
            project = rng.choice(projects)
            tranche = (budget * Decimal(weight) / Decimal(sum(weights))).quantize(Decimal("0.01"))
            date = signed_on + datetime.timedelta(days=day)
            content, errors = disbursement_content(
                {
                    "date": date,
                    "amount": tranche,
                    "currency": currency,
                    "recipient": f"{project} ({rng.choice(RECIPIENT_KIND)})",
                    "purpose": project,
                    "evidence": [
                        {
                            "description": "Contract",
                            "sha256": _sha256_of(f"contract {index} {date} {project}"),
                        },
                        {
                            "description": "Bank transfer record",
                            "sha256": _sha256_of(f"transfer {index} {date}"),
                        },
                    ]
                    + (
                        [{"description": "Audit report", "sha256": _sha256_of(f"audit {index} {date}")}]
                        if rng.random() < 0.3
                        else []
                    ),
                },
                agreement,
                index,
            )
            if errors:
                raise ValidationError(errors)
            pending.append(content)
            if len(pending) == BATCH:
                created += len(append_entries(pending, actor=None))
                pending = []
    if pending:
        created += len(append_entries(pending, actor=None))
    created += _corrections()
    return created


def _corrections() -> int:
    """One amount corrected and one disbursement voided, as happens in real registers."""
    first = len(AGREEMENTS)  # the first disbursement of agreement 0
    original = entry_content(LedgerEntry.objects.get(leaf_index=first))
    replacement = {k: v for k, v in original.items() if k != "logged_at"}
    replacement["amount"] = f"{(Decimal(original['amount']) * Decimal('0.9')).quantize(Decimal('0.01')):f}"
    corrected = {
        "type": EntryKind.CORRECTION.value,
        "corrects": first,
        "agreement": 0,
        "reason": "Amount mistyped: the bank record shows the lower figure.",
        "replacement": replacement,
    }
    void = {
        "type": EntryKind.CORRECTION.value,
        "corrects": first + 1,
        "agreement": 0,
        "reason": "Recorded twice; the transfer is the one in the previous entry.",
        "replacement": None,
    }
    return len(append_entries([corrected, void], actor=None))
