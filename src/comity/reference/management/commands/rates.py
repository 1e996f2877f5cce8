from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from comity.reference.money import RatesRejected, import_rates


class Command(BaseCommand):
    help = (
        "Exchange rates the ECB does not publish: `comity rates import FILE` (currency,date,per_usd,source)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        load = actions.add_parser("import", help="Load rates from a CSV file, all or nothing.")
        load.add_argument("file", type=Path)

    def handle(self, *args, action: str, file: Path, **options) -> None:
        if not file.is_file():
            raise CommandError(f"file: {file} does not exist")
        try:
            with file.open("rb") as handle:
                count = import_rates(handle)
        except RatesRejected as rejected:
            raise CommandError(
                "No rate was imported:\n" + "\n".join(map(str, rejected.problems))
            ) from rejected
        self.stdout.write(f"{count} rates imported.")
