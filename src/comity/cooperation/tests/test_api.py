import datetime
import json

import pytest
from django.test import Client

from comity.cooperation import services
from comity.cooperation.models import Event, Request
from comity.cooperation.statemachine import corrected, replay
from comity.core.models import AccessEntry, AuditEntry
from conftest import bearer, make_request

BASE = "/api/v1/requests"
NEW = {
    "type": "mla",
    "legal_basis": "bilateral-treaty",
    "proceeding": "criminal",
    "offences": ["uncac-17", "uncac-23"],
    "measures": ["bank-records", "freezing"],
    "requesting_reference": "PE-UCJIE-2026-0042",
    "summary": "Embezzled public funds moved to Swiss accounts.",
    "urgent": True,
    "urgency_reason": "Funds may be moved",
    "confidential": True,
    "subjects": [
        {"kind": "natural", "name": "Alberto Quispe", "identifiers": "DNI 07654321", "country": "PE"},
        {"kind": "legal", "name": "Andes Holdings Ltd", "identifiers": "reg. 123456"},
    ],
    "sent_on": "2026-02-02",
}


def call(client: Client, method: str, url: str, body: dict | None = None):
    if method == "get":
        return client.get(url)
    return getattr(client, method)(url, json.dumps(body or {}), content_type="application/json")


def post(client: Client, url: str, body: dict):
    return client.post(url, json.dumps(body), content_type="application/json")


def patch(client: Client, url: str, body: dict):
    return client.patch(url, json.dumps(body), content_type="application/json")


def new_request(peru, switzerland, **changes) -> dict:
    return (
        NEW
        | {"requesting_authority": peru.authority.pk, "requested_authority": switzerland.authority.pk}
        | changes
    )


def test_created_by_one_side_readable_by_the_other_and_404_for_a_third(peru, switzerland, nigeria):
    response = post(bearer(peru.officer), BASE, new_request(peru, switzerland))
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["status"] == "sent" and created["direction"] == "outgoing"
    assert created["offences"] == ["uncac-17", "uncac-23"] and created["due_on"] == "2026-02-17"
    url = f"{BASE}/{created['id']}"

    mine = bearer(switzerland.officer).get(url)
    assert mine.status_code == 200
    assert mine.json()["direction"] == "incoming"
    assert mine.json()["subjects"][0]["name"] == "Alberto Quispe"
    assert (
        AccessEntry.objects.filter(
            user=switzerland.officer, object_id=str(created["id"]), channel="api"
        ).count()
        == 1
    )

    outsider = bearer(nigeria.head).get(url)
    assert outsider.status_code == 404
    assert outsider["Content-Type"] == "application/problem+json"
    assert not AccessEntry.objects.filter(user=nigeria.head).exists()


def test_a_viewer_does_not_see_confidential_names(peru, switzerland):
    request = make_request(peru, switzerland, confidential=True)
    body = bearer(switzerland.viewer).get(f"{BASE}/{request.pk}").json()
    assert body["subjects"] == [{"kind": "natural", "name": None, "identifiers": None, "country": ""}]
    assert "Quispe" not in json.dumps(bearer(switzerland.viewer).get(f"{BASE}?q=Quispe").json())


def test_search_by_name_does_not_reveal_hidden_confidential_subjects(peru, switzerland):
    make_request(
        peru, switzerland, confidential=True, names_visible_to="heads", requesting_reference="PE-SECRET"
    )
    assert bearer(peru.officer).get(f"{BASE}?q=Quispe").json()["items"] == []
    assert [r["requesting_reference"] for r in bearer(peru.head).get(f"{BASE}?q=Quispe").json()["items"]] == [
        "PE-SECRET"
    ]
    assert (
        len(bearer(peru.officer).get(f"{BASE}?q=secret").json()["items"]) == 1
    )  # references stay searchable


