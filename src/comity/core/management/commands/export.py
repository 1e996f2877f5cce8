from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from comity.core.transfers import add_kinds, exports, run_kind


class Command(BaseCommand):
    help = (
        "Export an authority's requests or asset cases in the layout the import reads "
        "(`comity export requests --format csv`), or its statistical submission for a year "
        "(`comity export submission --period 2025`)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_kinds(parser, exports())

    def handle(self, *args: Any, **options: Any) -> None:
        run_kind(self, exports(), options)
