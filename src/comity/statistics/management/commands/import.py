import json
import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from comity.assets.transfer import import_asset_cases
from comity.cooperation.transfer import import_requests
from comity.core.tabular import ImportRejected
from comity.statistics.management.commands._authority import acting_authority
from comity.statistics.services import submission_receive


class Command(BaseCommand):
    help = "Import requests from a CSV or XLSX file in the canonical layout: `comity import requests FILE`."

    def add_arguments(self, parser: CommandParser) -> None:
        kinds = parser.add_subparsers(dest="kind", required=True)
        requests = kinds.add_parser("requests", help="Requests, one row each (see `comity export requests`).")
        requests.add_argument("file", type=Path)
        requests.add_argument("--authority", type=int, help="The importing authority's id")
        requests.add_argument(
            "--no-new-authorities",
            action="store_true",
            help="Refuse rows whose counterpart is not in Comity, instead of creating it as external",
        )
        cases = kinds.add_parser(
            "asset-cases", help="Asset recovery cases in the Asset Recovery Watch layout, one row per asset."
        )
        cases.add_argument("file", type=Path)
        cases.add_argument("--authority", type=int, help="The importing authority's id")
        submission = kinds.add_parser("submission", help="A State's statistical submission (secretariat).")
        submission.add_argument("file", type=Path)

    def handle(self, *args: Any, kind: str, file: Path, **options: Any) -> None:
        if not file.is_file():
            raise CommandError(f"file: {file} does not exist")
        if kind == "submission":
            try:
                submission = submission_receive(
                    actor=None, payload=json.loads(file.read_text(encoding="utf-8"))
                )
            except (ValueError, UnicodeDecodeError) as error:
                raise CommandError(f"{file}: not a JSON submission ({error})") from error
            except ValidationError as error:
                raise CommandError("Not imported:\n" + "\n".join(error.messages)) from error
            self.stdout.write(f"Submission of {submission.state} for {submission.period} received.")
            return
        importer = acting_authority(options["authority"])
        if kind == "asset-cases":
            with file.open("rb") as handle:
                try:
                    cases = import_asset_cases(handle, file.name, authority=importer, actor=None)
                except ImportRejected as rejected:
                    raise CommandError(_rejection(rejected)) from rejected
            self.stdout.write(
                f"Imported {cases.cases_created} asset recovery cases ({cases.assets_created} assets) for "
                f"{importer}; {cases.cases_unchanged} already present; {cases.rows} rows read."
            )
            return

        def progress(stage: str, done: int) -> None:
            sys.stderr.write(f"\r  {stage}: {done} rows")
            sys.stderr.flush()

        with file.open("rb") as handle:
            try:
                result = import_requests(
                    handle,
                    file.name,
                    authority=importer,
                    progress=progress,
                    new_authorities=not options["no_new_authorities"],
                )
            except ImportRejected as rejected:
                raise CommandError(_rejection(rejected)) from rejected
        sys.stderr.write("\n")
        self.stdout.write(
            f"Imported {result.created} requests for {importer} ({result.unchanged} already present, "
            f"{result.rows} rows read)."
        )
        for name in result.authorities_created:
            self.stdout.write(f"  new external authority: {name}")


def _rejection(rejected: ImportRejected) -> str:
    lines = [str(problem) for problem in rejected.problems]
    if rejected.more:
        lines.append(f"... and {rejected.more} more problems")
    return "Nothing was imported:\n" + "\n".join(lines)
