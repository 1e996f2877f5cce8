"""Import and export of requests in the canonical spreadsheet layout (CSV or XLSX, one row each).

Import is all-or-nothing: every row is checked first, and any problem (named by row, column,
value and reason) means nothing is written. References are the key: a row whose reference the
importing authority already has is skipped when identical, and is an error when it differs.
Export writes the same layout, so that export(import(file)) gives the file back.
"""

import datetime
import difflib
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from comity.accounts.choices import AuthorityKind
from comity.accounts.models import Authority, User
from comity.accounts.services import authority_create
from comity.cooperation.choices import Direction, EventKind
from comity.cooperation.models import Request, RequestMeasure, RequestOffence, RequestRefusalGround
from comity.cooperation.selectors import joined_codes, request_filters
from comity.cooperation.services import BulkRequest, BulkRows, bulk_rows, requests_import, timeline_fields
from comity.cooperation.statemachine import Timeline, TransitionError, apply
from comity.core import imports, messages
from comity.core.bulk import (
    analyze,
    check_foreign_keys_per_statement,
    collector_paused,
    reserve_ids,
    sqlite_cache_enlarged,
)
from comity.core.imports import check_size
from comity.core.tabular import NO, YES, ColumnHelp, ImportRejected, Problem, RowChecker, escape, read_rows
from comity.reference.choices import (
    LegalBasis,
    Measure,
    Offence,
    Outcome,
    Proceeding,
    RefusalGround,
    RequestType,
)

COLUMNS = (
    "reference",
    "direction",
    "type",
    "requesting_country",
    "requested_country",
    "requesting_authority",
    "requested_authority",
    "legal_basis",
    "offences",
    "measures",
    "proceeding",
    "urgent",
    "sent_on",
    "received_on",
    "closed_on",
    "outcome",
    "refusal_grounds",
    "summary",
)
MAX_REPORTED = 200


def column_help() -> list[ColumnHelp]:
    """What each column holds, in the user's language, for the import template."""
    yes_no = [(YES, _("Yes")), (NO, _("No"))]
    return [
        ColumnHelp(
            "reference", True, _("Your authority's reference of the request (the key of a re-import).")
        ),
        ColumnHelp(
            "direction",
            True,
            _("Outgoing: your authority requests; incoming: it is requested."),
            Direction.choices,
        ),
        ColumnHelp("type", True, _("The kind of cooperation."), RequestType.choices),
        ColumnHelp(
            "requesting_country", True, _("ISO 3166-1 alpha-2 code of the requesting State, e.g. PE.")
        ),
        ColumnHelp("requested_country", True, _("ISO 3166-1 alpha-2 code of the requested State, e.g. CH.")),
        ColumnHelp(
            "requesting_authority",
            False,
            _(
                "Name of the requesting authority: your own may be left empty; a counterpart unknown to Comity is created as external once you confirm it."
            ),
        ),
        ColumnHelp("requested_authority", False, _("Name of the requested authority, as above.")),
        ColumnHelp("legal_basis", True, _("The legal basis invoked."), LegalBasis.choices),
        ColumnHelp("offences", True, _("One offence code or more, separated by “;”."), Offence.choices),
        ColumnHelp("measures", False, _("Measures requested, separated by “;”."), Measure.choices),
        ColumnHelp("proceeding", True, _("The proceeding in the requesting State."), Proceeding.choices),
        ColumnHelp("urgent", False, _("Whether the request is urgent."), yes_no),
        ColumnHelp("sent_on", False, _("Date sent (YYYY-MM-DD), not before 1950 nor in the future.")),
        ColumnHelp("received_on", False, _("Date received (YYYY-MM-DD), not before it was sent.")),
        ColumnHelp("closed_on", False, _("Date closed (YYYY-MM-DD), with an outcome.")),
        ColumnHelp("outcome", False, _("Empty while pending."), Outcome.choices),
        ColumnHelp(
            "refusal_grounds",
            False,
            _("For a refusal: its grounds, separated by “;”."),
            RefusalGround.choices,
        ),
        ColumnHelp("summary", False, _("A summary of the facts.")),
    ]


