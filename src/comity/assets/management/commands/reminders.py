from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.core.management.base import BaseCommand, CommandParser
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from comity.accounts.choices import Role
from comity.accounts.models import Authority, User
from comity.assets.selectors import frozen_abroad


class Command(BaseCommand):
    help = (
        "Remind each authority of its assets frozen or identified abroad that need action: orders about "
        "to expire, nothing happened for COMITY_FOLLOW_UP_DAYS, identified and not frozen. Run it daily "
        "(cron or a systemd timer). The e-mail carries a count and a link, never case details."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Print what would be sent; send nothing")

    def handle(self, *args: Any, dry_run: bool, **options: Any) -> None:
        today = timezone.localdate()
        link = settings.COMITY_BASE_URL.rstrip("/") + reverse("asset-follow-up")
        for authority in Authority.objects.filter(external=False).order_by("pk"):
            people = list(
                User.objects.filter(authority=authority, is_active=True, role__in=[Role.OFFICER, Role.HEAD])
            )
            if not people:
                continue
            alerting = sum(1 for row in frozen_abroad(people[0], today) if row.alerts)
            if not alerting:
                continue
            recipients = [u for u in people if u.email]
            self.stdout.write(f"{authority}: {alerting} assets need action; {len(recipients)} recipients")
            if dry_run:
                continue
            for person in recipients:
                # Each in their own language; a count and a link, never case details.
                with translation.override(person.language or settings.LANGUAGE_CODE):
                    send_mail(
                        subject=ngettext(
                            "Comity: %(n)d asset abroad needs action",
                            "Comity: %(n)d assets abroad need action",
                            alerting,
                        )
                        % {"n": alerting},
                        message=gettext(
                            "Assets frozen or identified abroad need action (an order expiring, no news, "
                            "or not yet frozen): %(n)d.\n\nSee %(link)s\n"
                        )
                        % {"n": alerting, "link": link},
                        from_email=None,
                        recipient_list=[person.email],
                    )
