"""What the drafting tests share: a draft's body and the API calls."""

import json
from typing import Any

from django.test import Client

BANK_RECORDS: dict[str, Any] = {
    "type": "mla",
    "requested_country": "CH",
    "measures": ["bank-records"],
    "offences": ["uncac-15"],
    "facts": "Bribes paid in 2019 were laundered through accounts in Geneva.",
}

COMPLETION: dict[str, Any] = {
    "legal_basis": "uncac",
    "language": "fr",
    "conduct": ["bribe-official-take"],
    "law": "Código Penal, art. 1 of Legislative Decree 1106: 8 to 15 years.",
    "elements": {"bank-records": {"bank": "Banque Exemple SA, Geneva", "period": "2019-2022"}},
    "persons": [
        {"kind": "natural", "name": "Alberto Quispe", "identifiers": "born 1961-04-02", "country": "PE"}
    ],
    "contact": "María Rojas, +51 1 625 5555",
    "attachments": ["Order of the investigating judge of 3 March 2026"],
}


def post(client: Client, url: str, body: object):
    return client.post(url, json.dumps(body), content_type="application/json")


def patch(client: Client, url: str, body: object):
    return client.patch(url, json.dumps(body), content_type="application/json")


def errors(response) -> dict[str, str]:
    return {entry["field"]: entry["detail"] for entry in response.json()["errors"]}
