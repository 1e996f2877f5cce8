"""`make bench`: every benchmark on SQLite and on a throw-away PostgreSQL; JSON under bench/results/."""

import datetime
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from pgtemp import temporary_postgres

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"


def run(script: str, database_url: str) -> dict:
    # Database connections as in production (persistent: COMITY_DB_CONN_MAX_AGE defaults to 60 s);
    # opening one per request cost the list endpoint a quarter of its throughput.
    env = os.environ | {"DATABASE_URL": database_url}
    done = subprocess.run(
        [sys.executable, str(HERE / script)], env=env, capture_output=True, text=True, check=False
    )
    sys.stderr.write(done.stderr[-2000:])
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    RESULTS.mkdir(exist_ok=True)
    only = sys.argv[1:] or ["requests", "ledger", "network", "federation"]
    # The code measured, which also names the file: runs of one day must not overwrite each other.
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=HERE, capture_output=True, text=True, check=False
    ).stdout.strip()
    report: dict = {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "commit": commit,
        "machine": {"cpus": os.cpu_count()},
    }
    with tempfile.TemporaryDirectory() as scratch, temporary_postgres() as postgres_url:
        databases = {"sqlite": f"sqlite:///{scratch}/bench.sqlite3"}
        if postgres_url:
            databases["postgresql"] = postgres_url
        for name in only:
            report[name] = {engine: run(f"{name}_bench.py", url) for engine, url in databases.items()}
            if not postgres_url:
                report[name]["postgresql"] = {
                    "error": "PostgreSQL is not installed (apt-get install postgresql)"
                }
    # Keep the other benchmarks' last results beside the ones just run.
    latest = RESULTS / "latest.json"
    merged = (json.loads(latest.read_text()) if latest.exists() else {}) | report
    out = RESULTS / f"bench-{datetime.date.today().isoformat()}{'-' + commit if commit else ''}.json"
    out.write_text(json.dumps(merged, indent=2) + "\n")
    latest.write_text(json.dumps(merged, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    print(f"written to {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
