"""Case coordination meetings (#22 item 5): planned between member authorities, the start shown
in each participant's time zone, agenda and minutes, action items with owner and due date, links
to requests and asset cases, an iCalendar invitation; refused to anyone outside with a 404."""

import datetime

import icalendar
import pytest
from django.test import Client
from django.utils import timezone

from comity.assets import services as asset_services
from comity.core.models import AuditEntry
from comity.network import services
from comity.network.models import ActionItem, ContactPerson, DirectoryEntry, Meeting, Notification
from conftest import bearer, make_request


@pytest.fixture
def hub(peru, switzerland):
    network = services.network_create(actor=None, code="hub", name="Comity hub")
    for side in (peru, switzerland):
        membership = services.membership_request(actor=None, network=network, authority=side.authority)
        services.membership_decide(actor=None, membership=membership, approve=True)
    # Switzerland's directory gives its time zone; Peru has no entry: its State's only zone is used.
    entry = DirectoryEntry.objects.create(authority=switzerland.authority)
    ContactPerson.objects.create(entry=entry, name="MLA desk", time_zone="Europe/Zurich")
    return network


def _start() -> datetime.datetime:
    tomorrow = timezone.now().date() + datetime.timedelta(days=7)
    return datetime.datetime(tomorrow.year, tomorrow.month, tomorrow.day, 14, 0, tzinfo=datetime.UTC)


def _post(client: Client, url: str, body: dict):
    return client.post(url, body, content_type="application/json")


def test_a_meeting_is_planned_held_and_exported_to_a_calendar(hub, peru, switzerland):
    request = make_request(peru, switzerland)
    case = asset_services.case_create(
        actor=peru.officer, title="Port concession", origin_country="PE", offences=["uncac-15"]
    )
    organiser = bearer(peru.officer)
    start = _start()
    planned = _post(
        organiser,
        "/api/v1/meetings",
        {
            "title": "Coordination on the port concession",
            "starts_at": start.isoformat(),
            "duration_minutes": 90,
            "participants": [switzerland.authority.pk],
            "location": "https://video.example/room/42",
            "agenda": "1. Bank records received\n2. Freezing of the trust's account",
            "requests": [request.pk],
            "asset_cases": [case.pk],
        },
    )
    assert planned.status_code == 201, planned.content
    meeting = planned.json()
    assert [p["id"] for p in meeting["participants"]] == [peru.authority.pk, switzerland.authority.pk]
    local = {t["authority"]: (t["time_zone"], t["starts_at"]) for t in meeting["local_times"]}
    winter = start.astimezone(
        datetime.timezone(datetime.timedelta(hours=1))
    )  # Zurich in winter, or +2 in summer
    assert local[peru.authority.pk] == (
        "America/Lima",
        start.astimezone(datetime.timezone(datetime.timedelta(hours=-5))).isoformat(),
    )
    assert local[switzerland.authority.pk][0] == "Europe/Zurich"
    assert local[switzerland.authority.pk][1] in (
        winter.isoformat(),
        start.astimezone(datetime.timezone(datetime.timedelta(hours=2))).isoformat(),
    )
    assert meeting["requests"] == [request.pk] and meeting["asset_cases"] == [case.pk]
    # Switzerland's officers and heads are told (in the digest); the organiser is not.
    assert set(Notification.objects.filter(kind="meeting").values_list("user__username", flat=True)) == {
        "ch-officer",
        "ch-head",
    }

    guest = bearer(switzerland.officer)
    seen = guest.get(f"/api/v1/meetings/{meeting['id']}").json()
    assert seen["asset_cases"] == []  # Peru's case is not Switzerland's to see; the request is
    assert seen["requests"] == [request.pk]
    minutes = _post(guest, f"/api/v1/meetings/{meeting['id']}/record", {"minutes": "The account was frozen."})
    assert minutes.status_code == 200 and minutes.json()["minutes"] == "The account was frozen."
    action = _post(
        guest,
        f"/api/v1/meetings/{meeting['id']}/actions",
        {
            "text": "Send the bank records",
            "owner": peru.officer.pk,
            "due_on": (start + datetime.timedelta(days=14)).date().isoformat(),
        },
    )
    assert action.status_code == 201, action.content
    assert Notification.objects.filter(user=peru.officer, kind="action-due").count() == 1
    done = _post(organiser, f"/api/v1/meetings/{meeting['id']}/actions/{action.json()['id']}/done", {})
    assert done.json()["done_on"] == timezone.localdate().isoformat()

    ics = guest.get(f"/api/v1/meetings/{meeting['id']}.ics")
    assert ics.status_code == 200 and ics["Content-Type"].startswith("text/calendar")
    event = icalendar.Calendar.from_ical(ics.content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == start and event.decoded("dtend") == start + datetime.timedelta(
        minutes=90
    )
    assert str(event["summary"]) == "Coordination on the port concession"
    assert str(event["url"]).endswith(f"/network/meetings/{meeting['id']}/")
    assert int(event["sequence"]) == 1  # the minutes changed it once
    assert "frozen" not in ics.content.decode() and "Bank records" not in ics.content.decode()
    actions = list(
        AuditEntry.objects.filter(object_type="network.meeting")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["meeting.create", "meeting.update", "meeting.action", "meeting.action"]


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"starts_at": "2020-01-01T10:00:00Z"}, "starts_at", "past"),
        ({"starts_at": "2030-01-01T10:00:00"}, "starts_at", "time zone"),
        ({"participants": []}, "participants", "at least one"),
        ({"participants": [999999]}, "participants", "999999"),
        ({"title": " "}, "title", "required"),
        ({"duration_minutes": 5}, "duration_minutes", "15"),
        ({"asset_cases": [999999]}, "asset_cases", "999999"),
        ({"requests": [999999]}, "requests", "999999"),
    ],
)
def test_a_bad_meeting_names_the_field_and_writes_nothing(hub, peru, switzerland, change, field, words):
    body = {
        "title": "Coordination",
        "starts_at": _start().isoformat(),
        "participants": [switzerland.authority.pk],
    } | change
    response = _post(bearer(peru.officer), "/api/v1/meetings", body)
    assert response.status_code == 422, response.content
    errors = {e["field"]: e["detail"] for e in response.json()["errors"]}
    assert words in errors[field], errors
    assert Meeting.objects.count() == 0 and Notification.objects.count() == 0


