"""`comity import requests FILE` and `comity export requests` (see core.transfers)."""

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from comity.accounts.cli import acting_authority
from comity.cooperation.models import Request
from comity.cooperation.transfer import column_help, export_rows, exportable, import_requests
from comity.core.cli import add_file_arguments, rejection_text, write_rows
from comity.core.tabular import ImportRejected
from comity.core.transfers import Transfer


def _import_arguments(parser: CommandParser) -> None:
    add_file_arguments(parser, importing=True)
    parser.add_argument(
        "--no-new-authorities",
        action="store_true",
        help="Refuse rows whose counterpart is not in Comity, instead of creating it as external",
    )


def _import(command: BaseCommand, options: dict[str, Any]) -> None:
    file: Path = options["file"]
    if not file.is_file():
        raise CommandError(f"file: {file} does not exist")
    importer = acting_authority(options["authority"])

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
            raise CommandError(rejection_text(rejected)) from rejected
    sys.stderr.write("\n")
    command.stdout.write(
        f"Imported {result.created} requests for {importer} ({result.unchanged} already present, "
        f"{result.rows} rows read)."
    )
    for name in result.authorities_created:
        command.stdout.write(f"  new external authority: {name}")


def _export(command: BaseCommand, options: dict[str, Any]) -> None:
    exporter = acting_authority(options["authority"])
    requests = exportable(
        Request.objects.filter(Q(requesting_authority=exporter) | Q(requested_authority=exporter))
    )
    rows = export_rows(requests.iterator(chunk_size=2000), exporter)
    write_rows(
        rows,
        fmt=options["format"],
        output=options["output"],
        sheet="requests",
        stdout=command.stdout,
        labels=column_help(),
    )


IMPORT = Transfer(
    "requests", "Requests, one row each (see `comity export requests`).", _import_arguments, _import
)
EXPORT = Transfer(
    "requests", "Requests, one row each.", lambda parser: add_file_arguments(parser, importing=False), _export
)
