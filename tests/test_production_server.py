"""The production command the README gives, `gunicorn -c python:comity.config.gunicorn
comity.config.wsgi`, serves Comity with debug off, one worker per core unless told otherwise."""

import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.servers import free_port, wait_until_served


def _children(pid: int) -> int:
    """How many processes `pid` has started (gunicorn's workers), once they stop changing."""
    counts = [_count_children(pid)]
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and (len(counts) < 5 or len(set(counts[-5:])) > 1):
        time.sleep(0.1)
        counts.append(_count_children(pid))
    return counts[-1]


def _count_children(pid: int) -> int:
    count = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended while we looked
            continue
        count += fields[1] == str(pid)
    return count


def _serve(env: dict[str, str], url: str) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "python:comity.config.gunicorn", "comity.config.wsgi"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_until_served(server, f"{url}/healthz")
    return server


def _get(url: str) -> tuple[str, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.headers["Content-Type"], response.read()


def test_gunicorn_with_comitys_settings_serves_one_worker_per_core(tmp_path, migrated_database_url):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = os.environ | {
        "DATABASE_URL": migrated_database_url,
        "COMITY_VAR_DIR": str(tmp_path),
        "COMITY_DEBUG": "false",
        "COMITY_SECRET_KEY": "production-server-test-" + "k" * 40,
        "COMITY_BIND": f"127.0.0.1:{port}",
    }
    env.pop("COMITY_WEB_WORKERS", None)

    server = _serve(env, url)
    try:
        assert _children(server.pid) == len(os.sched_getaffinity(0))
        kind, login = _get(f"{url}/login/")
        assert kind.startswith("text/html")
        style_sheets = re.findall(r'href="(/static/[^"]+\.css)"', login.decode())
        assert style_sheets
        for path in style_sheets:
            kind, body = _get(f"{url}{path}")
            assert kind.startswith("text/css") and body, path
    finally:
        server.terminate()
        server.wait(timeout=30)

    server = _serve(env | {"COMITY_WEB_WORKERS": "3"}, url)
    try:
        assert _children(server.pid) == 3
    finally:
        server.terminate()
        server.wait(timeout=30)
