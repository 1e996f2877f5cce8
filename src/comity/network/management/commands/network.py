from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from comity.accounts.models import Authority
from comity.core.cli import validation_message
from comity.network import services
from comity.network.models import Membership, Network


def _authority(pk: int) -> Authority:
    found = Authority.objects.filter(pk=pk).first()
    if found is None:
        raise CommandError(f"No authority {pk}.")
    return found


class Command(BaseCommand):
    help = (
        "Manage a network's members: `comity network join NETWORK AUTHORITY_ID [--sponsor ID]`, "
        "`comity network approve NETWORK AUTHORITY_ID`, `comity network suspend NETWORK AUTHORITY_ID`. "
        "NETWORK is its code; a network that does not exist is created by `join --name NAME`. "
        "`comity worker` runs these daily; by hand: `comity network remind` (directory editors whose entry "
        "is due for its yearly confirmation) and `comity network digest` (each user's unread notifications "
        "not yet e-mailed, in one e-mail, now)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        join = actions.add_parser("join", help="Ask for an authority to join a network.")
        approve = actions.add_parser("approve", help="Approve a membership (or lift a suspension).")
        suspend = actions.add_parser("suspend", help="Suspend a member: it keeps its history, reads nothing.")
        for sub in (join, approve, suspend):
            sub.add_argument("network", help="The network's code, e.g. globe-hub")
            sub.add_argument(
                "authority", type=int, help="The authority's id (comity authority add prints it)"
            )
            sub.add_argument("--note", default="", help="Why, for the record")
        actions.add_parser("remind", help="Remind directory editors to confirm their entry.")
        actions.add_parser("digest", help="E-mail each user's unread notifications now.")
        join.add_argument("--sponsor", type=int, help="The id of a member authority that sponsors it")
        join.add_argument("--name", default="", help="The network's name, to create it on its first member")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "remind":
            self.stdout.write(f"{services.directory_confirmations_remind()} reminders")
            return
        if action == "digest":
            self.stdout.write(f"{services.notifications_digest()} e-mails")
            return
        authority = _authority(options["authority"])
        network = Network.objects.filter(code=options["network"]).first()
        try:
            if action == "join":
                if network is None:
                    if not options["name"]:
                        raise CommandError(f"No network {options['network']}; give --name to create it.")
                    network = services.network_create(
                        actor=None, code=options["network"], name=options["name"]
                    )
                sponsor = _authority(options["sponsor"]) if options["sponsor"] else None
                membership = services.membership_request(
                    actor=None, network=network, authority=authority, sponsor=sponsor, note=options["note"]
                )
            else:
                found = (
                    Membership.objects.filter(network=network, authority=authority).first()
                    if network
                    else None
                )
                if found is None:
                    raise CommandError(f"{authority} has no membership of {options['network']}.")
                membership = found
                if action == "approve":
                    membership = services.membership_decide(
                        actor=None, membership=membership, approve=True, note=options["note"]
                    )
                else:
                    membership = services.membership_suspend(
                        actor=None, membership=membership, note=options["note"]
                    )
        except ValidationError as error:
            raise CommandError(validation_message(error)) from error
        self.stdout.write(f"{membership.authority}: {membership.state}")