# A complete row, shown on the template's example sheet (never on the sheet that is imported).
EXAMPLE_ROW = {
    "reference": "PE-UCJIE-2024-0042",
    "direction": "outgoing",
    "type": "mla",
    "requesting_country": "PE",
    "requested_country": "CH",
    "requesting_authority": "",
    "requested_authority": "Federal Office of Justice",
    "legal_basis": "uncac",
    "offences": "uncac-17;uncac-23",
    "measures": "bank-records;freezing",
    "proceeding": "criminal",
    "urgent": "no",
    "sent_on": "2024-03-04",
    "received_on": "2024-03-11",
    "closed_on": "",
    "outcome": "",
    "refusal_grounds": "",
    "summary": "Public funds embezzled and moved to accounts in Geneva.",
}

BATCH = 5000
PROGRESS_EVERY = 1000
# The allowed codes, computed once: TextChoices.values builds a new list at every call.
CODES = {
    name: tuple(choices.values)
    for name, choices in (
        ("direction", Direction),
        ("type", RequestType),
        ("legal_basis", LegalBasis),
        ("proceeding", Proceeding),
        ("offences", Offence),
        ("measures", Measure),
        ("refusal_grounds", RefusalGround),
        ("outcome", Outcome),
    )
}


@dataclass
class ImportResult(imports.ImportResult):
    authorities_created: list[str] = field(default_factory=list)
    # Counterparts named in the file that Comity does not know: {"country", "name", "suggestion"},
    # the suggestion being the closest name of an authority of that country (or None).
    new_authorities: list[dict[str, str | None]] = field(default_factory=list)


# --- checking rows ----------------------------------------------------------------------------

# The columns a row's timeline is rebuilt from.
_TIMELINE_COLUMNS = frozenset({"sent_on", "received_on", "closed_on", "outcome", "refusal_grounds"})


@dataclass
class _Parsed:
    number: int
    reference: str
    outgoing: bool
    counterpart: tuple[str, str]
    fields: dict[str, Any]
    offences: list[str]
    measures: list[str]
    grounds: list[str]
    events: list[tuple[str, datetime.date, list[str]]]
    timeline: Timeline
    row: dict[str, str] | None


def _parse(
    number: int, row: dict[str, str], authority: Authority, problems: list[Problem], today: datetime.date
) -> _Parsed | None:
    check = RowChecker(number, row, problems)
    before = len(problems)
    reference = row["reference"]
    if not reference:
        check.fail("reference", messages.required())
    direction = check.code("direction", CODES["direction"])
    if direction not in CODES["direction"]:
        # Which side is which follows from the direction: unknown, its own problem says it all.
        direction = ""
    outgoing = direction == Direction.OUTGOING
    requesting_country, requested_country = (
        check.country("requesting_country"),
        check.country("requested_country"),
    )
    own_country, own_name = (
        ("requesting", "requesting_authority") if outgoing else ("requested", "requested_authority")
    )
    other_country, other_name = (
        ("requested", "requested_authority") if outgoing else ("requesting", "requesting_authority")
    )
    countries = {"requesting": requesting_country, "requested": requested_country}
    if direction and countries[own_country] and countries[own_country] != authority.country:
        own_side = (
            _("an outgoing request is made by %(a)s: the requesting State is %(c)s")
            if outgoing
            else _("an incoming request is made to %(a)s: the requested State is %(c)s")
        )
        check.fail(f"{own_country}_country", own_side % {"a": authority.name, "c": authority.country})
    if direction and row[own_name] and row[own_name].casefold() != authority.name.casefold():
        check.fail(
            own_name,
            _("this side is the importing authority: give its name in Comity, %(a)s, or leave the cell empty")
            % {"a": authority.name},
        )
    if direction and not row[other_name]:
        check.fail(other_name, _("required: the counterpart authority's name"))
    check.lengths(
        (
            ("reference", Request, "requesting_reference"),
            ("summary", Request, "summary"),
            ("requesting_authority", Authority, "name"),
            ("requested_authority", Authority, "name"),
        )
    )
    urgent = row["urgent"].lower()
    if urgent not in (YES, NO, ""):
        check.fail("urgent", _("yes or no"))
    fields = {
        "type": check.code("type", CODES["type"]),
        "legal_basis": check.code("legal_basis", CODES["legal_basis"]),
        "proceeding": check.code("proceeding", CODES["proceeding"]),
        "urgent": urgent == YES,
        "summary": row["summary"],
    }
    offences = check.codes("offences", CODES["offences"], required=True)
    measures = check.codes("measures", CODES["measures"])
    grounds = check.codes("refusal_grounds", CODES["refusal_grounds"])
    outcome = check.code("outcome", CODES["outcome"], required=False)
    sent_on, received_on, closed_on = (
        check.date("sent_on"),
        check.date("received_on"),
        check.date("closed_on"),
    )
    if outcome and not closed_on and "closed_on" not in [p.column for p in problems[before:]]:
        check.fail("closed_on", _("an outcome needs the date the request was closed"))
    if closed_on and not outcome:
        check.fail("outcome", _("a closed request needs its outcome"))
    if grounds and outcome != Outcome.REFUSED:
        check.fail("refusal_grounds", _("grounds are given only for a refused request"))
    if outcome == Outcome.REFUSED and not grounds:
        check.fail("refusal_grounds", _("a refusal states at least one ground"))
    # The dates' order is checked as soon as the dates and the outcome read well, whatever else
    # the row gets wrong: the report then lists every problem of the row at once.
    if any(p.column in _TIMELINE_COLUMNS for p in problems[before:]):
        return None

    dates = [d for d in (sent_on, received_on, closed_on) if d]
    events: list[tuple[str, datetime.date, list[str]]] = [
        (EventKind.CREATED, min(dates) if dates else today, [])
    ]
    timeline = apply(Timeline(), EventKind.CREATED, events[0][1])
    for column, kind, day, kind_grounds in (
        ("sent_on", EventKind.SENT, sent_on, []),
        ("received_on", EventKind.RECEIVED, received_on, []),
        ("closed_on", outcome, closed_on, grounds),
    ):
        if day is None:
            continue
        try:
            timeline = apply(timeline, kind, day, by_head=True, refusal_grounds=kind_grounds, today=today)
        except TransitionError as error:
            check.fail(column, error.message)
            return None
        events.append((kind, day, kind_grounds))
    if len(problems) > before:
        return None
    counterpart = (countries[other_country], row[other_name])
    return _Parsed(
        number, reference, outgoing, counterpart, fields, offences, measures, grounds, events, timeline, row
    )


