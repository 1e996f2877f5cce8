"""Backups of the database, and restoring one (`comity backup FILE`, `comity restore FILE`).

A backup holds the database only: every case, user and the transparency log's entries and signed
heads. The log's signing key is a file apart (COMITY_LEDGER_KEY_FILE), kept apart on purpose: a
stolen backup must not let anyone sign heads in the server's name.

The transparency log must never go back: anyone may hold a signed head of it, and a log that
lost entries after publishing them looks exactly like a log rewritten to hide them. So a restore
is refused unless the backup holds the newest signed head the database has now: same size, same
root. Restoring into an empty database is always allowed.
"""

import os
import sqlite3
import subprocess
import tempfile
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.utils.translation import gettext as _

from comity.ledger.models import LedgerState, TreeHead

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"  # pg_dump's custom format
LOG_WOULD_GO_BACK = "comity: the transparency log would go back"


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why, for the operator."""


@dataclass(frozen=True)
class Backup:
    path: Path
    log_size: int  # entries in the backup's transparency log


def backup(path: Path) -> Backup:
    """Write a consistent copy of the database to `path` while Comity runs, readable by its owner
    only; `path` is replaced only once the copy is whole."""
    path = path.absolute()
    if not path.parent.is_dir():
        raise BackupError(_("The folder %(folder)s does not exist.") % {"folder": path.parent})
    partial = path.with_name(f".{path.name}.partial")
    partial.unlink(missing_ok=True)
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))  # private from its first byte
    try:
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            with closing(sqlite3.connect(partial)) as target:
                connection.connection.backup(target)
                # One self-contained file, without the write-ahead log beside it.
                target.execute("PRAGMA journal_mode=DELETE")
        elif connection.vendor == "postgresql":
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={partial}"])
        else:
            raise BackupError(
                _("Backups of a %(engine)s database are not supported.") % {"engine": connection.vendor}
            )
        heads = _heads_in(partial, connection.vendor)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return Backup(path, max(heads, default=0))


def restore(path: Path) -> Backup:
    """Replace the database with the backup at `path`, all or nothing, then migrate it to this
    version of Comity. Refused (BackupError, nothing changed) when the file is not a backup of
    this kind of database, or when it lacks the database's newest signed head of the log."""
    path = path.absolute()
    kind = _kind(path)
    if kind != connection.vendor:
        raise BackupError(
            _("%(file)s is a backup of a %(kind)s database; this Comity uses %(engine)s.")
            % {"file": path, "kind": kind, "engine": connection.vendor}
        )
    heads = _heads_in(path, kind)
    current = _newest_head()
    if current is not None and heads.get(current[0]) != current[1]:
        raise BackupError(_log_would_go_back(current[0], max(heads, default=0)))
    if kind == "sqlite":
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as source:
            if source.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise BackupError(_("%(file)s is damaged: SQLite's check of it failed.") % {"file": path})
            connection.ensure_connection()
            # One step: the copy takes the write lock once, and other connections see the old
            # database or the restored one. An append between the check above and this copy would
            # be lost: stop the server and the worker before restoring.
            source.backup(connection.connection)
    else:
        connection.close()
        _restore_postgresql(path, current[0] if current else 0, max(heads, default=0))
    connection.close()
    call_command("migrate", interactive=False, verbosity=0)
    # Sessions and progress kept in the cache belong to the database just replaced.
    cache.clear()
    return Backup(path, max(heads, default=0))


def _log_would_go_back(here: int, in_backup: int) -> str:
    return _(
        "Refused: the transparency log here has %(here)d entries, and the backup does not hold them "
        "(its log has %(backup)d). Restoring it would take a public log back, which it must never "
        "do. Restore a newer backup, or restore into a new, empty database."
    ) % {"here": here, "backup": in_backup}


def _kind(path: Path) -> str:
    try:
        with path.open("rb") as handle:
            start = handle.read(len(SQLITE_MAGIC))
    except OSError as error:
        raise BackupError(
            _("Cannot read %(file)s: %(error)s") % {"file": path, "error": error.strerror}
        ) from error
    if start.startswith(SQLITE_MAGIC):
        return "sqlite"
    if start.startswith(PG_DUMP_MAGIC):
        return "postgresql"
    raise BackupError(_("%(file)s is not a backup made by `comity backup`.") % {"file": path})


def _newest_head() -> tuple[int, bytes] | None:
    """(size, root) of the database's newest signed head of the log; None for an empty database."""
    if TreeHead._meta.db_table not in connection.introspection.table_names():
        return None
    head = TreeHead.objects.order_by("-tree_size").values_list("tree_size", "root_hash").first()
    return (head[0], bytes(head[1])) if head else None


