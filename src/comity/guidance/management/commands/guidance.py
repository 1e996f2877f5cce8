import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from comity.core.cli import existing_file
from comity.guidance.models import NationalOffence, Profile
from comity.guidance.selectors import offences_document
from comity.guidance.services import national_offences_import, profile_import

Imported = TypeVar("Imported")


def export_text(profile: Profile) -> str:
    """A profile's file: its document as stored, which `import` reads back unchanged."""
    return json.dumps(profile.document, ensure_ascii=False, indent=2) + "\n"


class Command(BaseCommand):
    help = (
        "A State's requirement profile as a JSON file (docs/guidance-profile.md): "
        "`comity guidance export PROFILE.json --country CH` writes it (`-` for standard output), "
        "`comity guidance import PROFILE.json` replaces that State's profile with it. A file that does "
        "not match the schema imports nothing; every path that does not is named. "
        "`export-offences` and `import-offences` do the same for a State's national offences "
        "(docs/guidance-crosswalk.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        importing = actions.add_parser("import", help="Replace a State's profile with a profile file.")
        importing.add_argument("file", type=Path)
        exporting = actions.add_parser("export", help="Write a State's profile to a file.")
        exporting.add_argument("file", help="The file to write, or - for standard output")
        exporting.add_argument(
            "--country", required=True, help="The State's ISO 3166-1 alpha-2 code, e.g. CH"
        )

        importing = actions.add_parser(
            "import-offences", help="Replace a State's national offences with a file."
        )
        importing.add_argument("file", type=Path)
        exporting = actions.add_parser("export-offences", help="Write a State's national offences to a file.")
        exporting.add_argument("file", help="The file to write, or - for standard output")
        exporting.add_argument(
            "--country", required=True, help="The State's ISO 3166-1 alpha-2 code, e.g. CH"
        )

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "export-offences":
            country = options["country"].upper()
            text = json.dumps(
                offences_document(
                    country, NationalOffence.objects.filter(country=country).order_by("position")
                ),
                ensure_ascii=False,
                indent=2,
            )
            self._write(options["file"], text + "\n", f"Exported the national offences of {country}.")
            return
        if action == "import-offences":
            file = existing_file(options["file"])
            offences = self._imported(lambda: national_offences_import(actor=None, raw=file.read_bytes()))
            self.stdout.write(f"Imported {len(offences)} national offences.")
            return
        if action == "export":
            country = options["country"].upper()
            profile = Profile.objects.filter(country=country).first()
            if profile is None:
                raise CommandError(f"country: {country} has no requirement profile.")
            self._write(
                options["file"],
                export_text(profile),
                f"Exported the profile of {country} (version {profile.version}).",
            )
            return
        file = existing_file(options["file"])
        profile = self._imported(lambda: profile_import(actor=None, raw=file.read_bytes()))
        self.stdout.write(f"Imported the profile of {profile.country}: version {profile.version}.")

    def _write(self, where: str, text: str, done: str) -> None:
        if where == "-":
            sys.stdout.write(text)
        else:
            Path(where).write_text(text, encoding="utf-8")
            self.stdout.write(done)

    def _imported(self, run: Callable[[], Imported]) -> Imported:
        """What `run` imported, or a CommandError naming each path of the file that does not match."""
        try:
            return run()
        except ValidationError as error:
            lines = [
                f"{path or '(file)'}: {message}"
                for path, messages in error.message_dict.items()
                for message in messages
            ]
            raise CommandError("Nothing was imported:\n" + "\n".join(lines)) from error
