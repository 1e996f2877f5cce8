"""'Who do I ask?' (#22 items 3, 9): the State's competent authority, its contact, channels and
languages, best match first, on the finder's page and over the API."""

from django.test import Client

from comity.accounts.choices import AuthorityKind
from comity.accounts.tests.factories import AuthorityFactory
from comity.guidance.tests.helpers import document, stored
from comity.network import services
from comity.network.tests.helpers import ENTRY, entry, hub
from conftest import bearer


def test_the_finder_names_the_competent_authority_and_contact_first(peru, switzerland):
    hub(peru, switzerland)
    central = entry(switzerland, competences=["mla", "extradition"], languages=["de", "fr", "en"])
    services.contact_save(
        actor=None, entry=central, name="MLA desk", mailbox="irh@bj.admin.ch", time_zone="Europe/Zurich"
    )
    aro = services.directory_entry_save(
        actor=None,
        authority=AuthorityFactory(country="CH", name="MROS", kind=AuthorityKind.ASSET_RECOVERY_OFFICE),
        **(
            ENTRY
            | {"competences": ["asset-recovery-focal-point", "urgent-24-7"], "channels": ["secure-platform"]}
        ),
    )
    services.contact_save(actor=None, entry=aro, name="Day desk", time_zone="Europe/Zurich")
    services.contact_save(
        actor=None,
        entry=aro,
        name="Night duty",
        urgent=True,
        phone="+41 58 000 00 00",
        time_zone="Europe/Zurich",
    )
    client = bearer(peru.officer)

    def first(query: str) -> dict:
        response = client.get(f"/api/v1/network/finder?{query}")
        assert response.status_code == 200, response.content
        return response.json()["results"][0]

    found = first("country=CH&measure=bank-records&proceeding=criminal")
    assert found["authority"]["id"] == switzerland.authority.pk and found["contact"]["name"] == "MLA desk"
    assert found["languages"] == ["de", "fr", "en"] and found["channels"] == ["direct", "email"]
    assert first("country=CH&measure=freezing")["authority"]["name"] == "MROS"
    assert first("country=CH&proceeding=non-conviction-based")["authority"]["name"] == "MROS"
    urgent = first("country=CH&measure=freezing&offence=uncac-23&urgent=true")
    assert urgent["contact"]["name"] == "Night duty" and urgent["contact"]["urgent"] is True
    assert first("country=CH&measure=freezing&urgent=false")["contact"]["name"] == "Day desk"
    assert len(client.get("/api/v1/network/finder?country=CH").json()["results"]) == 2
    assert client.get("/api/v1/network/finder?country=NG").json() == {"results": []}


def test_the_finder_says_which_field_is_wrong(peru):
    hub(peru)
    response = bearer(peru.officer).get("/api/v1/network/finder?measure=magic&proceeding=x")
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"country", "measure", "proceeding"}


def test_the_finder_links_to_the_states_requirements_for_the_measure(peru, switzerland):
    hub(peru, switzerland)
    entry(switzerland)
    client = bearer(peru.officer)
    found = client.get("/api/v1/network/finder?country=CH&measure=bank-records").json()["results"]
    assert found[0]["requirements_url"] is None  # Switzerland has no requirement profile yet
    stored(document("CH"))
    found = client.get("/api/v1/network/finder?country=CH&measure=bank-records").json()["results"]
    assert found[0]["requirements_url"] == "/guidance/CH/?measure=bank-records"
    page = Client()
    page.force_login(peru.officer)
    assert "bank-records" in page.get(found[0]["requirements_url"]).text
    assert client.get("/api/v1/network/finder?country=CH").json()["results"][0]["requirements_url"] == (
        "/guidance/CH/"
    )
