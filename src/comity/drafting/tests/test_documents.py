"""The letter of a draft (#23 item 6): a Word document python-docx opens, holding the facts and the
measures with their elements, and a PDF that renders, in the requested State's first language by
default; an incomplete draft marked as such; a checklist annex of the documents enclosed."""

import io
import shutil
import subprocess

import pytest
from django.utils import translation
from docx import Document
from docx.oxml.ns import qn
from pypdf import PdfReader

from comity.drafting import documents
from comity.drafting.models import Draft
from comity.drafting.tests.helpers import BANK_RECORDS, COMPLETION, patch, post
from comity.guidance.tests.helpers import document, stored
from conftest import bearer


@pytest.fixture
def draft_url(db, peru, switzerland):
    stored(document("CH"))
    client = bearer(peru.officer)
    draft = post(client, "/api/v1/drafts", BANK_RECORDS).json()
    return client, f"/api/v1/drafts/{draft['id']}"


def text_of_docx(body: bytes) -> str:
    return "\n".join(paragraph.text for paragraph in Document(io.BytesIO(body)).paragraphs)


def test_the_word_letter_holds_the_facts_and_measures(draft_url):
    client, url = draft_url
    incomplete = client.get(url + "/document?format=docx")
    assert incomplete.status_code == 200
    assert incomplete["Content-Disposition"].endswith('-de.docx"')  # Switzerland's first language
    text = text_of_docx(incomplete.content)
    assert "INCOMPLETE DRAFT" in text and "The bank" in text
    assert BANK_RECORDS["facts"] in text and "Bank records" in text

    patch(client, url, COMPLETION)
    complete = client.get(url + "/document?format=docx&language=fr")
    text = text_of_docx(complete.content)
    assert "INCOMPLETE" not in text and "INCOMPLET" not in text.upper().replace("INCOMPLETE", "")
    assert "Banque Exemple SA, Geneva" in text and "Alberto Quispe" in text
    assert "☐ " + COMPLETION["attachments"][0] in text


def test_the_pdf_renders(draft_url, tmp_path):
    client, url = draft_url
    patch(client, url, COMPLETION)
    answer = client.get(url + "/document?format=pdf")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(answer.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Banque Exemple SA" in text and "Order of the investigating judge" in text
    assert len(reader.pages) >= 2  # the annex starts a page of its own
    if shutil.which("pdftoppm"):
        (tmp_path / "letter.pdf").write_bytes(answer.content)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "40", str(tmp_path / "letter.pdf"), str(tmp_path / "page")], check=True
        )
        assert list(tmp_path.glob("page*.png"))


def test_bad_format_or_language(draft_url):
    client, url = draft_url
    bad = client.get(url + "/document?format=odt&language=xx-yy")
    assert bad.status_code == 422
    assert {entry["field"] for entry in bad.json()["errors"]} == {"format", "language"}


def test_an_arabic_letter_runs_right_to_left_and_keeps_what_was_typed_in_english_left_to_right(
    draft_url, peru
):
    """#21 item 5: the Word letter had no right-to-left paragraph at all, and the PDF's
    `dir="auto"` is not read by WeasyPrint (an English paragraph of an Arabic letter ended with its
    full stop on the left). Each paragraph now says its direction, by its first strong character."""
    client, url = draft_url
    patch(client, url, COMPLETION)
    body = client.get(url + "/document?format=docx&language=ar").content
    directions = {
        paragraph.text: paragraph._p.pPr is not None and paragraph._p.pPr.find(qn("w:bidi")) is not None
        for paragraph in Document(io.BytesIO(body)).paragraphs
        if paragraph.text.strip()
    }
    with translation.override("ar"):
        heading = translation.gettext("Summary of the facts")
    assert directions[heading] is True
    assert directions[BANK_RECORDS["facts"]] is False
    draft = Draft.objects.get(pk=int(url.rsplit("/", 1)[1]))
    with translation.override("ar"):
        html = documents.letter_html(documents.letter(peru.officer, draft, "ar"))
    assert f'<p dir="ltr">{BANK_RECORDS["facts"]}</p>' in html.replace("&#x27;", "'")
    assert '<html lang="ar" dir="rtl">' in html and '<p dir="rtl">' in html
