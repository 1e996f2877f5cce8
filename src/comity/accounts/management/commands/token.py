from django.core.management.base import BaseCommand, CommandError, CommandParser

from comity.accounts.models import User
from comity.accounts.services import token_create


class Command(BaseCommand):
    help = "Manage API tokens: `comity token add USERNAME` prints a new token, shown only once."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        add = actions.add_parser("add", help="Create an API token for a user and print it.")
        add.add_argument("username")

    def handle(self, *args, action: str, **options) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"username: no active user {options['username']!r}")
        self.stdout.write(token_create(actor=None, user=user))