def test_unknown_code_is_422_naming_field_and_allowed_codes(peru, switzerland):
    response = post(
        bearer(peru.officer),
        BASE,
        new_request(peru, switzerland, type="mutual-help", offences=["uncac-15", "bribery"]),
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 422 and problem["title"]
    by_field = {e["field"]: e["detail"] for e in problem["errors"]}
    assert "mla" in by_field["type"] and "joint-investigation" in by_field["type"]
    assert "uncac-25" in by_field["offences.1"]
    assert Request.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"sent_on": "2026-02-02", "received_on": "2026-01-02"}, "received_on"),
        ({"urgent": True, "urgency_reason": ""}, "urgency_reason"),
        ({"requested_authority": "self"}, "requested_authority"),
        ({"requested_authority": 999999}, "requested_authority"),
        ({"sent_on": "2026-02-31"}, "sent_on"),
        ({"offences": []}, "offences"),
    ],
)
def test_bad_input_is_422_naming_the_field_and_writes_nothing(peru, switzerland, changes, field):
    if changes.get("requested_authority") == "self":
        changes["requested_authority"] = peru.authority.pk
    response = post(bearer(peru.officer), BASE, new_request(peru, switzerland, **changes))
    assert response.status_code == 422, response.content
    assert field in [e["field"] for e in response.json()["errors"]]
    assert (Request.objects.count(), Event.objects.count()) == (0, 0)


def test_patch_changes_editable_fields_only(peru, switzerland, nigeria):
    request = make_request(peru, switzerland)
    url = f"{BASE}/{request.pk}"
    response = patch(
        bearer(switzerland.officer), url, {"requested_reference": "CH-RH-2026-7", "measures": ["testimony"]}
    )
    assert response.status_code == 200, response.content
    assert response.json()["requested_reference"] == "CH-RH-2026-7"
    assert response.json()["measures"] == ["testimony"]
    assert patch(bearer(switzerland.officer), url, {"type": "nonsense"}).status_code == 422
    assert patch(bearer(switzerland.officer), url, {"type": None}).status_code == 422
    assert patch(bearer(switzerland.viewer), url, {"summary": "x"}).status_code == 403
    assert patch(bearer(nigeria.officer), url, {"summary": "x"}).status_code == 404


def test_events_follow_the_state_machine(peru, switzerland):
    request = make_request(peru, switzerland, sent_on=datetime.date(2025, 3, 3))
    url = f"{BASE}/{request.pk}/events"
    ch = bearer(switzerland.officer)
    refused = post(ch, url, {"kind": "executed", "occurred_on": "2025-03-10"})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "kind"
    assert "received" in refused.json()["errors"][0]["detail"]
    assert post(ch, url, {"kind": "received", "occurred_on": "2025-03-10"}).status_code == 201
    assert post(ch, url, {"kind": "execution-started", "occurred_on": "2025-03-20"}).status_code == 201
    done = post(ch, url, {"kind": "executed", "occurred_on": "2025-06-01", "text": "Bank records sent"})
    assert done.status_code == 201 and done.json()["authority"]["country"] == "CH"
    assert post(ch, url, {"kind": "reminder-sent", "occurred_on": "2025-06-02"}).status_code == 422
    body = ch.get(f"{BASE}/{request.pk}").json()
    assert (body["status"], body["outcome"], body["received_on"], body["closed_on"]) == (
        "executed",
        "executed",
        "2025-03-10",
        "2025-06-01",
    )
    timeline = ch.get(url).json()
    assert [e["kind"] for e in timeline] == ["created", "sent", "received", "execution-started", "executed"]


