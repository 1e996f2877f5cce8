"""`comity import submission FILE` and `comity export submission --period YEAR` (see core.transfers)."""

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from comity.accounts.cli import acting_authority
from comity.core.transfers import Transfer
from comity.reference.countries import is_country
from comity.statistics.national import state_authorities
from comity.statistics.services import submission_receive_file
from comity.statistics.submissions import build_submission


def _import_arguments(parser: CommandParser) -> None:
    parser.add_argument("file", type=Path)


def _import(command: BaseCommand, options: dict[str, Any]) -> None:
    file: Path = options["file"]
    if not file.is_file():
        raise CommandError(f"file: {file} does not exist")
    try:
        submission = submission_receive_file(actor=None, data=file.read_bytes())
    except ValidationError as error:
        raise CommandError("Not imported:\n" + "\n".join(error.messages)) from error
    command.stdout.write(f"Submission of {submission.state} for {submission.period} received.")


def _export_arguments(parser: CommandParser) -> None:
    parser.add_argument("--period", type=int, required=True, help="The year, e.g. 2025")
    parser.add_argument("--country", help="The State (ISO 3166-1 alpha-2): all its authorities, consolidated")
    parser.add_argument("--authority", type=int, help="The State of this authority (instead of --country)")
    parser.add_argument("--threshold", type=int, help="Suppress counts below this (default: settings)")
    parser.add_argument("--output", type=Path, help="File to write (default: standard output)")


def _export(command: BaseCommand, options: dict[str, Any]) -> None:
    country = (options["country"] or "").strip().upper()
    if not country:
        country = acting_authority(options["authority"]).country
    elif not is_country(country):
        raise CommandError(f"country: {options['country']} is not an ISO 3166-1 alpha-2 code")
    if not state_authorities(country).exists():
        raise CommandError(f"country: no authority of {country} in Comity")
    period = options["period"]
    if period > timezone.localdate().year:
        raise CommandError(f"period: {period} has not begun")
    text = json.dumps(build_submission(country, period, options["threshold"]), indent=2) + "\n"
    if options["output"] is None:
        command.stdout.write(text, ending="")
    else:
        options["output"].write_text(text, encoding="utf-8")


IMPORT = Transfer("submission", "A State's statistical submission (secretariat).", _import_arguments, _import)
EXPORT = Transfer(
    "submission", "Aggregated figures for the secretariat, no case details.", _export_arguments, _export
)