# --- importing --------------------------------------------------------------------------------


def import_requests_job(
    handle: IO[bytes], name: str, *, options: dict[str, Any], **given: Any
) -> ImportResult:
    """`import_requests` as core.imports runs an importer (its option: `new_authorities`)."""
    return import_requests(handle, name, new_authorities=options.get("new_authorities", True), **given)


# The collector is paused for every import, the command line's and the benchmark's as well as the
# page's job: the checking process inherits it, and collecting the rows it keeps, again and again,
# was much of its time (figures in the commit that moved this here).
@collector_paused()
@sqlite_cache_enlarged()
def import_requests(
    handle: IO[bytes],
    name: str,
    *,
    authority: Authority,
    actor: User | None = None,
    progress: Callable[[str, int], None] = lambda stage, done: None,
    today: datetime.date | None = None,
    commit: bool = True,
    new_authorities: bool = True,
) -> ImportResult:
    """Check every row, then write them all in one transaction, or raise ImportRejected.

    With commit=False nothing is written: the result says what an import would do (a preview),
    naming the counterparts that would be new with the closest known name of their country (a
    typo would otherwise create an authority that everyone then sees). With new_authorities=False
    a row naming an unknown counterpart is a problem of that row.

    With commit=True the file is checked in a child process (`core.imports.run_aside`) that hands
    each batch of checked rows, made into the tables' rows, to this process, which writes it
    while the next is checked. The first problem stops the writing; every row is still checked
    and every problem listed, and the transaction, holding what was written, is rolled back.
    """
    check_size(handle, name)
    context = _Context.read(authority, today or datetime.date.today(), new_authorities, actor)
    if not commit:
        checked = _check(handle, name, context, progress, None)
        problems = _problems(checked, authority)
        if problems:
            raise ImportRejected(problems[:MAX_REPORTED], max(0, len(problems) - MAX_REPORTED))
        result = checked.result
        result.created = checked.new
        result.authorities_created = [f"{name} ({country})" for country, name in sorted(checked.unknown)]
        return result
    with transaction.atomic():
        result = _write(handle, name, context, progress, actor)
    if result.created:
        analyze(Request)
    return result


