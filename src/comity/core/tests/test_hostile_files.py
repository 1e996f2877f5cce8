"""Bad files harm nothing (#20 items 11, 12): an XLSX without a dimension record, a corrupt
deflate stream and a workbook that expands a thousandfold each get the import's report, never a
500 nor a long parse, and no upload is left on disk; a control character in a cell is named by
row and column on every path, so that nothing stored can break an export later."""

import csv
import io
import json
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client

from comity.cooperation.models import Request
from comity.cooperation.tests.test_transfer import HEADER, ROWS
from comity.core.tabular import ImportRejected, read_rows
from conftest import bearer, make_request

LAYOUT = HEADER.split(",")


def _workbook(rows: list[list[str]], write_only: bool = False) -> bytes:
    book = openpyxl.Workbook(write_only=write_only)
    sheet = book.create_sheet("requests") if write_only else book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _rows() -> list[list[str]]:
    return [LAYOUT] + [next(csv.reader([row])) for row in ROWS]


def _corrupt(content: bytes) -> bytes:
    """The same archive with bytes inside the sheet's deflate stream changed."""
    archive = zipfile.ZipFile(io.BytesIO(content))
    info = archive.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    damaged = bytearray(content)
    for i in range(start + 10, start + 40):
        damaged[i] ^= 0x5A
    return bytes(damaged)


def _bomb() -> bytes:
    """A valid workbook whose sheet expands from a few hundred kB to about 200 MB."""
    content = _workbook(_rows()[:1])
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                padding = b"<!--" + b" " * (200 * 2**20) + b"-->"
                data = data.replace(b"<sheetData>", padding + b"<sheetData>", 1)
            target.writestr(item, data)
    return out.getvalue()


@pytest.mark.parametrize("kind", ["write-only", "corrupt", "bomb"])
def test_a_hostile_workbook_gets_the_report_and_leaves_nothing(
    peru, tmp_path, settings, kind, django_capture_on_commit_callbacks
):
    settings.VAR_DIR = tmp_path
    good = _workbook(_rows())
    content = {
        "write-only": _workbook(_rows(), write_only=True),
        "corrupt": _corrupt(good),
        "bomb": _bomb(),
    }[kind]
    client = Client()
    client.force_login(peru.officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/requests/import/", {"file": SimpleUploadedFile("book.xlsx", content)})
    assert response.status_code == 302, response.status_code
    page = client.get(response["Location"])
    text = page.content.decode()
    if kind == "write-only":
        assert "Ready to import" in text  # a valid workbook, only saved without its size
    else:
        assert page.status_code == 422 and "nothing was imported" in text
    assert Request.objects.count() == 0
    uploads = tmp_path / "uploads"
    if kind != "write-only":
        assert not uploads.exists() or not list(uploads.iterdir())


def test_the_bomb_is_refused_before_it_is_expanded():
    with pytest.raises(ImportRejected) as refused:
        list(read_rows(io.BytesIO(_bomb()), "bomb.xlsx", LAYOUT))
    assert "expands" in str(refused.value.problems[0].reason)


def test_a_control_character_in_a_csv_cell_is_named_and_nothing_imported(peru, tmp_path):
    bad = ROWS[0].replace("Funds diverted to Geneva", "Funds\x00 diverted")
    source = tmp_path / "nul.csv"
    source.write_text("\n".join([HEADER, bad]) + "\n", encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command(
            "import",
            "requests",
            str(source),
            "--authority",
            str(peru.authority.pk),
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    assert "row 2, column summary" in str(refused.value) and "control character" in str(refused.value)
    assert Request.objects.count() == 0


def test_control_characters_are_refused_by_the_api_and_the_page(peru, switzerland):
    client = bearer(peru.officer)
    body = {
        "type": "mla",
        "legal_basis": "uncac",
        "proceeding": "criminal",
        "offences": ["uncac-23"],
        "requesting_authority": peru.authority.pk,
        "requested_authority": switzerland.authority.pk,
        "requesting_reference": "PE-\x07BELL",
        "summary": "tab\tand\nnewline are fine in a summary",
    }
    response = client.post("/api/v1/requests", json.dumps(body), content_type="application/json")
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["requesting_reference"]
    body["requesting_reference"] = "PE-OK-1"
    assert (
        client.post("/api/v1/requests", json.dumps(body), content_type="application/json").status_code == 201
    )
    request = make_request(peru, switzerland)
    patch = client.patch(
        f"/api/v1/requests/{request.pk}",
        json.dumps({"summary": "zero\x00byte"}),
        content_type="application/json",
    )
    assert patch.status_code == 422
