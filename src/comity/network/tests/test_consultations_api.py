"""Consultations over the API (#22 items 4, 9): a secure thread between members of the network
before a request exists, converted into the request it prepared; invisible (404) to anyone who
does not take part in it."""

import base64
import json
import logging

import pytest
from django.core import mail
from django.test import Client

from comity.cooperation.models import Request
from comity.core.models import AccessEntry, AuditEntry
from comity.network import services
from comity.network.models import Consultation, ConsultationMessage, Notification
from conftest import bearer

BASE = "/api/v1/consultations"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def members(*sides, network: str = "hub") -> None:
    """Make each side's authority an approved member of `network` (the command line's way)."""
    hub = services.Network.objects.filter(code=network).first() or services.network_create(
        actor=None, code=network, name="Comity hub"
    )
    for side in sides:
        membership = services.membership_request(actor=None, network=hub, authority=side.authority)
        services.membership_decide(actor=None, membership=membership, approve=True)


def post(client: Client, url: str, body: dict | None = None, **headers):
    return client.post(url, json.dumps(body or {}), content_type="application/json", **headers)


def opening(*participants, **overrides) -> dict:
    return {
        "participants": [side.authority.pk for side in participants],
        "subject": "Accounts of a former minister in Zurich",
        "handling": "TLP:AMBER",
        "summary": "Bribes for a road contract, paid through a Panamanian company.",
    } | overrides


@pytest.fixture
def hub(peru, switzerland, nigeria):
    """Peru and Switzerland are members; Nigeria is not."""
    members(peru, switzerland)


