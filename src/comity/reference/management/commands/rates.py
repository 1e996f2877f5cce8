import io
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from comity.reference.money import RatesRejected, RatesUnreachable, fetch_ecb_rates, import_rates


class Command(BaseCommand):
    help = (
        "Exchange rates: `comity rates update` fetches the ECB's reference rates; `comity rates import FILE` "
        "loads a CSV (currency,date,per_usd[,source]) or the ECB's XML file offline. Conversions at a "
        "provisional rate are then recomputed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        load = actions.add_parser("import", help="Load rates from a CSV or ECB XML file, all or nothing.")
        load.add_argument("file", type=Path)
        update = actions.add_parser("update", help="Fetch the ECB's latest reference rates.")
        update.add_argument("--url", default=None, help="Where to fetch them (COMITY_ECB_RATES_URL)")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "update":
            url = options["url"] or settings.COMITY_ECB_RATES_URL
            try:
                handle: IO[bytes] = io.BytesIO(fetch_ecb_rates(url))
            except RatesUnreachable as unreachable:
                raise CommandError(str(unreachable)) from unreachable
            self._load(handle)
            return
        file: Path = options["file"]
        if not file.is_file():
            raise CommandError(f"file: {file} does not exist")
        with file.open("rb") as opened:
            self._load(opened)

    def _load(self, handle: IO[bytes]) -> None:
        try:
            loaded = import_rates(handle)
        except RatesRejected as rejected:
            raise CommandError(
                "No rate was imported:\n" + "\n".join(map(str, rejected.problems))
            ) from rejected
        self.stdout.write(
            f"{loaded.rates} rates imported; {loaded.recomputed} provisional conversions recomputed."
        )