def test_unknown_event_kind_and_ground_are_422(peru, switzerland):
    request = make_request(peru, switzerland)
    url = f"{BASE}/{request.pk}/events"
    response = post(bearer(peru.officer), url, {"kind": "teleported", "occurred_on": "2025-03-10"})
    assert response.status_code == 422 and "note" in response.json()["errors"][0]["detail"]
    response = post(
        bearer(peru.officer),
        url,
        {"kind": "note", "occurred_on": "2025-03-10", "refusal_grounds": ["boredom"]},
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "refusal_grounds.0"


def test_internal_notes_are_not_served_to_the_other_side(peru, switzerland):
    request = make_request(peru, switzerland)
    url = f"{BASE}/{request.pk}/events"
    post(
        bearer(peru.officer),
        url,
        {"kind": "note", "occurred_on": "2025-03-04", "text": "internal", "internal": True},
    )
    assert "internal" in [e["text"] for e in bearer(peru.viewer).get(url).json()]
    assert "internal" not in [e["text"] for e in bearer(switzerland.officer).get(url).json()]


def test_list_filters_and_keyset_pages(peru, switzerland, nigeria, settings):
    for n in range(3):
        make_request(peru, switzerland, requesting_reference=f"PE-OUT-{n}")
    make_request(nigeria, peru, requesting_reference="NG-IN-1", type="extradition", offences=["uncac-15"])
    make_request(switzerland, nigeria, requesting_reference="CH-NG")  # not Peru's
    client = bearer(peru.officer)

    def refs(query):
        return sorted(r["requesting_reference"] for r in client.get(f"{BASE}?{query}").json()["items"])

    assert refs("direction=incoming") == ["NG-IN-1"]
    assert refs("type=extradition") == ["NG-IN-1"]
    assert refs("counterpart_country=NG") == ["NG-IN-1"]
    assert refs("offence=uncac-15") == ["NG-IN-1"]
    assert refs("q=out-1") == ["PE-OUT-1"]
    assert refs("status=sent&urgent=false&overdue=true&received_after=2020-01-01") == []
    assert refs("status=sent&sent_after=2025-03-03&sent_before=2025-03-03&overdue=true") == [
        "NG-IN-1",
        "PE-OUT-0",
        "PE-OUT-1",
        "PE-OUT-2",
    ]
    settings.COMITY_PAGE_SIZE = 2
    seen, cursor = [], ""
    while True:
        page = client.get(f"{BASE}?direction=outgoing&sort=id&cursor={cursor}").json()
        seen += [r["requesting_reference"] for r in page["items"]]
        if not page["next_cursor"]:
            break
        cursor = page["next_cursor"]
    assert seen == ["PE-OUT-0", "PE-OUT-1", "PE-OUT-2"]
    bad = client.get(f"{BASE}?type=nonsense&received_after=yesterday")
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"type", "received_after"}
    assert client.get(f"{BASE}?cursor=%%%").status_code == 422


@pytest.mark.parametrize("sort", ["received_on", "-received_on", "due_on", "-due_on", "-sent_on"])
def test_every_sort_pages_through_all_rows_once_in_order(peru, switzerland, nigeria, settings, sort):
    day = datetime.date(2025, 3, 3)
    for n in range(4):  # outgoing, not received yet: no receipt date
        make_request(peru, switzerland, sent_on=day + datetime.timedelta(days=n % 2))
    for n in range(5):  # incoming, two received the same day
        make_request(
            nigeria,
            peru,
            sent_on=day,
            received_on=day + datetime.timedelta(days=min(n, 3)),
            urgent=n % 2 == 0,
            urgency_reason="Assets about to move." if n % 2 == 0 else "",
        )
    client = bearer(peru.officer)
    settings.COMITY_PAGE_SIZE = 2
    seen, cursor, pages = [], "", 0
    while True:
        page = client.get(f"{BASE}?sort={sort}&cursor={cursor}").json()
        seen += page["items"]
        pages += 1
        if not page["next_cursor"]:
            break
        cursor = page["next_cursor"]
    name = sort.lstrip("-")
    expected = sorted(seen, key=lambda r: (r[name] or "0001-01-01", r["id"]), reverse=sort.startswith("-"))
    assert [r["id"] for r in seen] == [r["id"] for r in expected]
    assert len({r["id"] for r in seen}) == 9 and pages == 5


def test_list_query_count_does_not_grow_with_rows(peru, switzerland, django_assert_num_queries):
    client = bearer(peru.officer)
    make_request(peru, switzerland)
    # token lookup, token touch (first use only), the page of requests with their offences
    with django_assert_num_queries(3):
        assert len(client.get(f"{BASE}?direction=outgoing").json()["items"]) == 1
    for _n in range(20):
        make_request(peru, switzerland, offences=["uncac-15", "uncac-23"])
    with django_assert_num_queries(2):
        items = client.get(f"{BASE}?direction=outgoing").json()["items"]
    assert len(items) == 21 and items[0]["offences"] == ["uncac-15", "uncac-23"]
    assert items[-1]["offences"] == ["uncac-23"]


ENDPOINTS = [
    ("get", BASE),
    ("post", BASE),
    ("get", BASE + "/{id}"),
    ("patch", BASE + "/{id}"),
    ("get", BASE + "/{id}/events"),
    ("post", BASE + "/{id}/events"),
]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_every_endpoint_refuses_the_anonymous_with_401(peru, switzerland, method, path):
    request = make_request(peru, switzerland)
    response = call(Client(), method, path.format(id=request.pk))
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    bad_token = Client(HTTP_AUTHORIZATION="Bearer not-a-token")
    assert call(bad_token, method, path.format(id=request.pk)).status_code == 401


