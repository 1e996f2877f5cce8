"""Import and export of requests through the command line, in CSV and XLSX."""

import csv
import datetime
import gc
import io
import zipfile

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from comity.accounts.models import Authority
from comity.cooperation import services
from comity.cooperation.models import Event, Request
from comity.cooperation.transfer import COLUMNS
from conftest import make_request, planned_rows

HEADER = ",".join(COLUMNS)
ROWS = [
    # an incoming MLA executed, an outgoing extradition refused, an outgoing request still pending
    "PE-IN-1,incoming,mla,CH,PE,Federal Office of Justice,Fiscalía de la Nación,uncac,uncac-17;uncac-23,"
    "bank-records;freezing,criminal,yes,2024-01-02,2024-01-09,2024-06-30,executed,,Funds diverted to Geneva",
    "PE-OUT-1,outgoing,extradition,PE,ES,Fiscalía de la Nación,Ministerio de Justicia,bilateral-treaty,uncac-15,,"
    'criminal,no,2024-02-01,2024-02-10,2024-09-01,refused,dual-criminality,"Bribes, paid in cash"',
    "PE-OUT-2,outgoing,mla,PE,US,Fiscalía de la Nación,Office of International Affairs,uncac,uncac-23,"
    'bank-records,non-conviction-based,no,2025-03-01,,,,,=HYPERLINK("http://evil")',
]


def write(tmp_path, rows, header=HEADER, name="requests.csv"):
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def importer(peru):
    peru.authority.name = "Fiscalía de la Nación"
    peru.authority.save()
    return peru.authority


def test_import_then_export_gives_the_file_back_and_reimport_adds_nothing(tmp_path, importer):
    source = write(tmp_path, ROWS)
    assert "Imported 3 requests" in run("import", "requests", str(source), "--authority", str(importer.pk))
    assert Request.objects.count() == 3
    # the planner knows of the imported rows at once (SQLite would otherwise never learn of them)
    assert planned_rows() == 3
    refused = Request.objects.get(requesting_reference="PE-OUT-1")
    assert (refused.status, refused.closed_on.isoformat()) == ("refused", "2024-09-01")
    assert list(refused.events.values_list("kind", flat=True)) == ["created", "sent", "received", "refused"]
    assert Authority.objects.get(country="ES").external

    exported = tmp_path / "out.csv"
    run("export", "requests", "--authority", str(importer.pk), "--output", str(exported))
    lines = exported.read_text(encoding="utf-8").splitlines()
    assert lines[0] == HEADER
    escaped = ROWS[2].replace(',=HYPERLINK("http://evil")', ',\'=HYPERLINK(""http://evil"")"')
    assert sorted(lines[1:]) == sorted([ROWS[0], ROWS[1], escaped.replace(",'=", ",\"'=")])
    events = Event.objects.count()
    assert "0 requests" in run("import", "requests", str(exported), "--authority", str(importer.pk))
    assert (Request.objects.count(), Event.objects.count()) == (3, events)
    again = tmp_path / "again.csv"
    run("export", "requests", "--authority", str(importer.pk), "--output", str(again))
    assert again.read_bytes() == exported.read_bytes()


@pytest.mark.parametrize("delimiter", [";", "\t"], ids=["semicolons", "tabs"])
def test_a_csv_saved_with_semicolons_or_tabs_reads_as_the_comma_file(tmp_path, importer, delimiter):
    # Excel saves "CSV" with semicolons where the decimal mark is a comma (Peru, France, Brazil...);
    # its list cells, holding semicolons themselves, come quoted.
    source = tmp_path / "excel.csv"
    with source.open("w", newline="", encoding="utf-8-sig") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(csv.reader([HEADER, *ROWS]))
    assert "Imported 3 requests" in run("import", "requests", str(source), "--authority", str(importer.pk))
    executed = Request.objects.get(requested_reference="PE-IN-1")
    assert sorted(executed.offence_rows.values_list("code", flat=True)) == ["uncac-17", "uncac-23"]
    assert Request.objects.get(requesting_reference="PE-OUT-1").summary == "Bribes, paid in cash"
    comma = write(tmp_path, ROWS)
    assert "0 requests" in run("import", "requests", str(comma), "--authority", str(importer.pk))


