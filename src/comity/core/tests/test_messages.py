"""One way to report bad input (#19 item 4): an unknown code, country or currency is said in the
same words whether it comes through the API, a page, a service or an import, so that each
message is translated once; they used to have up to eight wordings."""

import json
import re

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import translation

from comity.accounts.services import authority_create
from comity.cooperation.tests.test_transfer import HEADER, ROWS
from comity.core import messages
from comity.reference.choices import RequestType
from conftest import bearer


def _api_errors(response) -> dict[str, str]:
    assert response.status_code == 422, response.content
    return {e["field"]: e["detail"] for e in response.json()["errors"]}


def _new_request(peru, switzerland, **changes) -> dict:
    return {
        "type": "mla",
        "legal_basis": "uncac",
        "proceeding": "criminal",
        "offences": ["uncac-23"],
        "requesting_authority": peru.authority.pk,
        "requested_authority": switzerland.authority.pk,
        "requesting_reference": "PE-1",
    } | changes


def test_an_unknown_request_type_reads_the_same_from_the_api_and_an_import(peru, switzerland, tmp_path):
    body = _new_request(peru, switzerland, type="mutual")
    api = _api_errors(
        bearer(peru.officer).post("/api/v1/requests", json.dumps(body), content_type="application/json")
    )
    expected = messages.unknown_code("mutual", RequestType.values)
    assert api["type"] == expected
    source = tmp_path / "requests.csv"
    source.write_text("\n".join([HEADER, ROWS[0].replace(",mla,", ",mutual,")]) + "\n", encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command("import", "requests", str(source), "--authority", str(peru.authority.pk))
    assert f"row 2, column type: {expected}" in str(refused.value)


@pytest.mark.django_db
def test_an_unknown_country_reads_the_same_from_a_service_the_ledger_and_an_import(peru, tmp_path):
    expected = messages.unknown_country("XX")
    with pytest.raises(Exception) as refused:
        authority_create(actor=None, name="A", country="XX", kind="court")
    assert refused.value.message_dict["country"] == [expected]
    agreement = {
        "title": "Return",
        "returning_state": "XX",
        "receiving_state": "PE",
        "signed_on": "2020-03-05",
        "amount": "100",
        "currency": "USD",
        "purpose": "Institutions",
    }
    ledger = _api_errors(
        bearer(peru.officer).post(
            "/api/v1/ledger/agreements", json.dumps(agreement), content_type="application/json"
        )
    )
    assert ledger["returning_state"] == expected
    source = tmp_path / "requests.csv"
    source.write_text("\n".join([HEADER, ROWS[0].replace(",CH,PE,", ",XX,PE,")]) + "\n", encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command("import", "requests", str(source), "--authority", str(peru.authority.pk))
    assert f"column requesting_country: {expected}" in str(refused.value)


@pytest.mark.parametrize("language", ["ar", "zh-hans"])
def test_the_apis_schema_errors_are_in_the_clients_language(peru, switzerland, language):
    """A field missing, of the wrong type, not a date, not a boolean or not a number reads in the
    language of Accept-Language (#21), not in pydantic's English ("Field required"...)."""
    body = _new_request(peru, switzerland, summary=3, sent_on="soon", urgent="perhaps")
    del body["requested_authority"]
    response = bearer(peru.officer).post(
        "/api/v1/requests",
        json.dumps(body),
        content_type="application/json",
        headers={"Accept-Language": language},
    )
    errors = _api_errors(response)
    with translation.override(language):
        assert response.json()["title"] == translation.gettext("The request has invalid fields.")
        assert errors["requested_authority"] == messages.required()
        assert errors["summary"] == translation.gettext(
            "This has the wrong type (see the schema at /api/docs)."
        )
        assert errors["sent_on"] == messages.not_a_date("soon")
        assert errors["urgent"] == translation.gettext("Give true or false.")
    assert not any(re.search(r"\b(Field|Input|should|valid)\b", detail) for detail in errors.values()), errors
    page = bearer(peru.officer).get(
        "/api/v1/guidance/library?page=many", headers={"Accept-Language": language}
    )
    assert page.status_code == 422
    with translation.override(language):
        assert page.json()["errors"][0]["detail"] == translation.gettext(
            "“%(value)s” is not a whole number."
        ) % {"value": "many"}


@pytest.mark.django_db
def test_a_sessions_change_without_its_csrf_token_is_refused_in_the_clients_language(peru):
    client = Client(enforce_csrf_checks=True)
    client.force_login(peru.officer)
    response = client.post(
        "/api/v1/requests", "{}", content_type="application/json", headers={"Accept-Language": "ar"}
    )
    assert response.status_code == 403
    with translation.override("ar"):
        assert (
            response.json()["title"]
            == translation.gettext("The CSRF check failed.")
            != "The CSRF check failed."
        )