@pytest.mark.parametrize(("method", "path"), [e for e in ENDPOINTS if "{id}" in e[1]])
def test_every_request_endpoint_is_404_to_an_outsider(
    peru, switzerland, nigeria, secretariat_user, method, path
):
    request = make_request(peru, switzerland)
    # a body each endpoint accepts, so that only the request's visibility is tested
    body = {"kind": "note", "occurred_on": "2025-03-04"} if path.endswith("/events") else {"summary": "x"}
    for user in (nigeria.head, secretariat_user):
        response = call(bearer(user), method, path.format(id=request.pk), body)
        assert response.status_code == 404
    assert Event.objects.filter(kind="note").count() == 0


def test_outsiders_lists_are_empty_and_they_cannot_create_for_others(
    peru, switzerland, nigeria, secretariat_user
):
    make_request(peru, switzerland)
    assert bearer(nigeria.officer).get(BASE).json()["items"] == []
    assert bearer(secretariat_user).get(BASE).json()["items"] == []
    response = post(bearer(nigeria.officer), BASE, new_request(peru, switzerland))
    assert response.status_code == 403
    assert Request.objects.count() == 1


def test_each_list_reads_the_current_shares_and_only_its_own_authoritys_requests(peru, switzerland, nigeria):
    """An authority's scope is built once per process: what it matches must still be read at each
    query, and never be another authority's."""

    def listed(user) -> list[int]:
        return [item["id"] for item in bearer(user).get(BASE).json()["items"]]

    request = make_request(peru, switzerland)
    own = make_request(nigeria, switzerland)
    assert listed(nigeria.officer) == [own.pk]
    assert listed(peru.officer) == [request.pk]
    services.request_share(actor=peru.head, request=request, authority=nigeria.authority)
    assert listed(nigeria.officer) == [own.pk, request.pk]
    assert listed(peru.viewer) == [request.pk]
    assert listed(switzerland.officer) == [own.pk, request.pk]


def test_session_auth_needs_csrf_for_writes(peru, switzerland):
    client = Client(enforce_csrf_checks=True)
    client.force_login(peru.officer)
    assert client.get(BASE).status_code == 200
    assert post(client, BASE, new_request(peru, switzerland)).status_code in (401, 403)
    assert Request.objects.count() == 0


def test_openapi_documents_the_endpoints_and_filters():
    schema = Client().get("/api/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert {
        "/api/v1/requests",
        "/api/v1/requests/{request_id}",
        "/api/v1/requests/{request_id}/events",
    } <= set(schema["paths"])
    names = {p["name"] for p in schema["paths"]["/api/v1/requests"]["get"]["parameters"]}
    assert {
        "direction",
        "type",
        "status",
        "counterpart_country",
        "offence",
        "legal_basis",
        "urgent",
        "overdue",
        "received_after",
        "sent_before",
        "q",
        "sort",
        "cursor",
    } <= names


def test_an_idempotency_key_makes_a_retried_creation_answer_the_first_one(peru, switzerland):
    client, body = bearer(peru.officer), new_request(peru, switzerland, requesting_reference="")
    key = {"HTTP_IDEMPOTENCY_KEY": "8e03978e-40d5-43e8-bc93-6894a57f9324"}
    first = client.post(BASE, json.dumps(body), content_type="application/json", **key)
    assert first.status_code == 201 and "Idempotent-Replayed" not in first
    # a retry, the key sent as the draft's quoted string this time, and the body's keys reordered
    again = client.post(
        BASE,
        json.dumps(dict(reversed(body.items()))),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY='"8e03978e-40d5-43e8-bc93-6894a57f9324"',
    )
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Request.objects.count() == 1

    # the same key for another body is a mistake, said on the key
    other = client.post(
        BASE, json.dumps(body | {"summary": "Another case"}), content_type="application/json", **key
    )
    assert other.status_code == 422 and other.json()["errors"][0]["field"] == "Idempotency-Key"
    # another user's keys are theirs
    assert post_with(bearer(peru.head), body, key).status_code == 201
    # without a key, each call creates
    assert post(client, BASE, body).status_code == 201
    assert Request.objects.count() == 3


