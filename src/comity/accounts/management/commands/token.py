from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from comity.accounts.models import ApiToken, User
from comity.accounts.services import token_create, token_revoke
from comity.core.cli import validation_message


class Command(BaseCommand):
    help = (
        "Manage API tokens: `comity token add USERNAME` prints a new token (its last line), shown only "
        "once; `comity token list [USERNAME]`; `comity token revoke PREFIX`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        add = actions.add_parser("add", help="Create an API token for a user and print it.")
        add.add_argument("username")
        add.add_argument("--days", type=int, default=None, help="How long it works (COMITY_TOKEN_DAYS)")
        add.add_argument("--name", default="", help="What it is for")
        listing = actions.add_parser("list", help="List tokens (never the tokens themselves).")
        listing.add_argument("username", nargs="?")
        revoke = actions.add_parser("revoke", help="Revoke a token, named by its first characters.")
        revoke.add_argument("prefix")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "add":
            user = User.objects.filter(username=options["username"], is_active=True).first()
            if user is None:
                raise CommandError(f"username: no active user {options['username']!r}")
            try:
                secret = token_create(actor=None, user=user, days=options["days"], name=options["name"])
            except ValidationError as error:
                raise CommandError(validation_message(error)) from error
            self.stdout.write(secret)
        elif action == "list":
            tokens = ApiToken.objects.select_related("user").order_by("-created_at")
            if options["username"]:
                tokens = tokens.filter(user__username=options["username"])
            for token in tokens:
                state = (
                    "revoked"
                    if token.revoked
                    else f"expires {token.expires_at:%Y-%m-%d}"
                    if token.expires_at
                    else ""
                )
                self.stdout.write(f"{token.prefix}  {token.user.username:<20} {token.name[:30]:<30} {state}")
        else:
            matches = list(ApiToken.objects.filter(prefix=options["prefix"]))
            if len(matches) != 1:
                raise CommandError(
                    f"prefix: {len(matches)} tokens start with {options['prefix']!r}; give one"
                )
            token_revoke(actor=None, token=matches[0])
            self.stdout.write(f"Revoked {matches[0].prefix}… of {matches[0].user.username}.")