def test_a_non_member_cannot_be_invited(hub, peru, nigeria):
    response = _post(
        bearer(peru.officer),
        "/api/v1/meetings",
        {"title": "Coordination", "starts_at": _start().isoformat(), "participants": [nigeria.authority.pk]},
    )
    assert response.status_code == 422
    assert "not a member" in response.json()["errors"][0]["detail"] and Meeting.objects.count() == 0


def test_outsiders_get_404_and_owners_are_of_the_meeting(hub, peru, switzerland, nigeria):
    meeting = services.meeting_plan(
        actor=peru.officer, title="Coordination", starts_at=_start(), participants=[switzerland.authority]
    )
    membership = services.membership_request(actor=None, network=hub, authority=nigeria.authority)
    services.membership_decide(actor=None, membership=membership, approve=True)
    outsider = bearer(nigeria.officer)
    assert outsider.get("/api/v1/meetings").json()["items"] == []
    for method, url in [
        ("get", f"/api/v1/meetings/{meeting.pk}"),
        ("get", f"/api/v1/meetings/{meeting.pk}.ics"),
        ("post", f"/api/v1/meetings/{meeting.pk}/record"),
        ("post", f"/api/v1/meetings/{meeting.pk}/actions"),
    ]:
        response = getattr(outsider, method)(
            url, {"text": "x", "owner": 1, "due_on": "2030-01-01"}, content_type="application/json"
        )
        assert response.status_code == 404, url
    page = Client()
    page.force_login(nigeria.officer)
    assert page.get(f"/network/meetings/{meeting.pk}/").status_code == 404
    item = services.action_item_add(
        actor=peru.officer, meeting=meeting, text="Send", owner=switzerland.officer, due_on=_start().date()
    )
    for action in ("minutes", "action", f"done/{item.pk}"):
        assert page.post(f"/network/meetings/{meeting.pk}/{action}/", {"minutes": "x"}).status_code == 404
    item.refresh_from_db()
    assert item.done_on is None and Meeting.objects.get().minutes == ""
    assert page.get("/network/meetings/").status_code == 200  # a member, with no meeting of its own
    services.membership_suspend(actor=None, membership=switzerland.authority.memberships.get())
    assert bearer(switzerland.officer).get(f"/api/v1/meetings/{meeting.pk}").status_code == 404
    assert bearer(switzerland.officer).get("/api/v1/meetings").status_code == 404
    page.force_login(switzerland.officer)
    assert page.get("/network/meetings/").status_code == 404
    # An owner from outside the meeting is refused by name.
    refused = _post(
        bearer(peru.officer),
        f"/api/v1/meetings/{meeting.pk}/actions",
        {"text": "Send it", "owner": nigeria.officer.pk, "due_on": "2030-01-01"},
    )
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "owner"
    assert ActionItem.objects.count() == 1  # the one Peru added


