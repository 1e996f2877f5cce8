"""The directory (#22 items 1, 9): kept by each authority's own directory editors with its history,
confirmed each year, stale after 13 months; read by the network's members only, through the API."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from comity.accounts.choices import AuthorityKind
from comity.core.models import AuditEntry
from comity.network import services
from comity.network.choices import Competence
from comity.network.models import ContactPerson, DirectoryChange, DirectoryEntry
from comity.network.tests.helpers import ENTRY, editor, entry, hub
from conftest import bearer


def test_an_editor_keeps_the_entry_and_its_contacts_with_their_history(peru, switzerland):
    hub(peru, switzerland)
    officer = editor(peru)
    made = services.directory_entry_save(actor=officer, authority=peru.authority, **ENTRY)
    assert made.last_confirmed_on == datetime.date.today() and not made.stale_on(datetime.date.today())
    services.directory_entry_save(
        actor=officer, authority=peru.authority, **(ENTRY | {"languages": ["ES", "fr"]})
    )
    contact = services.contact_save(
        actor=officer,
        entry=made,
        name="Ana Quispe",
        languages=["es"],
        phone="+51 1 625 5555",
        time_zone="America/Lima",
    )
    services.contact_save(
        actor=officer, entry=made, contact=contact, name="Ana Quispe", urgent=True, time_zone="America/Lima"
    )
    services.contact_remove(actor=officer, contact=contact)
    history = list(DirectoryChange.objects.filter(entry=made).order_by("pk").values_list("what", "changes"))
    assert [what for what, _c in history] == [
        "create",
        "update",
        "contact-add",
        "contact-change",
        "contact-remove",
    ]
    assert history[1][1] == {"languages": [["es", "en"], ["es", "fr"]]}
    assert history[3][1]["urgent"] == [False, True] and "name" not in history[3][1]
    assert DirectoryChange.objects.filter(entry=made, changed_by=officer).count() == 5
    audits = AuditEntry.objects.filter(object_type="network.directoryentry", object_id=str(made.pk))
    assert set(audits.values_list("action", flat=True)) == {"directory.update", "directory.contact"}
    assert not any("Ana" in str(a.detail) + str(a.fields) for a in audits)  # names are not in the audit


def test_only_the_authoritys_own_editors_change_it(peru, switzerland):
    hub(peru, switzerland)
    peru_entry = entry(peru)
    with pytest.raises(PermissionDenied):  # an officer who is not a directory editor
        services.directory_entry_save(actor=peru.officer, authority=peru.authority, **ENTRY)
    swiss_editor = editor(switzerland)
    with pytest.raises(PermissionDenied):  # another authority's editor
        services.directory_entry_save(actor=swiss_editor, authority=peru.authority, **ENTRY)
    with pytest.raises(PermissionDenied):
        services.contact_save(actor=swiss_editor, entry=peru_entry, name="X")
    with pytest.raises(PermissionDenied):
        services.directory_entry_confirm(actor=swiss_editor, entry=peru_entry)
    assert DirectoryChange.objects.filter(entry=peru_entry).count() == 1


def test_bad_input_names_the_field_and_writes_nothing(peru):
    hub(peru)
    officer = editor(peru)
    bad = ENTRY | {
        "competences": ["mla", "magic"],
        "languages": ["es", "klingon"],
        "channels": ["pigeon"],
        "affiliations": ["nato"],
        "urgent_procedure": "x" * 2001,
        "links": [{"url": "javascript:alert(1)", "title": "x"}],
    }
    with pytest.raises(ValidationError) as raised:
        services.directory_entry_save(actor=officer, authority=peru.authority, **bad)
    assert set(raised.value.message_dict) == {
        "competences",
        "languages",
        "channels",
        "affiliations",
        "urgent_procedure",
        "links",
    }
    assert not DirectoryEntry.objects.exists() and not DirectoryChange.objects.exists()
    made = entry(peru)
    with pytest.raises(ValidationError) as raised:
        services.contact_save(
            actor=officer,
            entry=made,
            name=" ",
            phone="call me",
            email="nope",
            time_zone="Mars/Olympus",
            languages=["xx"],
        )
    assert set(raised.value.message_dict) == {"name", "phone", "email", "time_zone", "languages"}
    assert not ContactPerson.objects.exists()


def test_the_directory_is_for_members_only(peru, switzerland, nigeria):
    hub(peru, switzerland)
    entry(peru)
    entry(switzerland, competences=["asset-recovery-focal-point"], affiliations=["carin", "egmont"])
    assert [i["country"] for i in bearer(peru.viewer).get("/api/v1/network/directory").json()["items"]] == [
        "PE",
        "CH",
    ]
    assert bearer(nigeria.officer).get("/api/v1/network/directory").status_code == 404  # not a member
    assert bearer(nigeria.officer).get("/api/v1/network/finder?country=PE").status_code == 404
    assert Client().get("/api/v1/network/directory").status_code == 401  # the public
    membership = switzerland.authority.memberships.get()
    services.membership_suspend(actor=None, membership=membership)
    assert bearer(switzerland.officer).get("/api/v1/network/directory").status_code == 404  # suspended


def test_the_directory_filters_by_country_competence_and_network(peru, switzerland):
    hub(peru, switzerland)
    entry(peru)
    entry(switzerland, competences=["asset-recovery-focal-point"], affiliations=["carin", "egmont"])
    client = bearer(peru.officer)

    def countries(query: str) -> list[str]:
        response = client.get(f"/api/v1/network/directory?{query}")
        assert response.status_code == 200, response.content
        return [item["country"] for item in response.json()["items"]]

    assert countries("country=CH") == ["CH"]
    assert countries("kind=asset-recovery-focal-point") == ["CH"]
    assert countries("kind=mla") == ["PE"]
    assert countries("network=egmont") == ["CH"] and countries("network=globe") == ["PE"]
    item = client.get("/api/v1/network/directory?country=PE").json()["items"][0]
    assert item["authority"] == {
        "id": peru.authority.pk,
        "name": peru.authority.name,
        "country": "PE",
        "kind": "central-authority",
    }
    assert item["stale"] is False and item["links"] == ENTRY["links"]
    bad = client.get("/api/v1/network/directory?country=XX&kind=magic")
    assert bad.status_code == 422 and {e["field"] for e in bad.json()["errors"]} == {"country", "kind"}


def test_kind_is_an_authority_kind_as_items_show_it_or_a_competence(peru, switzerland):
    """#22 item 9's `?kind=`: each item's `authority.kind` is an authority kind, and the entry lists
    competences; `kind` takes a code of either list, which share none."""
    hub(peru, switzerland)
    entry(peru)
    entry(switzerland, competences=["asset-recovery-focal-point"])
    type(switzerland.authority).objects.filter(pk=switzerland.authority.pk).update(
        kind="asset-recovery-office"
    )
    client = bearer(peru.officer)

    def kinds(code: str) -> list[tuple[str, str]]:
        response = client.get(f"/api/v1/network/directory?kind={code}")
        assert response.status_code == 200, response.content
        return [(item["country"], item["authority"]["kind"]) for item in response.json()["items"]]

    assert kinds("central-authority") == [("PE", "central-authority")]
    assert kinds("asset-recovery-office") == [("CH", "asset-recovery-office")]
    assert kinds("asset-recovery-focal-point") == [("CH", "asset-recovery-office")]
    assert kinds("mla") == [("PE", "central-authority")]
    assert kinds("court") == []
    for refused in ("secretariat", "magic"):
        bad = client.get(f"/api/v1/network/directory?kind={refused}")
        assert bad.status_code == 422 and [e["field"] for e in bad.json()["errors"]] == ["kind"]
    assert not set(AuthorityKind.values) & set(Competence.values)  # a code says which list it is from
    [parameter] = [
        p
        for p in client.get("/api/openapi.json").json()["paths"]["/api/v1/network/directory"]["get"][
            "parameters"
        ]
        if p["name"] == "kind"
    ]
    assert {"central-authority", "fiu", "mla", "urgent-24-7"} <= set(parameter["schema"]["enum"])
    browser = Client()
    browser.force_login(peru.officer)
    page = browser.get("/network/?kind=central-authority")  # the page's filter is the same
    assert page.status_code == 200 and [e.authority.country for e in page.context["filterset"].qs] == ["PE"]
    assert all(f'<option value="{code}">' in page.content.decode() for code in ("fiu", "urgent-24-7"))


def test_an_entry_not_confirmed_for_13_months_is_stale_until_confirmed(peru, switzerland):
    hub(peru, switzerland)
    made = entry(switzerland)
    DirectoryEntry.objects.filter(pk=made.pk).update(
        last_confirmed_on=datetime.date.today() - datetime.timedelta(days=400)
    )
    client = bearer(peru.officer)
    assert client.get("/api/v1/network/directory?country=CH").json()["items"][0]["stale"] is True
    assert client.get("/api/v1/network/finder?country=CH").json()["results"][0]["stale"] is True
    services.directory_entry_confirm(actor=editor(switzerland), entry=made)
    assert client.get("/api/v1/network/directory?country=CH").json()["items"][0]["stale"] is False
    assert DirectoryChange.objects.filter(entry=made).first().what == "confirm"


def test_the_figures_give_the_directorys_freshness_by_state_the_stalest_first(peru, switzerland, nigeria):
    hub(peru, switzerland, nigeria)
    today = datetime.date.today()
    entry(peru)  # confirmed today
    entry(switzerland, confirmed_on=today - datetime.timedelta(days=397))  # 13 months and a day
    entry(nigeria, confirmed_on=today - datetime.timedelta(days=396))  # 13 months: not stale yet

    figures = bearer(peru.officer).get("/api/v1/statistics/network").json()["directory"]
    assert figures == [
        {"country": "CH", "entries": 1, "stale": 1},
        {"country": "NG", "entries": 1, "stale": 0},
        {"country": "PE", "entries": 1, "stale": 0},
    ]
    page = Client()
    page.force_login(peru.officer)
    html = page.get("/statistics/network/").content.decode()
    table = html[html.index('id="directory-freshness"') :]
    assert table.index("Switzerland") < table.index("Nigeria") < table.index("Peru")
    assert "100 %" in table
