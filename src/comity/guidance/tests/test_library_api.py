"""The knowledge library's API (#23 items 3, 7): searched by every official who reads cases, on
either database, whatever they type; kept by the editors of the State's own profile (404 to any
other State's, to whoever reads no case); a file checked by what its bytes are, bounded, and its
text searched; bad input refused field by field with nothing written."""

import base64
import json

import pytest
from django.test import Client, override_settings

from comity.core.files import FileInput
from comity.core.models import AuditEntry
from comity.guidance.models import LibraryDocument
from comity.guidance.tests.helpers import docx_with_text, grant_editor, pdf_with_text
from comity.guidance.tests.helpers import library_add as add
from conftest import bearer

URL = "/api/v1/guidance/library"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def upload(name: str, content: bytes) -> dict[str, str]:
    return {"name": name, "content_base64": base64.b64encode(content).decode()}


def post(client: Client, body: dict):
    return client.post(URL, json.dumps(body), content_type="application/json")


def patch(client: Client, pk: int, body: dict):
    return client.patch(f"{URL}/{pk}", json.dumps(body), content_type="application/json")


@pytest.fixture
def library(db):
    return {
        "act": add(
            "CH",
            "Federal Act on International Mutual Assistance in Criminal Matters",
            language="de",
            issued_on="1981-03-20",
            measures=["bank-records", "freezing"],
            upload=FileInput("imac.pdf", pdf_with_text("Herausgabe von Bankunterlagen und Beschlagnahme")),
        ),
        "guide": add(
            "CH",
            "Guidelines on mutual assistance",
            kind="guide",
            description="How to write a request for bank records to Switzerland.",
        ),
        "form": add(
            "PE",
            "Formulario de solicitud de asistencia judicial",
            kind="model-form",
            language="es",
            upload=FileInput("form.docx", docx_with_text("Solicitud de embargo preventivo")),
        ),
    }


def titles(answer) -> list[str]:
    assert answer.status_code == 200, answer.content
    return [row["title"] for row in answer.json()["results"]]


def test_search_finds_words_in_title_description_and_the_files_text_ranked(library, nigeria):
    client = bearer(nigeria.viewer)
    assert sorted(titles(client.get(URL, {"q": "mutual assistance"}))) == [
        "Federal Act on International Mutual Assistance in Criminal Matters",
        "Guidelines on mutual assistance",
    ]
    assert titles(client.get(URL, {"q": "bank records"})) == ["Guidelines on mutual assistance"]
    # A PDF's and a Word document's text, each word as a prefix, accents and case aside.
    assert titles(client.get(URL, {"q": "bankunterlagen"})) == [library["act"].title]
    assert titles(client.get(URL, {"q": "EMBARG"})) == [library["form"].title]
    assert titles(client.get(URL, {"q": "solicitud", "country": "ch"})) == []
    found = client.get(URL, {"q": "assistance"}).json()
    assert found["count"] == 2 and found["results"][0]["score"] > 0
    assert titles(client.get(URL, {"q": "nothing-like-this"})) == []


def test_a_word_in_the_title_outranks_it_in_the_description_or_the_text(db, nigeria):
    for n in range(4):
        add("FR", f"Circulaire {n}", description="Entraide pénale internationale", language="fr")
    add("FR", "Note on asset recovery", description="Includes a word on seizure.")
    add("FR", "Seizure of assets", description="The code of criminal procedure.")
    add(
        "FR",
        "Code",
        upload=FileInput("code.txt", b"Chapter 4: seizure and confiscation of assets of every kind."),
    )
    assert titles(bearer(nigeria.viewer).get(URL, {"q": "seizure"})) == [
        "Seizure of assets",
        "Note on asset recovery",
        "Code",
    ]


