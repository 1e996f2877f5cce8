"""Barriers met in asset cases and requests (#24 item 2): recorded through the services by the
parties only, refused with the field and the reason, counted by role and by counterpart State."""

import pytest
from django.test import Client

from comity.accounts.choices import Role
from comity.accounts.tests.factories import UserFactory
from comity.assets.models import AssetCaseBarrier
from comity.cooperation.models import RequestBarrier
from comity.core.choices import AuditAction
from comity.core.models import AuditEntry
from conftest import bearer, make_request

pytestmark = pytest.mark.django_db

CASE = {
    "title": "Odebrecht – Peruvian officials",
    "origin_country": "PE",
    "asset_location_countries": ["CH"],
    "offences": ["uncac-15"],
}


def _case(client, participants=()):
    response = client.post(
        "/api/v1/asset-cases", CASE | {"participants": list(participants)}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    return response.json()["id"]


def _post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_barriers_of_a_case_and_a_request_are_counted_by_role_and_state(peru, switzerland):
    peruvian, swiss = bearer(peru.officer), bearer(switzerland.officer)
    case_id = _case(peruvian, participants=[switzerland.authority.pk])
    barrier = {"code": "bank-secrecy", "on": "2024-05-02", "country": "CH", "note": "Bank in Geneva refused"}
    answer = _post(peruvian, f"/api/v1/asset-cases/{case_id}/barriers", barrier)
    assert answer.status_code == 201, answer.content
    assert answer.json()["code"] == "bank-secrecy"
    # the same barrier twice in one case counts the case once
    _post(peruvian, f"/api/v1/asset-cases/{case_id}/barriers", barrier | {"on": "2024-06-01"})
    swiss_barrier = {"code": "evidentiary-standards", "on": "2024-07-01", "country": "PE"}
    assert _post(swiss, f"/api/v1/asset-cases/{case_id}/barriers", swiss_barrier).status_code == 201
    request = make_request(peru, switzerland)
    answer = _post(
        swiss, f"/api/v1/requests/{request.pk}/barriers", {"code": "translation", "on": "2025-03-10"}
    )
    assert answer.status_code == 201, answer.content

    figures = peruvian.get("/api/v1/statistics/barriers").json()
    assert figures["cases"]["by_role"] == [
        {"barrier": "bank-secrecy", "role": "origin", "cases": 1},
        {"barrier": "evidentiary-standards", "role": "asset-location", "cases": 1},
    ]
    assert {"barrier": "bank-secrecy", "country": "CH", "cases": 1} in figures["cases"]["by_country"]
    # the Swiss side met it in the request: requested side, counterpart Peru
    assert figures["requests"] == {
        "by_role": [{"barrier": "translation", "role": "requested", "requests": 1}],
        "by_country": [{"barrier": "translation", "country": "PE", "requests": 1}],
    }
    # the case shows its barriers; the note is never in the audit
    detail = peruvian.get(f"/api/v1/asset-cases/{case_id}").json()
    assert [b["code"] for b in detail["barriers"]] == [
        "bank-secrecy",
        "bank-secrecy",
        "evidentiary-standards",
    ]
    entry = AuditEntry.objects.filter(action=AuditAction.ASSET_CASE_BARRIER).first()
    assert entry is not None and "Geneva" not in str(entry.__dict__)
    # a request's barrier note is its author's: the other party sees the code only
    _post(
        peruvian,
        f"/api/v1/requests/{request.pk}/barriers",
        {"code": "late-response", "on": "2025-04-01", "note": "ours"},
    )
    seen_by_swiss = swiss.get(f"/api/v1/requests/{request.pk}/barriers").json()
    assert [(b["code"], b["note"]) for b in seen_by_swiss] == [("translation", ""), ("late-response", "")]

    page = Client()
    page.force_login(peru.officer)
    text = page.get("/statistics/assets/").content.decode()
    assert "Barriers met" in text and "Bank secrecy" in text and "Translation" in text


def test_bad_barriers_are_refused_by_field_and_nothing_is_written(peru, switzerland):
    peruvian = bearer(peru.officer)
    case_id = _case(peruvian)
    answer = _post(
        peruvian,
        f"/api/v1/asset-cases/{case_id}/barriers",
        {"code": "weather", "on": "2999-01-01", "country": "XX", "note": "x" * 1001},
    )
    assert answer.status_code == 422
    fields = (
        {error["field"] for error in answer.json()["errors"]} if "errors" in answer.json() else answer.json()
    )
    assert {"code", "on", "country", "note"} <= set(fields), answer.json()
    request = make_request(peru, switzerland)
    answer = _post(peruvian, f"/api/v1/requests/{request.pk}/barriers", {"code": "", "on": "2025-01-01"})
    assert answer.status_code == 422
    assert not AssetCaseBarrier.objects.exists() and not RequestBarrier.objects.exists()
    # a viewer reads, does not write
    assert (
        _post(
            bearer(peru.viewer),
            f"/api/v1/requests/{request.pk}/barriers",
            {"code": "costs", "on": "2025-01-01"},
        ).status_code
        == 403
    )


def test_outsiders_get_404_on_every_barrier_endpoint_and_form(peru, switzerland, nigeria, secretariat_user):
    peruvian = bearer(peru.officer)
    case_id = _case(peruvian)
    request = make_request(peru, switzerland)
    without_country = {"code": "costs", "on": "2025-01-01"}
    body = without_country | {"country": "CH"}
    for outsider in (nigeria.officer, secretariat_user):
        api = bearer(outsider)
        assert _post(api, f"/api/v1/asset-cases/{case_id}/barriers", body).status_code == 404
        assert _post(
            api, f"/api/v1/requests/{request.pk}/barriers", body | {"country": None}
        ).status_code in (
            404,
            422,
        )
        assert _post(api, f"/api/v1/requests/{request.pk}/barriers", without_country).status_code == 404
        assert api.get(f"/api/v1/requests/{request.pk}/barriers").status_code == 404
        page = Client()
        page.force_login(outsider)
        assert page.post(f"/asset-cases/{case_id}/barrier/", body).status_code == 404
        assert page.post(f"/requests/{request.pk}/barriers/", without_country).status_code == 404
    assert not AssetCaseBarrier.objects.exists() and not RequestBarrier.objects.exists()
    # the outsider's own figures count nothing of it
    assert bearer(nigeria.officer).get("/api/v1/statistics/barriers").json()["cases"]["by_role"] == []


def test_the_pages_record_barriers(peru, switzerland):
    case_id = _case(bearer(peru.officer), participants=[switzerland.authority.pk])
    request = make_request(peru, switzerland)
    page = Client()
    page.force_login(peru.officer)
    answer = page.post(f"/requests/{request.pk}/barriers/", {"code": "no-response", "on": "2025-05-05"})
    assert answer.status_code == 302
    assert "No response" in page.get(f"/requests/{request.pk}/").content.decode()
    refused = page.post(f"/requests/{request.pk}/barriers/", {"code": "no-response", "on": "2999-05-05"})
    assert refused.status_code == 422
    assert RequestBarrier.objects.count() == 1
    case_page = page.get(f"/asset-cases/{case_id}/").content.decode()
    assert "Record a barrier" in case_page
    answer = page.post(
        f"/asset-cases/{case_id}/barrier/", {"code": "costs", "on": "2025-05-05", "country": "CH"}
    )
    assert answer.status_code == 302, answer.content.decode()[-2000:]
    assert "Costs" in page.get(f"/asset-cases/{case_id}/").content.decode()


def test_a_coordinators_figures_ignore_the_filters_seen_from_one_authority(peru, switzerland):
    make_request(peru, switzerland)
    make_request(switzerland, peru, requesting_reference="CH-1")
    coordinator = UserFactory(username="pe-coordinator", authority=peru.authority, role=Role.COORDINATOR)
    api = bearer(coordinator)
    assert api.get("/api/v1/statistics/requests").json()["total"]["count"] == 2
    # 'incoming' is seen from one authority; for the State it is a grouping, not a filter
    assert api.get("/api/v1/statistics/requests", {"direction": "incoming"}).json()["total"]["count"] == 2
    groups = api.get("/api/v1/statistics/requests", {"group_by": "direction"}).json()["groups"]
    assert {g["key"]["direction"]: g["count"] for g in groups} == {"incoming": 1, "outgoing": 1}