@dataclass
class _Context:
    """What checking a file needs of the database, read before the file: the file may then be
    checked in a child process, which reads no database."""

    authority: Authority
    today: datetime.date
    new_authorities: bool
    actor_id: int | None
    in_comity: set[str]  # the keys of the authority's requests (`_references`)
    # Every authority, by country and folded name: its id, whether it can be a party, its name.
    known: dict[tuple[str, str], tuple[int, bool, str]]
    imported: str

    @classmethod
    def read(
        cls, authority: Authority, today: datetime.date, new_authorities: bool, actor: User | None
    ) -> "_Context":
        known = {
            (a.country, a.name.casefold()): (a.pk, a.can_be_party, a.name)
            for a in Authority.objects.only("pk", "country", "name", "kind")
        }
        actor_id = actor.pk if actor else None
        return cls(
            authority, today, new_authorities, actor_id, _references(authority), known, _("(imported)")
        )


@dataclass
class _Checked:
    """What checking a file found, in the order the problems are reported."""

    result: ImportResult
    problems: list[Problem]  # of each row, in the file's order
    not_parties: list[Problem]
    refused: list[Problem]  # counterparts not known, when new ones are not allowed
    kept: list[_Parsed]  # rows whose reference is in Comity already: compared, never written
    new: int = 0  # rows to add
    unknown: dict[tuple[str, str], str | None] = field(default_factory=dict)


def _check(
    handle: IO[bytes],
    name: str,
    context: _Context,
    progress: Callable[[str, int], None],
    parent: imports.Parent | None,
) -> _Checked:
    """Check every row of the file; with a `parent` (in a child process, importing), send it each
    batch of rows to add as the tables' rows, as long as no problem is found."""
    authority, today = context.authority, context.today
    checked = _Checked(ImportResult(), [], [], [], [])
    problems = checked.problems
    references: dict[str, int] = {}
    batches = _Batches(context, parent) if parent is not None else None
    count = 0
    for number, row in read_rows(handle, name, COLUMNS):
        count += 1
        item = _parse(number, row, authority, problems, today)
        # A repeated reference is reported even when the row it repeats has other problems: the
        # report lists every problem at once.
        reference = row["reference"]
        if reference in references:
            problems.append(
                Problem(number, "reference", reference, _("repeats row %(r)d") % {"r": references[reference]})
            )
        elif reference:
            references[reference] = number
        if item is not None:
            _check_item(item, context, checked)
            if batches is not None and item.row is None:
                batches.add(item, stopped=bool(problems or checked.not_parties or checked.refused))
        if count % PROGRESS_EVERY == 0:
            progress("checked", count)
    if count == 0:
        problems.append(Problem(2, "", "", _("The file has a header but no rows.")))
    if batches is not None:
        batches.finish(stopped=bool(problems or checked.not_parties or checked.refused))
    checked.result.rows = count
    return checked


def _check_item(item: _Parsed, context: _Context, checked: _Checked) -> None:
    """The checks of a row that read what Comity holds (all read beforehand, in `context`)."""
    country, counterpart = item.counterpart
    known = context.known.get((country, counterpart.casefold()))
    column = "requested_authority" if item.outgoing else "requesting_authority"
    if known is not None and not known[1]:
        # The secretariat is never a party: not matched, nor created again under its own name.
        checked.not_parties.append(
            Problem(item.number, column, counterpart, _("this authority cannot be a party to a request"))
        )
    if item.reference in context.in_comity:
        checked.kept.append(item)  # compared with what Comity holds, by the importing process
        return
    item.row = None  # only a row already in Comity is compared; the others need not stay
    if _COMITY_NUMBER.fullmatch(item.reference):
        checked.problems.append(
            Problem(
                item.number,
                "reference",
                item.reference,
                _("an export names a request of yours without a reference #123; none has this number"),
            )
        )
    checked.new += 1
    if known is None:
        if item.counterpart not in checked.unknown:
            checked.unknown[item.counterpart] = _suggestion(context, country, counterpart)
        if not context.new_authorities:
            checked.refused.append(
                Problem(
                    item.number,
                    column,
                    counterpart,
                    _new_authority_refused(country, checked.unknown[item.counterpart]),
                )
            )


def _suggestion(context: _Context, country: str, name: str) -> str | None:
    """The closest name of a known authority of `country` that can be a party (a likely typo), or None."""
    names = [known for (c, _f), (_pk, party, known) in context.known.items() if c == country and party]
    return next(iter(difflib.get_close_matches(name, names, n=1, cutoff=0.5)), None)


