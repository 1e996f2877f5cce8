"""Helpers shared by the management commands."""

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, Any, cast

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser, OutputWrapper

from comity.core.tabular import ColumnHelp, ImportRejected, write_csv, write_xlsx


def validation_message(error: ValidationError) -> str:
    """One line per field, `field: message`, for the terminal."""
    if hasattr(error, "error_dict"):
        return "\n".join(f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items())
    return " ".join(error.messages)


def rejection_text(rejected: ImportRejected) -> str:
    """An import's refusal for the terminal: every problem by row and column, and how many more."""
    lines = [str(problem) for problem in rejected.problems]
    if rejected.more:
        lines.append(f"... and {rejected.more} more problems")
    return "Nothing was imported:\n" + "\n".join(lines)


def write_rows(
    rows: Iterable[Sequence[Any]],
    *,
    fmt: str,
    output: Path | None,
    sheet: str,
    stdout: IO[str] | OutputWrapper,
    labels: Sequence[ColumnHelp] = (),
) -> None:
    """An export's rows as CSV (to `output`, or the terminal) or XLSX (to `output` only)."""
    if fmt == "xlsx":
        if output is None:
            raise CommandError("output: an XLSX export needs --output FILE")
        write_xlsx(rows, output, sheet, labels)
    elif output is None:
        # A command's OutputWrapper would end each chunk with a newline: write to its stream.
        stream = cast(IO[str], stdout._out) if isinstance(stdout, OutputWrapper) else stdout
        write_csv((list(row) for row in rows), stream)
    else:
        with output.open("w", encoding="utf-8", newline="") as handle:
            write_csv((list(row) for row in rows), handle)


def add_file_arguments(parser: CommandParser, *, importing: bool) -> None:
    """The arguments every spreadsheet import or export of an authority's records takes."""
    parser.add_argument("--authority", type=int, help="The authority's id (default: the only one with users)")
    if importing:
        parser.add_argument("file", type=Path)
    else:
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument("--output", type=Path, help="File to write (default: standard output, CSV only)")
