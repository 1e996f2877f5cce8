"""`comity worker`, the supervised background worker, run as an operator runs it: it outlives a
database that fails for a while, and it comes back when its process dies."""

import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path
from urllib.parse import urlparse

import psycopg
import pytest

from comity.cooperation.transfer import COLUMNS
from tests.servers import COMITY, run_comity


class Instance:
    """A migrated database of its own, with one exporting user, driven through the command line."""

    def __init__(self, tmp_path: Path, database_url: str) -> None:
        self.database_url = database_url
        self.env = os.environ | {
            "DATABASE_URL": database_url,
            "COMITY_VAR_DIR": str(tmp_path),
            # Connections kept between tasks, as in production: the one a database restart breaks.
            "COMITY_DB_CONN_MAX_AGE": "60",
            # Short, so that a lock held for a few seconds outlasts it.
            "COMITY_SQLITE_BUSY_TIMEOUT": "1",
        }
        self.env.pop("COMITY_TASK_BACKEND", None)
        self.log = tmp_path / "worker.log"
        authority = self.comity(
            "authority", "add", "--country", "PE", "--kind", "central-authority", "--name", "FN"
        )
        self.comity(
            "user", "add", "officer", "--authority", authority, "--role", "officer", "--password-stdin",
            stdin="a-long-enough-secret\n",
        )  # fmt: skip

    def comity(self, *args: str, stdin: str = "") -> str:
        done = run_comity(self.env, *args, stdin=stdin)
        return (done.stdout.strip().splitlines() or [""])[-1]

    def start_worker(self) -> subprocess.Popen:
        return subprocess.Popen(
            [COMITY, "worker", "--interval", "0.2"],
            env=self.env,
            stdout=self.log.open("a"),
            stderr=subprocess.STDOUT,
        )

    def export_is_made(self) -> bool:
        """Queue an XLSX export and wait (a minute at most) for the worker to make it."""
        job = self.comity(
            "shell",
            "-c",
            "from comity.accounts.models import User; from comity.cooperation.tasks import export_job_start;"
            "print(export_job_start(actor=User.objects.get(username='officer'), query='').pk)",
        )
        read = (
            f"from comity.cooperation.models import ExportJob; print(ExportJob.objects.get(pk={job}).state)"
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if (state := self.comity("shell", "-c", read)) != "preparing":
                return state == "ready"
            time.sleep(0.5)
        return False

    def query(self, sql: str) -> tuple:
        """The first row of `sql`, read straight from the database (no Django start-up to wait)."""
        if self.database_url.startswith("sqlite"):
            with sqlite3.connect(urlparse(self.database_url).path) as db:
                return db.execute(sql).fetchone()
        with psycopg.connect(self.database_url) as db:
            return db.execute(sql).fetchone()

    def wait_for(self, sql: str, seconds: float = 60) -> tuple:
        """The first row of `sql` once there is one (polled every 50 ms)."""
        deadline = time.monotonic() + seconds
        while (row := self.query(sql)) is None:
            assert time.monotonic() < deadline, f"never true: {sql}"
            time.sleep(0.05)
        return row

    def wait_for_log(self, text: str, seconds: float = 30, then=None) -> None:
        deadline = time.monotonic() + seconds
        while text not in self.log.read_text():
            assert time.monotonic() < deadline, (
                f"{text!r} never appeared in the worker's log: {self.log.read_text()[-2000:]}"
            )
            if then:
                then()
            time.sleep(0.2)


def _children(pid: int) -> list[int]:
    """The worker processes `pid` runs (not the helpers a library may start while loading)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            command = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if fields[1] == str(pid) and fields[0] != "Z" and b"--supervised-by" in command:
            found.append(int(stat.parent.name))
    return found


def _child_of(pid: int, other_than: int | None = None) -> int:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        children = [child for child in _children(pid) if child != other_than]
        if children:
            return children[0]
        time.sleep(0.1)
    raise AssertionError("the supervisor started no worker")


def _gone(pid: int, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return True
        if state == "Z":
            return True
        time.sleep(0.1)
    return False


def test_the_worker_waits_out_a_database_that_fails_for_a_while(tmp_path, migrated_database_url):
    """SQLite locked for longer than its busy timeout (a long command-line write), or PostgreSQL
    dropping the worker's connection (a restart): `db_worker` ended on either, and imports and
    exports stopped for good. The worker waits, tries again, and works on, without a restart."""
    instance = Instance(tmp_path, migrated_database_url)
    worker = instance.start_worker()
    try:
        if migrated_database_url.startswith("sqlite"):
            locker = sqlite3.connect(urlparse(migrated_database_url).path, isolation_level=None)
            locker.execute("BEGIN IMMEDIATE")  # the one write lock, held past the 1 s busy timeout
            instance.wait_for_log("database unavailable")
            locker.execute("COMMIT")
            locker.close()
        else:
            with psycopg.connect(migrated_database_url, autocommit=True) as admin:

                def drop_connections() -> None:
                    admin.execute(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )

                instance.wait_for_log("database unavailable", then=drop_connections)
        assert instance.export_is_made()
        assert worker.poll() is None
        assert "restarting" not in instance.log.read_text()  # the worker itself held on
    finally:
        worker.terminate()
        worker.wait(timeout=60)


def test_the_supervisor_restarts_a_worker_that_died_and_stops_it_when_asked(tmp_path, migrated_database_url):
    instance = Instance(tmp_path, migrated_database_url)
    supervisor = instance.start_worker()
    try:
        first = _child_of(supervisor.pid)
        os.kill(first, signal.SIGKILL)  # as the OOM killer or an operator's mistake would
        second = _child_of(supervisor.pid, other_than=first)
        instance.wait_for_log("restarting")
        assert instance.export_is_made()
        supervisor.send_signal(signal.SIGTERM)
        assert supervisor.wait(timeout=60) == 0
        assert _gone(second)
    finally:
        if supervisor.poll() is None:
            supervisor.kill()


def test_a_worker_whose_supervisor_was_killed_stops_too(tmp_path, migrated_database_url):
    """Not left running unsupervised and unseen, beside the worker a new supervisor starts."""
    instance = Instance(tmp_path, migrated_database_url)
    supervisor = instance.start_worker()
    child = _child_of(supervisor.pid)
    os.kill(supervisor.pid, signal.SIGKILL)
    supervisor.wait(timeout=10)
    try:
        assert _gone(child)
    finally:
        if not _gone(child, seconds=0):
            os.kill(child, signal.SIGKILL)


def test_a_write_waits_for_a_lock_held_for_many_seconds(tmp_path, migrated_database_url):
    """SQLite lets one write at a time; a command-line load or an import holds the lock for tens of
    seconds, and a write that gave up after 5 s failed ("database is locked")."""
    if not migrated_database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL locks rows, and a write waits for them without a timeout")
    instance = Instance(tmp_path, migrated_database_url)
    instance.env.pop("COMITY_SQLITE_BUSY_TIMEOUT")  # as configured by default
    locker = sqlite3.connect(urlparse(migrated_database_url).path, isolation_level=None)
    locker.execute("BEGIN IMMEDIATE")
    writer = subprocess.Popen(
        [COMITY, "authority", "add", "--country", "CH", "--kind", "central-authority", "--name", "FOJ"],
        env=instance.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(10)  # Django starts in a second or two; the write then waits for the rest
    locker.execute("COMMIT")
    locker.close()
    out, err = writer.communicate(timeout=120)
    assert writer.returncode == 0, err[-500:]
    assert out.strip().isdigit()


def _requests_file(path: Path, rows: int) -> Path:
    """`rows` outgoing requests to a counterpart the database does not know yet."""
    lines = [",".join(COLUMNS)] + [
        f"PE-OUT-{n},outgoing,mla,PE,CH,FN,Federal Office of Justice,uncac,uncac-23,"
        f"bank-records,criminal,no,2024-02-01,,,,,Funds diverted: case {n}"
        for n in range(rows)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


ROWS_KILLED = 100_000


def _kill_worker_once_started(instance: Instance, supervisor: subprocess.Popen, table: str, job: str) -> None:
    instance.wait_for(f"SELECT 1 FROM {table} WHERE id = {job} AND started_at IS NOT NULL")
    os.kill(_child_of(supervisor.pid), signal.SIGKILL)


def test_a_job_whose_worker_is_killed_fails_and_leaves_no_file(tmp_path, migrated_database_url):
    """A worker killed in the middle of an import left the job "importing" for ever and its file on
    disk (#20 item 15). Its lease lapses; the restarted worker fails the job, deletes the file, and
    the user is told to start again; nothing of the import was written. The same for an export."""
    instance = Instance(tmp_path, migrated_database_url)
    instance.env["COMITY_JOB_LEASE_SECONDS"] = "2"
    # Enough rows that the import is still running when the kill lands on a loaded machine: the
    # import of 10,000 rows became quick enough to end before it (the test then saw it done).
    source = _requests_file(tmp_path / "requests.csv", ROWS_KILLED)
    job = instance.comity(
        "shell",
        "-c",
        "from django.core.files.uploadedfile import SimpleUploadedFile;"
        "from comity.accounts.models import User; from comity.core.jobs import import_job_start;"
        "officer = User.objects.get(username='officer');"
        f"upload = SimpleUploadedFile('requests.csv', open({str(source)!r}, 'rb').read());"
        "print(import_job_start(actor=officer, authority=officer.authority, upload=upload, kind='requests').pk)",
    )
    supervisor = instance.start_worker()
    try:
        checked = f"SELECT state FROM core_importjob WHERE id = {job} AND state <> 'checking'"
        assert instance.wait_for(checked) == ("ready",)
        instance.comity(
            "shell",
            "-c",
            "from comity.core.models import ImportJob; from comity.core.jobs import import_job_confirm;"
            f"job = ImportJob.objects.get(pk={job}); import_job_confirm(actor=job.user, job=job, options={{'new_authorities': True}})",
        )
        _kill_worker_once_started(instance, supervisor, "core_importjob", job)
        state = f"SELECT state, interrupted, stored_path FROM core_importjob WHERE id = {job}"
        instance.wait_for(f"SELECT 1 FROM core_importjob WHERE id = {job} AND state = 'failed'")
        assert instance.query(state)[1:] in ((1, ""), (True, ""))
        assert instance.query("SELECT count(*) FROM cooperation_request") == (0,)
        assert not list((tmp_path / "uploads").iterdir())

        instance.comity("import", "requests", str(source), "--authority", "1")
        assert instance.query("SELECT count(*) FROM cooperation_request") == (ROWS_KILLED,)
        export = instance.comity(
            "shell",
            "-c",
            "from comity.accounts.models import User; from comity.cooperation.tasks import export_job_start;"
            "print(export_job_start(actor=User.objects.get(username='officer'), query='').pk)",
        )
        _kill_worker_once_started(instance, supervisor, "cooperation_exportjob", export)
        instance.wait_for(f"SELECT 1 FROM cooperation_exportjob WHERE id = {export} AND state = 'failed'")
        assert instance.query(f"SELECT interrupted FROM cooperation_exportjob WHERE id = {export}")[0]
        assert not list((tmp_path / "exports").iterdir())
        assert instance.export_is_made()  # the restarted worker works on
    finally:
        supervisor.terminate()
        supervisor.wait(timeout=60)
