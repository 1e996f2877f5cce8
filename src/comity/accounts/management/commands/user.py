import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from comity.accounts.choices import GRANTABLE_PERMISSIONS, Role
from comity.accounts.models import Authority, User
from comity.accounts.services import user_create, user_permission_set
from comity.core.cli import validation_message


class Command(BaseCommand):
    help = (
        "Manage users: `comity user add NAME --authority ID --role ROLE --password-stdin`; "
        "`comity user grant|revoke NAME directory-editor|network-administrator` (beside the user's role)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        add = actions.add_parser("add", help="Add a user to an authority.")
        add.add_argument("username")
        add.add_argument("--authority", required=True, type=int, help="The authority's id")
        add.add_argument("--role", required=True, choices=Role.values)
        add.add_argument("--email", default="")
        add.add_argument(
            "--password-stdin",
            action="store_true",
            required=True,
            help="Read the password from standard input (never from the command line)",
        )

        for name, text in (
            ("grant", "Grant a user a permission beside their role."),
            ("revoke", "Withdraw a permission granted to a user."),
        ):
            sub = actions.add_parser(name, help=text)
            sub.add_argument("username")
            sub.add_argument("permission", choices=list(GRANTABLE_PERMISSIONS))

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action in ("grant", "revoke"):
            self._permission(options["username"], options["permission"], granted=action == "grant")
            return
        authority = Authority.objects.filter(pk=options["authority"]).first()
        if authority is None:
            raise CommandError(f"authority: no authority with id {options['authority']}")
        password = sys.stdin.readline().rstrip("\r\n")
        try:
            user = user_create(
                actor=None,
                username=options["username"],
                authority=authority,
                role=options["role"],
                password=password,
                email=options["email"],
            )
        except ValidationError as error:
            raise CommandError(validation_message(error)) from error
        self.stdout.write(str(user.pk))

    def _permission(self, username: str, permission: str, *, granted: bool) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"user: no user {username}")
        try:
            changed = user_permission_set(actor=None, user=user, permission=permission, granted=granted)
        except ValidationError as error:
            raise CommandError(validation_message(error)) from error
        state = "granted" if granted else "withdrawn"
        self.stdout.write(f"{username}: {permission} {state}" + ("" if changed else " (already)"))
