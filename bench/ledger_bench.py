"""Transparency-log benchmark, run in its own process per database (see run.py).

Appends per second, single and batched, as the log grows to LEDGER_BENCH_SIZE entries (default
1,000,000); inclusion and consistency proof times at that size; each beside the raw cost of the
SHA-256 hashing involved, the floor no implementation can go below.
"""

import hashlib
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import django

SIZE = int(os.environ.get("LEDGER_BENCH_SIZE", "1000000"))
BATCH = 10_000
SINGLE = int(os.environ.get("LEDGER_BENCH_SINGLE", "500"))
PROOFS = 1000


def percentile(values: list[float], q: float) -> float:
    return (
        statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] if len(values) > 1 else values[0]
    )


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comity.config.settings")
    os.environ.setdefault("COMITY_LEDGER_KEY_FILE", str(Path(tempfile.mkdtemp()) / "ledger.key"))
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from comity.ledger import merkle, selectors, services

    call_command("migrate", verbosity=0)
    services.ensure_key()
    agreement, errors = services.agreement_content(
        {
            "title": "Bench",
            "returning_state": "CH",
            "receiving_state": "PE",
            "signed_on": "2020-01-01",
            "amount": "1000000000",
            "currency": "USD",
            "purpose": "Benchmark",
        }
    )
    assert not errors
    services.append_entries([agreement], actor=None)
    payment, errors = services.disbursement_content(
        {
            "date": "2021-01-01",
            "amount": "1234.56",
            "currency": "USD",
            "recipient": "Project",
            "purpose": "Works",
            "evidence": [{"description": "Contract", "sha256": "ab" * 32}],
        },
        services.entry_content(services.LedgerEntry.objects.get(pk=0)),
        0,
    )
    assert not errors

    def single_appends(count: int) -> float:
        start = time.perf_counter()
        for n in range(count):
            services.append_entries([payment | {"amount": f"{n + 1}.00"}], actor=None)
        return count / (time.perf_counter() - start)

    result: dict = {"database": connection.vendor, "size": SIZE, "batch": BATCH}
    result["single_appends_per_s_at_start"] = round(single_appends(SINGLE), 1)

    batched_rates = []
    size = selectors.tree_size()
    began = time.perf_counter()
    while size < SIZE:
        count = min(BATCH, SIZE - size)
        start = time.perf_counter()
        services.append_entries([payment | {"amount": f"{size + n}.00"} for n in range(count)], actor=None)
        batched_rates.append(count / (time.perf_counter() - start))
        size += count
        if len(batched_rates) % 10 == 0:
            print(f"  {connection.vendor}: {size} entries", file=sys.stderr)
    result["batched_appends_per_s"] = {
        "overall": round((SIZE - SINGLE - 1) / (time.perf_counter() - began), 1),
        "first_batch": round(batched_rates[0], 1),
        "last_batch": round(batched_rates[-1], 1),
    }
    result["single_appends_per_s_at_size"] = round(single_appends(SINGLE), 1)
    size = selectors.tree_size()
    result["final_size"] = size

    # The floor: SHA-256 of the same leaf inputs, plus the interior nodes an append computes (~1 per leaf).
    sample = [bytes(e.leaf_input) for e in services.LedgerEntry.objects.order_by("-leaf_index")[:10_000]]
    start = time.perf_counter()
    for leaf in sample:
        digest = merkle.leaf_hash(leaf)
        merkle.node_hash(digest, digest)
    per_entry = (time.perf_counter() - start) / len(sample)
    result["sha256_floor_appends_per_s"] = round(1 / per_entry, 1)
    result["ratio_batched_to_floor"] = round(result["batched_appends_per_s"]["overall"] / (1 / per_entry), 4)

    rng = random.Random(1)
    inclusion, consistency = [], []
    for _n in range(PROOFS):
        index = rng.randrange(size)
        start = time.perf_counter()
        selectors.inclusion_proof(index, size)
        inclusion.append((time.perf_counter() - start) * 1000)
        first = rng.randrange(1, size)
        start = time.perf_counter()
        selectors.consistency_proof(first, size)
        consistency.append((time.perf_counter() - start) * 1000)
    path_length = len(merkle.inclusion_ranges(size // 3, size))
    start = time.perf_counter()
    for _n in range(PROOFS):
        value = b"\x00" * 32
        for _level in range(path_length):
            value = hashlib.sha256(b"\x01" + value + value).digest()
    floor_ms = (time.perf_counter() - start) * 1000 / PROOFS
    result["inclusion_proof_ms"] = {
        "p50": round(percentile(inclusion, 50), 3),
        "p95": round(percentile(inclusion, 95), 3),
    }
    result["consistency_proof_ms"] = {
        "p50": round(percentile(consistency, 50), 3),
        "p95": round(percentile(consistency, 95), 3),
    }
    result["proof_sha256_floor_ms"] = round(floor_ms, 4)
    result["proof_nodes_read"] = len(merkle.nodes_for(merkle.inclusion_ranges(size // 3, size)))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