def test_the_meeting_pages_plan_record_and_assign(hub, peru, switzerland):
    page = Client()
    page.force_login(peru.officer)
    form = page.get("/network/meetings/new/", follow=True)
    address = form.redirect_chain[-1][0]
    fields = {
        "form_token": form.context["form"]["form_token"].value(),
        "title": "Coordination",
        "starts_at": "2020-01-01T10:00",
        "duration_minutes": 60,
        "participants": [switzerland.authority.pk],
    }
    past = page.post(address, fields)
    assert past.status_code == 422 and "past" in past.content.decode()
    planned = page.post(address, fields | {"starts_at": _start().strftime("%Y-%m-%dT%H:%M")})
    meeting = Meeting.objects.get()
    assert planned.status_code == 302 and meeting.starts_at == _start()
    shown = page.get(f"/network/meetings/{meeting.pk}/").content.decode()
    lima = (_start() - datetime.timedelta(hours=5)).strftime("%Y-%m-%d %H:%M")
    assert f"{lima} (UTC-05:00)" in shown  # on Lima's clock, not the reader's
    assert (
        "Europe/Zurich" in shown and "America/Lima" in shown and f"/api/v1/meetings/{meeting.pk}.ics" in shown
    )
    assert (
        page.post(
            f"/network/meetings/{meeting.pk}/minutes/", {"agenda": "1. Records", "minutes": "Agreed."}
        ).status_code
        == 302
    )
    due = (_start() + datetime.timedelta(days=3)).date().isoformat()
    added = page.post(
        f"/network/meetings/{meeting.pk}/action/",
        {"text": "Send records", "owner": switzerland.officer.pk, "due_on": due},
    )
    assert added.status_code == 302
    item = ActionItem.objects.get()
    assert item.owner == switzerland.officer
    assert page.post(f"/network/meetings/{meeting.pk}/done/{item.pk}/").status_code == 302
    item.refresh_from_db()
    assert item.done_on == timezone.localdate()
    listed = page.get("/network/meetings/?upcoming=1").content.decode()
    assert "Coordination" in listed


def test_owners_are_reminded_once_of_action_items_falling_due(hub, peru, switzerland, settings):
    meeting = services.meeting_plan(
        actor=peru.officer, title="Coordination", starts_at=_start(), participants=[switzerland.authority]
    )
    today = timezone.localdate()

    def item(owner, days: int) -> ActionItem:
        return services.action_item_add(
            actor=peru.officer,
            meeting=meeting,
            text="Send",
            owner=owner,
            due_on=today + datetime.timedelta(days=days),
        )

    soon, later, overdue, done = (
        item(switzerland.officer, 1),
        item(switzerland.head, 10),
        item(peru.head, -3),
        item(switzerland.officer, 0),
    )
    services.action_item_done(actor=switzerland.officer, item=done)
    Notification.objects.all().delete()  # the notices of assignment
    assert services.action_items_remind(today) == 2
    assert services.action_items_remind(today) == 0  # once
    reminded = Notification.objects.filter(kind="action-due", urgent=False)  # for the daily digest
    assert sorted(reminded.values_list("user__username", flat=True)) == ["ch-officer", "pe-head"]
    assert all(n.url == f"/network/meetings/{meeting.pk}/" for n in reminded)
    assert services.action_items_remind(today + datetime.timedelta(days=9)) == 1  # the later one, in its turn
    assert "comity.network.services.action_items_remind" in settings.COMITY_WORKER_SWEEPS
    assert {soon.pk, overdue.pk, later.pk} == set(
        ActionItem.objects.exclude(reminded_on=None).values_list("pk", flat=True)
    )


def test_a_meeting_moved_tells_the_others_and_updates_the_calendar(hub, peru, switzerland):
    meeting = services.meeting_plan(
        actor=peru.officer, title="Coordination", starts_at=_start(), participants=[switzerland.authority]
    )
    Notification.objects.all().delete()
    guest = bearer(switzerland.officer)
    past = _post(guest, f"/api/v1/meetings/{meeting.pk}/reschedule", {"starts_at": "2020-01-01T10:00:00Z"})
    assert past.status_code == 422 and past.json()["errors"][0]["field"] == "starts_at"
    later = _start() + datetime.timedelta(days=1, hours=2)
    moved = _post(
        guest,
        f"/api/v1/meetings/{meeting.pk}/reschedule",
        {"starts_at": later.isoformat(), "duration_minutes": 45},
    )
    assert moved.status_code == 200 and moved.json()["starts_at"] == later.isoformat().replace("+00:00", "Z")
    event = icalendar.Calendar.from_ical(guest.get(f"/api/v1/meetings/{meeting.pk}.ics").content).walk(
        "VEVENT"
    )[0]
    assert event.decoded("dtstart") == later and int(event["sequence"]) == 1
    assert event.decoded("dtend") == later + datetime.timedelta(minutes=45)
    assert set(Notification.objects.values_list("user__username", flat=True)) == {"pe-officer", "pe-head"}
    page = Client()
    page.force_login(peru.officer)
    back = page.post(
        f"/network/meetings/{meeting.pk}/reschedule/",
        {"starts_at": _start().strftime("%Y-%m-%dT%H:%M"), "duration_minutes": 60},
    )
    assert back.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.duration_minutes, meeting.sequence) == (_start(), 60, 2)
    assert AuditEntry.objects.filter(action="meeting.update", object_id=str(meeting.pk)).count() == 2


