"""gunicorn's settings for serving Comity in production:

    gunicorn -c python:comity.config.gunicorn comity.config.wsgi

One sync worker per CPU core by default (`COMITY_WEB_WORKERS` overrides it). A page is Python's
work from end to end (SQLite runs in the worker; PostgreSQL's share of a list is small beside
Python's), so more workers than cores only take turns on them: gunicorn's "2 × cores + 1" served
the request list fewer times a second than one per core, and clients waited longer (figures in
ADR 7). Threads do worse still: they share one interpreter lock.
"""

import os


def _cores() -> int:
    """The cores this process may run on (a container's share, where Linux says), not the machine's."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


bind = os.environ.get("COMITY_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("COMITY_WEB_WORKERS") or _cores())
# A whole register's export or the statistics of a large authority can take a minute; gunicorn's
# default of 30 s would kill the worker in the middle of it.
timeout = int(os.environ.get("COMITY_WEB_TIMEOUT", "300"))
