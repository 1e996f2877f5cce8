"""`comity backup FILE` and `comity restore FILE`, run as an operator runs them, on the engine the
suite runs on (SQLite's online backup, or pg_dump and pg_restore)."""

import json
import os
import stat
from pathlib import Path

from tests.servers import run_comity

SNAPSHOT = """
import dataclasses, datetime, json
from comity.assets.models import Asset
from comity.cooperation.models import Event, Request
from comity.ledger.selectors import latest_tree_head
from comity.statistics.selectors import figures_over
head = latest_tree_head()
figures = figures_over(None, Request.objects.all(), ["type", "outcome"], datetime.date(2026, 11, 1))
print(json.dumps({
    "requests": Request.objects.count(),
    "events": Event.objects.count(),
    "assets": Asset.objects.count(),
    "log": [head.tree_size, bytes(head.root_hash).hex()],
    "statistics": dataclasses.asdict(figures),
}, default=str, sort_keys=True))
"""


def _env(tmp_path: Path, database_url: str) -> dict[str, str]:
    env = os.environ | {
        "DATABASE_URL": database_url,
        "COMITY_VAR_DIR": str(tmp_path),
        "COMITY_LEDGER_KEY_FILE": str(tmp_path / "ledger.key"),  # one key, backed up apart
    }
    env.pop("COMITY_TASK_BACKEND", None)
    return env


def _snapshot(env: dict[str, str]) -> dict:
    return json.loads(run_comity(env, "shell", "-c", SNAPSHOT).stdout.strip().splitlines()[-1])


def _append_to_log(env: dict[str, str]) -> None:
    run_comity(
        env,
        "shell",
        "-c",
        "from comity.ledger.services import append_entries;"
        "append_entries([{'type': 'correction', 'corrects': 0, 'reason': 'typo'}], actor=None)",
    )


def test_a_backup_restores_into_a_fresh_database_with_the_same_figures_and_log(tmp_path, new_database):
    served = _env(tmp_path, new_database(migrated=True))
    run_comity(served, "ledger", "init")
    run_comity(served, "demo", "--requests", "150")
    before = _snapshot(served)
    # The demo adds a few requests of its own beside those asked for (between the two Peruvian
    # authorities, for the national coordinator's figures): the restore must give back what was there.
    assert before["requests"] >= 150 and before["assets"] > 0 and before["log"][0] > 0

    backup = tmp_path / "comity.backup"
    made = run_comity(served, "backup", str(backup))
    assert f"{before['log'][0]} transparency-log entries" in made.stdout
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600  # every case is in it
    assert (
        b"PRIVATE KEY" not in backup.read_bytes()
        and (tmp_path / "ledger.key").read_bytes() not in backup.read_bytes()
    )

    fresh = _env(tmp_path, new_database())
    run_comity(fresh, "restore", str(backup))
    assert _snapshot(fresh) == before
    assert "OK:" in run_comity(fresh, "ledger", "check").stdout  # every signed head checks with the key

    # A newer backup may be restored over an older state: the log only grows.
    _append_to_log(served)
    newer = tmp_path / "newer.backup"
    run_comity(served, "backup", str(newer))
    run_comity(fresh, "restore", str(newer))
    assert _snapshot(fresh)["log"] == _snapshot(served)["log"]


def test_an_older_backup_is_refused_onto_a_log_that_has_grown(tmp_path, new_database):
    env = _env(tmp_path, new_database(migrated=True))
    run_comity(env, "ledger", "init")
    _append_to_log(env)
    older = tmp_path / "older.backup"
    run_comity(env, "backup", str(older))
    run_comity(env, "authority", "add", "--country", "PE", "--kind", "central-authority", "--name", "FN")
    _append_to_log(env)
    grown = _snapshot(env)

    refused = run_comity(env, "restore", str(older), check=False)
    assert refused.returncode != 0
    assert (
        "Refused: the transparency log here has 2 entries" in refused.stderr
        and "(its log has 1)" in refused.stderr
    )
    assert _snapshot(env) == grown  # nothing changed: the authority added after the backup is there too

    # Nor a backup of another log of the same size.
    other = _env(tmp_path / "other", new_database(migrated=True))
    (tmp_path / "other").mkdir()
    run_comity(other, "ledger", "init")
    _append_to_log(other)
    _append_to_log(other)
    forked = tmp_path / "forked.backup"
    run_comity(other, "backup", str(forked))
    assert run_comity(env, "restore", str(forked), check=False).returncode != 0
    assert _snapshot(env) == grown


def test_a_file_that_is_not_a_backup_of_this_database_is_refused(tmp_path, new_database):
    env = _env(tmp_path, new_database(migrated=True))
    text = tmp_path / "notes.txt"
    text.write_text("not a backup")
    refused = run_comity(env, "restore", str(text), check=False)
    assert refused.returncode != 0 and "is not a backup made by `comity backup`" in refused.stderr
    other_engine = tmp_path / "other.backup"
    sqlite = env["DATABASE_URL"].startswith("sqlite")
    other_engine.write_bytes(b"PGDMP\x01\x0e" if sqlite else b"SQLite format 3\x00" + bytes(100))
    refused = run_comity(env, "restore", str(other_engine), check=False)
    assert refused.returncode != 0
    assert (
        "is a backup of a postgresql database" if sqlite else "is a backup of a sqlite database"
    ) in refused.stderr
