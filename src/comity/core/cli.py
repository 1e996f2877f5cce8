"""Helpers shared by the management commands."""

import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import IO, Any, TypeVar, cast

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser, OutputWrapper

from comity.core.imports import ImportResult
from comity.core.tabular import ColumnHelp, ImportRejected, write_csv, write_xlsx

R = TypeVar("R", bound=ImportResult)


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


def existing_file(file: Path) -> Path:
    if not file.is_file():
        raise CommandError(f"file: {file} does not exist")
    return file


def _progress_to_terminal(stage: str, done: int) -> None:
    sys.stderr.write(f"\r  {stage}: {done} rows")
    sys.stderr.flush()


def import_file(file: Path, run: Callable[[IO[bytes], Callable[[str, int], None]], R]) -> R:
    """`run(handle, progress)` an import of `file` for the terminal, as every kind is: its progress
    on standard error, on one line rewritten (standard output keeps the result, for scripts), and
    its refusal, every problem by row and column, as the command's error."""
    with file.open("rb") as handle:
        try:
            return run(handle, _progress_to_terminal)
        except ImportRejected as rejected:
            raise CommandError(rejection_text(rejected)) from rejected
        finally:
            sys.stderr.write("\n")


def imported_text(result: ImportResult, what: str, authority: object) -> str:
    """An import's result for the terminal, the same for every kind: `what` names what `created`
    counts, e.g. "requests"."""
    return (
        f"Imported {result.created} {what} for {authority} ({result.unchanged} already present, "
        f"{result.rows} rows read)."
    )


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
