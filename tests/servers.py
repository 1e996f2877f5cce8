"""Helpers for tests that run Comity's own processes (servers, the command line) beside pytest."""

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

COMITY = str(Path(sys.executable).with_name("comity"))


def run_comity(
    env: dict[str, str], *args: str, stdin: str = "", check: bool = True
) -> subprocess.CompletedProcess:
    """`comity ARGS` in its own process, as an operator runs it."""
    return subprocess.run(
        [COMITY, *args], env=env, input=stdin, capture_output=True, text=True, check=check, timeout=300
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_served(process: subprocess.Popen, url: str, seconds: float = 90) -> None:
    """Return once `url` answers; fail if the server exits or does not answer in time."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server exited with {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("the server did not start")
