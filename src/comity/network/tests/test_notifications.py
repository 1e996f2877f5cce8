"""The inbox's notifications in the daily digest, and the yearly reminder to confirm an entry (#22
items 1, 7): sweeps of `comity worker`, and commands an operator may run by hand."""

import datetime
import io
from collections.abc import Callable

from django.core.management import call_command
from django.utils import timezone
from django.utils.module_loading import import_string

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


def _sweeps(settings) -> dict[str, Callable[..., int]]:
    """What `comity worker` runs every half lease (core.worker.sweep_while), by function name."""
    return {path.rsplit(".", 1)[1]: import_string(path) for path in settings.COMITY_WORKER_SWEEPS}


def test_the_worker_sends_the_yearly_reminders_and_the_digest_once_a_day(
    peru, switzerland, mailoutbox, settings
):
    hub(peru, switzerland)
    officer = editor(peru)
    officer.email = "officer@fiscalia.example"
    officer.save()
    entry(peru)
    DirectoryEntry.objects.update(last_confirmed_on=datetime.date.today() - datetime.timedelta(days=365))
    sweeps = _sweeps(settings)
    for _ in range(2):  # two rounds of the worker: one reminder
        for sweep in sweeps.values():
            sweep()
    reminder = Notification.objects.get(user=officer)
    assert reminder.kind == "confirm-due" and reminder.emailed_at is None  # waits for the digest
    settings.COMITY_DIGEST_HOUR = 6
    digest = sweeps["notifications_digest_daily"]
    morning = timezone.localtime(reminder.created_at).replace(hour=6, minute=0, second=30)
    if morning <= reminder.created_at:
        morning += datetime.timedelta(days=1)  # the first digest's hour after the reminder
    assert digest(now=morning - datetime.timedelta(minutes=1)) == 0  # not before the digest's hour
    assert digest(now=morning) == 1
    assert [m.to for m in mailoutbox] == [["officer@fiscalia.example"]]
    assert f"/network/directory/{peru.authority.pk}/" in mailoutbox[0].body
    assert digest(now=morning + datetime.timedelta(minutes=1)) == 0  # each notification once
    later = services.notify(users=[officer], kind="action-due", url="/network/meetings/1/")
    Notification.objects.filter(pk=later[0].pk).update(created_at=morning)  # just after the digest
    assert digest(now=morning + datetime.timedelta(hours=23)) == 0  # one digest a day
    assert digest(now=morning + datetime.timedelta(days=1)) == 1  # the next day's digest
    assert len(mailoutbox) == 2 and "/network/meetings/1/" in mailoutbox[1].body
