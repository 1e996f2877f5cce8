"""`comity import asset-cases FILE` and `comity export asset-cases` (see core.transfers)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from comity.accounts.cli import acting_authority
from comity.assets import transfer
from comity.assets.models import AssetCase
from comity.core.cli import add_file_arguments, existing_file, import_file, imported_text, write_rows
from comity.core.transfers import Transfer

HELP = "Asset recovery cases in the Asset Recovery Watch layout, one row per asset."


def _import(command: BaseCommand, options: dict[str, Any]) -> None:
    file = existing_file(options["file"])
    importer = acting_authority(options["authority"])
    result = import_file(
        file,
        lambda handle, progress: transfer.import_asset_cases(
            handle, file.name, authority=importer, actor=None, progress=progress
        ),
    )
    command.stdout.write(
        imported_text(result, f"asset recovery cases with {result.assets_created} assets", importer)
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
