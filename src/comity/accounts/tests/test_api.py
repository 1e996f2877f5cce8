from django.test import Client

from comity.accounts.choices import AuthorityKind
from comity.accounts.tests.factories import AuthorityFactory
from conftest import bearer

URL = "/api/v1/authorities"


def test_the_directory_lists_every_possible_party_by_page_without_the_secretariat(
    peru, switzerland, nigeria, secretariat_user, settings
):
    settings.COMITY_PAGE_SIZE = 2
    external = AuthorityFactory(country="KZ", name="Prosecutor General's Office", external=True)
    client, seen, cursor = bearer(peru.officer), [], ""
    while True:
        response = client.get(URL + (f"?cursor={cursor}" if cursor else ""))
        assert response.status_code == 200
        body = response.json()
        assert len(body["items"]) <= 2
        seen += body["items"]
        if not (cursor := body["next_cursor"]):
            break
    assert [a["name"] for a in seen] == [
        "Federal Ministry of Justice",
        "Federal Office of Justice",
        "Fiscalía de la Nación",
        "Prosecutor General's Office",
    ]
    assert seen[3] == {
        "id": external.pk,
        "name": "Prosecutor General's Office",
        "country": "KZ",
        "kind": "central-authority",
        "external": True,
    }
    # the secretariat's own users see the same directory, and not themselves in it
    assert "UNODC" not in bearer(secretariat_user).get(URL + "?name=unodc").content.decode()


def test_the_directory_filters_by_country_kind_and_part_of_the_name(peru, switzerland):
    AuthorityFactory(country="CH", name="Office of the Attorney General", kind=AuthorityKind.PROSECUTION)
    client = bearer(peru.officer)

    def names(query: str) -> list[str]:
        return [a["name"] for a in client.get(f"{URL}?{query}").json()["items"]]

    assert names("country=CH") == ["Federal Office of Justice", "Office of the Attorney General"]
    assert names("country=CH&kind=prosecution") == ["Office of the Attorney General"]
    assert names("name=FISCAL") == ["Fiscalía de la Nación"]
    for query, field in (("country=XX", "country"), ("kind=secretariat", "kind"), ("cursor=zz", "cursor")):
        response = client.get(f"{URL}?{query}")
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == field


def test_the_directory_needs_authentication_and_is_documented(peru):
    assert Client().get(URL).status_code == 401
    schema = bearer(peru.officer).get("/api/openapi.json").json()
    parameters = {p["name"] for p in schema["paths"][URL]["get"]["parameters"]}
    assert {"country", "kind", "name", "cursor"} <= parameters