class _Batches:
    """The rows to add, gathered in batches, each sent to the importing process as the tables'
    rows (`bulk_rows`) under ids it draws, as long as no problem was found. Its answers are read
    a batch late, so that checking goes on while they come."""

    def __init__(self, context: _Context, parent: imports.Parent) -> None:
        self.context, self.parent = context, parent
        self.pending: list[_Parsed] = []
        self.asked: list[_Parsed] | None = None  # the batch whose ids were asked for, not yet sent
        self.asked_counterparts: list[tuple[str, str]] = []
        self.counterparts: dict[tuple[str, str], tuple[int, str]] = {}  # by country and folded name
        self.now = timezone.now()
        self.stopped = False

    def add(self, item: _Parsed, *, stopped: bool) -> None:
        if stopped:
            self._stop()
            return
        self.pending.append(item)
        if len(self.pending) == BATCH:
            self._ask()

    def finish(self, *, stopped: bool) -> None:
        if stopped:
            self._stop()
            return
        self._ask()
        self._send()

    def _stop(self) -> None:
        if not self.stopped:
            self.stopped = True
            self.pending = []
            self.parent.send("stopped")

    def _ask(self) -> None:
        """Ask for the pending batch's ids and new counterparts, send the batch asked before."""
        self._send()
        if not self.pending:
            return
        for item in self.pending:
            country, name = item.counterpart
            key = (country, name.casefold())
            if key not in self.counterparts:
                known = self.context.known.get(key)
                if known is None:
                    self.parent.ask("counterpart", country, name)
                    self.asked_counterparts.append(key)
                    self.counterparts[key] = (0, country)  # its id comes with the answer
                else:
                    self.counterparts[key] = (known[0], country)
        self.parent.ask("ids", len(self.pending))
        self.asked, self.pending = self.pending, []

    def _send(self) -> None:
        if self.asked is None:
            return
        for key in self.asked_counterparts:
            self.counterparts[key] = (self.parent.answer(), key[0])
        self.asked_counterparts = []
        ids = self.parent.answer()
        own = (self.context.authority.pk, self.context.authority.country)
        items = [_bulk(item, own, self.counterparts, self.context.imported) for item in self.asked]
        self.parent.send("batch", bulk_rows(items, ids, actor_id=self.context.actor_id, now=self.now))
        self.asked = None


def _in_child(handle: IO[bytes], name: str, context: _Context) -> Callable[[imports.Parent], None]:
    def work(parent: imports.Parent) -> None:
        checked = _check(handle, name, context, lambda stage, done: parent.send(stage, done), parent)
        parent.send("done", checked)

    return work


def _write(
    handle: IO[bytes], name: str, context: _Context, progress: Callable[[str, int], None], actor: User | None
) -> ImportResult:
    """Check the file in a child process and write what it sends, in the caller's transaction;
    ImportRejected, having written nothing that stays, if a problem is found."""
    authority = context.authority
    outcome: list[_Checked] = []
    created_names: list[str] = []
    writing = {"stopped": False, "written": False}

    def batches(child: imports.Child) -> Iterator[BulkRows]:
        for message in child:
            kind = message[0]
            if kind == "checked":
                if writing["stopped"] or not writing["written"]:
                    progress("checked", message[1])
            elif kind == "stopped":
                writing["stopped"] = True
            elif kind == "ask" and message[1] == "ids":
                child.answer(reserve_ids(Request, message[2]))
            elif kind == "ask" and message[1] == "counterpart":
                _kind, _ask, country, counterpart = message
                created = authority_create(
                    actor=actor,
                    name=counterpart,
                    country=country,
                    kind=AuthorityKind.CENTRAL_AUTHORITY,
                    external=True,
                )
                created_names.append(f"{counterpart} ({country})")
                child.answer(created.pk)
            elif kind == "batch":
                writing["written"] = True
                yield message[1]
            elif kind == "done":
                outcome.append(message[1])
                return

    check_foreign_keys_per_statement()
    with imports.run_aside(_in_child(handle, name, context)) as child:
        created = requests_import(
            actor=actor,
            authority=authority,
            batches=batches(child),
            progress=lambda done: progress("written", done),
        )
    checked = outcome[0]
    problems = _problems(checked, authority)
    if problems:
        raise ImportRejected(problems[:MAX_REPORTED], max(0, len(problems) - MAX_REPORTED))
    result = checked.result
    result.created = created
    result.authorities_created = sorted(created_names)
    return result


