"""Spreadsheets in and out (CSV or XLSX): reading rows under a fixed header, checking cells with
problems named by row and column, and writing without letting a cell become a formula.

Every import of the project reads with `read_rows` and reports with `Problem`, so that a user sees
the same kind of message whatever they import.
"""

import csv
import datetime
import io
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from itertools import chain
from typing import IO, Any

import openpyxl
from django.conf import settings
from django.db import models
from django.http import HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from openpyxl.cell import WriteOnlyCell

from comity.core import messages
from comity.core.countries import is_country
from comity.core.dates import too_early
from comity.core.limits import too_long
from comity.core.numbers import amount_out_of_range

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
YES, NO = "yes", "no"
# What a CSV file's cells may be separated by; the first is the layout's own.
DELIMITERS = (",", ";", "\t")


@dataclass(frozen=True)
class Problem:
    row: int  # as the spreadsheet numbers it: the header is row 1
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.reason}" + (f" (value: {self.value!r})" if self.value else "")


class ImportRejected(Exception):
    def __init__(self, problems: list[Problem], more: int = 0) -> None:
        super().__init__(f"{len(problems) + more} problem(s); nothing was imported")
        self.problems, self.more = problems, more


# --- reading ----------------------------------------------------------------------------


def _unescape(value: str) -> str:
    """Undo the export's protection against formula injection."""
    return value[1:] if value[:1] == "'" and value[1:2] in FORMULA_STARTS else value


