"""One way to import a spreadsheet, whatever it holds: the file kept and checked in the background
with its progress on the page, every problem named by row and column before anything is written,
a preview confirmed by the user, then everything written in one transaction, or nothing (see
`core.jobs`, which runs the jobs). Each app registers how its kind of rows is checked and
written (`Importer`); the size cap and the file's reading (`core.tabular.read_rows`) are the same
for all."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.utils.translation import gettext as _

from comity.core.tabular import ImportRejected, Problem


@dataclass
class ImportResult:
    """What every import says it did, on its page and on the command line: the rows read, the
    records it adds (`created`; with commit=False, would add) and those already in Comity, left as
    they are (`unchanged`). A kind adds fields of its own (a subclass)."""

    rows: int = 0
    created: int = 0
    unchanged: int = 0


# What an importer is given: the file, its name, and keywords `authority`, `actor`, `progress`
# (a callable taking a stage, "checked" or "written", and the rows done), `commit` (False: check
# and preview only) and the kind's own `options`; it returns its ImportResult, or raises
# ImportRejected. A checked file that adds nothing (`created` 0) is not kept for a confirmation.
ImportRun = Callable[..., ImportResult]


@dataclass(frozen=True)
class Importer:
    kind: str  # the job's kind, e.g. "requests", "asset-cases"
    run: ImportRun
    # The job's page, and its part that htmx polls (which extends "imports/_job.html").
    page: str
    fragment: str
    # Names of the pages to upload a file, to follow a job (taking its pk), to see what was imported.
    start_url: str
    job_url: str
    list_url: str


_IMPORTERS: dict[str, Importer] = {}


def register_importer(importer: Importer) -> None:
    _IMPORTERS[importer.kind] = importer


def importer(kind: str) -> Importer:
    return _IMPORTERS[kind]


def check_size(handle: IO[bytes], name: str) -> None:
    """ImportRejected for a file larger than COMITY_IMPORT_MAX_BYTES, before it is read."""
    size = handle.seek(0, 2)
    handle.seek(0)
    if size > settings.COMITY_IMPORT_MAX_BYTES:
        raise ImportRejected(
            [
                Problem(
                    1,
                    "",
                    name,
                    _("The file is %(s)d MB; the largest accepted is %(m)d MB. Split it into smaller files.")
                    % {"s": size // 2**20, "m": settings.COMITY_IMPORT_MAX_BYTES // 2**20},
                )
            ]
        )
