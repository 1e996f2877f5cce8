"""The drafting pages (#23 item 5): a step saves its fields through the service and shows what the
check says of them; bad input is shown by field with nothing written; a draft that is not the
user's is a 404 on every page, the list a 404 to who reads no case."""

import pytest
from django.test import Client

from comity.drafting.models import Draft
from comity.drafting.tests.helpers import BANK_RECORDS, post
from comity.guidance.tests.helpers import document, logged_in, stored
from comity.network.tests.test_consultations_api import members, opening
from conftest import bearer


@pytest.fixture
def draft(db, peru, switzerland) -> Draft:
    stored(document("CH"))
    made = post(bearer(peru.officer), "/api/v1/drafts", BANK_RECORDS).json()
    return Draft.objects.get(pk=made["id"])


def test_a_step_saves_and_shows_its_check(draft, peru):
    client = logged_in(peru.officer)
    page = client.get(f"/drafts/{draft.pk}/measures/")
    assert page.status_code == 200
    assert b'data-field="elements.bank-records.bank"' in page.content
    saved = client.post(
        f"/drafts/{draft.pk}/measures/",
        {"measures": ["bank-records"], "element__bank-records__bank": "Banque Exemple SA", "continue": ""},
    )
    assert saved.status_code == 302 and saved["Location"].endswith(f"/drafts/{draft.pk}/persons/")
    draft.refresh_from_db()
    assert draft.elements == {"bank-records": {"bank": "Banque Exemple SA", "period": ""}}
    page = client.get(f"/drafts/{draft.pk}/measures/")
    assert b'data-field="elements.bank-records.bank"' not in page.content
    assert b'data-field="elements.bank-records.period"' in page.content


def test_bad_input_is_named_and_nothing_written(draft, peru):
    client = logged_in(peru.officer)
    refused = client.post(
        f"/drafts/{draft.pk}/addressee/",
        {"requested_country": "CH", "language": "xx-yy", "proceeding": "criminal"},
    )
    assert refused.status_code == 422 and "Unknown language code" in refused.content.decode()
    draft.refresh_from_db()
    assert draft.language == ""


def test_a_new_draft_from_the_list(peru):
    client = logged_in(peru.officer)
    made = client.post("/drafts/", {"type": "extradition", "requested_country": "NG"})
    created = Draft.objects.get()
    assert made.status_code == 302 and made["Location"] == f"/drafts/{created.pk}/addressee/"
    review = client.get(f"/drafts/{created.pk}/").content.decode()
    assert "No requirements are known" in review


def test_every_page_of_a_draft_is_404_to_others(draft, switzerland, secretariat_user, peru):
    urls = [
        f"/drafts/{draft.pk}/",
        f"/drafts/{draft.pk}/addressee/",
        f"/drafts/{draft.pk}/letter.docx",
        f"/drafts/{draft.pk}/letter.pdf",
    ]
    for user in (switzerland.officer, secretariat_user, peru.head):
        client = logged_in(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
        assert client.post(f"/drafts/{draft.pk}/register/").status_code == 404
        assert client.post(f"/drafts/{draft.pk}/share/", {"user": user.pk}).status_code == 404
    assert logged_in(secretariat_user).get("/drafts/").status_code == 404
    assert Client().get("/drafts/").status_code == 302  # to the login page
    assert not Draft.objects.filter(request__isnull=False).exists()


def test_a_consultation_page_leads_to_a_draft_started_from_it(peru, switzerland):
    members(peru, switzerland)
    consultation = post(bearer(peru.officer), "/api/v1/consultations", opening(switzerland)).json()
    client = logged_in(peru.officer)
    page = client.get(f"/network/consultations/{consultation['id']}/").content.decode()
    assert f'href="/drafts/?consultation={consultation["id"]}"' in page
    form = client.get(f"/drafts/?consultation={consultation['id']}").content.decode()
    assert f'name="consultation" value="{consultation["id"]}"' in form
    made = client.post(
        "/drafts/", {"type": "mla", "requested_country": "CH", "consultation": consultation["id"]}
    )
    assert made.status_code == 302
    assert Draft.objects.get().facts == opening(switzerland)["summary"]


def test_the_drafts_heading_is_one_sentence_in_each_language(draft, peru):
    """The heading's colon is part of its translation: French puts a space before it, Chinese uses
    its own full-width colon."""
    peru.officer.language = "fr"
    peru.officer.save(update_fields=["language"])
    heading = logged_in(peru.officer).get(f"/drafts/{draft.pk}/measures/").content.decode()
    assert f"<h1>Projet {draft.pk}\u00a0: " in heading
    peru.officer.language = "zh-hans"
    peru.officer.save(update_fields=["language"])
    heading = logged_in(peru.officer).get(f"/drafts/{draft.pk}/measures/").content.decode()
    assert f"<h1>草稿{draft.pk}：" in heading
