"""Every list of codes is on a page and in the API, labelled in the reader's language (#18 item 14)."""

from django.test import Client
from django.utils import translation

from comity.reference.choices import Offence, RequestType
from conftest import bearer


def test_the_api_lists_every_vocabulary_with_its_codes(peru):
    body = bearer(peru.officer).get("/api/v1/vocabularies").json()
    lists = {v["name"]: v for v in body["vocabularies"]}
    for name in ("type", "measures", "legal_basis", "offences", "barriers", "handling", "status", "step"):
        assert name in lists, name
    assert [c["code"] for c in lists["type"]["codes"]] == list(RequestType.values)
    offences = {c["code"]: c for c in lists["offences"]["codes"]}
    assert offences["uncac-23"]["iccs"] == "07041" and offences["other"]["iccs"] is None
    assert [c["code"] for c in lists["handling"]["codes"]][0] == "TLP:RED"


def test_one_vocabulary_and_labels_in_the_language_asked(peru):
    client = bearer(peru.officer)
    english = client.get("/api/v1/vocabularies/offences").json()
    assert english["codes"][0] == {"code": "uncac-15", "label": str(Offence.UNCAC_15.label), "iccs": "07031"}
    assert client.get("/api/v1/vocabularies/nonsense").status_code == 404


def test_the_page_lists_the_codes_for_a_logged_in_user_only(peru):
    assert Client().get("/codes/").status_code == 302
    assert Client().get("/api/v1/vocabularies").status_code == 401
    client = Client()
    client.force_login(peru.viewer)
    page = client.get("/codes/").content.decode()
    assert "bank-records" in page and "uncac-23" in page and "07041" in page and "dual-criminality" in page
    assert 'href="/codes/"' in client.get("/requests/").content.decode()


def test_the_pages_further_columns_are_headed_in_the_readers_language(peru):
    """The offences' ICCS column was headed by its API name in capitals, English in every language."""
    client = Client()
    client.force_login(peru.viewer)
    page = client.get("/codes/", headers={"Accept-Language": "ru"}).content.decode()
    with translation.override("ru"):
        heading = translation.gettext("ICCS")
    assert heading != "ICCS" and f"<th>{heading}</th>" in page and "<th>ICCS</th>" not in page