def read_rows(handle: IO[bytes], name: str, layout: Sequence[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number, row) pairs from a CSV or XLSX file; ImportRejected for a file we cannot read."""
    head = handle.read(4)
    handle.seek(0)
    if head.startswith(b"PK\x03\x04"):
        yield from _xlsx_rows(handle, layout)
        return
    if name.lower().endswith((".xlsx", ".xls", ".ods", ".pdf", ".zip")) or b"\x00" in head:
        raise ImportRejected([Problem(1, "", name, _("This is not a CSV or XLSX file."))])
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
    try:
        first = text.readline()
        if not first:
            raise ImportRejected([Problem(1, "", "", _("The file is empty."))])
        reader = csv.reader(chain([first], text), delimiter=_delimiter(first, layout))
        header = next(reader)
        columns = _check_header(header, layout)
        for number, values in enumerate(reader, start=2):
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(columns):
                raise ImportRejected(
                    [
                        Problem(
                            number,
                            "",
                            "",
                            _("This row has %(n)d cells; the header has %(m)d.")
                            % {"n": len(values), "m": len(columns)},
                        )
                    ]
                )
            row = dict(zip(columns, map(str.strip, values), strict=True))
            # Only a cell that starts with an apostrophe can need unescaping: look for one first.
            if "'" in "".join(values):
                row = {c: _unescape(v) for c, v in row.items()}
            yield number, row
    except UnicodeDecodeError as error:
        raise ImportRejected(
            [Problem(1, "", "", _("The file is not UTF-8 text: save it as CSV (UTF-8)."))]
        ) from error
    except csv.Error as error:
        raise ImportRejected(
            [Problem(1, "", "", _("The file is not valid CSV: %(error)s") % {"error": error})]
        ) from error


def _delimiter(header: str, layout: Sequence[str]) -> str:
    """The delimiter under which `header` names most of the layout's columns, a comma on a tie.

    Excel saves "CSV" with semicolons where the decimal mark is a comma (Spanish, French,
    Portuguese, German settings...): such a file is read as it was meant, not refused.
    """

    def known(delimiter: str) -> int:
        return sum(c.strip().lower() in layout for c in next(csv.reader([header], delimiter=delimiter)))

    return max(DELIMITERS, key=known)


# What a damaged or hostile workbook raises as it is opened or read: a broken archive (BadZipFile,
# zlib.error, EOFError), a missing part (KeyError), XML that does not parse or expands entities
# past expat's limit (ParseError, a SyntaxError), parts openpyxl cannot make sense of (ValueError).
_UNREADABLE_XLSX = (zipfile.BadZipFile, zlib.error, EOFError, KeyError, OSError, ValueError, SyntaxError)


# A worksheet's XML compresses about ten to one; a part that expands a hundredfold and more is
# not a spreadsheet someone typed, but padding made to exhaust the memory or the time of whoever
# parses it (a "zip bomb"). The sizes read are those the archive declares, which Python's zipfile
# never exceeds as it inflates a part: a part cannot lie its way past this check.
MAX_RATIO = 100
RATIO_FROM = 2**20  # parts smaller than this may compress as well as they like
MAX_EXPANDED_FACTOR = 10  # the parts together, against the largest file an import takes


def _check_archive(handle: IO[bytes]) -> None:
    """ImportRejected for an archive whose parts expand past the limits, before any is inflated."""
    try:
        parts = zipfile.ZipFile(handle).infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise ImportRejected([Problem(1, "", "", _("This is not a readable XLSX file."))]) from error
    finally:
        handle.seek(0)
    expanded = sum(part.file_size for part in parts)
    ratio = max(
        (part.file_size / max(part.compress_size, 1) for part in parts if part.file_size >= RATIO_FROM),
        default=0,
    )
    if ratio > MAX_RATIO or expanded > MAX_EXPANDED_FACTOR * settings.COMITY_IMPORT_MAX_BYTES:
        raise ImportRejected(
            [
                Problem(
                    1,
                    "",
                    "",
                    _(
                        "This workbook expands to %(mb)d MB when opened, far more than its rows need; it is refused unread."
                    )
                    % {"mb": expanded // 10**6},
                )
            ]
        )


def count_rows(handle: IO[bytes]) -> int:
    """Rows below the header, cheaply, to show progress: the lines of a CSV, the size a workbook's
    sheet declares; 0 when that is not known (a workbook saved without it, an unreadable file)."""
    if handle.read(4).startswith(b"PK\x03\x04"):
        handle.seek(0)
        try:
            _check_archive(handle)
            workbook = openpyxl.load_workbook(handle, read_only=True)
            try:
                return max((workbook.worksheets[0].max_row or 1) - 1, 0)
            finally:
                workbook.close()
        except (ImportRejected, *_UNREADABLE_XLSX):
            return 0
    handle.seek(0)
    return max(sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b"")) - 1, 0)


def _xlsx_rows(handle: IO[bytes], layout: Sequence[str]) -> Iterator[tuple[int, dict[str, str]]]:
    unreadable = ImportRejected([Problem(1, "", "", _("This is not a readable XLSX file."))])
    _check_archive(handle)
    try:
        workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
    except _UNREADABLE_XLSX as error:
        raise unreadable from error
    # The sheet's XML is parsed as its rows are read, so it can fail after the workbook opened.
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise ImportRejected([Problem(1, "", "", _("The file is empty."))])
        columns = _check_header([_cell(v) for v in header], layout)
        for number, values in enumerate(rows, start=2):
            cells = [_cell(v) for v in values][: len(columns)]
            if not any(cells):
                continue
            cells += [""] * (len(columns) - len(cells))
            yield number, {c: _unescape(v) for c, v in zip(columns, cells, strict=True)}
    except _UNREADABLE_XLSX as error:
        raise unreadable from error
    finally:
        workbook.close()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return YES if value else NO
    return str(value).strip()


def _check_header(header: Sequence[str], layout: Sequence[str]) -> list[str]:
    columns = [h.strip().lower() for h in header]
    missing = [c for c in layout if c not in columns]
    unknown = [c for c in columns if c not in layout]
    duplicated = sorted({c for c in columns if columns.count(c) > 1})
    problems = []
    if missing:
        problems.append(Problem(1, "", "", _("Missing columns: %(c)s.") % {"c": ", ".join(missing)}))
    if unknown:
        problems.append(
            Problem(
                1,
                "",
                "",
                _("Unknown columns: %(c)s; the layout is: %(all)s.")
                % {"c": ", ".join(unknown), "all": ", ".join(layout)},
            )
        )
    if duplicated:
        problems.append(Problem(1, "", "", _("Repeated columns: %(c)s.") % {"c": ", ".join(duplicated)}))
    if problems:
        raise ImportRejected(problems)
    return columns


# --- checking -------------------------------------------------------------------------------


class RowChecker:
    def __init__(self, number: int, row: dict[str, str], problems: list[Problem]) -> None:
        self.number, self.row, self.problems = number, row, problems

    def fail(self, column: str, reason: str) -> None:
        self.problems.append(Problem(self.number, column, self.row.get(column, ""), reason))

    def lengths(self, limits: Iterable[tuple[str, type[models.Model], str]]) -> None:
        """Each (column, model, field): the cell is no longer than the field's limit (core.limits),
        the services' own rule, since an import writes its rows in bulk."""
        for column, model, field_name in limits:
            if (message := too_long(model, field_name, self.row[column])) is not None:
                self.fail(column, message)

    def code(self, column: str, allowed: Sequence[str], required: bool = True) -> str:
        value = self.row[column]
        if not value and not required:
            return ""
        if value not in allowed:
            self.fail(column, messages.unknown_code(value, allowed) if value else messages.required())
        return value

    def codes(self, column: str, allowed: Sequence[str], required: bool = False) -> list[str]:
        raw = self.row[column]
        # Cells come stripped: a single code needs no splitting.
        values = [v.strip() for v in raw.split(";") if v.strip()] if ";" in raw else [raw] if raw else []
        if required and not values:
            self.fail(column, messages.required() + " " + _("One code or more, separated by ';'."))
        for value in values:
            if value not in allowed:
                self.fail(column, messages.unknown_code(value, allowed))
        return list(dict.fromkeys(values))

    def date(self, column: str) -> datetime.date | None:
        value = self.row[column]
        if not value:
            return None
        try:
            day = datetime.date.fromisoformat(value)
        except ValueError:
            self.fail(column, messages.not_a_date(value))
            return None
        if (message := too_early(day)) is not None:
            self.fail(column, message)
            return None
        return day

    def country(self, column: str, required: bool = True) -> str:
        value = self.row[column].upper()
        if (value or required) and not is_country(value):
            self.fail(column, messages.unknown_country(value) if value else messages.required())
        return value

    def countries(self, column: str) -> list[str]:
        values = [v.strip().upper() for v in self.row[column].split(";") if v.strip()]
        for value in values:
            if not is_country(value):
                self.fail(column, messages.unknown_country(value))
        return list(dict.fromkeys(values))

    def amount(self, column: str) -> Decimal | None:
        """A non-negative amount; thousands separators are refused rather than guessed."""
        value = self.row[column]
        if not value:
            return None
        try:
            amount = Decimal(value)
            if not amount.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            self.fail(column, messages.not_an_amount(value))
            return None
        if amount < 0:
            self.fail(column, messages.negative_amount())
            return None
        if too_large := amount_out_of_range(amount):
            self.fail(column, too_large)
            return None
        return amount


# --- writing --------------------------------------------------------------------------------


def escape(value: str) -> str:
    """Neutralise spreadsheet formula injection: a cell starting =, +, -, @ is made text."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def write_csv(rows: Iterable[list[str]], out: IO[str]) -> None:
    """`rows` as CSV into `out`, as the pages' downloads give them (`csv_chunks`)."""
    out.writelines(csv_chunks(rows))


def _is_date_column(name: object) -> bool:
    """A column of days, by the layouts' naming (`sent_on`, `frozen_on`, `date`, `as_of`)."""
    return isinstance(name, str) and (name.endswith("_on") or name in ("date", "as_of"))


def write_xlsx(
    rows: Iterable[Sequence[Any]], target: Any, sheet_name: str = "data", labels: Sequence["ColumnHelp"] = ()
) -> None:
    """Write rows to `target`: a path or a writable binary file (an HttpResponse will do). The first
    row names the columns; the ISO days of date columns are written as dates, which a spreadsheet
    sorts, filters and computes with (the import reads them back as the same days). With `labels`
    (the layout's columns), a second sheet gives every code's label in the active language: the
    data keep the stable codes, so that the file imports back whatever the reader's language."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_name)
    iterator = iter(rows)
    header = next(iterator, None)
    if header is None:
        workbook.save(target)
        return
    sheet.append(header)
    dated = [i for i, name in enumerate(header) if _is_date_column(name)]

    def as_date(value: Any) -> Any:
        if isinstance(value, str) and len(value) == 10:
            try:
                day = datetime.date.fromisoformat(value)
            except ValueError:
                return value
            cell = WriteOnlyCell(sheet, value=day)
            cell.number_format = "yyyy-mm-dd"
            return cell
        return value

    for row in iterator:
        if dated:
            row = list(row)
            for i in dated:
                if i < len(row):
                    row[i] = as_date(row[i])
        sheet.append(row)
    if labels:
        _codes_sheet(workbook, labels)
    workbook.save(target)


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_download(write: Callable[[Any], None], stem: str) -> HttpResponse:
    """A workbook that `write` writes into the response, downloaded as `stem`.xlsx."""
    response = HttpResponse(content_type=XLSX_TYPE)
    write(response)
    response["Content-Disposition"] = f'attachment; filename="{stem}.xlsx"'
    return response


def spreadsheet_response(
    rows: Iterable[Sequence[Any]], stem: str, fmt: str, sheet_name: str, labels: Sequence["ColumnHelp"] = ()
) -> HttpResponseBase:
    """A download of `rows` as XLSX when `fmt` says so (with the codes' labels, see `write_xlsx`),
    else as UTF-8 CSV, codes only, streamed as it is written."""
    if fmt == "xlsx":
        return xlsx_download(lambda target: write_xlsx(rows, target, sheet_name, labels), stem)
    response = StreamingHttpResponse(csv_chunks(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
    return response


class _Lines:
    """What csv.writer writes to: each line written is handed back (Django's streaming-CSV recipe)."""

    def write(self, line: str) -> str:
        return line


def csv_chunks(rows: Iterable[Sequence[Any]], size: int = 1 << 16) -> Iterator[str]:
    """`rows` as CSV text in pieces of about `size` characters, made as they are sent: a register of
    190,000 requests was 76 MB held whole in the web worker (three times over, as text, its copy and
    its bytes) before the first byte left, where the download now starts at once."""
    writer = csv.writer(_Lines(), lineterminator="\n")
    piece: list[str] = []
    length = 0
    for row in rows:
        line = writer.writerow(row)
        piece.append(line)
        length += len(line)
        if length >= size:
            yield "".join(piece)
            piece, length = [], 0
    if piece:
        yield "".join(piece)


@dataclass(frozen=True)
class ColumnHelp:
    """What one column of an import layout holds, for the template's explanation sheet."""

    name: str
    required: bool
    description: str
    codes: Sequence[tuple[str, Any]] = ()  # (code, label), the label possibly lazy


def template_workbook(
    sheet_name: str, columns: Sequence[ColumnHelp], example: Mapping[str, str], target: Any
) -> None:
    """An import template as XLSX: the sheet to fill (the columns' header only, and the one the
    import reads), an example row on a sheet of its own (so that it is never imported by
    mistake), a sheet explaining every column, and a sheet listing every code with its label in
    the user's language."""
    names = [column.name for column in columns]
    workbook = openpyxl.Workbook(write_only=True)
    workbook.create_sheet(sheet_name).append(names)
    sample = workbook.create_sheet(_("example"))
    sample.append(names)
    sample.append([example.get(name, "") for name in names])
    explained = workbook.create_sheet(_("columns"))
    explained.append([_("column"), _("required"), _("what it holds"), _("codes")])
    for column in columns:
        explained.append(
            [
                column.name,
                _("yes") if column.required else _("no"),
                column.description,
                "; ".join(code for code, _label in column.codes),
            ]
        )
    _codes_sheet(workbook, columns)
    workbook.save(target)


def _codes_sheet(workbook: Any, columns: Sequence[ColumnHelp]) -> None:
    """A sheet of every code the `columns` take, with its label in the active language."""
    codes = workbook.create_sheet(_("codes"))
    codes.append([_("column"), _("code"), _("label")])
    for column in columns:
        for code, label in column.codes:
            codes.append([column.name, code, str(label)])
