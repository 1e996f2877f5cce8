import argparse
import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import valid_interval

from comity.core.worker import RetryingWorker, loop_while, stop_with_parent, supervise, sweep_while


class Command(BaseCommand):
    help = (
        "Run background work (imports, exports) from the database queue, in a worker process that this "
        "command restarts whenever it ends, until it is stopped (SIGTERM or Ctrl+C)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--interval",
            type=valid_interval,
            default=1.0,
            help="Seconds between looks at an empty queue (default: 1)",
        )
        # The supervisor starts the worker itself as `comity worker --supervised-by PID`.
        parser.add_argument("--supervised-by", type=int, help=argparse.SUPPRESS)

    def handle(self, *args: Any, interval: float, supervised_by: int | None, **options: Any) -> None:
        if supervised_by is None:
            command = [sys.executable, "-m", "comity.config.cli", "worker", "--interval", str(interval)]
            sys.exit(supervise([*command, "--supervised-by", str(os.getpid())]))
        stop_with_parent(supervised_by)
        worker = RetryingWorker(
            queue_names=["default"],
            interval=interval,
            batch=False,
            backend_name="default",
            startup_delay=True,
            max_tasks=None,
            worker_id=get_random_string(32),
            excluded_queue_names=[],
        )
        worker.configure_signals()
        sweep_while(lambda: worker.running)
        loop_while(lambda: worker.running, interval)
        worker.run()
