"""National offences and the dual criminality assessment through the API (#23 items 4, 7): read by
every official who reads cases, replaced by the editors of the State's own authorities only (404 to
another State's, nothing half-written, audited without the text), and the assessment answering the
verdict, its reasons and the national offences."""

import copy
import json

import pytest
from django.test import Client

from comity.core.models import AuditEntry
from comity.guidance.models import NationalOffence
from comity.guidance.tests.helpers import CH_OFFENCES, grant_editor, store_swiss_offences
from conftest import bearer

URL = "/api/v1/guidance/dual-criminality"


@pytest.fixture
def swiss(db):
    store_swiss_offences()


def put(client: Client, country: str, body: object):
    return client.put(
        f"/api/v1/guidance/offences/{country}", json.dumps(body), content_type="application/json"
    )


def post(client: Client, body: object):
    return client.post(URL, json.dumps(body), content_type="application/json")


def test_an_official_reads_a_states_offences_and_the_crosswalk(swiss, nigeria):
    client = bearer(nigeria.viewer)
    assert client.get("/api/v1/guidance/offences/ch").json() == CH_OFFENCES
    assert client.get("/api/v1/guidance/offences/NG").json()["offences"] == []
    assert client.get("/api/v1/guidance/offences/XX").status_code == 422
    table = client.get("/api/v1/guidance/crosswalk").json()
    assert len(table["elements"]) == 20 and table["version"] and len(table["sources"]) >= 3
    laundering = next(e for e in table["elements"] if e["code"] == "laundering-convert")
    assert (laundering["uncac"], laundering["offence"], laundering["iccs"], laundering["eaw"]) == (
        "23(1)(a)(i)",
        "uncac-23",
        "07041",
        ["laundering"],
    )


def test_no_offence_nor_assessment_exists_for_who_reads_no_case(swiss, secretariat_user):
    body = {
        "requesting_country": "PE",
        "requested_country": "CH",
        "offences": ["uncac-15"],
        "measures": ["freezing"],
    }
    assert bearer(secretariat_user).get("/api/v1/guidance/offences/CH").status_code == 404
    assert bearer(secretariat_user).get("/api/v1/guidance/crosswalk").status_code == 404
    assert post(bearer(secretariat_user), body).status_code == 404
    assert put(bearer(grant_editor(secretariat_user)), "CH", CH_OFFENCES).status_code == 404
    assert Client().get("/api/v1/guidance/offences/CH").status_code == 401
    assert post(Client(), body).status_code == 401


def test_an_editor_replaces_their_states_offences_audited_without_their_text(swiss, switzerland):
    editor = grant_editor(switzerland.officer)
    changed = copy.deepcopy(CH_OFFENCES)
    changed["offences"][2]["legal_persons_liable"] = True
    changed["offences"].append(
        dict(changed["offences"][0], name="Vorteilsgewährung", article="art. 322quinquies")
    )
    answer = put(bearer(editor), "CH", changed)
    assert answer.status_code == 200, answer.content
    assert answer.json() == changed
    assert list(NationalOffence.objects.filter(country="CH").values_list("name", flat=True)) == [
        "Bestechen",
        "Sich bestechen lassen",
        "Amtsmissbrauch",
        "Vorteilsgewährung",
    ]
    entry = AuditEntry.objects.get(action="guidance.offence.update", actor_id=editor.pk)
    assert entry.object_id == "CH" and entry.fields == ["offences.2", "offences.3"]
    assert "Vorteil" not in json.dumps(entry.detail) and "322" not in json.dumps(entry.detail)
    # The same list again writes nothing.
    assert put(bearer(editor), "CH", changed).status_code == 200
    assert AuditEntry.objects.filter(action="guidance.offence.update", actor_id=editor.pk).count() == 1


def test_another_states_editor_gets_a_404_and_one_without_the_permission_a_403(swiss, peru, switzerland):
    assert put(bearer(grant_editor(peru.officer)), "CH", CH_OFFENCES).status_code == 404
    refused = put(bearer(switzerland.head), "CH", CH_OFFENCES)
    assert refused.status_code == 403 and "administrator" in refused.json()["detail"]
    mismatch = put(bearer(grant_editor(peru.head)), "PE", CH_OFFENCES)
    assert mismatch.status_code == 422 and mismatch.json()["errors"][0]["field"] == "country"


def test_a_malformed_list_names_each_path_and_writes_nothing(swiss, switzerland):
    editor = grant_editor(switzerland.officer)
    bad = copy.deepcopy(CH_OFFENCES)
    bad["offences"][0]["conduct"] = ["bribery"]
    bad["offences"][1]["legal_persons_liable"] = "maybe"
    bad["offences"][2]["name"] = "x" * 301
    bad["offences"][2]["conduct"] = []
    answer = put(bearer(editor), "CH", bad)
    assert answer.status_code == 422
    fields = {error["field"]: error["detail"] for error in answer.json()["errors"]}
    assert set(fields) == {
        "offences.0.conduct.0",
        "offences.1.legal_persons_liable",
        "offences.2.name",
        "offences.2.conduct",
    }
    assert "bribery" in fields["offences.0.conduct.0"]
    assert NationalOffence.objects.filter(country="CH").count() == 3
    assert not AuditEntry.objects.filter(action="guidance.offence.update", actor_id=editor.pk).exists()


def test_the_assessment_answers_the_verdict_its_reasons_and_the_offences(swiss, peru):
    client = bearer(peru.officer)
    case = {
        "requesting_country": "PE",
        "requested_country": "CH",
        "offences": ["uncac-20"],
        "measures": ["bank-records"],
        "conduct": ["bribe-official-take"],
    }
    answer = post(client, case)
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["verdict"] == "likely-satisfied"
    assert {"coercive-measures", "conduct-covered", "different-name"} <= {r["code"] for r in body["reasons"]}
    assert body["notice"] == "Guidance, not a legal opinion."
    assert [(o["name"], o["conduct"]) for o in body["national_offences"]] == [
        ("Sich bestechen lassen", ["bribe-official-take"])
    ]
    # A legal person, where only natural persons can be liable for the abuse of functions.
    company = post(
        client,
        case | {"offences": ["uncac-19"], "conduct": ["abuse-of-functions"], "subject": "legal-person"},
    )
    assert company.json()["verdict"] == "needs-attention"
    assert {r["code"] for r in company.json()["reasons"] if r["attention"]} == {"legal-person-not-liable"}
    # A hearing is not coercive: Switzerland needs no dual criminality for it.
    hearing = post(client, case | {"measures": ["testimony"], "conduct": ["illicit-enrichment"]})
    assert hearing.json()["verdict"] == "not-required"


def test_a_bad_case_is_a_422_naming_each_field(swiss, peru):
    answer = post(
        bearer(peru.officer),
        {"requesting_country": "PE", "requested_country": "ZZ", "offences": [], "measures": ["wiretap"],
         "conduct": ["x"], "subject": "company"},
    )  # fmt: skip
    assert answer.status_code == 422
    fields = {error["field"] for error in answer.json()["errors"]}
    assert fields == {"requested_country", "offences", "measures", "conduct", "subject"}
    too_many = post(bearer(peru.officer), {"offences": ["uncac-15"] * 21})
    assert too_many.status_code == 422
