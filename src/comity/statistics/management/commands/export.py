import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from comity.assets import transfer as asset_transfer
from comity.assets.models import AssetCase
from comity.cooperation.models import Request
from comity.cooperation.transfer import export_rows, exportable
from comity.core.tabular import write_csv, write_xlsx
from comity.statistics.management.commands._authority import acting_authority
from comity.statistics.submissions import build_submission


class Command(BaseCommand):
    help = (
        "Export an authority's requests in the canonical layout (`comity export requests --format csv`) "
        "or its statistical submission for a year (`comity export submission --period 2025`)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        kinds = parser.add_subparsers(dest="kind", required=True)
        requests = kinds.add_parser("requests", help="Requests, one row each.")
        requests.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        requests.add_argument("--authority", type=int, help="Whose requests (incoming and outgoing)")
        requests.add_argument(
            "--output", type=Path, help="File to write (default: standard output, CSV only)"
        )
        cases = kinds.add_parser(
            "asset-cases", help="Asset recovery cases in the Asset Recovery Watch layout, one row per asset."
        )
        cases.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        cases.add_argument("--authority", type=int, help="Whose cases")
        cases.add_argument("--output", type=Path, help="File to write (default: standard output, CSV only)")
        submission = kinds.add_parser(
            "submission", help="Aggregated figures for the secretariat, no case details."
        )
        submission.add_argument("--period", type=int, required=True, help="The year, e.g. 2025")
        submission.add_argument("--authority", type=int, help="Whose requests")
        submission.add_argument(
            "--threshold", type=int, help="Suppress counts below this (default: settings)"
        )
        submission.add_argument("--output", type=Path, help="File to write (default: standard output)")

    def handle(
        self, *args: Any, kind: str, authority: int | None, output: Path | None, **options: Any
    ) -> None:
        exporter = acting_authority(authority)
        if kind == "submission":
            text = (
                json.dumps(build_submission(exporter, options["period"], options["threshold"]), indent=2)
                + "\n"
            )
            if output is None:
                self.stdout.write(text, ending="")
            else:
                output.write_text(text, encoding="utf-8")
            return
        if kind == "asset-cases":
            cases = asset_transfer.exportable(AssetCase.objects.filter(participants__authority=exporter))
            rows = asset_transfer.export_rows(cases)
        else:
            requests = exportable(
                Request.objects.filter(Q(requesting_authority=exporter) | Q(requested_authority=exporter))
            )
            rows = export_rows(requests.iterator(chunk_size=2000), exporter)
        if options["format"] == "xlsx":
            if output is None:
                raise CommandError("output: an XLSX export needs --output FILE")
            write_xlsx(rows, output, kind)
        elif output is None:
            write_csv(rows, sys.stdout)
        else:
            with output.open("w", encoding="utf-8", newline="") as handle:
                write_csv(rows, handle)