def _heads_in(path: Path, kind: str) -> dict[int, bytes]:
    """Every signed head of the log in a backup: size -> root."""
    table = TreeHead._meta.db_table
    if kind == "sqlite":
        try:
            with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as source:
                if not source.execute("SELECT 1 FROM sqlite_master WHERE name = ?", [table]).fetchone():
                    return {}
                return {
                    size: bytes(root)
                    for size, root in source.execute(f"SELECT tree_size, root_hash FROM {table}")
                }
        except sqlite3.DatabaseError as error:
            raise BackupError(
                _("%(file)s cannot be read: %(error)s") % {"file": path, "error": error}
            ) from error
    # The heads' rows alone, as the COPY text pg_restore writes: tab-separated, bytea as \\x + hex.
    script = _run(["pg_restore", "--data-only", f"--table={table}", "--file=-", str(path)])
    heads: dict[int, bytes] = {}
    columns: list[str] = []
    for line in script.splitlines():
        if line.startswith(f"COPY public.{table} ("):
            columns = [name.strip() for name in line.split("(", 1)[1].split(")", 1)[0].split(",")]
        elif line == "\\.":
            columns = []
        elif columns:
            row = dict(zip(columns, line.split("\t"), strict=False))
            heads[int(row["tree_size"])] = bytes.fromhex(row["root_hash"].lstrip("\\").removeprefix("x"))
    return heads


def _restore_postgresql(path: Path, here: int, in_backup: int) -> None:
    """Drop every table and load the backup's in one transaction, checking before it commits that
    the log holds the newest head the database had (its appends wait meanwhile)."""
    state, heads = LedgerState._meta.db_table, TreeHead._meta.db_table
    before = f"""
        CREATE TEMPORARY TABLE comity_head_before (tree_size bigint, root_hash bytea);
        DO $$ BEGIN
          IF to_regclass('public.{state}') IS NOT NULL THEN
            LOCK TABLE public.{state} IN EXCLUSIVE MODE;
            INSERT INTO comity_head_before
              SELECT tree_size, root_hash FROM public.{heads} ORDER BY tree_size DESC LIMIT 1;
          END IF;
        END $$;
        DO $$ DECLARE dropped record; BEGIN
          FOR dropped IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' LOOP
            EXECUTE format('DROP TABLE public.%I CASCADE', dropped.tablename);
          END LOOP;
        END $$;
    """
    after = f"""
        DO $$ BEGIN
          IF EXISTS (SELECT 1 FROM pg_temp.comity_head_before b WHERE NOT EXISTS (
              SELECT 1 FROM public.{heads} h WHERE h.tree_size = b.tree_size AND h.root_hash = b.root_hash)) THEN
            RAISE EXCEPTION '{LOG_WOULD_GO_BACK}';
          END IF;
        END $$;
    """
    with tempfile.TemporaryFile() as errors:
        script = subprocess.Popen(
            ["pg_restore", "--no-owner", "--no-privileges", "--file=-", str(path)],
            stdout=subprocess.PIPE,
            stderr=errors,
            env=_pg_environment(),
        )
        assert script.stdout is not None
        load = subprocess.run(
            ["psql", "--no-psqlrc", "--quiet", "--single-transaction", "--set=ON_ERROR_STOP=1"]
            + ["--command", before, "--file=-", "--command", after],
            stdin=script.stdout,
            capture_output=True,
            text=True,
            env=_pg_environment(),
            check=False,
        )
        script.stdout.close()
        script.wait()
        errors.seek(0)
        reading = errors.read().decode(errors="replace").strip()
    if LOG_WOULD_GO_BACK in load.stderr:
        raise BackupError(_log_would_go_back(here, in_backup))
    if load.returncode or script.returncode:
        detail = (load.stderr.strip() or reading or "").splitlines()[-1:] or [""]
        raise BackupError(_("The restore failed and nothing was changed: %(error)s") % {"error": detail[0]})


def _pg_environment() -> dict[str, str]:
    """Where pg_dump, pg_restore and psql connect: the settings' database, the password passed in
    the environment rather than on a command line that `ps` shows."""
    database = settings.DATABASES["default"]
    given = {
        "PGDATABASE": database.get("NAME"),
        "PGUSER": database.get("USER"),
        "PGPASSWORD": database.get("PASSWORD"),
        "PGHOST": database.get("HOST"),
        "PGPORT": database.get("PORT"),
        "PGSSLMODE": database.get("OPTIONS", {}).get("sslmode"),
    }
    return os.environ | {name: str(value) for name, value in given.items() if value}


def _run(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, env=_pg_environment(), check=False)
    except FileNotFoundError as error:
        raise BackupError(
            _("%(tool)s is not installed (Debian: apt-get install postgresql-client).") % {"tool": command[0]}
        ) from error
    if done.returncode:
        last = (done.stderr.strip().splitlines() or [""])[-1]
        raise BackupError(_("%(tool)s failed: %(error)s") % {"tool": command[0], "error": last})
    return done.stdout