def _problems(checked: _Checked, authority: Authority) -> list[Problem]:
    """Every problem of the file, in the order they are reported: each row's, then the
    counterparts that cannot be a party, the rows that differ from what Comity holds, then the
    counterparts that are not allowed to be new. Counts the unchanged rows on the way."""
    existing = _existing(authority, [item.reference for item in checked.kept])
    differences = []
    for item in checked.kept:
        stored = existing.get(item.reference)
        assert item.row is not None
        if stored is not None and (difference := _first_difference(stored, item.row)) is not None:
            differences.append(
                Problem(
                    item.number,
                    difference,
                    item.row[difference],
                    _("reference %(ref)s is already in Comity with %(old)r here")
                    % {"ref": item.reference, "old": stored[difference]},
                )
            )
        else:
            checked.result.unchanged += 1
    checked.result.new_authorities = _new_authorities(checked)
    return checked.problems + checked.not_parties + differences + checked.refused


def _new_authorities(checked: _Checked) -> list[dict[str, str | None]]:
    return [
        {"country": country, "name": name, "suggestion": suggestion}
        for (country, name), suggestion in sorted(checked.unknown.items())
    ]


_COMITY_NUMBER = re.compile(r"#\d+")


def own_reference(row: Mapping[str, Any], authority: Authority) -> str:
    """The authority's key for a request (an `exportable` row) in its register: its own reference;
    for a request it has been sent and not yet numbered, the sender's; for one with no reference
    at all (registered without one), Comity's number, "#123" — so that its export imported again
    finds every row. `_keyed` says the same in SQL."""
    if row["requesting_authority_id"] == authority.pk:
        reference = row["requesting_reference"]
    else:
        reference = row["requested_reference"] or row["requesting_reference"]
    return reference or f"#{row['pk']}"


def _keyed(authority: Authority) -> list[tuple[str, Q]]:
    """The authority's requests in parts, each with the column its key is in ("pk": "#123"), the
    cases of `own_reference` one by one (each part can use the authority's index)."""
    made = Q(requesting_authority=authority)
    received = Q(requested_authority=authority)
    return [
        ("requesting_reference", made & ~Q(requesting_reference="")),
        ("pk", made & Q(requesting_reference="")),
        ("requested_reference", received & ~Q(requested_reference="")),
        ("requesting_reference", received & Q(requested_reference="") & ~Q(requesting_reference="")),
        ("pk", received & Q(requested_reference="", requesting_reference="")),
    ]


def _references(authority: Authority) -> set[str]:
    """The keys the authority's requests already have in Comity (see `own_reference`)."""
    found: set[str] = set()
    for column, part in _keyed(authority):
        values = Request.objects.filter(part).values_list(column, flat=True)
        found |= {f"#{pk}" for pk in values} if column == "pk" else set(values)
    return found


def _existing(authority: Authority, references: list[str]) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for start in range(0, len(references), 900):
        chunk = references[start : start + 900]
        numbers = [int(r[1:]) for r in chunk if _COMITY_NUMBER.fullmatch(r)]
        wanted = Q()
        for column, part in _keyed(authority):
            wanted |= part & Q(**{f"{column}__in": numbers if column == "pk" else chunk})
        for request in exportable(Request.objects.filter(wanted)):
            row = export_row(request, authority)
            found[row["reference"]] = row
    return found


def _first_difference(stored: dict[str, str], row: dict[str, str]) -> str | None:
    for column in COLUMNS:
        left, right = stored[column], row[column]
        if column in ("offences", "measures", "refusal_grounds"):
            left, right = (
                ";".join(sorted(left.split(";"))),
                ";".join(sorted(c.strip() for c in right.split(";"))),
            )
        elif column in ("requesting_authority", "requested_authority"):
            left, right = left.casefold(), right.casefold()
        elif column in ("urgent", "requesting_country", "requested_country"):
            left, right = left.lower(), (right.lower() or (NO if column == "urgent" else ""))
        if left != right:
            return column
    return None


def _new_authority_refused(country: str, suggestion: str | None) -> str:
    if suggestion:
        return _(
            "no authority of %(country)s has this name in Comity; the closest is “%(suggestion)s”. Correct "
            "the file, or import allowing new authorities"
        ) % {"country": country, "suggestion": suggestion}
    return _(
        "no authority of %(country)s has this name in Comity. Correct the file, or import allowing new authorities"
    ) % {"country": country}