def test_two_members_consult_and_convert_into_a_request(
    hub, peru, switzerland, django_capture_on_commit_callbacks
):
    lima, bern = bearer(peru.officer), bearer(switzerland.officer)
    switzerland.officer.email = "officer@bj.admin.ch"
    switzerland.officer.save()
    with django_capture_on_commit_callbacks(execute=True):
        opened = post(lima, BASE, opening(switzerland) | {"offences": ["uncac-15"]})
    assert opened.status_code == 201, opened.content
    consultation = opened.json()
    assert consultation["handling"] == "TLP:AMBER" and consultation["state"] == "open"
    assert [p["id"] for p in consultation["participants"]] == [peru.authority.pk, switzerland.authority.pk]
    # Switzerland's users are invited, at once by e-mail (the link only, nothing of the case).
    invited = Notification.objects.filter(kind="invitation")
    assert {n.user for n in invited} == {switzerland.officer, switzerland.head, switzerland.viewer}
    assert mail.outbox and all("minister" not in m.body and "Zurich" not in m.subject for m in mail.outbox)
    assert f"/network/consultations/{consultation['id']}/" in mail.outbox[0].body

    url = f"{BASE}/{consultation['id']}"
    assert [c["unread"] for c in bern.get(BASE).json()["items"]] == [False]  # no message yet
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        message = post(
            lima,
            f"{url}/messages",
            {
                "body": "Could you freeze the accounts on a request for bank records?",
                "attachments": [{"name": "draft.pdf", "content_base64": base64.b64encode(PDF).decode()}],
                "measures": ["bank-records", "freezing"],
            },
        )
    assert message.status_code == 201, message.content
    # A new message is e-mailed at once too (#22 item 7), with the link only.
    assert [m.to for m in mail.outbox] == [["officer@bj.admin.ch"]]
    assert mail.outbox[0].body.endswith(f"/network/consultations/{consultation['id']}/\n")
    assert not any(
        word in mail.outbox[0].body + mail.outbox[0].subject for word in ("freeze", "draft", "minister")
    )
    assert message.json()["attachments"][0] | {"id": 0, "url": ""} == {
        "id": 0,
        "url": "",
        "name": "draft.pdf",
        "content_type": "application/pdf",
        "size": len(PDF),
        "sha256": message.json()["attachments"][0]["sha256"],
    }
    assert message.json()["read_by"] == []
    assert [c["unread"] for c in bern.get(BASE).json()["items"]] == [True]
    assert Notification.objects.filter(kind="message", user=switzerland.officer).exists()
    assert not Notification.objects.filter(kind="message", user__authority=peru.authority).exists()

    read = bern.get(url).json()  # Switzerland reads it: Peru sees the receipt
    assert read["measures"] == ["bank-records", "freezing"] and read["offences"] == ["uncac-15"]
    assert [c["unread"] for c in bern.get(BASE).json()["items"]] == [False]
    [seen] = lima.get(url).json()["messages"]
    assert [(r["authority"]["id"], r["user"]) for r in seen["read_by"]] == [
        (switzerland.authority.pk, "ch-officer")
    ]
    download = bern.get(seen["attachments"][0]["url"])
    assert download.content == PDF and download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"

    reads = AccessEntry.objects.filter(object_type="network.consultation", object_id=str(consultation["id"]))
    assert reads.filter(user=switzerland.officer).count() == 2  # the thread, then its attachment

    converted = post(
        lima, f"{url}/convert", {"type": "mla", "legal_basis": "uncac", "proceeding": "criminal"}
    )
    assert converted.status_code == 201, converted.content
    request = Request.objects.get(pk=converted.json()["request_id"])
    assert (request.requesting_authority, request.requested_authority) == (
        peru.authority,
        switzerland.authority,
    )
    assert request.summary.startswith("Bribes for a road contract")
    assert [r.code for r in request.offence_rows.all()] == ["uncac-15"]
    assert sorted(r.code for r in request.measure_rows.all()) == ["bank-records", "freezing"]
    assert not request.confidential  # TLP:AMBER
    assert request.consultation.pk == consultation["id"]  # linked both ways
    after = bern.get(url).json()
    assert after["state"] == "converted" and after["request_id"] == request.pk
    # The Swiss side sees the request it will receive.
    assert bern.get(f"/api/v1/requests/{request.pk}").status_code == 200
    assert post(lima, f"{url}/messages", {"body": "One more thing"}).status_code == 422
    actions = list(
        AuditEntry.objects.filter(object_type="network.consultation")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["consultation.create", "consultation.message", "consultation.convert"]


def test_every_endpoint_is_a_404_to_whoever_does_not_take_part(
    hub, peru, switzerland, nigeria, secretariat_user
):
    lima = bearer(peru.officer)
    consultation = post(lima, BASE, opening(switzerland)).json()
    message = post(
        lima,
        f"{BASE}/{consultation['id']}/messages",
        {
            "body": "Hello",
            "attachments": [{"name": "a.pdf", "content_base64": base64.b64encode(PDF).decode()}],
        },
    ).json()
    url = f"{BASE}/{consultation['id']}"
    calls = [
        ("get", url, None),
        ("post", f"{url}/messages", {"body": "Let me in"}),
        ("post", f"{url}/participants", {"authorities": [nigeria.authority.pk]}),
        ("post", f"{url}/close", {}),
        (
            "post",
            f"{url}/convert",
            {"type": "mla", "legal_basis": "uncac", "proceeding": "criminal", "offences": ["uncac-15"]},
        ),
        ("get", message["attachments"][0]["url"], None),
    ]

    def refused(client: Client) -> None:
        for method, address, body in calls:
            answer = client.get(address) if method == "get" else post(client, address, body)
            assert answer.status_code == 404, (address, answer.status_code)
        assert client.get(BASE).status_code in (404, 200)

    refused(bearer(nigeria.officer))  # not a member
    assert bearer(nigeria.officer).get(BASE).status_code == 404
    refused(bearer(secretariat_user))
    members(nigeria)  # a member, but not invited to this one
    refused(bearer(nigeria.officer))
    assert bearer(nigeria.officer).get(BASE).json() == {"items": [], "next_cursor": None}
    membership = services.Membership.objects.get(authority=switzerland.authority)
    services.membership_suspend(actor=None, membership=membership)  # a participant, suspended
    refused(bearer(switzerland.officer))
    assert bearer(switzerland.officer).get(BASE).status_code == 404
    assert Client().get(url).status_code == 401
    assert ConsultationMessage.objects.count() == 1 and Request.objects.count() == 0
    assert Consultation.objects.get().participants.count() == 2


def test_bad_input_is_refused_naming_the_field_and_writes_nothing(
    hub, peru, switzerland, nigeria, settings, caplog
):
    lima = bearer(peru.officer)
    audited = AuditEntry.objects.count()

    def problem(answer) -> dict[str, list[str]]:
        assert answer.status_code == 422, answer.content
        fields: dict[str, list[str]] = {}
        for error in answer.json()["errors"]:
            fields.setdefault(error["field"], []).append(error["detail"])
        return fields

    assert "handling" in problem(post(lima, BASE, opening(switzerland, handling="TLP:WHITE")))
    assert "TLP:AMBER" in problem(post(lima, BASE, opening(switzerland, handling="amber")))["handling"][0]
    assert "participants" in problem(post(lima, BASE, opening(nigeria)))  # not a member
    assert "participants" in problem(post(lima, BASE, opening()))
    assert "subject" in problem(post(lima, BASE, opening(switzerland, subject="x" * 301)))
    assert Consultation.objects.count() == 0 and AuditEntry.objects.count() == audited

    url = f"{BASE}/{post(lima, BASE, opening(switzerland)).json()['id']}"
    settings.COMITY_ATTACHMENT_MAX_BYTES = 100
    caplog.set_level(logging.DEBUG)
    secret = b"%PDF-1.4 SECRET-CONTENT " + b"x" * 200
    big = problem(
        post(
            lima,
            f"{url}/messages",
            {
                "body": "Draft",
                "attachments": [{"name": "big.pdf", "content_base64": base64.b64encode(secret).decode()}],
            },
        )
    )
    assert "big.pdf" in big["attachments"][0] and "100" in big["attachments"][0]
    exe = problem(
        post(
            lima,
            f"{url}/messages",
            {
                "body": "Draft",
                "attachments": [{"name": "draft.pdf", "content_base64": base64.b64encode(EXE).decode()}],
            },
        )
    )
    assert "not a file type accepted" in exe["attachments"][0]
    assert "attachments.0.content_base64" in problem(
        post(
            lima,
            f"{url}/messages",
            {"body": "Draft", "attachments": [{"name": "a.pdf", "content_base64": "%%%"}]},
        )
    )
    assert "body" in problem(post(lima, f"{url}/messages", {"body": "x" * 20_001}))
    assert "body" in problem(post(lima, f"{url}/messages", {"body": "  "}))
    assert "offences.0" in problem(post(lima, f"{url}/messages", {"body": "Hi", "offences": ["theft"]}))
    assert "authorities" in problem(
        post(lima, f"{url}/participants", {"authorities": [nigeria.authority.pk]})
    )
    assert "authorities" in problem(
        post(lima, f"{url}/participants", {"authorities": [switzerland.authority.pk]})
    )
    missing = problem(post(lima, f"{url}/convert", {}))
    assert set(missing) == {"type", "legal_basis", "proceeding", "offences"}
    assert "give it in the conversion" in missing["type"][0]
    assert "requested_authority" in problem(
        post(
            lima,
            f"{url}/convert",
            {
                "requested_authority": peru.authority.pk,
                "type": "mla",
                "legal_basis": "uncac",
                "proceeding": "criminal",
                "offences": ["uncac-15"],
            },
        )
    )
    assert ConsultationMessage.objects.count() == 0 and Request.objects.count() == 0
    assert Consultation.objects.get().participants.count() == 2
    assert "SECRET-CONTENT" not in caplog.text and "SECRET" not in json.dumps(
        list(AuditEntry.objects.values("fields", "detail"))
    )


def test_a_viewer_reads_but_does_not_write_and_a_closed_thread_takes_nothing(hub, peru, switzerland, nigeria):
    lima = bearer(peru.officer)
    url = f"{BASE}/{post(lima, BASE, opening(switzerland)).json()['id']}"
    viewer = bearer(switzerland.viewer)
    assert viewer.get(url).status_code == 200
    assert post(viewer, f"{url}/messages", {"body": "Hi"}).status_code == 403
    assert post(bearer(peru.viewer), BASE, opening(switzerland)).status_code == 403
    members(nigeria)
    invited = post(lima, f"{url}/participants", {"authorities": [nigeria.authority.pk]})
    assert invited.status_code == 201 and len(invited.json()["participants"]) == 3
    assert bearer(nigeria.officer).get(url).status_code == 200  # reads the whole thread
    assert Notification.objects.filter(kind="invitation", user=nigeria.officer, urgent=True).exists()
    # With three participants, the conversion names the requested one.
    body = {"type": "mla", "legal_basis": "uncac", "proceeding": "criminal", "offences": ["uncac-15"]}
    assert "requested_authority" in post(lima, f"{url}/convert", body).json()["detail"]
    closed = post(bearer(switzerland.head), f"{url}/close")
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    assert post(lima, f"{url}/messages", {"body": "Hi"}).status_code == 422
    assert post(lima, f"{url}/close").status_code == 422
    assert bearer(peru.officer).get(BASE).json()["items"] == []
    assert [c["state"] for c in bearer(peru.officer).get(f"{BASE}?state=closed").json()["items"]] == [
        "closed"
    ]
    assert "state" in {e["field"] for e in lima.get(f"{BASE}?state=shut").json()["errors"]}


def test_red_consultations_become_confidential_requests_and_idempotency_holds(hub, peru, switzerland):
    lima = bearer(peru.officer)
    key = {"HTTP_IDEMPOTENCY_KEY": "0c6f7e1e-2f39-4c4e-9a57-1f1d1f0b8e11"}
    first = post(lima, BASE, opening(switzerland, handling="TLP:RED"), **key)
    again = post(lima, BASE, opening(switzerland, handling="TLP:RED"), **key)
    assert first.json()["id"] == again.json()["id"] and again["Idempotent-Replayed"] == "true"
    url = f"{BASE}/{first.json()['id']}"
    body = {"type": "mla", "legal_basis": "uncac", "proceeding": "criminal", "offences": ["uncac-17"]}
    request_id = post(lima, f"{url}/convert", body).json()["request_id"]
    assert Request.objects.get(pk=request_id).confidential
    assert post(lima, f"{url}/convert", body).status_code == 422  # once only


def test_a_suspended_participant_is_told_nothing_of_the_thread(hub, peru, switzerland):
    lima = bearer(peru.officer)
    url = f"{BASE}/{post(lima, BASE, opening(switzerland)).json()['id']}"
    services.membership_suspend(
        actor=None, membership=services.Membership.objects.get(authority=switzerland.authority)
    )
    before = Notification.objects.filter(user__authority=switzerland.authority).count()
    assert post(lima, f"{url}/messages", {"body": "Still there?"}).status_code == 201
    # Its users could not open the link: no notification, no e-mail tells them of the message.
    assert Notification.objects.filter(user__authority=switzerland.authority).count() == before


def test_the_inbox_comes_in_keyset_pages(hub, peru, switzerland, settings):
    """However many consultations an authority takes part in, the inbox reads one page at a time,
    the most recently active first; the page links to the next one."""
    opened = [
        services.consultation_open(
            actor=peru.officer,
            participants=[switzerland.authority],
            subject=f"Case {n}",
            handling="TLP:GREEN",
        ).pk
        for n in range(5)
    ]
    services.consultation_post(
        actor=switzerland.officer, consultation=Consultation.objects.get(pk=opened[1]), body="An answer"
    )
    newest_first = [opened[1], *reversed([pk for pk in opened if pk != opened[1]])]
    bern, seen, cursor = bearer(switzerland.officer), [], ""
    for _page in range(3):
        page = bern.get(f"{BASE}?limit=2&cursor={cursor}").json()
        seen += [row["id"] for row in page["items"]]
        cursor = page["next_cursor"]
        assert [row["participants"][1]["country"] for row in page["items"]] == ["CH"] * len(page["items"])
    assert seen == newest_first and cursor is None
    refused = bern.get(f"{BASE}?cursor=not-a-cursor")
    assert refused.status_code == 422 and [e["field"] for e in refused.json()["errors"]] == ["cursor"]

    settings.COMITY_PAGE_SIZE = 3
    lima = Client()
    lima.force_login(peru.officer)
    first = lima.get("/network/consultations/?state=all").content.decode()
    assert [f"Case {n}" in first for n in range(5)] == [False, True, False, True, True]
    following = first.split('<nav class="pager">')[1].split('href="')[1].split('"')[0]
    assert following.startswith("?state=all&amp;cursor=")
    second = lima.get("/network/consultations/" + following.replace("&amp;", "&")).content.decode()
    assert [f"Case {n}" in second for n in range(5)] == [True, False, True, False, False]
    assert "First page" in second and "Next page" not in second
    assert "not valid" in lima.get("/network/consultations/?cursor=x").content.decode()


def test_the_inbox_follows_every_change_of_a_consultation(hub, peru, switzerland, nigeria):
    """The inbox is read from each participant's own row: an invitation, a message, a closing and
    a conversion each move the consultation there for every participant."""
    members(nigeria)
    first, second, third = (
        services.consultation_open(
            actor=peru.officer,
            participants=[switzerland.authority],
            subject=f"Case {n}",
            handling="TLP:GREEN",
        )
        for n in range(3)
    )
    lima, bern, abuja = bearer(peru.officer), bearer(switzerland.officer), bearer(nigeria.officer)

    def inbox(client: Client, state: str = "open") -> list[int]:
        return [row["id"] for row in client.get(f"{BASE}?state={state}").json()["items"]]

    services.consultation_invite(actor=peru.officer, consultation=first, authorities=[nigeria.authority])
    assert inbox(abuja) == [first.pk] and inbox(bern) == [first.pk, third.pk, second.pk]
    services.consultation_post(actor=switzerland.officer, consultation=second, body="An answer")
    assert inbox(lima) == inbox(bern) == [second.pk, first.pk, third.pk]
    services.consultation_close(actor=switzerland.officer, consultation=first)
    assert inbox(abuja) == [] and inbox(abuja, "closed") == [first.pk]
    services.consultation_convert(
        actor=peru.officer,
        consultation=third,
        type="mla",
        proceeding="criminal",
        legal_basis="uncac",
        offences=["uncac-15"],
    )
    assert inbox(lima) == inbox(bern) == [second.pk]
    assert inbox(bern, "closed") == [third.pk, first.pk] and inbox(bern, "all") == [
        third.pk,
        first.pk,
        second.pk,
    ]