def test_requests_without_our_reference_go_round_by_the_senders_or_comitys_number(
    tmp_path, importer, peru, switzerland
):
    sent = make_request(switzerland, peru, requesting_reference="CH-2025-77")
    unnumbered = make_request(peru, switzerland, requesting_reference="")
    # numbered by the other side only: still none of ours
    numbered_there = make_request(peru, switzerland, requesting_reference="")
    services.request_update(
        actor=switzerland.officer, request=numbered_there, changes={"requested_reference": "CH-9"}
    )
    assert sent.requested_reference == "" and unnumbered.requested_reference == ""
    run("import", "requests", str(write(tmp_path, ROWS)), "--authority", str(importer.pk))
    exported = tmp_path / "out.csv"
    run("export", "requests", "--authority", str(importer.pk), "--output", str(exported))
    rows = list(csv.DictReader(exported.open(encoding="utf-8")))
    assert [r["direction"] for r in rows if r["reference"] == "CH-2025-77"] == ["incoming"]
    assert [r["direction"] for r in rows if r["reference"] == f"#{unnumbered.pk}"] == ["outgoing"]
    assert [r["direction"] for r in rows if r["reference"] == f"#{numbered_there.pk}"] == ["outgoing"]
    assert all(r["reference"] for r in rows)
    requests, events = Request.objects.count(), Event.objects.count()
    assert "0 requests" in run("import", "requests", str(exported), "--authority", str(importer.pk))
    assert (Request.objects.count(), Event.objects.count()) == (requests, events)


def test_xlsx_round_trip(tmp_path, importer):
    run("import", "requests", str(write(tmp_path, ROWS)), "--authority", str(importer.pk))
    book = tmp_path / "out.xlsx"
    run("export", "requests", "--format", "xlsx", "--authority", str(importer.pk), "--output", str(book))
    sheet = openpyxl.load_workbook(book).worksheets[0]
    cells = list(sheet.iter_rows(values_only=True))
    # Dates are written as dates, which a spreadsheet sorts and computes with.
    sent = list(COLUMNS).index("sent_on")
    assert all(isinstance(row[sent], datetime.datetime) for row in cells[1:] if row[sent])
    values = [
        [c.date().isoformat() if isinstance(c, datetime.datetime) else c or "" for c in row] for row in cells
    ]
    assert values[0] == list(COLUMNS) and len(values) == 4
    assert any(cell.startswith("'=HYPERLINK") for row in values for cell in row)
    Request.objects.all().delete()
    run("import", "requests", str(book), "--authority", str(importer.pk))
    csv_out = tmp_path / "out.csv"
    run("export", "requests", "--authority", str(importer.pk), "--output", str(csv_out))
    assert list(csv.reader(csv_out.open(encoding="utf-8"))) == [[str(v) for v in row] for row in values]


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        (ROWS[0].replace(",mla,", ",mutual,"), "type", "Unknown code “mutual”; allowed: mla"),
        (ROWS[0].replace("uncac-17;uncac-23", "uncac-17;uncac-99"), "offences", "Unknown code “uncac-99”"),
        (ROWS[0].replace("2024-01-09", "2024-13-09"), "received_on", "is not a date"),
        (ROWS[0].replace("2024-01-09", "2023-12-01"), "received_on", "cannot be received"),
        (ROWS[0].replace("2024-01-02", "0001-01-02"), "sent_on", "0001-01-02 is before 1950-01-01"),
        (ROWS[0].replace("2024-06-30", "2999-06-30"), "closed_on", "in the future"),
        (ROWS[0].replace("2024-06-30,executed", ",executed"), "closed_on", "outcome needs the date"),
        (ROWS[0].replace("2024-06-30,executed", "2024-06-30,"), "outcome", "needs its outcome"),
        (
            ROWS[0].replace(",CH,PE,", ",CH,FR,"),
            "requested_country",
            "an incoming request is made to Fiscalía de la Nación: the requested State is PE",
        ),
        (
            ROWS[1].replace(",PE,ES,", ",FR,ES,"),
            "requesting_country",
            "an outgoing request is made by Fiscalía de la Nación: the requesting State is PE",
        ),
        (ROWS[0].replace(",yes,", ",perhaps,"), "urgent", "yes or no"),
        (ROWS[1].replace("dual-criminality", ""), "refusal_grounds", "at least one ground"),
        (
            ROWS[2].replace("2025-03-01,,,,", "2025-03-01,,2025-04-01,executed,"),
            "closed_on",
            "not been received",
        ),
        (ROWS[0].replace(",Federal Office of Justice,", ",,"), "requesting_authority", "counterpart"),
        (ROWS[0].replace("PE-IN-1,", "#41,"), "reference", "none has this number"),
        # the services' limits: a long reference, summary or counterpart name is refused, not stored
        (ROWS[0].replace("PE-IN-1,", "P" * 600 + ","), "reference", "At most 100 characters; this has 600."),
        (ROWS[0] + "x" * 9_977, "summary", "At most 10000 characters; this has 10001."),
        (
            ROWS[0].replace("Federal Office of Justice", "F" * 201),
            "requesting_authority",
            "At most 200 characters; this has 201.",
        ),
    ],
)
def test_a_bad_row_is_named_and_nothing_is_imported(tmp_path, importer, row, column, reason):
    path = write(tmp_path, [ROWS[1], row, ROWS[2]])
    with pytest.raises(CommandError) as error:
        run("import", "requests", str(path), "--authority", str(importer.pk))
    message = str(error.value)
    assert "Nothing was imported" in message and f"row 3, column {column}" in message and reason in message
    assert Request.objects.count() == 0 and not Authority.objects.filter(external=True).exists()