def _bulk(
    item: _Parsed,
    own: tuple[int, str],
    counterparts: dict[tuple[str, str], tuple[int, str]],
    imported: str,
) -> BulkRequest:
    """The request to store for a checked row; `own` and `counterparts` (by country and folded
    name) give authorities' ids and countries."""
    country, name = item.counterpart
    other = counterparts[(country, name.casefold())]
    (requesting_id, requesting_country), (requested_id, requested_country) = (
        (own, other) if item.outgoing else (other, own)
    )
    created_on = item.events[0][1]
    fields = {
        "requesting_authority_id": requesting_id,
        "requested_authority_id": requested_id,
        "requesting_country": requesting_country,
        "requested_country": requested_country,
        "urgency_reason": imported if item.fields["urgent"] else "",
        "requesting_reference": item.reference if item.outgoing else "",
        "requested_reference": "" if item.outgoing else item.reference,
        "created_at": datetime.datetime.combine(created_on, datetime.time(), tzinfo=datetime.UTC),
        **item.fields,
        **timeline_fields(
            item.timeline,
            request_type=item.fields["type"],
            urgent=item.fields["urgent"],
            created_on=created_on,
        ),
    }
    return BulkRequest(fields, item.events, item.offences, item.measures)


# --- exporting --------------------------------------------------------------------------------


# What an export row reads of a request, besides its codes.
_EXPORTED = (
    "pk",
    "requesting_authority_id",
    "requesting_reference",
    "requested_reference",
    "type",
    "requesting_country",
    "requested_country",
    "requesting_authority__name",
    "requested_authority__name",
    "legal_basis",
    "proceeding",
    "urgent",
    "sent_on",
    "received_on",
    "closed_on",
    "outcome",
    "summary",
)


def selection_to_export(user: User, params: QueryDict) -> tuple[Authority, QuerySet[Request]] | None:
    """The user's authority and the request list's selection under its filters `params`, as the
    user may see it now, cut to the authority's requests (the register it keeps; a request shared
    with it is another's); None when the user has no authority or a filter is not valid."""
    authority = user.authority
    filterset = request_filters(user, params)
    if authority is None or not filterset.is_valid():
        return None
    return authority, filterset.qs.filter(
        Q(requesting_authority=authority) | Q(requested_authority=authority)
    )


def exportable(queryset: QuerySet[Request]) -> QuerySet[Request, dict[str, Any]]:
    """The requests as an export reads them, in the order of their numbers: plain rows with their
    authorities' names and their codes, in one query. Model instances with three prefetched
    relations per row made a long register's export outlast what a web server lets a page run."""
    return queryset.values(
        *_EXPORTED,
        offences=joined_codes(RequestOffence),
        measures=joined_codes(RequestMeasure),
        refusal_grounds=joined_codes(RequestRefusalGround),
    ).order_by("pk")


def _codes(joined: str | None) -> str:
    return ";".join(sorted(joined.split(","))) if joined else ""


def _day(day: datetime.date | None) -> str:
    return day.isoformat() if day else ""


def export_row(request: Mapping[str, Any], authority: Authority) -> dict[str, str]:
    """An `exportable` row in the import layout, as `authority` keeps it in its register."""
    outgoing = request["requesting_authority_id"] == authority.pk
    return {
        "reference": own_reference(request, authority),
        "direction": Direction.OUTGOING if outgoing else Direction.INCOMING,
        "type": request["type"],
        "requesting_country": request["requesting_country"],
        "requested_country": request["requested_country"],
        "requesting_authority": request["requesting_authority__name"],
        "requested_authority": request["requested_authority__name"],
        "legal_basis": request["legal_basis"],
        "offences": _codes(request["offences"]),
        "measures": _codes(request["measures"]),
        "proceeding": request["proceeding"],
        "urgent": YES if request["urgent"] else NO,
        "sent_on": _day(request["sent_on"]),
        "received_on": _day(request["received_on"]),
        "closed_on": _day(request["closed_on"]),
        "outcome": request["outcome"],
        "refusal_grounds": _codes(request["refusal_grounds"]),
        "summary": request["summary"],
    }


def export_rows(requests: Iterable[Mapping[str, Any]], authority: Authority) -> Iterator[list[str]]:
    """The header, then each `exportable` row in the import layout, with formulas neutralised."""
    yield list(COLUMNS)
    for request in requests:
        row = export_row(request, authority)
        yield [escape(row[column]) for column in COLUMNS]
