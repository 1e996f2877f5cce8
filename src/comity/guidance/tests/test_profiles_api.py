"""The requirement profile API (#23 items 1, 7): read by every official who reads cases, replaced
by the editors of the State's own authorities only, a malformed document refused path by path with
nothing written; the comparison of two or three States."""

import json

import pytest
from django.test import Client

from comity.core.models import AuditEntry
from comity.guidance.models import Profile, ProfileVersion
from comity.guidance.tests.helpers import document, grant_editor, peru_document, stored
from conftest import bearer


@pytest.fixture
def profiles(db):
    return stored(document("CH")), stored(peru_document())


def put(client: Client, country: str, body: object):
    return client.put(
        f"/api/v1/guidance/profiles/{country}", json.dumps(body), content_type="application/json"
    )


def test_an_official_reads_a_whole_profile_and_one_measure(profiles, nigeria):
    client = bearer(nigeria.viewer)
    whole = client.get("/api/v1/guidance/profiles/CH").json()
    assert whole["country"] == "CH" and whole["version"] == 1 and whole["demonstration"] is False
    assert set(whole["measures"]) == {"bank-records", "testimony"}
    assert whole["general"]["languages"] == {
        "value": ["de", "fr", "it"],
        "source": document()["general"]["languages"]["source"],
        "confirmed_on": "2026-02-01",
    }
    one = client.get("/api/v1/guidance/profiles/ch?measure=testimony").json()
    assert list(one["measures"]) == ["testimony"] and one["general"] == whole["general"]
    assert client.get("/api/v1/guidance/profiles/CH?measure=freezing").json()["measures"] == {}
    assert [p["country"] for p in client.get("/api/v1/guidance/profiles").json()] == ["CH", "PE"]


def test_unknown_measure_and_missing_profile(profiles, nigeria):
    client = bearer(nigeria.officer)
    bad = client.get("/api/v1/guidance/profiles/CH?measure=wiretap")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "measure"
    assert client.get("/api/v1/guidance/profiles/NG").status_code == 404


def test_no_profile_exists_for_who_reads_no_case(profiles, secretariat_user):
    for url in (
        "/api/v1/guidance/profiles",
        "/api/v1/guidance/profiles/CH",
        "/api/v1/guidance/compare?countries=CH,PE",
    ):
        assert bearer(secretariat_user).get(url).status_code == 404, url
        assert Client().get(url).status_code == 401, url


def test_an_editor_replaces_their_states_profile_and_its_history_grows(profiles, switzerland):
    editor = grant_editor(switzerland.viewer)
    changed = document("CH")
    changed["general"]["languages"]["value"] = ["de", "fr"]
    del changed["measures"]["testimony"]
    answer = put(bearer(editor), "CH", changed)
    assert answer.status_code == 200, answer.content
    assert answer.json()["version"] == 2 and answer.json()["general"]["languages"]["value"] == ["de", "fr"]
    history = bearer(editor).get("/api/v1/guidance/profiles/CH/history").json()
    assert [v["version"] for v in history] == [2, 1]
    assert history[0]["via"] == "api" and history[0]["authority"] == switzerland.authority.name
    assert "general.languages" in history[0]["changed"]
    assert "measures.testimony.practical" in history[0]["changed"]
    entry = AuditEntry.objects.get(action="guidance.profile.update")
    assert entry.actor_id == editor.pk and "general.languages" in entry.fields
    # The audit row names the fields, never their values.
    assert "de" not in json.dumps(entry.detail)
    # The same document again makes no version.
    assert put(bearer(editor), "CH", changed).json()["version"] == 2


def test_editing_another_states_profile_is_a_404_and_without_the_permission_a_403(
    profiles, peru, switzerland
):
    foreign_editor = grant_editor(peru.officer)
    assert put(bearer(foreign_editor), "CH", document("CH")).status_code == 404
    assert put(bearer(foreign_editor), "CH", peru_document()).status_code == 404
    refused = put(bearer(switzerland.head), "CH", document("CH"))
    assert refused.status_code == 403 and "administrator" in refused.json()["detail"]
    # An editor cannot slip another State's document in under their own address.
    mismatch = put(bearer(foreign_editor), "PE", document("CH"))
    assert mismatch.status_code == 422 and mismatch.json()["errors"][0]["field"] == "country"
    assert Profile.objects.get(country="CH").version == 1


def test_a_malformed_document_names_each_path_and_writes_nothing(profiles, switzerland):
    editor = grant_editor(switzerland.officer)
    bad = document("CH")
    bad["general"]["languages"]["value"] = ["de", "klingon"]
    bad["general"]["costs"]["source"] = ""
    bad["general"]["dual_criminality"]["value"] = "sometimes"
    bad["measures"]["bank-records"]["elements"][0]["level"] = "optional"
    bad["measures"]["bank-records"]["elements"][1]["confirmed_on"] = "2026-13-01"
    bad["measures"]["wiretap"] = {}
    bad["general"]["colour"] = "blue"
    answer = put(bearer(editor), "CH", bad)
    assert answer.status_code == 422
    fields = {error["field"]: error["detail"] for error in answer.json()["errors"]}
    assert set(fields) == {
        "general.languages.value.1",
        "general.costs.source",
        "general.dual_criminality.value",
        "measures.bank-records.elements.0.level",
        "measures.bank-records.elements.1.confirmed_on",
        "measures.wiretap",
        "general.colour",
    }
    assert "klingon" in fields["general.languages.value.1"]
    assert "optional" in fields["measures.bank-records.elements.0.level"]
    assert "required, advised" in fields["measures.bank-records.elements.0.level"]
    assert fields["general.costs.source"] == "This field is required."
    assert (Profile.objects.get(country="CH").version, ProfileVersion.objects.count()) == (1, 2)
    assert not AuditEntry.objects.filter(action="guidance.profile.update").exists()


def test_compare_two_states_per_measure_marks_the_differences(profiles, nigeria):
    answer = bearer(nigeria.officer).get("/api/v1/guidance/compare?countries=CH,PE&measure=bank-records")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["countries"] == ["CH", "PE"] and body["measure"] == "bank-records"
    general = {row["field"]: row for row in body["general"]}
    assert general["general.languages"]["differs"] is True
    assert general["general.languages"]["values"]["PE"]["value"] == ["es"]
    assert general["general.costs"]["differs"] is False
    assert general["general.speciality"]["values"] == {"CH": None, "PE": None}
    section = {row["field"]: row for row in body["section"]}
    assert section["measures.bank-records.scope"]["differs"] is False
    assert section["measures.bank-records.elements.bank"]["differs"] is False
    assert section["measures.bank-records.elements.period"]["differs"] is True  # advised / required
    assert section["measures.bank-records.elements.link"]["values"]["CH"] is None  # only Peru asks
    assert section["measures.bank-records.elements.link"]["differs"] is True


def test_compare_refuses_bad_countries_and_states_without_a_profile(profiles, nigeria):
    client = bearer(nigeria.officer)
    for countries in ("CH", "CH,PE,NG,GB", "CH,CH", "CH,XX"):
        answer = client.get(f"/api/v1/guidance/compare?countries={countries}")
        assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "countries", countries
    assert client.get("/api/v1/guidance/compare?countries=CH,NG").status_code == 404
    assert client.get("/api/v1/guidance/compare?countries=CH,PE&measure=x").status_code == 422
