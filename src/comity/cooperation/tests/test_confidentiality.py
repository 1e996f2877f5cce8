"""Confidentiality is the requesting State's to set (004 §47): the wrong side cannot lift it, an
officer cannot lower it, nobody overwrites names they may not see, and what a user cannot open
does not show through another record or an error."""

import json

import pytest
from django.test import Client

from comity.accounts.tests.factories import AuthorityFactory
from comity.assets import services as asset_services
from comity.cooperation.choices import NamesVisibleTo
from comity.core.models import AuditEntry
from conftest import Side, bearer, make_request

BASE = "/api/v1/requests"


def patch(client: Client, url: str, body: dict):
    return client.patch(url, json.dumps(body), content_type="application/json")


def names_seen(client: Client, pk: int) -> list[str | None]:
    response = client.get(f"{BASE}/{pk}")
    assert response.status_code == 200
    return [s["name"] for s in response.json()["subjects"]]


@pytest.fixture
def heads_only(peru, switzerland):
    """Peru's confidential request to Switzerland, whose subjects' names only heads may know."""
    return make_request(peru, switzerland, confidential=True, names_visible_to=NamesVisibleTo.HEADS)


def test_an_officer_cannot_lower_the_level_nor_then_read_the_names(peru, switzerland, heads_only):
    officer = bearer(peru.officer)
    url = f"{BASE}/{heads_only.pk}"
    response = patch(officer, url, {"names_visible_to": "officers"})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["names_visible_to"]
    assert "head of unit" in response.json()["errors"][0]["detail"]
    response = patch(officer, url, {"confidential": False})
    assert response.status_code == 422
    assert names_seen(officer, heads_only.pk) == [None]
    assert not AuditEntry.objects.filter(action="request.confidentiality").exists()


def test_the_requested_side_cannot_change_confidentiality_at_all(peru, switzerland, heads_only):
    for user in (switzerland.head, switzerland.officer):
        client = bearer(user)
        for body in ({"confidential": False}, {"names_visible_to": "officers"}):
            response = patch(client, f"{BASE}/{heads_only.pk}", body)
            assert response.status_code == 422, body
            assert "requesting authority" in response.json()["errors"][0]["detail"]
    assert names_seen(bearer(switzerland.viewer), heads_only.pk) == [None]
    # Sending the level it already has is no change, and the rest of the update goes through.
    response = patch(
        bearer(switzerland.officer),
        f"{BASE}/{heads_only.pk}",
        {"confidential": True, "names_visible_to": "heads", "requested_reference": "CH-77"},
    )
    assert response.status_code == 200
    assert response.json()["requested_reference"] == "CH-77"


def test_a_requesting_head_lowers_it_and_the_audit_keeps_the_levels_not_the_names(
    peru, switzerland, heads_only
):
    response = patch(bearer(peru.head), f"{BASE}/{heads_only.pk}", {"names_visible_to": "officers"})
    assert response.status_code == 200
    assert names_seen(bearer(peru.officer), heads_only.pk) == ["Alberto Quispe"]
    response = patch(bearer(peru.head), f"{BASE}/{heads_only.pk}", {"confidential": False})
    assert response.status_code == 200
    entries = AuditEntry.objects.filter(action="request.confidentiality", object_id=str(heads_only.pk))
    assert [(e.actor_id, e.detail) for e in entries.order_by("pk")] == [
        (peru.head.pk, {"from": "heads", "to": "officers"}),
        (peru.head.pk, {"from": "officers", "to": "none"}),
    ]
    assert "Quispe" not in json.dumps([e.detail for e in AuditEntry.objects.all()])
    assert "Quispe" not in json.dumps([e.fields for e in AuditEntry.objects.all()])


def test_an_officer_of_the_requesting_side_may_raise_it(peru, switzerland):
    request = make_request(peru, switzerland)
    response = patch(
        bearer(peru.officer), f"{BASE}/{request.pk}", {"confidential": True, "names_visible_to": "heads"}
    )
    assert response.status_code == 200
    assert names_seen(bearer(peru.officer), request.pk) == [None]
    entry = AuditEntry.objects.get(action="request.confidentiality")
    assert entry.detail == {"from": "none", "to": "heads"}