def test_every_problem_of_a_row_is_reported_at_once(tmp_path, importer):
    # An unknown offence, dates in the wrong order and a misnamed own side, all in one row: one
    # report names the three, so the file is put right in one go.
    row = (
        ROWS[0]
        .replace("uncac-17;uncac-23", "uncac-99")
        .replace("2024-01-09", "2023-12-01")
        .replace(",Fiscalía de la Nación,", ",Fiscalia,")
    )
    path = write(tmp_path, [row])
    with pytest.raises(CommandError) as error:
        run("import", "requests", str(path), "--authority", str(importer.pk))
    message = str(error.value)
    assert "row 2, column offences" in message and "Unknown code “uncac-99”" in message
    assert "row 2, column received_on" in message and "cannot be received" in message
    assert "row 2, column requested_authority" in message
    assert "give its name in Comity, Fiscalía de la Nación, or leave the cell empty" in message
    assert Request.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("", "empty"),
        (HEADER.replace("summary", "notes") + "\n", "Missing columns: summary"),
        (HEADER + ",colour\n", "Unknown columns: colour"),
        (HEADER + "\n", "no rows"),
        (HEADER + "\n" + ROWS[0] + "\n" + ROWS[0] + "\n", "repeats row 2"),
        # the repeated row is itself wrong: both problems are reported at once
        (
            HEADER + "\n" + ROWS[0].replace(",mla,", ",mlx,") + "\n" + ROWS[0] + "\n",
            r"(?s)row 2, column type.*row 3, column reference: .*repeats row 2",
        ),
    ],
)
def test_bad_files_are_explained(tmp_path, importer, content, reason):
    path = tmp_path / "file.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=reason):
        run("import", "requests", str(path), "--authority", str(importer.pk))
    assert Request.objects.count() == 0


def cache_size():
    if connection.vendor != "sqlite":
        return None
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        return cursor.fetchone()[0]


