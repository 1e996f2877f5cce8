"""The pages of requirement profiles (#23 items 1, 2): the list, a profile and one measure, its
history and download, the comparison with its differences marked, and the edit pages, which exist
only for the officials of the profile's own State and save only for its editors."""

import json

import pytest
from django.test import Client

from comity.guidance.models import Profile
from comity.guidance.tests.helpers import SOURCE, document, grant_editor, logged_in, peru_document, stored


@pytest.fixture
def profiles(db):
    return stored(document("CH", demonstration=True)), stored(peru_document())


def test_a_reader_sees_the_list_a_profile_and_one_measure(profiles, nigeria):
    client = logged_in(nigeria.viewer)
    listing = client.get("/guidance/").content.decode()
    assert 'href="/guidance/CH/"' in listing and 'href="/guidance/PE/"' in listing
    page = client.get("/guidance/CH/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Demonstration data, not legal guidance." in html
    assert "German, French, Italian" in html and SOURCE in html and "2026-02-01" in html
    assert 'id="bank-records"' in html and 'id="testimony"' in html and "The cantonal prosecutor." in html
    assert "Edit the general requirements" not in html  # not an editor, not of this State
    one = client.get("/guidance/ch/?measure=testimony").content.decode()
    assert 'id="testimony"' in one and 'id="bank-records"' not in one
    assert "Demonstration data" not in client.get("/guidance/PE/").content.decode()


def test_download_and_history(profiles, nigeria):
    client = logged_in(nigeria.officer)
    download = client.get("/guidance/CH/profile.json")
    assert download["Content-Disposition"].startswith("attachment")
    assert json.loads(download.content) == document("CH", demonstration=True)
    assert '<code dir="ltr">general.languages</code>' in client.get("/guidance/CH/history/").content.decode()


def test_no_page_exists_for_who_reads_no_case_nor_for_a_state_without_profile(
    profiles, secretariat_user, nigeria
):
    client = logged_in(secretariat_user)
    for url in (
        "/guidance/",
        "/guidance/CH/",
        "/guidance/CH/history/",
        "/guidance/CH/profile.json",
        "/guidance/compare/",
    ):
        assert client.get(url).status_code == 404, url
    assert Client().get("/guidance/CH/").status_code == 302  # to the login page
    assert logged_in(nigeria.officer).get("/guidance/NG/").status_code == 404


def test_the_comparison_marks_the_rows_that_differ(profiles, nigeria):
    client = logged_in(nigeria.officer)
    page = client.get("/guidance/compare/?countries=CH&countries=PE&measure=bank-records")
    assert page.status_code == 200
    html = page.content.decode()
    rows = {
        label: 'class="differs"' in row
        for row in html.split("<tr")[1:]
        for label in ("Languages accepted", "Costs", "Dual criminality required", "The period", "The bank", "The link to the offence")
        if f"{label}</th>" in row
    }  # fmt: skip
    assert rows == {
        "Languages accepted": True,
        "Dual criminality required": True,
        "Costs": False,
        "The bank": False,
        "The period": True,
        "The link to the offence": True,
    }
    assert "Not asked for" in html and "Demonstration data, not legal guidance." in html
    # A profile's "Compare with other States" link names its own State: the form, that State chosen.
    link = client.get("/guidance/CH/").content.decode().split('href="/guidance/compare/?', 1)[1].split('"')[0]
    started = client.get("/guidance/compare/?" + link.replace("&amp;", "&"))
    assert (
        started.status_code == 200 and "Choose two or three different States." not in started.content.decode()
    )
    assert '<option value="CH" selected>' in started.content.decode()
    assert client.get("/guidance/compare/?countries=CH&countries=CH").status_code == 422
    assert client.get("/guidance/compare/?countries=CH&countries=NG").status_code == 404


def test_edit_pages_are_a_404_to_another_state_and_a_403_without_the_permission(profiles, peru, switzerland):
    foreign = logged_in(grant_editor(peru.officer))
    for url in ("/guidance/CH/edit/", "/guidance/CH/edit/bank-records/"):
        assert foreign.get(url).status_code == 404, url
        assert foreign.post(url, {}).status_code == 404, url
    own_without = logged_in(switzerland.officer)
    assert (
        own_without.post(
            "/guidance/CH/edit/", {"costs": "Free", "costs__source": "x", "costs__confirmed_on": "2026-01-01"}
        ).status_code
        == 403
    )
    assert Profile.objects.get(country="CH").version == 1


def _general_post(profile_document: dict) -> dict:
    data = {}
    for key, entry in profile_document["general"].items():
        value = entry["value"]
        if isinstance(value, bool):
            value = "yes" if value else "no"
        elif key == "languages":
            value = ", ".join(value)
        data[key] = value
        data[f"{key}__source"] = entry["source"]
        data[f"{key}__confirmed_on"] = entry["confirmed_on"]
    return data


def test_an_editor_changes_the_general_requirements(profiles, switzerland):
    editor = logged_in(grant_editor(switzerland.officer))
    form = editor.get("/guidance/CH/edit/")
    assert form.status_code == 200 and 'value="de, fr, it"' in form.content.decode()
    data = _general_post(document("CH"))
    data |= {
        "languages": "de, fr",
        "urgent_procedure": "Call the duty officer.",
        "urgent_procedure__source": "Guide 2025",
    }
    refused = editor.post("/guidance/CH/edit/", data)
    assert refused.status_code == 422  # the urgent procedure has no date
    assert "This field is required." in refused.content.decode()
    assert Profile.objects.get(country="CH").version == 1
    data["urgent_procedure__confirmed_on"] = "2026-03-01"
    saved = editor.post("/guidance/CH/edit/", data)
    assert saved.status_code == 302
    profile = Profile.objects.get(country="CH")
    assert profile.version == 2 and profile.document["general"]["languages"]["value"] == ["de", "fr"]
    assert profile.document["general"]["urgent_procedure"]["value"] == "Call the duty officer."
    assert profile.document["measures"] == document("CH")["measures"]  # the sections kept


def test_an_editor_edits_a_measure_and_a_bad_row_is_named(profiles, switzerland):
    editor = logged_in(grant_editor(switzerland.head))
    assert editor.get("/guidance/CH/edit/freezing/").status_code == 200
    assert editor.get("/guidance/CH/edit/wiretap/").status_code == 404
    data = {
        "part-scope": "Freezing of accounts.",
        "part-scope__source": SOURCE,
        "part-scope__confirmed_on": "2026-04-01",
        "elements-TOTAL_FORMS": "3",
        "elements-INITIAL_FORMS": "0",
        "elements-0-code": "assets",
        "elements-0-label": "The assets",
        "elements-0-level": "required",
        "elements-0-source": SOURCE,
        "elements-0-confirmed_on": "2026-04-01",
        "elements-2-code": "order",
        "elements-2-label": "The order",
        "elements-2-level": "required",
        "elements-2-confirmed_on": "2026-04-01",
    }
    refused = editor.post("/guidance/CH/edit/freezing/", data)
    assert refused.status_code == 422
    html = refused.content.decode()
    # The row without a source is the third on the page (the second given): the error is on it.
    third = html.split('name="elements-2-source"')[1].split("</td>")[0]
    assert "This field is required." in third
    data["elements-2-source"] = "Guide"
    assert editor.post("/guidance/CH/edit/freezing/", data).status_code == 302
    section = Profile.objects.get(country="CH").document["measures"]["freezing"]
    assert [e["code"] for e in section["elements"]] == ["assets", "order"]
    assert section["scope"]["value"] == "Freezing of accounts."
    # Removing the section
    assert editor.post("/guidance/CH/edit/freezing/", {**data, "remove": "1"}).status_code == 302
    assert "freezing" not in Profile.objects.get(country="CH").document["measures"]


def test_an_editor_writes_the_first_profile_of_their_state(db, nigeria):
    editor = logged_in(grant_editor(nigeria.officer))
    assert editor.get("/guidance/NG/edit/").status_code == 200
    saved = editor.post(
        "/guidance/NG/edit/",
        {"languages": "en", "languages__source": "MACMA 2019", "languages__confirmed_on": "2026-01-05"},
    )
    assert saved.status_code == 302
    assert Profile.objects.get(country="NG").document["general"] == {
        "languages": {"value": ["en"], "source": "MACMA 2019", "confirmed_on": "2026-01-05"}
    }


def test_a_profiles_days_read_as_the_readers_language_writes_them(profiles, nigeria):
    """A profile keeps its days as ISO text in its JSON document; on a page they are days like any
    other (they were shown as "2026-02-01" to every reader, and broke across lines in a table)."""
    nigeria.viewer.language = "fr"
    nigeria.viewer.save()
    html = logged_in(nigeria.viewer).get("/guidance/CH/").content.decode()
    assert "1 févr. 2026" in html and "2026-02-01" not in html
    compared = logged_in(nigeria.viewer).get(
        "/guidance/compare/?countries=CH&countries=PE&measure=bank-records"
    )
    assert "1 févr. 2026" in compared.content.decode()
