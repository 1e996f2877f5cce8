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
from django.utils.translation import gettext as _

from comity.accounts.choices import NON_PARTY_KINDS, AuthorityKind
from comity.accounts.models import Authority, User
from comity.accounts.services import authority_create
from comity.cooperation.choices import Direction, EventKind
from comity.cooperation.models import Request, RequestMeasure, RequestOffence, RequestRefusalGround
from comity.cooperation.selectors import joined_codes, request_filters
from comity.cooperation.services import BulkRequest, requests_import, timeline_fields
from comity.cooperation.statemachine import Timeline, TransitionError, apply
from comity.core import imports, messages
from comity.core.bulk import analyze, collector_paused, sqlite_cache_enlarged
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


@collector_paused()
@sqlite_cache_enlarged()
def import_requests_job(
    handle: IO[bytes], name: str, *, options: dict[str, Any], **given: Any
) -> ImportResult:
    """`import_requests` as core.imports runs an importer (its option: `new_authorities`)."""
    return import_requests(handle, name, new_authorities=options.get("new_authorities", True), **given)


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
    """
    check_size(handle, name)
    today = today or datetime.date.today()
    problems: list[Problem] = []
    parsed: list[_Parsed] = []
    references: dict[str, int] = {}
    in_comity = _references(authority)
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
            if item.reference not in in_comity:
                item.row = None  # only a row already in Comity is compared; the others need not stay
                if _COMITY_NUMBER.fullmatch(item.reference):
                    problems.append(
                        Problem(
                            number,
                            "reference",
                            item.reference,
                            _(
                                "an export names a request of yours without a reference #123; none has this number"
                            ),
                        )
                    )
            parsed.append(item)
        if count % PROGRESS_EVERY == 0:
            progress("checked", count)
    if count == 0:
        problems.append(Problem(2, "", "", _("The file has a header but no rows.")))
    problems += _not_parties(parsed)
    existing = _existing(authority, [r for r in references if r in in_comity])
    result = ImportResult(rows=count)
    new_items = []
    for item in parsed:
        stored = existing.get(item.reference)
        if stored is None:
            new_items.append(item)
        elif item.row is not None and (difference := _first_difference(stored, item.row)) is not None:
            problems.append(
                Problem(
                    item.number,
                    difference,
                    item.row[difference],
                    _("reference %(ref)s is already in Comity with %(old)r here")
                    % {"ref": item.reference, "old": stored[difference]},
                )
            )
        else:
            result.unchanged += 1
    unknown = _unknown_counterparts(new_items)
    result.new_authorities = [
        {"country": country, "name": name, "suggestion": suggestion}
        for (country, name), suggestion in sorted(unknown.items())
    ]
    if not new_authorities:
        problems += [
            Problem(
                item.number,
                "requested_authority" if item.outgoing else "requesting_authority",
                item.counterpart[1],
                _new_authority_refused(item.counterpart[0], unknown[item.counterpart]),
            )
            for item in new_items
            if item.counterpart in unknown
        ]
    if problems:
        raise ImportRejected(problems[:MAX_REPORTED], max(0, len(problems) - MAX_REPORTED))
    if not commit:
        result.created = len(new_items)
        result.authorities_created = [f"{name} ({country})" for country, name in sorted(unknown)]
        return result
    # The counterparts the file names anew are made in the same transaction as the requests.
    with transaction.atomic():
        counterparts = _counterparts({item.counterpart for item in new_items}, result, actor=actor)
        imported = _("(imported)")
        batches = (
            [_bulk(item, authority, counterparts, imported) for item in new_items[start : start + BATCH]]
            for start in range(0, len(new_items), BATCH)
        )
        result.created = requests_import(
            actor=actor, authority=authority, batches=batches, progress=lambda done: progress("written", done)
        )
    if result.created:
        analyze(Request)
    return result


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


def _not_parties(parsed: list[_Parsed]) -> list[Problem]:
    """Rows whose counterpart is an authority that is never a party (the secretariat): it is
    not matched, nor created again under its own name."""
    barred = {(a.country, a.name.casefold()) for a in Authority.objects.filter(kind__in=NON_PARTY_KINDS)}
    return [
        Problem(
            item.number,
            "requested_authority" if item.outgoing else "requesting_authority",
            item.counterpart[1],
            _("this authority cannot be a party to a request"),
        )
        for item in parsed
        if (item.counterpart[0], item.counterpart[1].casefold()) in barred
    ]


def _known_authorities(wanted: set[tuple[str, str]]) -> dict[tuple[str, str], Authority]:
    """Authorities already in Comity among (country, name) pairs, keyed by country and folded name."""
    return {
        (a.country, a.name.casefold()): a
        for a in Authority.objects.filter(country__in={c for c, _n in wanted})
    }


def _unknown_counterparts(items: list[_Parsed]) -> dict[tuple[str, str], str | None]:
    """The counterparts of `items` that Comity does not know, each with the closest name of a known
    authority of its country that can be a party (a likely typo), or None."""
    wanted = {item.counterpart for item in items}
    known = _known_authorities(wanted)
    unknown = {(country, name) for country, name in wanted if (country, name.casefold()) not in known}
    names: dict[str, list[str]] = {}
    for authority in known.values():
        if authority.can_be_party:
            names.setdefault(authority.country, []).append(authority.name)
    return {
        (country, name): next(
            iter(difflib.get_close_matches(name, names.get(country, []), n=1, cutoff=0.5)), None
        )
        for country, name in unknown
    }


def _new_authority_refused(country: str, suggestion: str | None) -> str:
    if suggestion:
        return _(
            "no authority of %(country)s has this name in Comity; the closest is “%(suggestion)s”. Correct "
            "the file, or import allowing new authorities"
        ) % {"country": country, "suggestion": suggestion}
    return _(
        "no authority of %(country)s has this name in Comity. Correct the file, or import allowing new authorities"
    ) % {"country": country}


def _counterparts(
    wanted: set[tuple[str, str]], result: ImportResult, *, actor: User | None
) -> dict[tuple[str, str], Authority]:
    known = _known_authorities(wanted)
    found = {}
    for country, name in sorted(wanted):
        authority = known.get((country, name.casefold()))
        if authority is None:
            authority = authority_create(
                actor=actor, name=name, country=country, kind=AuthorityKind.CENTRAL_AUTHORITY, external=True
            )
            known[(country, name.casefold())] = authority
            result.authorities_created.append(f"{name} ({country})")
        found[(country, name)] = authority
    return found


def _bulk(
    item: _Parsed, authority: Authority, counterparts: dict[tuple[str, str], Authority], imported: str
) -> BulkRequest:
    other = counterparts[item.counterpart]
    requesting, requested = (authority, other) if item.outgoing else (other, authority)
    created_on = item.events[0][1]
    fields = {
        "requesting_authority_id": requesting.pk,
        "requested_authority_id": requested.pk,
        "requesting_country": requesting.country,
        "requested_country": requested.country,
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