def test_every_filter_and_the_pages(library, nigeria):
    client = bearer(nigeria.viewer)
    assert titles(client.get(URL, {"country": "PE"})) == [library["form"].title]
    assert titles(client.get(URL, {"kind": "guide"})) == [library["guide"].title]
    assert titles(client.get(URL, {"language": "de"})) == [library["act"].title]
    assert titles(client.get(URL, {"measure": "freezing"})) == [library["act"].title]
    assert titles(client.get(URL, {"measure": "testimony"})) == []
    whole = client.get(URL).json()
    assert whole["count"] == 3 and whole["pages"] == 1 and whole["page"] == 1
    act = next(row for row in whole["results"] if row["id"] == library["act"].pk)
    assert act["file"]["name"] == "imac.pdf" and act["file"]["content_type"] == "application/pdf"
    assert act["issued_on"] == "1981-03-20" and act["measures"] == ["bank-records", "freezing"]
    assert client.get(URL, {"page": 2}).json()["results"] == []
    for bad in ({"page": 0}, {"page": 501}, {"country": "XX"}, {"kind": "novel"}, {"measure": "wiretap"},
                {"language": "klingon"}, {"q": "x" * 201}):  # fmt: skip
        answer = client.get(URL, bad)
        assert answer.status_code == 422, bad
        assert [e["field"] for e in answer.json()["errors"]] == list(bad), bad


@pytest.mark.parametrize(
    "query",
    ['"', "*", "AND", "OR NOT", '"unbalanced', "bank*", "NEAR(a b)", "title:x", "a - b", "'", "\\", "%_",
     "(((", ":*", "&|!", "\x00", "日本語", "^", "-", "'bank':* & x"],
)  # fmt: skip
def test_no_query_breaks_the_search(library, nigeria, query):
    answer = bearer(nigeria.viewer).get(URL, {"q": query})
    assert answer.status_code == 200, answer.content


def test_operators_are_words_not_syntax(library, nigeria):
    client = bearer(nigeria.viewer)
    assert titles(client.get(URL, {"q": '"bank" OR solicitud'})) == []
    assert titles(client.get(URL, {"q": "bank* records"})) == ["Guidelines on mutual assistance"]


def test_a_file_downloads_as_an_attachment_and_a_document_without_one_has_none(library, nigeria):
    client = bearer(nigeria.viewer)
    answer = client.get(f"{URL}/{library['act'].pk}/file")
    assert answer.status_code == 200 and answer.content.startswith(b"%PDF")
    assert (
        answer["Content-Disposition"].startswith("attachment")
        and answer["X-Content-Type-Options"] == "nosniff"
    )
    assert client.get(f"{URL}/{library['guide'].pk}/file").status_code == 404
    assert client.get(f"{URL}/{library['guide'].pk}").json()["file"] is None


def test_nothing_exists_for_who_reads_no_case(library, secretariat_user):
    pk = library["act"].pk
    for url in (URL, f"{URL}/{pk}", f"{URL}/{pk}/file"):
        assert bearer(secretariat_user).get(url).status_code == 404, url
        assert Client().get(url).status_code == 401, url
    assert post(bearer(secretariat_user), {"title": "T", "kind": "law", "language": "en"}).status_code == 404
    assert patch(bearer(secretariat_user), pk, {"title": "T"}).status_code == 404
    assert bearer(secretariat_user).delete(f"{URL}/{pk}").status_code == 404


