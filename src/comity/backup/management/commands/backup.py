from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from comity.backup.services import BackupError, backup


class Command(BaseCommand):
    help = (
        "Copy the database to FILE while Comity runs (SQLite's online backup, or pg_dump). The ledger's "
        "signing key is not in it: keep a copy of COMITY_LEDGER_KEY_FILE apart (see the README)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="Where to write the backup (replaced if it exists)")

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        try:
            made = backup(file)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Backed up to {made.path}: {made.log_size} transparency-log entries.")
