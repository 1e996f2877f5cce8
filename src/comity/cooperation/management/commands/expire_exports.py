from typing import Any

from django.core.management.base import BaseCommand

from comity.cooperation.tasks import EXPORT_KEPT_HOURS, exports_expire


class Command(BaseCommand):
    help = (
        f"Delete the XLSX exports of the request list that were ready more than {EXPORT_KEPT_HOURS} "
        "hours ago and never downloaded. Run it daily (cron or a systemd timer); every new export "
        "also does it."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{exports_expire()} expired exports deleted")
