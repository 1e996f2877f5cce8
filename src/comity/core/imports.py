"""One way to import a spreadsheet, whatever it holds: the file kept and checked in the background
with its progress on the page, every problem named by row and column before anything is written,
a preview confirmed by the user, then everything written in one transaction, or nothing (see
`core.jobs`, which runs the jobs). Each app registers how its kind of rows is checked and
written (`Importer`); the size cap and the file's reading (`core.tabular.read_rows`) are the same
for all."""

import contextlib
import multiprocessing
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import IO, Any

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


class Parent:
    """The end a child process (`run_aside`) talks to its parent with: `send` a message, `ask` a
    question, whose answers `answer` gives in the order the questions were asked (the parent
    answers a question as it reads it, so the child may go on working before it reads the answer)."""

    def __init__(self, to_parent: Connection, answers: Connection) -> None:
        self._to_parent, self._answers = to_parent, answers

    def send(self, *message: Any) -> None:
        self._to_parent.send(message)

    def ask(self, *question: Any) -> None:
        self._to_parent.send(("ask", *question))

    def answer(self) -> Any:
        return self._answers.recv()


class Child:
    """The parent's end of `run_aside`: iterate over the child's messages (tuples), `answer` each
    question (a message starting with "ask") in order."""

    def __init__(self, from_child: Connection, answers: Connection) -> None:
        self._from_child, self._answers = from_child, answers

    def __iter__(self) -> Iterator[tuple]:
        while True:
            try:
                message = self._from_child.recv()
            except EOFError as error:
                raise RuntimeError("the import's checking process ended without its result") from error
            if message[0] == "rejected":
                raise ImportRejected(message[1], message[2])
            if message[0] == "failed":
                raise RuntimeError(f"the import's checking process failed: {message[1]}")
            yield message

    def answer(self, value: Any) -> None:
        # A child that stopped at a problem may have ended before reading what it asked: its
        # outcome still comes through the other pipe.
        with contextlib.suppress(BrokenPipeError):
            self._answers.send(value)


def _aside(
    work: Callable[[Parent], None], ends: tuple[Connection, Connection, Connection, Connection]
) -> None:
    from_child, to_parent, answers_in, answers_out = ends
    # The parent's ends, closed here: should the parent die, this process's next send or receive
    # fails, and it ends, instead of waiting for ever on a channel it alone holds open.
    from_child.close()
    answers_out.close()
    try:
        work(Parent(to_parent, answers_in))
    except ImportRejected as rejected:
        to_parent.send(("rejected", rejected.problems, rejected.more))
    except BaseException as error:  # reported to the parent, which raises
        # Its type only: an error's text may quote the file's content, which is kept out of logs.
        with contextlib.suppress(OSError):
            to_parent.send(("failed", type(error).__name__))
    # multiprocessing ends a forked child with os._exit: the database connections it inherited
    # are left to the parent, never closed from here (closing one would end the parent's session).


@contextlib.contextmanager
def run_aside(work: Callable[[Parent], None]) -> Iterator[Child]:
    """Run `work` in a child process forked from this one, which inherits what this one read
    (settings, the active language, sets read from the database) and must itself touch neither
    the database nor the cache; yield the parent's end of their channel. An import checks its file
    there while this process writes the rows already checked: on two cores each does its half
    beside the other (threads would take turns holding the interpreter's lock). The child is ended
    when the block is left, however it is left; it ends by itself if this process dies.

    Answers go through a pipe whose buffer holds a batch's answers: the child reads them before
    it sends anything large."""
    context = multiprocessing.get_context("fork")
    from_child, to_parent = context.Pipe(duplex=False)
    answers_in, answers_out = context.Pipe(duplex=False)
    ends = (from_child, to_parent, answers_in, answers_out)
    process = context.Process(target=_aside, args=(work, ends), daemon=True)
    process.start()
    to_parent.close()  # the child's ends: the parent's recv sees EOF once the child has gone
    answers_in.close()
    try:
        yield Child(from_child, answers_out)
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        from_child.close()
        answers_out.close()
