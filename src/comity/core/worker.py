"""The background worker (`comity worker`): django-tasks-db's database queue loop, kept alive.

Two layers, because either alone leaves a gap:
- in the worker process, a database error that passes (SQLite busy past its timeout, a PostgreSQL
  connection dropped by a restart or a failover) is waited out and the loop resumes, where the
  library's loop would end the process;
- a supervisor process restarts the worker whenever it ends anyway (another error, a crash, the
  kernel's OOM killer, kill -9), with a growing pause so a worker that cannot start does not spin.
Without them one lock held too long stopped every import and export until someone noticed.

The worker also runs the project's sweeps (COMITY_WORKER_SWEEPS) every half lease, in a thread of
its own: they fail the jobs whose worker died mid-way (their lease lapsed), so that a kill -9
leaves no job "importing" for ever nor its file on disk. Its loops (COMITY_WORKER_LOOPS) run
each in a thread, as long as they find work, else every interval.
"""

import logging
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from types import FrameType

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection, connections
from django.utils.module_loading import import_string
from django_tasks_db.management.commands.db_worker import Worker

logger = logging.getLogger("comity.worker")

# Pauses before retrying the database, or restarting a worker: 1, 2, 4... seconds, at most this.
LONGEST_PAUSE = 30.0
# A worker (or a loop) that ran this long without failing starts again from the shortest pause.
STEADY_SECONDS = 60.0
# A second request to stop within this many seconds of the first is the same request.
FORCE_AFTER = 2.0


def is_transient(error: BaseException) -> bool:
    """Whether a database error may pass if the same work is tried again a little later.

    On SQLite only a busy or locked database passes (other operational errors there are a missing
    table or a full disk); on PostgreSQL operational errors are a lost connection, a server shutting
    down, a deadlock or a serialization failure, all worth another try.
    """
    if isinstance(error, InterfaceError):
        return True
    if not isinstance(error, OperationalError):
        return False
    if connection.vendor == "sqlite":
        message = str(error).lower()
        return "locked" in message or "busy" in message
    return True


def describe(error: BaseException) -> str:
    """The error's class and the first line of its message: database errors carry no case data,
    but a log line stays short."""
    return f"{type(error).__name__}: {str(error).strip().splitlines()[0][:200] if str(error).strip() else ''}"


class _Pauses:
    """Growing pauses between tries, back to the shortest after a steady spell."""

    def __init__(self) -> None:
        self.failures = 0
        self.last = 0.0

    def next(self) -> float:
        now = time.monotonic()
        if now - self.last > STEADY_SECONDS:
            self.failures = 0
        self.last = now
        self.failures += 1
        return min(2.0 ** (self.failures - 1), LONGEST_PAUSE)


class RetryingWorker(Worker):
    """django-tasks-db's worker loop, resumed after a transient database error instead of ending."""

    def run(self) -> None:
        pauses = _Pauses()
        while self.running:
            try:
                super().run()
                return
            except DatabaseError as error:
                if not is_transient(error):
                    raise
                pause = pauses.next()
                logger.warning("database unavailable (%s); trying again in %.0f s", describe(error), pause)
                # A connection left broken or mid-transaction must not serve the next try.
                connections.close_all()
                self.startup_delay = False
                _sleep_while(lambda: self.running, pause)


def _sleep_while(condition: Callable[[], bool], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while condition() and time.monotonic() < deadline:
        time.sleep(min(0.2, max(deadline - time.monotonic(), 0)))


def sweep_while(condition: Callable[[], bool]) -> threading.Thread:
    """Run every sweep of COMITY_WORKER_SWEEPS every half lease while `condition` holds, in a
    daemon thread (with its own database connection); a sweep that fails is logged and tried at
    the next round."""
    sweeps = [import_string(path) for path in settings.COMITY_WORKER_SWEEPS]
    every = settings.COMITY_JOB_LEASE_SECONDS / 2

    def run() -> None:
        while condition():
            for sweep in sweeps:
                try:
                    sweep()
                except Exception as error:  # a busy database, a file gone: the next round retries
                    logger.warning("sweep %s failed (%s)", sweep.__name__, describe(error))
            connections.close_all()
            _sleep_while(condition, every)

    thread = threading.Thread(target=run, name="sweeps", daemon=True)
    thread.start()
    return thread


def loop_while(condition: Callable[[], bool], interval: float) -> list[threading.Thread]:
    """Run each function of COMITY_WORKER_LOOPS in a daemon thread of its own (own database
    connection) while `condition` holds: again at once while it returns a count of things done,
    else after `interval` seconds. Work that waits (the federation outbox) then leaves within a
    second of being queued and flows as fast as it is done, not a batch per sweep."""
    threads = []
    for path in settings.COMITY_WORKER_LOOPS:
        function = import_string(path)

        def run(function: Callable[[], int] = function) -> None:
            while condition():
                try:
                    done = function()
                except Exception as error:  # a busy database: the next round retries
                    logger.warning("loop %s failed (%s)", function.__name__, describe(error))
                    done = 0
                if not done:
                    connections.close_all()
                    _sleep_while(condition, interval)

        thread = threading.Thread(target=run, name=f"loop-{function.__name__}", daemon=True)
        thread.start()
        threads.append(thread)
    return threads


def stop_with_parent(parent: int) -> None:
    """Stop this process gracefully (as on SIGTERM) once `parent` is gone: a worker whose supervisor
    was killed must not run on unsupervised and unseen."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def supervise(command: Sequence[str]) -> int:
    """Run `command` (the worker) and start it again whenever it ends, until this process is asked
    to stop (SIGTERM, SIGINT, SIGHUP); then pass the request on, wait for the worker to finish its
    task, and return 0.

    The worker runs in a session of its own, so that a Ctrl+C at the terminal reaches it once,
    through here: a second signal would make it abandon its task.
    """
    stopping = False
    asked_at = 0.0
    child: subprocess.Popen | None = None

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping, asked_at
        # A second request makes the worker abandon its task, as a second Ctrl+C should; but one
        # stop often comes as two signals at once (Ctrl+C under `make run`, whose trap sends
        # SIGTERM too), and those count once.
        if stopping and time.monotonic() - asked_at < FORCE_AFTER:
            return
        stopping, asked_at = True, time.monotonic()
        if child is not None and child.poll() is None:
            child.send_signal(signal.SIGTERM)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)}
    pauses = _Pauses()
    restarts = 0
    try:
        while not stopping:
            child = subprocess.Popen(list(command), start_new_session=True)
            code = child.wait()
            if stopping:
                break
            restarts += 1
            pause = pauses.next()
            logger.warning(
                "the worker ended with exit code %s; restarting it in %.0f s (restart %d)",
                code,
                pause,
                restarts,
            )
            _sleep_while(lambda: not stopping, pause)
        if child is not None:
            child.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0
