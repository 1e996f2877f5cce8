"""Probe of the embedded database under concurrent writes (issue 20, item 14): not part of `make bench`.

On a fresh SQLite instance served as `make run` serves it, with a background worker beside it:
1. 50 concurrent API clients each register 40 requests (2,000 writes);
2. a long command-line write (`comity import requests` of a large file) while 10 clients write;
3. an XLSX export queued afterwards must still be made by the worker.
It prints the attempts, the failed writes by status, and how often the worker died (its process
ended, or its supervisor logged a restart). Every request goes to 127.0.0.1 only, bounded in count.

    .venv/bin/python bench/worker_probe.py --server runserver --worker "db_worker --no-reload --interval 1"
    .venv/bin/python bench/worker_probe.py --server gunicorn --worker "worker --interval 1"
"""

import argparse
import collections
import json
import os
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from requests_bench import wait_until_up, write_csv

BIN = Path(sys.executable).parent
COMITY = str(BIN / "comity")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def comity(*args: str, env: dict[str, str]) -> str:
    """The last line the command printed (`comity shell` may print a line of its own first)."""
    done = subprocess.run([COMITY, *args], env=env, capture_output=True, text=True, check=True)
    return (done.stdout.strip().splitlines() or [""])[-1]


def writers(
    base: str,
    token: str,
    body: dict,
    clients: int,
    each: int,
    tag: str,
    until: subprocess.Popen | None = None,
) -> collections.Counter:
    """`clients` threads each POSTing `each` new requests (stopping early once `until` has ended); a
    Counter of outcomes ("201", "500", ...)."""
    outcomes: collections.Counter = collections.Counter()
    lock = threading.Lock()

    def client(number: int) -> None:
        for n in range(each):
            if until is not None and until.poll() is not None:
                return
            data = json.dumps(body | {"requesting_reference": f"{tag}-{number}-{n}"}).encode()
            request = urllib.request.Request(
                f"{base}/api/v1/requests",
                data=data,
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            )
            try:
                with urllib.request.urlopen(request, timeout=120) as response:
                    outcome = str(response.status)
            except urllib.error.HTTPError as error:
                outcome = str(error.code)
            except OSError as error:
                outcome = type(error).__name__
            with lock:
                outcomes[outcome] += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", choices=["runserver", "gunicorn"], default="runserver")
    parser.add_argument("--worker", default="db_worker --no-reload --interval 1")
    parser.add_argument("--import-rows", type=int, default=150_000)
    options = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="comity-probe-"))
    port = free_port()
    env = os.environ | {
        "COMITY_VAR_DIR": str(scratch),
        "DATABASE_URL": f"sqlite:///{scratch}/comity.sqlite3",
        "COMITY_DEBUG": "false",
        "COMITY_SECRET_KEY": "probe-only-" + os.urandom(16).hex(),
        "COMITY_BIND": f"127.0.0.1:{port}",
        "COMITY_IMPORT_MAX_BYTES": str(2**30),
        "DJANGO_SETTINGS_MODULE": "comity.config.settings",
    }
    env.pop("COMITY_TASK_BACKEND", None)
    report: dict = {"server": options.server, "worker": options.worker}
    worker = server = None
    try:
        comity("migrate", "--no-input", env=env)
        comity("ledger", "init", env=env)
        comity("demo", "--requests", "300", env=env)
        token = comity("token", "add", "pe-officer", env=env)
        ids = comity(
            "shell",
            "-c",
            "from comity.accounts.models import User, Authority; u = User.objects.get(username='pe-officer');"
            "print(u.authority_id, Authority.objects.filter(country='CH').values_list('pk', flat=True).first(),"
            " u.authority.name)",
            env=env,
        ).split(maxsplit=2)
        own, other, own_name = int(ids[0]), int(ids[1]), ids[2].strip()
        big = scratch / "register.csv"
        header = comity(
            "shell",
            "-c",
            "from comity.cooperation.transfer import COLUMNS; print(','.join(COLUMNS))",
            env=env,
        )
        write_csv(big, options.import_rows, own_name, header.strip().split(","))

        worker_log = (scratch / "worker.log").open("w")
        worker = subprocess.Popen(
            [COMITY, *shlex.split(options.worker)], env=env, stdout=worker_log, stderr=subprocess.STDOUT
        )
        if options.server == "runserver":
            command = [COMITY, "runserver", f"127.0.0.1:{port}", "--noreload"]
        else:
            command = [str(BIN / "gunicorn"), "-c", "python:comity.config.gunicorn", "comity.config.wsgi"]
        server = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=(scratch / "server.log").open("w")
        )
        base = f"http://127.0.0.1:{port}"
        wait_until_up(base)
        body = {
            "type": "mla",
            "legal_basis": "uncac",
            "proceeding": "criminal",
            "offences": ["uncac-23"],
            "measures": ["bank-records"],
            "requesting_authority": own,
            "requested_authority": other,
            "sent_on": "2026-03-02",
        }
        started = time.monotonic()
        burst = writers(base, token, body, 50, 40, "burst")
        report["burst_50x40"] = {"seconds": round(time.monotonic() - started, 1), "outcomes": dict(burst)}
        report["worker_alive_after_burst"] = worker.poll() is None

        # The command line's import holds the write lock while it writes every row.
        started = time.monotonic()
        cli = subprocess.Popen(
            [COMITY, "import", "requests", str(big), "--authority", str(own)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        beside = writers(base, token, body, 10, 200, "beside", until=cli)
        cli_error = cli.communicate()[1]
        report["cli_import"] = {
            "rows": options.import_rows,
            "seconds": round(time.monotonic() - started, 1),
            "exit": cli.returncode,
            "error": cli_error.strip().splitlines()[-1] if cli.returncode else "",
        }
        report["writes_beside_cli_10_clients"] = dict(beside)
        report["worker_alive_after_cli"] = worker.poll() is None

        # Is background work still done? Queue an export and wait for it.
        job = comity(
            "shell",
            "-c",
            "from comity.accounts.models import User; from comity.cooperation.tasks import export_job_start;"
            "print(export_job_start(actor=User.objects.get(username='pe-officer'), query='').pk)",
            env=env,
        ).strip()
        state = "preparing"
        for _ in range(60):
            state = comity(
                "shell",
                "-c",
                f"from comity.cooperation.models import ExportJob; print(ExportJob.objects.get(pk={job}).state)",
                env=env,
            ).strip()
            if state != "preparing":
                break
            time.sleep(1)
        report["export_after"] = state
    finally:
        for process in (server, worker):
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(30)
                except subprocess.TimeoutExpired:
                    process.kill()
        log = (scratch / "worker.log").read_text() if (scratch / "worker.log").exists() else ""
        report["worker_exit"] = None if worker is None else worker.returncode
        report["worker_restarts_logged"] = log.count("restarting")
        report["worker_log_errors"] = [line for line in log.splitlines() if "Error" in line][:5]
        shutil.rmtree(scratch, ignore_errors=True)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
