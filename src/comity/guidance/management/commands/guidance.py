import json
import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from comity.core.cli import existing_file
from comity.guidance.models import Profile
from comity.guidance.services import profile_import


def export_text(profile: Profile) -> str:
    """A profile's file: its document as stored, which `import` reads back unchanged."""
    return json.dumps(profile.document, ensure_ascii=False, indent=2) + "\n"


class Command(BaseCommand):
    help = (
        "A State's requirement profile as a JSON file (docs/guidance-profile.md): "
        "`comity guidance export PROFILE.json --country CH` writes it (`-` for standard output), "
        "`comity guidance import PROFILE.json` replaces that State's profile with it. A file that does "
        "not match the schema imports nothing; every path that does not is named."
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

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "export":
            country = options["country"].upper()
            profile = Profile.objects.filter(country=country).first()
            if profile is None:
                raise CommandError(f"country: {country} has no requirement profile.")
            if options["file"] == "-":
                sys.stdout.write(export_text(profile))
            else:
                Path(options["file"]).write_text(export_text(profile), encoding="utf-8")
                self.stdout.write(f"Exported the profile of {country} (version {profile.version}).")
            return
        file = existing_file(options["file"])
        try:
            profile = profile_import(actor=None, raw=file.read_bytes())
        except ValidationError as error:
            lines = [
                f"{path or '(file)'}: {message}"
                for path, messages in error.message_dict.items()
                for message in messages
            ]
            raise CommandError("Nothing was imported:\n" + "\n".join(lines)) from error
        self.stdout.write(f"Imported the profile of {profile.country}: version {profile.version}.")