def test_an_import_leaves_the_process_and_connection_as_it_found_them(tmp_path, importer):
    # Imports pause the garbage collector while they hold their rows and enlarge SQLite's page
    # cache while they write (core.bulk): both must be as before after an import, a rejected one
    # too, and the collector must stay off for a caller that had switched it off.
    assert gc.isenabled()
    before = cache_size()
    run("import", "requests", str(write(tmp_path, ROWS)), "--authority", str(importer.pk))
    assert gc.isenabled() and cache_size() == before
    with pytest.raises(CommandError, match="repeats row 2"):
        run("import", "requests", str(write(tmp_path, [ROWS[0], ROWS[0]])), "--authority", str(importer.pk))
    assert gc.isenabled() and cache_size() == before
    gc.disable()
    try:
        run("import", "requests", str(write(tmp_path, ROWS)), "--authority", str(importer.pk))
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_not_csv_or_xlsx_and_too_large(tmp_path, importer, settings):
    binary = tmp_path / "scan.pdf"
    binary.write_bytes(b"%PDF-1.7\x00\x01\x02")
    with pytest.raises(CommandError, match="not a CSV or XLSX"):
        run("import", "requests", str(binary), "--authority", str(importer.pk))
    latin = tmp_path / "latin.csv"
    latin.write_bytes((HEADER + "\n" + ROWS[0] + "\n").encode("latin-1"))
    with pytest.raises(CommandError, match="not UTF-8"):
        run("import", "requests", str(latin), "--authority", str(importer.pk))
    settings.COMITY_IMPORT_MAX_BYTES = 200
    with pytest.raises(CommandError, match="largest accepted"):
        run("import", "requests", str(write(tmp_path, ROWS)), "--authority", str(importer.pk))


def _workbook_with_sheet(tmp_path, name, rewrite):
    """A workbook of the canonical layout whose first sheet's XML is passed through `rewrite`."""
    book = openpyxl.Workbook()
    book.active.append(list(COLUMNS))
    book.active.append(ROWS[0].split(",")[:3])
    plain = io.BytesIO()
    book.save(plain)
    path = tmp_path / name
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w") as target:
        for entry in source.namelist():
            data = source.read(entry)
            target.writestr(entry, rewrite(data.decode()) if entry == "xl/worksheets/sheet1.xml" else data)
    return path


LAUGHS = (
    '<!DOCTYPE worksheet [<!ENTITY a0 "ha">'
    + "".join(f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10))
    + "]>"
)


