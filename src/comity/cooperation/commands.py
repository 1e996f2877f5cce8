"""`comity import requests FILE` and `comity export requests` (see core.transfers)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Q

from comity.accounts.cli import acting_authority
from comity.cooperation.models import Request
from comity.cooperation.transfer import column_help, export_rows, exportable, import_requests
from comity.core.cli import add_file_arguments, existing_file, import_file, imported_text, write_rows
from comity.core.transfers import Transfer


def _import_arguments(parser: CommandParser) -> None:
    add_file_arguments(parser, importing=True)
    parser.add_argument(
        "--no-new-authorities",
        action="store_true",
        help="Refuse rows whose counterpart is not in Comity, instead of creating it as external",
    )


def _import(command: BaseCommand, options: dict[str, Any]) -> None:
    file = existing_file(options["file"])
    importer = acting_authority(options["authority"])
    result = import_file(
        file,
        lambda handle, progress: import_requests(
            handle,
            file.name,
            authority=importer,
            progress=progress,
            new_authorities=not options["no_new_authorities"],
        ),
    )
    command.stdout.write(imported_text(result, "requests", importer))
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
