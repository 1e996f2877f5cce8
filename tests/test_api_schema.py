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
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from comity.accounts.services import token_create
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
