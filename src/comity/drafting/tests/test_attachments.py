"""Files enclosed with a draft (#23 items 5, 6): uploaded on the step 'Documents enclosed', their
type read from their bytes (a wrong one refused beside the file's field, nothing written), bounded
in size, listed in the letter's checklist annex, and read only by those who read the draft: to
anyone else, another authority's officials included, the file does not exist (404)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from docx import Document

from comity.core.models import AuditEntry
from comity.drafting.models import Draft, DraftAttachment
from comity.drafting.tests.helpers import BANK_RECORDS, post
from comity.guidance.tests.helpers import document, logged_in, pdf_with_text, stored
from conftest import bearer

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


@pytest.fixture
def draft(db, peru, switzerland) -> Draft:
    stored(document("CH"))
    made = post(bearer(peru.officer), "/api/v1/drafts", BANK_RECORDS).json()
    return Draft.objects.get(pk=made["id"])


def enclose(client: Client, draft: Draft, name: str, content: bytes, title: str = ""):
    return client.post(
        f"/drafts/{draft.pk}/files/", {"file": SimpleUploadedFile(name, content), "title": title}
    )


def test_a_file_is_enclosed_listed_in_the_annex_downloaded_and_removed(draft, peru):
    client = logged_in(peru.officer)
    step = client.get(f"/drafts/{draft.pk}/attachments/").content.decode()
    assert "No file enclosed yet." in step and 'enctype="multipart/form-data"' in step
    answer = enclose(
        client, draft, "orden.pdf", pdf_with_text("Orden de embargo"), "Freezing order, certified"
    )
    assert answer.status_code == 302 and answer["Location"] == f"/drafts/{draft.pk}/attachments/"
    enclosed = DraftAttachment.objects.get()
    assert (enclosed.file_name, enclosed.content_type) == ("orden.pdf", "application/pdf")
    step = client.get(f"/drafts/{draft.pk}/attachments/").content.decode()
    assert f'href="/drafts/{draft.pk}/files/{enclosed.pk}"' in step and "Freezing order, certified" in step
    # The check no longer asks for the documents enclosed.
    assert 'data-field="attachments"' not in step
    download = client.get(f"/drafts/{draft.pk}/files/{enclosed.pk}")
    assert download.status_code == 200 and download.content.startswith(b"%PDF")
    assert download["Content-Disposition"].startswith("attachment")
    # The letter's checklist annex names it.
    letter = Document(io.BytesIO(client.get(f"/drafts/{draft.pk}/letter.docx").content))
    assert "☐ Freezing order, certified (orden.pdf)" in [p.text for p in letter.paragraphs]
    # Audited without its name or title.
    entry = AuditEntry.objects.get(action="draft.attach")
    assert (
        entry.detail["type"] == "pdf"
        and "orden" not in str(entry.detail)
        and "Freezing" not in str(entry.detail)
    )
    assert client.post(f"/drafts/{draft.pk}/files/{enclosed.pk}/remove/").status_code == 302
    assert not DraftAttachment.objects.exists()
    assert AuditEntry.objects.filter(action="draft.detach", actor_id=peru.officer.pk).count() == 1


def test_a_wrong_type_is_refused_beside_the_file_and_nothing_written(draft, peru):
    answer = enclose(logged_in(peru.officer), draft, "order.pdf", EXE, "Order")
    assert answer.status_code == 422
    page = answer.content.decode()
    assert "order.pdf is not a file type accepted here" in page
    field = page[page.index('name="file"') :]
    assert field.index("order.pdf is not a file type accepted here") < field.index("</label>")
    assert (
        not DraftAttachment.objects.exists() and not AuditEntry.objects.filter(action="draft.attach").exists()
    )


@override_settings(COMITY_ATTACHMENT_MAX_BYTES=1000)
def test_a_file_too_large_is_refused(draft, peru):
    answer = enclose(logged_in(peru.officer), draft, "big.txt", b"a" * 1001)
    assert answer.status_code == 422 and "big.txt is 1001" in answer.content.decode()
    assert not DraftAttachment.objects.exists()


def test_a_registered_draft_encloses_nothing_more(draft, peru):
    Draft.objects.filter(pk=draft.pk).update(status="registered")
    answer = enclose(logged_in(peru.officer), draft, "note.txt", b"A note")
    assert answer.status_code == 422 and "not changed any more" in answer.content.decode()
    assert not DraftAttachment.objects.exists()


def test_the_files_are_404_to_whoever_does_not_read_the_draft(draft, peru, switzerland, secretariat_user):
    enclose(logged_in(peru.officer), draft, "note.txt", b"Confidential note")
    enclosed = DraftAttachment.objects.get()
    download = f"/drafts/{draft.pk}/files/{enclosed.pk}"
    remove = f"/drafts/{draft.pk}/files/{enclosed.pk}/remove/"
    add = f"/drafts/{draft.pk}/files/"
    # Another State's official, the secretariat, and a colleague the draft was not shared with.
    for user in (switzerland.officer, secretariat_user, peru.head):
        client = logged_in(user)
        assert client.get(download).status_code == 404, user
        assert client.post(remove).status_code == 404, user
        assert enclose(client, draft, "x.txt", b"x").status_code == 404, user
    # Another of the user's own drafts does not reach this file either.
    other = post(bearer(peru.officer), "/api/v1/drafts", BANK_RECORDS).json()["id"]
    assert logged_in(peru.officer).get(f"/drafts/{other}/files/{enclosed.pk}").status_code == 404
    anonymous = Client().get(download)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")
    assert Client().post(add).status_code == 302
    assert DraftAttachment.objects.count() == 1
    # Once shared, the colleague reads it.
    post(bearer(peru.officer), f"/api/v1/drafts/{draft.pk}/share", {"user": peru.head.pk})
    assert logged_in(peru.head).get(download).content == b"Confidential note"
