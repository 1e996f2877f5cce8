"""Schemathesis over the whole API (#20 item 13): generated requests, valid and not, against every
operation of the OpenAPI document, as an authenticated officer with requests to work on. None may
answer 5xx, a status or content type the document does not list, or a body that breaks its schema.
The number of examples is bounded (COMITY_SCHEMATHESIS_EXAMPLES, 15 by default) to keep CI short."""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from jsonschema_rs import Draft202012Validator
from ninja.openapi.schema import OpenAPISchema
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from comity.accounts.services import token_create
from comity.cooperation.choices import NamesVisibleTo
from comity.ledger.services import ensure_key
from conftest import bearer, make_request

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = int(os.environ.get("COMITY_SCHEMATHESIS_EXAMPLES", "15"))


@pytest.fixture
def connections_kept():
    """Schemathesis calls the real WSGI handler, whose end of request closes the database
    connection, and with it the test's transaction (on PostgreSQL): keep it open, as Django's own
    test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def officer_token(peru, switzerland, nigeria, connections_kept):
    ensure_key()  # an initialised transparency log (its key in the test's tmp dir)
    make_request(peru, switzerland)
    make_request(switzerland, peru, actor=peru.officer)
    return token_create(actor=None, user=peru.officer)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_the_api_keeps_its_documented_contract(case, officer_token):
    case.call_and_validate(headers={"Authorization": f"Bearer {officer_token}"}, checks=CHECKS)


def test_an_unknown_api_address_is_a_problem_not_a_page(peru, client):
    response = client.get("/api/v1/requests/null,null")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_every_operation_documents_the_problems_it_may_answer(client):
    document = client.get("/api/openapi.json").json()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            statuses = set(operation["responses"])
            expected = {"404", "422"} | ({"401", "403"} if operation.get("security") else set())
            assert expected <= statuses, (method, path, statuses)
            assert operation["responses"]["404"]["content"] == {
                "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
            }


def test_a_patch_whose_body_is_not_an_object_is_a_422(peru, switzerland):
    request = make_request(peru, switzerland)
    response = bearer(peru.officer).patch(
        f"/api/v1/requests/{request.pk}", "[null, null]", content_type="application/json"
    )
    assert response.status_code == 422


def _conforms(document: dict, component: str, instance: object) -> list[str]:
    """The errors of `instance` against one of the document's schemas (its references resolved
    within the document)."""
    schema = {"$ref": f"#/components/schemas/{component}", "components": document["components"]}
    return [error.message for error in Draft202012Validator(schema).iter_errors(instance)]


def test_every_schema_has_a_name_of_its_own_in_the_document(client, monkeypatch):
    """Django Ninja names a schema in the document by its class name alone, and the last class of a
    name replaced the others (found by re-running #20's probes): a request's barrier was documented
    with an asset case's required `country`, which the endpoint refuses; a confidential request's
    subjects with a name that is never null; the ledger's new entries as directory entries."""
    clashes = []
    add = OpenAPISchema.add_schema_definitions

    def recording(self: OpenAPISchema, definitions: dict) -> None:
        clashes.extend(n for n, d in definitions.items() if n in self.schemas and self.schemas[n] != d)
        add(self, definitions)

    monkeypatch.setattr(OpenAPISchema, "add_schema_definitions", recording)
    assert client.get("/api/openapi.json").status_code == 200
    assert clashes == []


def test_a_request_barrier_sent_as_the_document_describes_is_recorded(peru, switzerland, client):
    document = client.get("/api/openapi.json").json()
    operation = document["paths"]["/api/v1/requests/{request_id}/barriers"]["post"]
    reference = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    schema = document["components"]["schemas"][reference.rsplit("/", 1)[-1]]
    example = {"code": "dual-criminality", "on": "2025-03-04", "country": "CH", "note": ""}
    body = {name: example[name] for name in schema["required"]}
    request = make_request(peru, switzerland)
    response = bearer(peru.officer).post(
        f"/api/v1/requests/{request.pk}/barriers", body, content_type="application/json"
    )
    assert response.status_code == 201, response.json()


def test_a_confidential_request_keeps_to_its_documented_schema_for_a_viewer(peru, switzerland, client):
    document = client.get("/api/openapi.json").json()
    request = make_request(peru, switzerland, confidential=True, names_visible_to=NamesVisibleTo.HEADS)
    answer = bearer(peru.viewer).get(f"/api/v1/requests/{request.pk}").json()
    assert [subject["name"] for subject in answer["subjects"]] == [None]
    assert _conforms(document, "RequestOut", answer) == []
