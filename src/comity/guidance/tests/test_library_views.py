"""The knowledge library's pages (#23 item 3): a search every official who reads cases uses (words
found inside uploaded files, filters, pages), a document's page with its file, and the add, edit
and remove forms, which exist only for the editors of the document's State (404 to anyone else);
a wrong file type refused beside the file's field, nothing written; the profile links its State's
documents, and each measure's section those about it."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from comity.core.files import FileInput
from comity.core.models import AuditEntry
from comity.guidance import services
from comity.guidance.models import LibraryDocument
from comity.guidance.tests.helpers import (
    document,
    docx_with_text,
    grant_editor,
    logged_in,
    pdf_with_text,
    stored,
)
from comity.guidance.tests.helpers import library_add as add

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


@pytest.fixture
def library(db):
    return {
        "act": add(
            "CH",
            "Federal Act on International Mutual Assistance in Criminal Matters",
            language="de",
            issued_on="1981-03-20",
            measures=["bank-records"],
            source_url="https://www.fedlex.admin.ch/eli/cc/1982/846_846_846/en",
            upload=FileInput("imac.pdf", pdf_with_text("Herausgabe von Bankunterlagen und Beschlagnahme")),
        ),
        "guide": add("CH", "Guidelines on mutual assistance", kind="guide", measures=["testimony"]),
        "peru": add("PE", "Codigo Procesal Penal", language="es"),
    }


def titles(page: str) -> list[str]:
    return re.findall(r'href="/guidance/library/\d+/" dir="auto"><bdi>([^<]+)</bdi>', page)


def test_the_search_finds_a_word_inside_an_uploaded_file_and_filters(library, peru):
    client = logged_in(peru.officer)
    page = client.get("/guidance/library/", {"q": "bankunterlagen"}).content.decode()
    assert titles(page) == ["Federal Act on International Mutual Assistance in Criminal Matters"]
    assert titles(client.get("/guidance/library/").content.decode()) == [
        "Federal Act on International Mutual Assistance in Criminal Matters",
        "Guidelines on mutual assistance",
        "Codigo Procesal Penal",
    ]
    assert titles(client.get("/guidance/library/", {"country": "PE"}).content.decode()) == [
        "Codigo Procesal Penal"
    ]
    assert titles(client.get("/guidance/library/", {"kind": "guide"}).content.decode()) == [
        "Guidelines on mutual assistance"
    ]
    assert titles(client.get("/guidance/library/", {"language": "de"}).content.decode()) == [
        "Federal Act on International Mutual Assistance in Criminal Matters"
    ]
    assert titles(
        client.get("/guidance/library/", {"measure": "testimony", "q": "mutual"}).content.decode()
    ) == ["Guidelines on mutual assistance"]
    # htmx asks for the results alone.
    partial = client.get(
        "/guidance/library/", {"q": "codigo"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert titles(partial) == ["Codigo Procesal Penal"] and "<html" not in partial


def test_a_bad_filter_is_named_beside_its_field(library, peru):
    client = logged_in(peru.officer)
    for query, problem in (
        ({"language": "xx"}, "Unknown language code: xx"),
        ({"kind": "novel"}, "Select a valid choice"),
    ):
        answer = client.get("/guidance/library/", query)
        assert answer.status_code == 422
        page = answer.content.decode()
        assert problem in page and "Correct the search to see its results." in page


@pytest.mark.parametrize("query", ['"', "*", "AND", "bank OR", "x" * 200])
def test_no_query_breaks_the_page(library, peru, query):
    assert logged_in(peru.officer).get("/guidance/library/", {"q": query}).status_code == 200


def test_results_are_paged(db, peru):
    for number in range(23):
        add("CH", f"Circular {number:02d}")
    client = logged_in(peru.officer)
    first = client.get("/guidance/library/", {"country": "CH"}).content.decode()
    assert len(titles(first)) == 20 and "Page 1 of 2" in first and "country=CH&amp;page=2" in first
    assert len(titles(client.get("/guidance/library/", {"country": "CH", "page": 2}).content.decode())) == 3


def test_the_document_page_shows_its_facts_file_and_source(library, peru):
    act = library["act"]
    page = logged_in(peru.officer).get(f"/guidance/library/{act.pk}/").content.decode()
    assert "imac.pdf" in page and f'href="/guidance/library/{act.pk}/file"' in page
    assert 'href="https://www.fedlex.admin.ch/eli/cc/1982/846_846_846/en"' in page
    assert "1981-03-20" in page and "Bank records" in page
    assert "/edit/" not in page  # not Peru's to edit
    download = logged_in(peru.officer).get(f"/guidance/library/{act.pk}/file")
    assert download.status_code == 200 and download.content.startswith(b"%PDF")
    assert (
        download["Content-Disposition"].startswith("attachment")
        and download["X-Content-Type-Options"] == "nosniff"
    )
    assert logged_in(peru.officer).get(f"/guidance/library/{library['guide'].pk}/file").status_code == 404


def test_demonstration_documents_say_so(db, peru):
    found = services.library_add(
        actor=None,
        values={"country": "PE", "title": "Guía", "kind": "guide", "language": "es"},
        demonstration=True,
    )
    client = logged_in(peru.officer)
    assert (
        "Demonstration data, not legal guidance"
        in client.get(f"/guidance/library/{found.pk}/").content.decode()
    )
    assert "Demonstration data, not legal guidance" in client.get("/guidance/library/").content.decode()


def test_the_pages_need_a_login_and_are_404_to_who_reads_no_case(library, secretariat_user):
    act = library["act"]
    paths = ["/guidance/library/", f"/guidance/library/{act.pk}/", f"/guidance/library/{act.pk}/file",
             "/guidance/library/add/", f"/guidance/library/{act.pk}/edit/", f"/guidance/library/{act.pk}/remove/"]  # fmt: skip
    for path in paths:
        answer = Client().get(path)
        assert answer.status_code == 302 and answer["Location"].startswith("/login/"), path
        assert logged_in(secretariat_user).get(path).status_code == 404, path


def test_an_editor_adds_edits_and_removes_a_document_with_its_file(db, switzerland):
    editor = grant_editor(switzerland.officer)
    client = logged_in(editor)
    assert "Add a document" in client.get("/guidance/library/").content.decode()
    answer = client.post(
        "/guidance/library/add/",
        {
            "title": "Leitfaden Rechtshilfe",
            "kind": "guide",
            "language": "de",
            "issued_on": "2024-05-01",
            "measures": ["bank-records", "freezing"],
            "file": SimpleUploadedFile(
                "leitfaden.docx", docx_with_text("Kontoauszüge und Editionsverfügung")
            ),
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:3000]
    found = LibraryDocument.objects.get()
    assert answer["Location"] == f"/guidance/library/{found.pk}/"
    assert (found.country, found.file_name, found.measures) == (
        "CH",
        "leitfaden.docx",
        ["bank-records", "freezing"],
    )
    # The search on the page finds a word of the uploaded file.
    assert titles(client.get("/guidance/library/", {"q": "editionsverfügung"}).content.decode()) == [
        "Leitfaden Rechtshilfe"
    ]
    edit = f"/guidance/library/{found.pk}/edit/"
    assert 'value="Leitfaden Rechtshilfe"' in client.get(edit).content.decode()
    answer = client.post(
        edit,
        {
            "title": "Leitfaden",
            "kind": "guide",
            "language": "de",
            "measures": ["freezing"],
            "remove_file": "on",
        },
    )
    assert answer.status_code == 302
    found.refresh_from_db()
    assert (found.title, found.measures, found.file_name, found.content) == (
        "Leitfaden",
        ["freezing"],
        "",
        None,
    )
    assert client.get(f"/guidance/library/{found.pk}/remove/").status_code == 200
    assert client.post(f"/guidance/library/{found.pk}/remove/").status_code == 302
    assert not LibraryDocument.objects.exists()
    actions = list(
        AuditEntry.objects.filter(actor_id=editor.pk).values_list("action", flat=True).order_by("pk")
    )
    assert actions == ["guidance.library.add", "guidance.library.update", "guidance.library.remove"]


def test_a_wrong_file_type_is_refused_beside_the_file_and_nothing_written(db, switzerland):
    client = logged_in(grant_editor(switzerland.officer))
    answer = client.post(
        "/guidance/library/add/",
        {"title": "Tool", "kind": "other", "language": "en", "file": SimpleUploadedFile("tool.pdf", EXE)},
    )
    assert answer.status_code == 422
    page = answer.content.decode()
    assert re.search(r'name="file"[^>]*>.*?tool\.pdf is not a file type accepted here', page, re.S)
    assert 'value="Tool"' in page  # what was typed is kept
    assert not LibraryDocument.objects.exists()


@override_settings(COMITY_LIBRARY_MAX_BYTES=1000)
def test_a_file_too_large_is_refused_by_its_size(db, switzerland):
    client = logged_in(grant_editor(switzerland.officer))
    answer = client.post(
        "/guidance/library/add/",
        {"title": "Big", "kind": "law", "language": "en", "file": SimpleUploadedFile("big.txt", b"a" * 1001)},
    )
    assert answer.status_code == 422 and "big.txt is 1001" in answer.content.decode()
    assert not LibraryDocument.objects.exists()


def test_the_edit_pages_are_404_to_another_state_and_to_a_non_editor(library, peru, switzerland):
    act = library["act"]
    other = logged_in(grant_editor(peru.officer))  # an editor, of Peru's profile
    same_state = logged_in(switzerland.officer)  # Switzerland's, without the permission
    for client in (other, same_state):
        for path in (f"/guidance/library/{act.pk}/edit/", f"/guidance/library/{act.pk}/remove/"):
            assert client.get(path).status_code == 404, path
            assert client.post(path, {"title": "Changed", "kind": "law", "language": "en"}).status_code == 404
    assert logged_in(switzerland.officer).get("/guidance/library/add/").status_code == 404
    act.refresh_from_db()
    assert act.title.startswith("Federal Act")
    assert LibraryDocument.objects.count() == 3


def test_the_profile_links_its_states_documents_and_each_measures(library, peru):
    stored(document("CH"))
    page = logged_in(peru.officer).get("/guidance/CH/").content.decode()
    act, guide = library["act"], library["guide"]
    library_part = page[page.index('id="library"') :]
    assert f"/guidance/library/{act.pk}/" in library_part and f"/guidance/library/{guide.pk}/" in library_part
    assert "Codigo Procesal Penal" not in page
    bank = page[page.index('id="bank-records"') : page.index('id="testimony"')]
    testimony = page[page.index('id="testimony"') : page.index('id="national-offences"')]
    assert f"/guidance/library/{act.pk}/" in bank and f"/guidance/library/{guide.pk}/" not in bank
    assert f"/guidance/library/{guide.pk}/" in testimony
    assert 'href="/guidance/library/"' in logged_in(peru.officer).get("/guidance/").content.decode()
