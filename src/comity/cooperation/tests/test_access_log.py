"""A head of unit sees who read the authority's requests (#20 item 4): page, API and export;
everyone else gets 404, and readers from another authority are named by their authority only."""

import csv
import io

import openpyxl
import pytest
from django.test import Client

from comity.core.models import AccessEntry
from conftest import bearer, make_request

API = "/api/v1/requests/access-log"
PAGE = "/requests/access-log/"


@pytest.fixture
def reads(peru, switzerland, nigeria):
    """Peru's request to Switzerland read by a Peruvian viewer (page) and a Swiss officer (API),
    and Nigeria's own request to Switzerland read by a Swiss officer."""
    ours = make_request(peru, switzerland, requesting_reference="PE-READ-1")
    theirs = make_request(nigeria, switzerland, requesting_reference="NG-READ-1")
    viewer = Client()
    viewer.force_login(peru.viewer)
    assert viewer.get(f"/requests/{ours.pk}/").status_code == 200
    assert bearer(switzerland.officer).get(f"/api/v1/requests/{ours.pk}").status_code == 200
    assert bearer(switzerland.officer).get(f"/api/v1/requests/{theirs.pk}").status_code == 200
    return ours, theirs


def test_a_head_sees_every_read_of_the_authoritys_requests_and_only_those(peru, switzerland, reads):
    ours, theirs = reads
    response = bearer(peru.head).get(API)
    assert response.status_code == 200
    items = response.json()["items"]
    assert [
        (i["request_id"], i["reference"], i["reader"], i["reader_authority"], i["channel"]) for i in items
    ] == [
        (ours.pk, "PE-READ-1", None, switzerland.authority.name, "api"),
        (ours.pk, "PE-READ-1", "pe-viewer", peru.authority.name, "page"),
    ]
    # The Swiss head sees the reads of both requests Switzerland is a party to, its own staff by name.
    swiss = bearer(switzerland.head).get(API).json()["items"]
    assert {(i["request_id"], i["reader"]) for i in swiss} == {
        (ours.pk, None),
        (ours.pk, "ch-officer"),
        (theirs.pk, "ch-officer"),
    }


def test_the_log_filters_by_reference_reader_channel_and_date(peru, reads):
    client = bearer(peru.head)
    assert len(client.get(API, {"reference": "READ-1"}).json()["items"]) == 2
    assert client.get(API, {"reference": "NG-READ"}).json()["items"] == []
    assert [i["reader"] for i in client.get(API, {"reader": "viewer"}).json()["items"]] == ["pe-viewer"]
    assert [i["channel"] for i in client.get(API, {"channel": "page"}).json()["items"]] == ["page"]
    assert client.get(API, {"read_before": "2000-01-01"}).json()["items"] == []
    response = client.get(API, {"channel": "fax"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "channel"


def test_the_log_pages_by_cursor(peru, switzerland, settings):
    settings.COMITY_PAGE_SIZE = 2
    request = make_request(peru, switzerland)
    reader = bearer(switzerland.officer)
    for _ in range(5):
        reader.get(f"/api/v1/requests/{request.pk}")
    client, seen, url = bearer(peru.head), [], API
    while True:
        body = client.get(url).json()
        seen += [i["id"] for i in body["items"]]
        if not body["next_cursor"]:
            break
        url = f"{API}?cursor={body['next_cursor']}"
    assert seen == sorted(AccessEntry.objects.values_list("pk", flat=True), reverse=True)


@pytest.mark.parametrize("who", ["officer", "viewer"])
def test_anyone_but_a_head_gets_404(peru, reads, who):
    user = getattr(peru, who)
    assert bearer(user).get(API).status_code == 404
    client = Client()
    client.force_login(user)
    assert client.get(PAGE).status_code == 404
    assert client.get(PAGE + "export?format=csv").status_code == 404


def test_the_secretariat_and_the_anonymous_are_refused(secretariat_user, reads):
    assert bearer(secretariat_user).get(API).status_code == 404
    assert Client().get(API).status_code == 401
    assert Client().get(PAGE).status_code == 302  # to the login page


def test_the_page_and_its_exports_show_the_same_rows(peru, switzerland, reads):
    ours, _theirs = reads
    client = Client()
    client.force_login(peru.head)
    page = client.get(PAGE).content.decode()
    assert "PE-READ-1" in page and "pe-viewer" in page
    assert "ch-officer" not in page and switzerland.authority.name in page
    assert "NG-READ-1" not in page
    exported = client.get(PAGE + "export", {"format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(exported.streaming_content).decode())))
    assert rows[0] == ["read_at", "channel", "request_id", "reference", "reader", "reader_authority"]
    assert [row[1:] for row in rows[1:]] == [
        ["api", str(ours.pk), "PE-READ-1", "", switzerland.authority.name],
        ["page", str(ours.pk), "PE-READ-1", "pe-viewer", peru.authority.name],
    ]
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(PAGE + "export", {"format": "xlsx"}).content))
    assert [list(r)[1:] for r in workbook.active.iter_rows(min_row=2, values_only=True)] == [
        ["api", ours.pk, "PE-READ-1", None, switzerland.authority.name],
        ["page", ours.pk, "PE-READ-1", "pe-viewer", peru.authority.name],
    ]


def test_a_head_finds_the_log_in_the_navigation(peru, client):
    client.force_login(peru.head)
    assert PAGE in client.get("/requests/").content.decode()
    client.force_login(peru.officer)
    assert PAGE not in client.get("/requests/").content.decode()
