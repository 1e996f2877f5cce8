from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from comity.backup.services import BackupError, restore


class Command(BaseCommand):
    help = (
        "Replace the database with a backup made by `comity backup`, then migrate it. Refused when the "
        "database holds a transparency log that the backup does not contain: the log never goes back."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="A file written by `comity backup`")

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        try:
            restored = restore(file)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored from {restored.path}: {restored.log_size} transparency-log entries. Stop and start "
            "the server and the worker if they were running."
        )
