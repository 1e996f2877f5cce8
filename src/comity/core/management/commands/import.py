from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from comity.core.transfers import add_kinds, imports, run_kind


class Command(BaseCommand):
    help = "Import a file: `comity import requests FILE`, `comity import asset-cases FILE`, `comity import submission FILE`."

    def add_arguments(self, parser: CommandParser) -> None:
        add_kinds(parser, imports())

    def handle(self, *args: Any, **options: Any) -> None:
        run_kind(self, imports(), options)
