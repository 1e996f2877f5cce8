"""`comity import asset-cases FILE` and `comity export asset-cases` (see core.transfers)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from comity.accounts.cli import acting_authority
from comity.assets import transfer
from comity.assets.models import AssetCase
from comity.core.cli import add_file_arguments, rejection_text, write_rows
from comity.core.tabular import ImportRejected
from comity.core.transfers import Transfer

HELP = "Asset recovery cases in the Asset Recovery Watch layout, one row per asset."


def _import(command: BaseCommand, options: dict[str, Any]) -> None:
    file: Path = options["file"]
    if not file.is_file():
        raise CommandError(f"file: {file} does not exist")
    importer = acting_authority(options["authority"])
    with file.open("rb") as handle:
        try:
            cases = transfer.import_asset_cases(handle, file.name, authority=importer, actor=None)
        except ImportRejected as rejected:
            raise CommandError(rejection_text(rejected)) from rejected
    command.stdout.write(
        f"Imported {cases.cases_created} asset recovery cases ({cases.assets_created} assets) for "
        f"{importer}; {cases.cases_unchanged} already present; {cases.rows} rows read."
    )


def _export(command: BaseCommand, options: dict[str, Any]) -> None:
    exporter = acting_authority(options["authority"])
    rows = transfer.export_rows(
        transfer.exportable(AssetCase.objects.filter(participants__authority=exporter))
    )
    write_rows(
        rows,
        fmt=options["format"],
        output=options["output"],
        sheet="asset-cases",
        stdout=command.stdout,
        labels=transfer.column_help(),
    )


def _arguments(importing: bool) -> Any:
    def add(parser: CommandParser) -> None:
        add_file_arguments(parser, importing=importing)

    return add


IMPORT = Transfer("asset-cases", HELP, _arguments(True), _import)
EXPORT = Transfer("asset-cases", HELP, _arguments(False), _export)
