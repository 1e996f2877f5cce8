from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from comity.accounts.choices import AuthorityKind
from comity.accounts.services import authority_create
from comity.core.cli import validation_message


class Command(BaseCommand):
    help = "Manage authorities: `comity authority add --country PE --kind central-authority --name NAME`."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        add = actions.add_parser("add", help="Add an authority and print its id.")
        add.add_argument("--country", required=True, help="ISO 3166-1 alpha-2 code, e.g. PE")
        add.add_argument("--kind", required=True, choices=AuthorityKind.values)
        add.add_argument("--name", required=True)
        add.add_argument("--external", action="store_true", help="A counterpart with no users in Comity")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        try:
            authority = authority_create(
                actor=None,
                name=options["name"],
                country=options["country"],
                kind=options["kind"],
                external=options["external"],
            )
        except ValidationError as error:
            raise CommandError(validation_message(error)) from error
        self.stdout.write(str(authority.pk))
