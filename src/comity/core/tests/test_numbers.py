"""Every number has a range (#20 item 10): an id past the databases' 64-bit integers, an amount
of 1e400 or a valuation of 1e30 is a 422 naming the field (a 404 for a page's address), never an
overflow (a 500) nor a 401-digit number in the append-only public log."""

import json

import pytest
from django.test import Client

from comity.assets import services as asset_services
from comity.core.forms import new_form_token
from comity.ledger.models import LedgerEntry
from conftest import bearer

HUGE = 99999999999999999999


def post(client: Client, url: str, body: dict):
    return client.post(url, json.dumps(body), content_type="application/json")


def fields(response) -> list[str]:
    return [e["field"] for e in response.json()["errors"]]


@pytest.fixture
def case(peru):
    return asset_services.case_create(
        actor=peru.officer, title="Andes", origin_country="PE", offences=["uncac-17"]
    )


@pytest.mark.parametrize(
    "body, field",
    [
        ({"requested_authority": HUGE}, "requested_authority"),
        ({"requesting_authority": -1}, "requesting_authority"),
        ({"shared_with": [HUGE]}, "shared_with.0"),
    ],
)
def test_ids_out_of_range_in_a_request_are_422s(peru, switzerland, body, field):
    new = {
        "type": "mla",
        "legal_basis": "uncac",
        "proceeding": "criminal",
        "offences": ["uncac-23"],
        "requesting_authority": peru.authority.pk,
        "requested_authority": switzerland.authority.pk,
    } | body
    response = post(bearer(peru.officer), "/api/v1/requests", new)
    assert response.status_code == 422
    assert fields(response) == [field]


def test_ids_out_of_range_in_a_case_are_422s(peru):
    body = {"title": "x", "origin_country": "PE", "offences": ["uncac-17"]}
    for extra, field in (({"participants": [HUGE]}, "participants.0"), ({"requests": [HUGE]}, "requests.0")):
        response = post(bearer(peru.officer), "/api/v1/asset-cases", body | extra)
        assert response.status_code == 422
        assert fields(response) == [field]


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/requests/{HUGE}",
        f"/api/v1/requests/{HUGE}/events",
        f"/api/v1/asset-cases/{HUGE}",
        f"/api/v1/drafts/{HUGE}",
        f"/api/v1/drafts/{HUGE}/check",
    ],
)
def test_an_id_out_of_range_in_an_api_path_is_a_422(peru, path):
    response = bearer(peru.officer).get(path)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("path", [f"/requests/{HUGE}/", f"/requests/{HUGE}/edit/", f"/asset-cases/{HUGE}/"])
def test_an_id_out_of_range_in_a_page_address_is_a_404(peru, client, path):
    client.force_login(peru.officer)
    assert client.get(path).status_code == 404


def test_a_page_form_with_an_id_out_of_range_names_the_field(peru, client):
    client.force_login(peru.officer)
    response = client.post(
        "/requests/new/",
        {
            "direction": "outgoing",
            "counterpart": str(HUGE),
            "type": "mla",
            "legal_basis": "uncac",
            "proceeding": "criminal",
            "offences": ["uncac-23"],
            "names_visible_to": "officers",
            "form_token": new_form_token(),
            "subjects-TOTAL_FORMS": "0",
            "subjects-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "counterpart" in response.context["form"].errors


@pytest.mark.parametrize(
    "amount", ["1e400", "1e30", '"1e400"', '"Infinity"', '"NaN"', "1000000000000000", '"1e15"']
)
def test_amounts_out_of_range_are_422s_naming_the_field(peru, case, amount):
    client = bearer(peru.officer)
    asset = asset_services.asset_add(
        actor=peru.officer, case=case, type="bank-account", location_country="CH"
    )
    url = f"/api/v1/asset-cases/{case.pk}/assets/{asset.pk}"
    body = '{"on": "2024-01-02", "currency": "USD", "value": ' + amount + "}"
    response = client.post(url + "/valuations", body, content_type="application/json")
    assert response.status_code == 422, response.content
    assert fields(response) == ["value"]
    body = '{"kind": "frozen", "on": "2024-01-02", "currency": "USD", "amount": ' + amount + "}"
    response = client.post(url + "/steps", body, content_type="application/json")
    assert response.status_code == 422
    assert fields(response) == ["amount"]


@pytest.mark.parametrize("amount", ["1e400", '"1e400"', '"1e30"'])
def test_the_public_log_never_takes_an_amount_of_401_digits(peru, switzerland, amount):
    client = bearer(peru.officer)
    body = (
        '{"returning_state": "CH", "receiving_state": "PE", "currency": "USD", "signed_on": "2024-01-02",'
        ' "title": "Agreement", "purpose": "Health", "amount": ' + amount + "}"
    )
    response = client.post("/api/v1/ledger/agreements", body, content_type="application/json")
    assert response.status_code == 422
    assert "amount" in fields(response)
    assert LedgerEntry.objects.count() == 0


def test_the_largest_amount_is_accepted(peru, case):
    asset = asset_services.asset_add(
        actor=peru.officer, case=case, type="bank-account", location_country="CH"
    )
    response = post(
        bearer(peru.officer),
        f"/api/v1/asset-cases/{case.pk}/assets/{asset.pk}/valuations",
        {"on": "2024-01-02", "value": "999999999999999.99", "currency": "USD"},
    )
    assert response.status_code == 201, response.content


def test_request_ids_within_range_still_404_when_unknown(peru):
    assert bearer(peru.officer).get(f"/api/v1/requests/{2**63 - 1}").status_code == 404


def _unbounded(node: object, where: str) -> list[str]:
    """The integers and numbers in a schema (and the schemas it names) without a maximum."""
    found = []
    if isinstance(node, dict):
        if node.get("type") in ("integer", "number") and not {"maximum", "exclusiveMaximum"} & set(node):
            found.append(where)
        for key, value in node.items():
            found += _unbounded(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _unbounded(value, f"{where}[{index}]")
    return found


def test_every_number_the_api_accepts_has_a_documented_range(client):
    """The drafts' ids (in their addresses and in a share) and the library's page had none, found
    by re-running #20's probes: a huge draft id was a 404 where every other address says 422."""
    document = client.get("/api/openapi.json").json()
    schemas = document["components"]["schemas"]
    unbounded, seen = [], set()
    named = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            for parameter in operation.get("parameters", []):
                unbounded += _unbounded(parameter.get("schema", {}), f"{method} {path} {parameter['name']}")
            named += [
                m for m in json.dumps(operation.get("requestBody", {})).split('"') if "#/components/" in m
            ]
    while named:
        name = named.pop().rsplit("/", 1)[-1]
        if name not in seen:
            seen.add(name)
            unbounded += _unbounded(schemas[name], name)
            named += [m for m in json.dumps(schemas[name]).split('"') if "#/components/" in m]
    assert unbounded == []
