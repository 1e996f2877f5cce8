"""One way to report bad input (#19 item 4): an unknown code, country or currency is said in the
same words whether it comes through the API, a page, a service or an import, so that each
message is translated once; they used to have up to eight wordings."""

import json

import pytest
from django.core.management import CommandError, call_command

from comity.accounts.services import authority_create
from comity.cooperation.tests.test_transfer import HEADER, ROWS
from comity.core import messages
from comity.reference.choices import RequestType
from conftest import bearer


def _api_errors(response) -> dict[str, str]:
    assert response.status_code == 422, response.content
    return {e["field"]: e["detail"] for e in response.json()["errors"]}


def test_an_unknown_request_type_reads_the_same_from_the_api_and_an_import(peru, switzerland, tmp_path):
    body = {
        "type": "mutual",
        "legal_basis": "uncac",
        "proceeding": "criminal",
        "offences": ["uncac-23"],
        "requesting_authority": peru.authority.pk,
        "requested_authority": switzerland.authority.pk,
        "requesting_reference": "PE-1",
    }
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