def post_with(client: Client, body: dict, headers: dict, url: str = BASE):
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def test_a_creation_refused_under_a_key_may_be_corrected_under_the_same_key(peru, switzerland):
    client, key = bearer(peru.officer), {"HTTP_IDEMPOTENCY_KEY": "retry-after-fixing-1"}
    # refused by the service (received before sent), after the key was taken: the key is free again
    refused = post_with(client, new_request(peru, switzerland, received_on="2026-01-01"), key)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "received_on"
    assert Request.objects.count() == 0
    assert post_with(client, new_request(peru, switzerland), key).status_code == 201
    for bad in ("", " ", "é" * 3, "x" * 256):
        response = post_with(client, new_request(peru, switzerland), {"HTTP_IDEMPOTENCY_KEY": bad})
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == "Idempotency-Key"
    assert Request.objects.count() == 1


def test_an_event_posted_twice_under_one_key_is_recorded_once(peru, switzerland):
    request = make_request(peru, switzerland)
    url, key = f"{BASE}/{request.pk}/events", {"HTTP_IDEMPOTENCY_KEY": "note-1"}
    note = {"kind": "note", "occurred_on": "2025-03-10", "text": "Called the prosecutor"}
    first = post_with(bearer(peru.officer), note, key, url)
    again = post_with(bearer(peru.officer), note, key, url)
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"] and again["Idempotent-Replayed"] == "true"
    assert Event.objects.filter(request=request, kind="note").count() == 1
    # the key belongs to this event: the same key on another request's events is another call
    other = make_request(peru, switzerland)
    assert post_with(bearer(peru.officer), note, key, f"{BASE}/{other.pk}/events").status_code == 422


def test_a_patch_of_a_field_it_does_not_change_is_a_422_naming_it(peru, switzerland):
    request = make_request(peru, switzerland, sent_on=datetime.date(2025, 3, 3))
    client, url = bearer(peru.officer), f"{BASE}/{request.pk}"
    for body, field, says in (
        ({"sent_on": "2025-03-04"}, "sent_on", "record an event, or a correction"),
        ({"status": "executed"}, "status", "timeline"),
        ({"requesting_authority": 9}, "requesting_authority", "cannot be changed once"),
        ({"zzz": 1}, "zzz", "Unknown field; the fields that may be changed are"),
        ({"zzz": None}, "zzz", "Unknown field"),
    ):
        response = patch(client, url, body | {"summary": "changed"})
        assert response.status_code == 422, body
        assert [(e["field"], says in e["detail"]) for e in response.json()["errors"]] == [(field, True)]
    request.refresh_from_db()
    assert (request.summary, request.sent_on) == (
        "Bribes laundered through accounts abroad.",
        datetime.date(2025, 3, 3),
    )
    # the schema says so to clients
    schema = bearer(peru.officer).get("/api/openapi.json").json()["components"]["schemas"]["RequestPatch"]
    assert schema["additionalProperties"] is False


def test_an_unknown_field_in_a_creation_is_a_422_naming_it(peru, switzerland):
    response = post(bearer(peru.officer), BASE, new_request(peru, switzerland, zzz=1))
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "zzz"
    url = f"{BASE}/{make_request(peru, switzerland).pk}/events"
    response = post(bearer(peru.officer), url, {"kind": "note", "occurred_on": "2025-03-10", "when": "now"})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "when"
    assert Request.objects.count() == 1


def test_the_secretariat_is_never_accepted_as_a_party_or_to_share_with(peru, switzerland, secretariat_user):
    client, secretariat = bearer(peru.officer), secretariat_user.authority
    for body, field in (
        (new_request(peru, switzerland, requested_authority=secretariat.pk), "requested_authority"),
        (new_request(peru, switzerland, shared_with=[secretariat.pk]), "shared_with"),
    ):
        response = post(client, BASE, body)
        assert response.status_code == 422
        assert [(e["field"], e["detail"]) for e in response.json()["errors"]] == [
            (field, "UNODC (Secretariat) cannot be a party to a request, nor be shown one.")
        ]
    assert Request.objects.count() == 0


