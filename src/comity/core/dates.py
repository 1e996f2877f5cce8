"""Which dates a record of cooperation may carry: none before 1950-01-01 (asset recovery cases
reach back to the 1980s, Marcos's assets were frozen in 1986; a year typed as 0001 or 1025 is a
mistake, which made the statistics speak of waits of 739,616 days), and, for what has happened,
none after today. Every app's services, and the imports' cell reader, ask here."""

import datetime

from django.utils.translation import gettext as _

EARLIEST_DATE = datetime.date(1950, 1, 1)


def too_early(day: datetime.date) -> str | None:
    """The message for a date before `EARLIEST_DATE`, else None."""
    if day >= EARLIEST_DATE:
        return None
    return _("The date %(date)s is before %(earliest)s, the earliest Comity records: check the year.") % {
        "date": day.isoformat(),
        "earliest": EARLIEST_DATE.isoformat(),
    }


def implausible(day: datetime.date, today: datetime.date) -> str | None:
    """The message for a date something happened on that cannot be right (before
    `EARLIEST_DATE`, or in the future), else None."""
    if day > today:
        return _("The date %(date)s is in the future.") % {"date": day.isoformat()}
    return too_early(day)
