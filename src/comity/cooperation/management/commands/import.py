import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from comity.cooperation.management.commands._authority import acting_authority
from comity.cooperation.transfer import ImportRejected, import_requests


class Command(BaseCommand):
    help = "Import requests from a CSV or XLSX file in the canonical layout: `comity import requests FILE`."

    def add_arguments(self, parser: CommandParser) -> None:
        kinds = parser.add_subparsers(dest="kind", required=True)
        requests = kinds.add_parser("requests", help="Requests, one row each (see `comity export requests`).")
        requests.add_argument("file", type=Path)
        requests.add_argument("--authority", type=int, help="The importing authority's id")

    def handle(self, *args, kind: str, file: Path, authority: int | None, **options) -> None:
        importer = acting_authority(authority)
        if not file.is_file():
            raise CommandError(f"file: {file} does not exist")

        def progress(stage: str, done: int) -> None:
            sys.stderr.write(f"\r  {stage}: {done} rows")
            sys.stderr.flush()

        with file.open("rb") as handle:
            try:
                result = import_requests(handle, file.name, authority=importer, progress=progress)
            except ImportRejected as rejected:
                lines = [str(problem) for problem in rejected.problems]
                if rejected.more:
                    lines.append(f"... and {rejected.more} more problems")
                raise CommandError("Nothing was imported:\n" + "\n".join(lines)) from rejected
        sys.stderr.write("\n")
        self.stdout.write(
            f"Imported {result.created} requests for {importer} ({result.unchanged} already present, "
            f"{result.rows} rows read)."
        )
        for name in result.authorities_created:
            self.stdout.write(f"  new external authority: {name}")