def test_texts_longer_than_their_limit_are_422s_naming_them(peru, switzerland):
    client = bearer(peru.officer)
    response = post(client, BASE, new_request(peru, switzerland, summary="s" * 200_000))
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "summary"
    request = make_request(peru, switzerland)
    assert patch(client, f"{BASE}/{request.pk}", {"summary": "s" * 10_001}).status_code == 422
    response = post(
        client,
        f"{BASE}/{request.pk}/events",
        {"kind": "note", "occurred_on": "2025-03-04", "text": "t" * 5_001},
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "text"
    assert Request.objects.count() == 1 and not Event.objects.filter(kind="note").exists()
    response = client.get(f"{BASE}?q={'q' * 301}")
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "q"


def _recorded_before_dates_were_checked(request: Request, day: datetime.date) -> None:
    """What an earlier Comity stored for a mistyped year: every event of the request on `day`."""
    Event.objects.filter(request=request).update(occurred_on=day)
    rows = request.events.values_list("id", "kind", "occurred_on", "refusal_grounds", "corrects_id")
    services.store_timeline(request, replay(corrected(rows)))
    request.save()


def test_a_correction_fixes_a_mistyped_date_and_both_parties_figures(peru, switzerland):
    request = make_request(switzerland, peru, sent_on=None, received_on=datetime.date(2025, 3, 10))
    _recorded_before_dates_were_checked(request, datetime.date(1, 1, 1))
    stats = "/api/v1/statistics/requests?as_of=2026-01-01"
    for side in (peru, switzerland):
        total = bearer(side.officer).get(stats).json()["total"]
        assert total["pending_max_age_days"] == (datetime.date(2026, 1, 1) - datetime.date(1, 1, 1)).days
    received = request.events.get(kind="received")

    ch = bearer(peru.officer)
    response = post(
        ch,
        f"{BASE}/{request.pk}/events",
        {"kind": "correction", "corrects": received.pk, "occurred_on": "2025-03-10", "text": "Year mistyped"},
    )
    assert response.status_code == 201, response.content
    assert (response.json()["kind"], response.json()["corrects"]) == ("correction", received.pk)

    body = ch.get(f"{BASE}/{request.pk}").json()
    assert (body["received_on"], body["due_on"]) == ("2025-03-10", "2025-07-08")
    timeline = {e["kind"]: e for e in ch.get(f"{BASE}/{request.pk}/events").json()}
    # the mistaken event stays as it was recorded, superseded
    assert timeline["received"]["occurred_on"] == "0001-01-01"
    assert timeline["received"]["corrected_on"] == "2025-03-10"
    assert timeline["received"]["corrected_by"] == response.json()["id"]
    for side in (peru, switzerland):
        total = bearer(side.officer).get(stats).json()["total"]
        assert total["pending_max_age_days"] == (datetime.date(2026, 1, 1) - datetime.date(2025, 3, 10)).days
    [entry] = AuditEntry.objects.filter(action="request.event", detail__kind="correction")
    assert (entry.actor, entry.object_id, entry.fields) == (peru.officer, str(request.pk), ["events"])


def test_a_first_date_corrected_to_before_the_creation_says_to_correct_the_creation_first(peru, switzerland):
    """A request registered with a mistyped sent date was created on that date, so the generic
    refusal ('before the previous event') left the officer stuck: it names the creation now, and
    correcting the creation first, then the sent date, works."""
    client = bearer(peru.officer)
    created = post(client, BASE, new_request(peru, switzerland, sent_on="2026-02-02")).json()
    events = {e["kind"]: e["id"] for e in client.get(f"{BASE}/{created['id']}/events").json()}
    url = f"{BASE}/{created['id']}/events"
    sent = {"kind": "correction", "corrects": events["sent"], "occurred_on": "2026-01-29", "text": "Mistyped"}
    refused = post(client, url, sent)
    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        {
            "field": "occurred_on",
            "pointer": "#/occurred_on",
            "detail": "With this date the timeline would not hold: nothing comes before the request's "
            "creation (2026-02-02): correct the date of “Created” first, then this one.",
        }
    ]
    creation = sent | {"corrects": events["created"], "text": "Registered on the mistyped day"}
    assert post(client, url, creation).status_code == 201
    assert post(client, url, sent).status_code == 201
    assert client.get(f"{BASE}/{created['id']}").json()["sent_on"] == "2026-01-29"


def test_a_date_before_1950_is_refused_on_creation_and_as_an_event(peru, switzerland):
    client = bearer(peru.officer)
    response = post(client, BASE, new_request(peru, switzerland, sent_on="0001-01-01"))
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "sent_on",
            "pointer": "#/sent_on",
            "detail": "The date 0001-01-01 is before 1950-01-01, the earliest Comity records: check the year.",
        }
    ]
    request = make_request(peru, switzerland)
    response = post(client, f"{BASE}/{request.pk}/events", {"kind": "received", "occurred_on": "1949-12-31"})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "occurred_on"
    assert Request.objects.count() == 1 and not Event.objects.filter(kind="received").exists()