def test_an_editor_adds_changes_and_removes_their_states_document(db, switzerland):
    editor = grant_editor(switzerland.officer)
    client = bearer(editor)
    added = post(
        client,
        {
            "title": "Circular on the seizure of assets",
            "kind": "guide",
            "language": "fr",
            "issued_on": "2024-05-02",
            "source_url": "https://www.example.admin.ch/circular.pdf",
            "measures": ["freezing", "search-seizure"],
            "file": upload("C:\\Users\\me\\circular.pdf", pdf_with_text("Saisie conservatoire")),
        },
    )
    assert added.status_code == 201, added.content
    body = added.json()
    assert body["country"] == "CH" and body["file"]["name"] == "circular.pdf"
    assert body["measures"] == ["search-seizure", "freezing"] or body["measures"] == [
        "freezing",
        "search-seizure",
    ]
    pk = body["id"]
    assert titles(client.get(URL, {"q": "conservatoire"})) == ["Circular on the seizure of assets"]
    entry = AuditEntry.objects.get(action="guidance.library.add")
    assert entry.actor_id == editor.pk and "title" in entry.fields and "file" in entry.fields
    assert "seizure" not in json.dumps(entry.detail)

    changed = patch(
        client, pk, {"title": "Circular on freezing", "file": upload("c.txt", b"Blocage des avoirs")}
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["title"] == "Circular on freezing" and changed.json()["kind"] == "guide"
    # The index follows: the old file's words are gone, the new one's found.
    assert titles(client.get(URL, {"q": "conservatoire"})) == []
    assert titles(client.get(URL, {"q": "blocage"})) == ["Circular on freezing"]
    assert sorted(AuditEntry.objects.get(action="guidance.library.update").fields) == ["file", "title"]
    # The same change again writes nothing.
    patch(client, pk, {"title": "Circular on freezing"})
    assert AuditEntry.objects.filter(action="guidance.library.update").count() == 1
    removed = patch(client, pk, {"file": None})
    assert removed.json()["file"] is None and client.get(f"{URL}/{pk}/file").status_code == 404

    assert client.delete(f"{URL}/{pk}").status_code == 204
    assert client.get(f"{URL}/{pk}").status_code == 404
    assert titles(client.get(URL, {"q": "freezing"})) == []
    assert AuditEntry.objects.filter(action="guidance.library.remove", object_id=str(pk)).exists()


def test_another_states_document_is_404_and_own_without_permission_403(library, switzerland, peru):
    outsider = bearer(grant_editor(peru.officer))
    pk = library["act"].pk
    assert patch(outsider, pk, {"title": "Mine"}).status_code == 404
    assert outsider.delete(f"{URL}/{pk}").status_code == 404
    assert post(outsider, {"country": "CH", "title": "T", "kind": "law", "language": "en"}).status_code == 404
    # A document stays its State's.
    moved = patch(outsider, library["form"].pk, {"country": "CH"})
    assert moved.status_code == 422 and moved.json()["errors"][0]["field"] == "country"
    not_editor = patch(bearer(switzerland.officer), pk, {"title": "Mine"})
    assert not_editor.status_code == 403 and "administrator" in not_editor.json()["detail"]
    assert LibraryDocument.objects.get(pk=pk).title.startswith("Federal Act")
    assert not AuditEntry.objects.filter(action="guidance.library.update").exists()


def test_bad_input_is_named_field_by_field_and_nothing_is_written(db, switzerland):
    client = bearer(grant_editor(switzerland.officer))
    answer = post(
        client,
        {
            "country": "XX",
            "title": " ",
            "kind": "novel",
            "language": "klingon",
            "issued_on": "2999-01-01",
            "source_url": "javascript:alert(1)",
            "measures": ["wiretap"],
            "description": "x" * 4001,
            "file": upload("virus.exe", EXE),
        },
    )
    assert answer.status_code == 422, answer.content
    fields = {e["field"] for e in answer.json()["errors"]}
    assert fields == {"country", "title", "kind", "language", "issued_on", "source_url", "measures",
                      "description", "file"}  # fmt: skip
    message = next(e["detail"] for e in answer.json()["errors"] if e["field"] == "file")
    assert "virus.exe" in message and "PDF" in message
    bad64 = post(
        client, {"title": "T", "kind": "law", "language": "en", "file": {"name": "a", "content_base64": "%%"}}
    )
    assert bad64.status_code == 422 and bad64.json()["errors"][0]["field"] == "file.content_base64"
    empty = post(client, {"title": "T", "kind": "law", "language": "en", "file": upload("a.txt", b"")})
    assert empty.status_code == 422 and "empty" in empty.json()["errors"][0]["detail"]
    assert not LibraryDocument.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="guidance.library").exists()


@override_settings(COMITY_LIBRARY_MAX_BYTES=1000)
def test_a_file_too_large_is_refused(db, switzerland):
    client = bearer(grant_editor(switzerland.officer))
    answer = post(
        client, {"title": "T", "kind": "law", "language": "en", "file": upload("big.txt", b"a" * 1001)}
    )
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "file" and "big.txt" in answer.json()["errors"][0]["detail"]
    assert not LibraryDocument.objects.exists()


def test_a_malformed_pdf_is_kept_and_found_by_its_title(db, switzerland):
    client = bearer(grant_editor(switzerland.officer))
    broken = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    answer = post(
        client,
        {"title": "Scanned ordinance", "kind": "law", "language": "de", "file": upload("o.pdf", broken)},
    )
    assert answer.status_code == 201, answer.content
    assert titles(client.get(URL, {"q": "ordinance"})) == ["Scanned ordinance"]