def test_the_requested_side_keeps_it_for_an_external_requesting_authority(switzerland):
    external = AuthorityFactory(country="BR", name="Ministério da Justiça", external=True)
    request = make_request(
        Side(authority=external, officer=None, head=None, viewer=None),  # type: ignore[arg-type]
        switzerland,
        actor=switzerland.officer,
        confidential=True,
        names_visible_to=NamesVisibleTo.HEADS,
    )
    url = f"{BASE}/{request.pk}"
    assert patch(bearer(switzerland.officer), url, {"names_visible_to": "officers"}).status_code == 422
    assert patch(bearer(switzerland.head), url, {"names_visible_to": "officers"}).status_code == 200


def test_hidden_subjects_cannot_be_overwritten_blind(peru, switzerland, heads_only):
    response = patch(
        bearer(peru.officer),
        f"{BASE}/{heads_only.pk}",
        {"subjects": [{"kind": "natural", "name": "Somebody Else"}]},
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["subjects"]
    assert names_seen(bearer(peru.head), heads_only.pk) == ["Alberto Quispe"]
    # Who may see them may change them.
    response = patch(
        bearer(peru.head), f"{BASE}/{heads_only.pk}", {"subjects": [{"kind": "natural", "name": "Someone"}]}
    )
    assert response.status_code == 200


def test_the_page_form_shows_the_requested_side_the_level_without_letting_it_change(
    peru, switzerland, heads_only, client
):
    client.force_login(switzerland.head)
    page = client.get(f"/requests/{heads_only.pk}/edit/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="confidential"' in html and "disabled" in html.split('name="confidential"')[1].split(">")[0]
    assert "Set by the requesting authority." in html


def test_a_linked_request_the_user_cannot_open_does_not_show_on_an_asset_case(peru, switzerland, nigeria):
    hidden = make_request(peru, switzerland, requesting_reference="PE-SECRET-1")
    case = asset_services.case_create(
        actor=peru.officer,
        title="Andes pipeline",
        origin_country="PE",
        offences=["uncac-17"],
        participants=[nigeria.authority],
        requests=[hidden],
    )
    response = bearer(nigeria.officer).get(f"/api/v1/asset-cases/{case.pk}")
    assert response.status_code == 200
    assert response.json()["requests"] == []
    client = Client()
    client.force_login(nigeria.officer)
    page = client.get(f"/asset-cases/{case.pk}/").content.decode()
    assert "PE-SECRET-1" not in page
    assert bearer(peru.officer).get(f"/api/v1/asset-cases/{case.pk}").json()["requests"] == [hidden.pk]


@pytest.mark.parametrize("field", ["requesting_reference", "requested_reference"])
def test_a_reference_used_on_a_request_the_user_cannot_see_is_no_oracle(peru, switzerland, nigeria, field):
    # Nigeria's request to Switzerland, numbered by both; Peru cannot see it.
    make_request(nigeria, switzerland, requesting_reference="NG-2026-9", requested_reference="CH-IN-5")
    if field == "requested_reference":  # Peru notes Switzerland's number on its own request to it
        ours, taken = make_request(peru, switzerland), "CH-IN-5"
    else:  # Peru registers Nigeria's request to it, with Nigeria's number
        ours, taken = make_request(nigeria, peru, actor=peru.officer, requesting_reference=""), "NG-2026-9"
    response = patch(bearer(peru.officer), f"{BASE}/{ours.pk}", {field: taken})
    assert response.status_code == 200, response.json()
    assert response.json()[field] == taken


def test_an_authoritys_own_reference_stays_unique_across_its_requests(peru, switzerland, nigeria):
    make_request(peru, switzerland, requesting_reference="PE-1")
    other = make_request(peru, nigeria, requesting_reference="PE-2")
    response = patch(bearer(peru.officer), f"{BASE}/{other.pk}", {"requesting_reference": "PE-1"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "requesting_reference"
    # Recorded by the counterpart, the same reference between the same two parties is refused too.
    twin = make_request(peru, switzerland, requesting_reference="PE-3")
    response = patch(bearer(switzerland.officer), f"{BASE}/{twin.pk}", {"requesting_reference": "PE-1"})
    assert response.status_code == 422
