"""What each app imports and exports on the command line: `comity import KIND FILE` and `comity
export KIND`, one command for every kind, each kind's handler in the app that owns its records
(registered in its AppConfig.ready). The commands stay where users know them; no app holds
another's import."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


@dataclass(frozen=True)
class Transfer:
    name: str  # the KIND of `comity import KIND`
    help: str
    arguments: Callable[[CommandParser], None]
    run: Callable[[BaseCommand, dict[str, Any]], None]


_IMPORTS: dict[str, Transfer] = {}
_EXPORTS: dict[str, Transfer] = {}


def register_import(transfer: Transfer) -> None:
    _IMPORTS[transfer.name] = transfer


def register_export(transfer: Transfer) -> None:
    _EXPORTS[transfer.name] = transfer


def imports() -> list[Transfer]:
    return list(_IMPORTS.values())


def exports() -> list[Transfer]:
    return list(_EXPORTS.values())


def add_kinds(parser: CommandParser, transfers: list[Transfer]) -> None:
    kinds = parser.add_subparsers(dest="kind", required=True)
    for transfer in transfers:
        transfer.arguments(kinds.add_parser(transfer.name, help=transfer.help))


def run_kind(command: BaseCommand, transfers: list[Transfer], options: dict[str, Any]) -> None:
    {t.name: t for t in transfers}[options["kind"]].run(command, options)
