"""The page that edits a State's national offences (#23 item 4): for its editors, a block per
offence and empty ones to add; errors beside the field of the offence they are about, nothing
written; another State's page does not exist (404); without the permission, a 403 saying who grants it."""

import pytest

from comity.core.models import AuditEntry
from comity.guidance.models import NationalOffence
from comity.guidance.tests.helpers import CH_OFFENCES, grant_editor, logged_in, store_swiss_offences

URL = "/guidance/CH/offences/edit/"


@pytest.fixture
def swiss(db):
    store_swiss_offences(demonstration=True)


def form_data(offences: list[dict], extra: int = 2) -> dict[str, object]:
    data: dict[str, object] = {
        "offences-TOTAL_FORMS": str(len(offences) + extra),
        "offences-INITIAL_FORMS": str(len(offences)),
    }
    for index, offence in enumerate(offences):
        for key, value in offence.items():
            if key == "legal_persons_liable":
                if value:
                    data[f"offences-{index}-{key}"] = "on"
            else:
                data[f"offences-{index}-{key}"] = value
    return data


def test_an_editor_adds_changes_and_removes_offences(swiss, switzerland):
    editor = grant_editor(switzerland.officer)
    client = logged_in(editor)
    page = client.get(URL).content.decode()
    assert 'value="Sich bestechen lassen"' in page and 'name="offences-4-name"' in page
    assert "Edit the national offences" in client.get("/guidance/CH/").content.decode()
    offences = [dict(o) for o in CH_OFFENCES["offences"]]
    offences[1]["max_penalty"] = "6 years' imprisonment"
    removed = dict.fromkeys(offences[2], "") | {"legal_persons_liable": False, "conduct": []}
    added = dict(
        offences[0], name="Vorteilsgewährung", article="art. 322quinquies", legal_persons_liable=False
    )
    answer = client.post(URL, form_data([offences[0], offences[1], removed, added], extra=0))
    assert answer.status_code == 302, answer.content.decode()[:2000]
    stored = list(
        NationalOffence.objects.filter(country="CH").values_list(
            "name", "max_penalty", "legal_persons_liable"
        )
    )
    assert stored == [
        ("Bestechen", "5 years' imprisonment", True),
        ("Sich bestechen lassen", "6 years' imprisonment", True),
        ("Vorteilsgewährung", "5 years' imprisonment", False),
    ]
    assert NationalOffence.objects.filter(country="CH", demonstration=True).count() == 3
    assert AuditEntry.objects.filter(action="guidance.offence.update", actor_id=editor.pk).count() == 1


def test_errors_stand_beside_their_offence_and_nothing_is_written(swiss, switzerland):
    client = logged_in(grant_editor(switzerland.officer))
    offences = [dict(o) for o in CH_OFFENCES["offences"]]
    offences[1]["conduct"] = []
    offences[2]["source"] = ""
    answer = client.post(URL, form_data(offences))
    assert answer.status_code == 422
    html = answer.content.decode()
    assert html.count("This field is required.") == 1 and "Give at least one." in html
    assert (
        NationalOffence.objects.get(country="CH", position=2).source == CH_OFFENCES["offences"][2]["source"]
    )


def test_another_state_gets_a_404_and_a_non_editor_a_403(swiss, peru, switzerland):
    assert logged_in(grant_editor(peru.officer)).get(URL).status_code == 404
    assert (
        logged_in(grant_editor(peru.officer)).post(URL, form_data(CH_OFFENCES["offences"])).status_code == 404
    )
    refused = logged_in(switzerland.officer).post(URL, form_data(CH_OFFENCES["offences"]))
    assert refused.status_code == 403
    assert NationalOffence.objects.filter(country="CH").count() == 3