def test_a_meeting_links_the_consultations_its_participants_may_read(hub, peru, switzerland, nigeria):
    membership = services.membership_request(actor=None, network=hub, authority=nigeria.authority)
    services.membership_decide(actor=None, membership=membership, approve=True)
    shared = services.consultation_open(
        actor=peru.officer,
        participants=[switzerland.authority],
        subject="Port concession",
        handling="TLP:AMBER",
    )
    private = services.consultation_open(
        actor=peru.officer, participants=[nigeria.authority], subject="Oil licence", handling="TLP:RED"
    )
    elsewhere = services.consultation_open(
        actor=switzerland.officer, participants=[nigeria.authority], subject="Not Peru's", handling="TLP:RED"
    )
    body = {
        "title": "Coordination",
        "starts_at": _start().isoformat(),
        "participants": [switzerland.authority.pk],
    }
    unknown = _post(bearer(peru.officer), "/api/v1/meetings", body | {"consultations": [elsewhere.pk]})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "consultations"
    planned = _post(
        bearer(peru.officer), "/api/v1/meetings", body | {"consultations": [shared.pk, private.pk]}
    )
    assert planned.json()["consultations"] == [shared.pk, private.pk]
    # Switzerland sees the link to the consultation it takes part in, not to Peru's with Nigeria.
    meeting = planned.json()["id"]
    assert bearer(switzerland.officer).get(f"/api/v1/meetings/{meeting}").json()["consultations"] == [
        shared.pk
    ]
    page = Client()
    page.force_login(switzerland.officer)
    shown = page.get(f"/network/meetings/{meeting}/").content.decode()
    assert "Port concession" in shown and "TLP:AMBER" in shown and "Oil licence" not in shown


def test_the_meeting_lists_come_a_page_at_a_time(hub, peru, switzerland, settings, monkeypatch):
    settings.COMITY_PAGE_SIZE = 2
    monkeypatch.setattr("comity.network.views.PAGE_SIZE", 2)
    made = [
        services.meeting_plan(
            actor=peru.officer,
            title=f"Coordination {n}",
            starts_at=_start() + datetime.timedelta(days=n),
            participants=[switzerland.authority],
        ).pk
        for n in range(5)
    ]
    client = bearer(switzerland.officer)
    seen, cursor = [], ""
    for _round in range(5):
        page = client.get(f"/api/v1/meetings?cursor={cursor}").json()
        assert len(page["items"]) <= 2
        seen += [meeting["id"] for meeting in page["items"]]
        if not (cursor := page["next_cursor"]):
            break
    assert seen == made  # soonest first, each once
    pages = Client()
    pages.force_login(switzerland.officer)
    first, last = pages.get("/network/meetings/"), pages.get("/network/meetings/?page=3")
    assert (
        "Coordination 0" in first.text and "Coordination 4" not in first.text and "Page 1 of 3" in first.text
    )
    assert "Coordination 4" in last.text and "Coordination 0" not in last.text


def test_an_invitation_to_a_meeting_and_its_move_are_emailed_at_once(
    hub, peru, switzerland, mailoutbox, django_capture_on_commit_callbacks
):
    """#22 item 7: invitations are e-mailed as they happen (the daily digest is for action items
    and confirmations due); a meeting moved is an invitation to another time."""
    for side, address in ((peru, "officer@fiscalia.example"), (switzerland, "officer@bj.example")):
        side.officer.email = address
        side.officer.save()
    with django_capture_on_commit_callbacks(execute=True):
        planned = _post(
            bearer(peru.officer),
            "/api/v1/meetings",
            {
                "title": "Coordination",
                "starts_at": _start().isoformat(),
                "participants": [switzerland.authority.pk],
            },
        )
    assert planned.status_code == 201, planned.content
    url = f"/network/meetings/{planned.json()['id']}/"
    assert [m.to for m in mailoutbox] == [["officer@bj.example"]] and mailoutbox[0].body.endswith(f"{url}\n")
    with django_capture_on_commit_callbacks(execute=True):
        moved = _post(
            bearer(switzerland.officer),
            f"{url.replace('/network/', '/api/v1/')[:-1]}/reschedule",
            {"starts_at": (_start() + datetime.timedelta(days=1)).isoformat()},
        )
    assert moved.status_code == 200, moved.content
    assert [m.to for m in mailoutbox[1:]] == [["officer@fiscalia.example"]]
