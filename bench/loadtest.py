"""Pages and endpoints under concurrent clients, as the benchmarks measure them: Comity served by
gunicorn as in production, loaded by wrk, each URL beside a static view in the same rounds."""

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

CLIENTS = 20


def wait_until_up(base: str) -> None:
    """Return once the server at `base` answers its health check (20 s at most)."""
    for _attempt in range(100):
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)


@contextlib.contextmanager
def served() -> Iterator[str]:
    """Comity served as README's "running in production" says (gunicorn with Comity's settings,
    one sync worker per core; ADR 7) on a free loopback port; yields its base URL."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "python:comity.config.gunicorn", "comity.config.wsgi"],
        env=os.environ | {"COMITY_LOG_LEVEL": "ERROR", "COMITY_BIND": f"127.0.0.1:{port}"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(base)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


def load(url: str, headers: dict[str, str], seconds: int) -> dict[str, float]:
    """p50/p95 of `url` under CLIENTS concurrent connections for `seconds` seconds, measured by wrk.

    wrk is written in C: a load generator in Python took a large share of the two cores from the
    server it was measuring (the static view's p50 was 30 ms with it, 9 ms with wrk).
    """
    command = ["wrk", "--threads", "2", "--connections", str(CLIENTS), "--duration", f"{seconds}s"]
    command += ["--script", str(Path(__file__).with_name("wrk_report.lua"))]
    for name, value in headers.items():
        command += ["--header", f"{name}: {value}"]
    done = subprocess.run([*command, url], capture_output=True, text=True, check=True)
    # Failed requests (a connection the server's backlog dropped) are reported beside the times.
    return json.loads(done.stdout.strip().splitlines()[-1])


def median_round(runs: list[dict[str, float]]) -> dict[str, object]:
    """The run with the median p95, with every run's p50/p95 beside it."""
    median = sorted(runs, key=lambda run: run["p95_ms"])[len(runs) // 2]
    return {**median, "rounds_p50_p95_ms": [[run["p50_ms"], run["p95_ms"]] for run in runs]}


def measure(
    urls: dict[str, tuple[str, dict[str, str]]], *, rounds: int, seconds: int
) -> dict[str, dict[str, object]]:
    """Each URL (name: (url, headers)) under load, the median of `rounds` rounds.

    Every worker answers each URL a first time (imports, URL resolution, caches) unmeasured. Then
    the URLs take turns within each round: a shared two-core machine has slow spells (the static
    view's p50 moves by half from one run to the next), and taking turns spreads them over the
    URLs alike.
    """
    for url, headers in urls.values():
        load(url, headers, seconds=2)
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in urls}
    for _round in range(rounds):
        for name, (url, headers) in urls.items():
            runs[name].append(load(url, headers, seconds))
    return {name: median_round(results) for name, results in runs.items()}


def credentials(user: Any) -> tuple[dict[str, str], dict[str, str]]:
    """The headers of `user`'s API token and of a session of theirs (Django set up)."""
    import django.test
    from django.conf import settings

    from comity.accounts.services import token_create

    token = token_create(actor=None, user=user)
    client = django.test.Client()
    client.force_login(user)
    session = settings.SESSION_COOKIE_NAME
    return {"Authorization": f"Bearer {token}"}, {"Cookie": f"{session}={client.cookies[session].value}"}
