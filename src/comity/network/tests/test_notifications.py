"""The inbox's notifications in the daily digest, and the yearly reminder to confirm an entry (#22
items 1, 7), from the command line an operator schedules daily."""

import datetime
import io

from django.core.management import call_command

from comity.network import services
from comity.network.models import DirectoryEntry, Notification
from comity.network.tests.helpers import editor, entry, hub


def network(*args: str) -> str:
    out = io.StringIO()
    call_command("network", *args, stdout=out)
    return out.getvalue().strip()


def test_editors_are_reminded_to_confirm_a_year_on_then_monthly(peru, switzerland, nigeria):
    hub(peru, switzerland)
    officer = editor(peru)
    editor(nigeria)  # not a member: no reminder
    entry(peru), entry(switzerland), entry(nigeria)
    assert network("remind") == "0 reminders"  # all just confirmed
    year_ago = datetime.date.today() - datetime.timedelta(days=365)
    DirectoryEntry.objects.update(last_confirmed_on=year_ago)
    assert network("remind") == "1 reminders"  # Peru's editor; Switzerland has none
    reminder = Notification.objects.get()
    assert (reminder.user, reminder.kind, reminder.url) == (
        officer,
        "confirm-due",
        f"/network/directory/{peru.authority.pk}/",
    )
    assert network("remind") == "0 reminders"  # not every day
    Notification.objects.update(created_at=reminder.created_at - datetime.timedelta(days=31))
    assert network("remind") == "1 reminders"
    services.directory_entry_confirm(
        actor=officer, entry=DirectoryEntry.objects.get(authority=peru.authority)
    )
    Notification.objects.update(created_at=reminder.created_at - datetime.timedelta(days=31))
    assert network("remind") == "0 reminders"


def test_the_digest_emails_unread_notifications_once(peru, mailoutbox):
    hub(peru)
    peru.officer.email = "officer@fiscalia.example"
    peru.officer.save()
    services.notify(users=[peru.officer], kind="message", url="/network/consultations/1/")
    services.notify(users=[peru.officer], kind="confirm-due", url=f"/network/directory/{peru.authority.pk}/")
    read = services.notify(users=[peru.officer], kind="message", url="/network/consultations/2/")
    services.notifications_mark_read(actor=peru.officer, ids=[read[0].pk])
    assert network("digest") == "1 e-mails"
    assert mailoutbox[0].to == ["officer@fiscalia.example"] and "2 notifications" in mailoutbox[0].subject
    assert "/network/consultations/1/" in mailoutbox[0].body and "/consultations/2/" not in mailoutbox[0].body
    assert network("digest") == "0 e-mails"