@pytest.mark.parametrize(
    ("name", "rewrite"),
    [
        # cut off in the middle of the sheet (a download that stopped, a damaged disk)
        ("truncated.xlsx", lambda xml: xml[: len(xml) // 2]),
        # "billion laughs": a few hundred bytes that expand to gigabytes when parsed
        ("laughs.xlsx", lambda xml: LAUGHS + xml.replace("<sheetData>", "<sheetData>&a9;")),
    ],
)
def test_a_damaged_or_hostile_workbook_is_explained(tmp_path, importer, name, rewrite):
    # The sheet is read row by row after the workbook opens: its XML failing there must give the
    # same report as a workbook that does not open at all, not an error page.
    path = _workbook_with_sheet(tmp_path, name, rewrite)
    with pytest.raises(CommandError, match="not a readable XLSX file"):
        run("import", "requests", str(path), "--authority", str(importer.pk))
    assert Request.objects.count() == 0


def test_a_changed_row_for_a_known_reference_is_refused(tmp_path, importer):
    run("import", "requests", str(write(tmp_path, ROWS)), "--authority", str(importer.pk))
    changed = write(tmp_path, [ROWS[0].replace(",uncac,", ",reciprocity,")], name="changed.csv")
    with pytest.raises(
        CommandError, match="row 2, column legal_basis: reference PE-IN-1 is already in Comity"
    ):
        run("import", "requests", str(changed), "--authority", str(importer.pk))


def test_the_authority_must_be_named_when_ambiguous(tmp_path, peru, switzerland):
    with pytest.raises(CommandError, match="--authority"):
        run("import", "requests", str(write(tmp_path, ROWS)))


def test_a_row_naming_the_secretariat_as_counterpart_is_refused(tmp_path, importer, secretariat_user):
    row = ROWS[1].replace(",PE,ES,", ",PE,AT,").replace("Ministerio de Justicia", "unodc")
    with pytest.raises(CommandError) as error:
        run("import", "requests", str(write(tmp_path, [ROWS[0], row])), "--authority", str(importer.pk))
    assert "row 3, column requested_authority: this authority cannot be a party to a request" in str(
        error.value
    )
    assert Request.objects.count() == 0


def test_the_cli_lists_new_counterparts_and_refuses_them_when_asked(tmp_path, importer, switzerland):
    typo = ROWS[0].replace("Federal Office of Justice", "Federal Ofice of Justise")
    with pytest.raises(CommandError) as refused:
        run(
            "import",
            "requests",
            str(write(tmp_path, [typo])),
            "--authority",
            str(importer.pk),
            "--no-new-authorities",
        )
    message = str(refused.value)
    assert "row 2" in message and "requesting_authority" in message and "Federal Office of Justice" in message
    assert not Authority.objects.filter(name="Federal Ofice of Justise").exists()
    out = run("import", "requests", str(write(tmp_path, [typo])), "--authority", str(importer.pk))
    assert "new external authority: Federal Ofice of Justise (CH)" in out


def test_an_unknown_direction_is_one_clear_problem(tmp_path, importer):
    sideways = ROWS[1].replace(",outgoing,", ",sideways,")
    with pytest.raises(CommandError) as refused:
        run("import", "requests", str(write(tmp_path, [sideways])), "--authority", str(importer.pk))
    lines = [line for line in str(refused.value).splitlines() if line.startswith("row ")]
    assert len(lines) == 1 and "column direction" in lines[0] and "incoming, outgoing" in lines[0]


def test_the_export_command_writes_csv_to_its_output_when_no_file_is_named(tmp_path, importer):
    """`comity import|export KIND` is one command in core whose kinds each app registers (#19
    item 2); the requests' export to the terminal goes to the command's own output."""
    run("import", "requests", str(write(tmp_path, ROWS)), "--authority", str(importer.pk))
    written = run("export", "requests", "--authority", str(importer.pk))
    assert written.splitlines()[0] == HEADER and len(written.splitlines()) == 1 + len(ROWS)


def test_rows_written_before_a_later_problem_is_found_do_not_stay(tmp_path, importer, monkeypatch):
    """An import writes the batches already checked while it checks the rest of the file: a
    problem in a later batch leaves none of them, nor the counterparts made for them, and every
    problem is still listed."""
    monkeypatch.setattr("comity.cooperation.transfer.BATCH", 1)
    late = (
        ROWS[2].replace("PE-OUT-2,outgoing,mla", "PE-OUT-3,outgoing,mla").replace("2025-03-01", "2025-02-30")
    )
    source = write(tmp_path, [*ROWS, late, ROWS[0].replace("PE-IN-1", "PE-IN-2").replace(",mla,", ",nope,")])
    with pytest.raises(CommandError) as error:
        run("import", "requests", str(source), "--authority", str(importer.pk))
    assert "row 5, column sent_on" in str(error.value)
    assert "row 6, column type" in str(error.value)
    assert (Request.objects.count(), Event.objects.count()) == (0, 0)
    assert not Authority.objects.filter(country__in=["CH", "ES", "US"]).exists()
    # One batch a row: the counterparts are made as the batches that name them come.
    assert "Imported 3 requests" in run(
        "import", "requests", str(write(tmp_path, ROWS)), "--authority", str(importer.pk)
    )
    assert sorted(Request.objects.values_list("requested_country", flat=True)) == ["ES", "PE", "US"]
    assert Event.objects.count() == 10
