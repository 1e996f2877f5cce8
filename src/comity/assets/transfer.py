"""Asset recovery cases in the layout of the StAR Asset Recovery Watch database: one row per
asset action, the case's columns repeated on each of its rows.

Import is all-or-nothing, with every problem named by row and column. The importing authority
takes part in every case it imports. A case whose title the authority already has is skipped
when its rows are the same as those exported from it, and is an error when they differ. Export
writes the same layout, so that export(import(file)) gives the file back.
"""

import contextlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from comity.accounts.models import Authority, User
from comity.assets import services
from comity.assets.choices import AssetProceeding, CaseCountryRole, StepKind
from comity.assets.models import (
    Asset,
    AssetCase,
    AssetStep,
)
from comity.assets.rules import History, InUSD, StepInput, step_problems
from comity.core import imports, messages
from comity.core.dates import implausible
from comity.core.imports import check_size
from comity.core.tabular import ColumnHelp, ImportRejected, Problem, RowChecker, escape, read_rows
from comity.reference.choices import AssetCaseStatus, AssetType, Offence
from comity.reference.countries import is_country
from comity.reference.money import is_currency

# Rows checked between two reports of an import's progress.
PROGRESS_EVERY = 500
COLUMNS = (
    "case_title",
    "case_cluster",
    "country_of_origin",
    "country_of_asset_location",
    "transit_countries",
    "country_of_bribe_payer",
    "initiating_country",
    "offences",
    "proceeding",
    "asset_type",
    "currency",
    "amount_frozen",
    "frozen_on",
    "amount_confiscated",
    "confiscated_on",
    "amount_returned",
    "returned_on",
    "returned_to",
    "status",
    "notes",
)
CASE_COLUMNS = (
    "case_cluster",
    "country_of_origin",
    "transit_countries",
    "country_of_bribe_payer",
    "initiating_country",
    "offences",
)
# Which columns carry a step's amount and date.
STEP_COLUMNS = (
    (StepKind.FROZEN, "amount_frozen", "frozen_on"),
    (StepKind.CONFISCATED, "amount_confiscated", "confiscated_on"),
    (StepKind.RETURNED, "amount_returned", "returned_on"),
)
MAX_REPORTED = 200


def column_help() -> list[ColumnHelp]:
    """What each column holds, in the user's language, for the import template."""
    country = _("ISO 3166-1 alpha-2 code, e.g. CH")
    return [
        ColumnHelp(
            "case_title", True, _("The case's title: the rows of one case share it (the key of a re-import).")
        ),
        ColumnHelp("case_cluster", False, _("A group of related cases (e.g. a company's bribery scheme).")),
        ColumnHelp(
            "country_of_origin", True, _("The State of origin (victim State): %(c)s.") % {"c": country}
        ),
        ColumnHelp(
            "country_of_asset_location", True, _("Where this row's asset is: %(c)s.") % {"c": country}
        ),
        ColumnHelp("transit_countries", False, _("States the proceeds passed through, separated by “;”.")),
        ColumnHelp(
            "country_of_bribe_payer", False, _("The State of the bribe payer: %(c)s.") % {"c": country}
        ),
        ColumnHelp(
            "initiating_country", False, _("A third State that took legal action: %(c)s.") % {"c": country}
        ),
        ColumnHelp("offences", True, _("One offence code or more, separated by “;”."), Offence.choices),
        ColumnHelp("proceeding", False, _("For a confiscation: the proceeding."), AssetProceeding.choices),
        ColumnHelp("asset_type", True, _("The kind of asset."), AssetType.choices),
        ColumnHelp("currency", False, _("ISO 4217 code of the amounts, e.g. USD.")),
        ColumnHelp("amount_frozen", False, _("Amount frozen (digits and a decimal point).")),
        ColumnHelp("frozen_on", False, _("Date of the freezing (YYYY-MM-DD).")),
        ColumnHelp("amount_confiscated", False, _("Amount confiscated.")),
        ColumnHelp("confiscated_on", False, _("Date of the confiscation, not before the freezing.")),
        ColumnHelp("amount_returned", False, _("Amount returned.")),
        ColumnHelp("returned_on", False, _("Date of the return, not before the confiscation.")),
        ColumnHelp(
            "returned_to", False, _("The State (ISO code) or the victim the assets were returned to.")
        ),
        ColumnHelp("status", False, _("The asset's status as the file says it."), AssetCaseStatus.choices),
        ColumnHelp("notes", False, _("Why returns exceed the confiscation, if they do; other notes.")),
    ]


# A complete row, shown on the template's example sheet (never on the sheet that is imported).
EXAMPLE_ROW = {
    "case_title": "Highway concession bribes",
    "case_cluster": "Highway concessions",
    "country_of_origin": "PE",
    "country_of_asset_location": "CH",
    "transit_countries": "PA",
    "country_of_bribe_payer": "BR",
    "initiating_country": "",
    "offences": "uncac-15;uncac-23",
    "proceeding": "criminal",
    "asset_type": "bank-account",
    "currency": "USD",
    "amount_frozen": "2500000.00",
    "frozen_on": "2017-03-01",
    "amount_confiscated": "2000000.00",
    "confiscated_on": "2019-05-14",
    "amount_returned": "2000000.00",
    "returned_on": "2021-02-10",
    "returned_to": "PE",
    "status": "returned",
    "notes": "",
}


@dataclass
class ImportResult(imports.ImportResult):
    """`created` and `unchanged` count cases; a case has one asset or more, one a row."""

    assets_created: int = 0


@dataclass
class _Row:
    number: int
    row: dict[str, str]
    steps: list[tuple[StepInput, InUSD]] = field(default_factory=list)
    history: History = field(default_factory=History)


def _normal(row: dict[str, str]) -> tuple[str, ...]:
    """A row as comparable text: codes lower-case, countries upper-case, amounts to the cent."""
    out = []
    for column in COLUMNS:
        value = (row.get(column) or "").strip()
        if column.startswith("amount_") and value:
            with contextlib.suppress(ArithmeticError):
                value = f"{Decimal(value):.2f}"
        elif column.startswith("country_") or column in ("initiating_country", "currency"):
            value = value.upper()
        elif column in ("transit_countries", "offences"):
            value = ";".join(sorted(v.strip() for v in value.upper().split(";") if v.strip()))
        out.append(value)
    return tuple(out)


def _check_row(number: int, row: dict[str, str], problems: list[Problem]) -> _Row:
    check = RowChecker(number, row, problems)
    if not row["case_title"]:
        check.fail("case_title", messages.required())
    # `notes` becomes the asset's description (and a return's reason, which may be longer).
    check.lengths(
        (
            ("case_title", AssetCase, "title"),
            ("case_cluster", AssetCase, "cluster"),
            ("notes", Asset, "description"),
            ("returned_to", AssetStep, "returned_to_victim"),
        )
    )
    origin = check.country("country_of_origin")
    location = check.country("country_of_asset_location")
    check.countries("transit_countries")
    check.country("country_of_bribe_payer", required=False)
    initiating = check.country("initiating_country", required=False)
    if initiating and initiating in (origin, location):
        check.fail(
            "initiating_country",
            _("leave empty when the State that took action is the State of origin or of asset location"),
        )
    check.codes("offences", Offence.values, required=True)
    check.code("proceeding", AssetProceeding.values, required=False)
    check.code("asset_type", AssetType.values)
    status = check.code("status", AssetCaseStatus.values)
    currency = row["currency"].upper()
    parsed = _Row(number, row)
    history = parsed.history
    first_problem = len(problems)
    for kind, amount_column, date_column in STEP_COLUMNS:
        amount, on = check.amount(amount_column), check.date(date_column)
        if on is not None and (message := implausible(on, timezone.localdate())) is not None:
            check.fail(date_column, message)
            on = None
        if row[amount_column] and not row[date_column]:
            check.fail(date_column, _("required with %(c)s") % {"c": amount_column})
            continue
        if row[date_column] and not row[amount_column]:
            check.fail(amount_column, _("required with %(c)s") % {"c": date_column})
            continue
        if amount is None or on is None:
            if on is not None and row[amount_column]:
                history.add(kind, on, None)  # a bad amount: its date still bounds the later steps
            continue
        if not is_currency(currency):
            check.fail("currency", messages.unknown_currency(currency) if currency else messages.required())
            break
        returned_to = row["returned_to"].strip()
        step = StepInput(
            kind=kind,
            on=on,
            amount=amount,
            currency=currency,
            proceeding=row["proceeding"]
            or (AssetProceeding.CRIMINAL if kind == StepKind.CONFISCATED else ""),
            returned_to_country=returned_to.upper() if is_country(returned_to.upper()) else "",
            returned_to_victim="" if is_country(returned_to.upper()) else returned_to,
            reason=row["notes"],
        )
        errors, in_usd = step_problems(history, step, None)
        for name, reasons in errors.items():
            column = {
                "on": date_column,
                "amount": amount_column,
                "currency": "currency",
                "proceeding": "proceeding",
                "returned_to_country": "returned_to",
                "reason": "notes",
                "kind": amount_column,
            }.get(name, amount_column)
            for message in reasons:
                check.fail(column, message)
        if not errors and in_usd is not None:
            history.add(kind, on, in_usd.amount, proceeding=step.proceeding, amount=amount, currency=currency)
            parsed.steps.append((step, in_usd))
    if status and len(problems) == first_problem:
        _check_status(check, status, history.status)
    return parsed


def _check_status(check: RowChecker, status: str, from_amounts: str) -> None:
    if status == from_amounts:
        return
    if status == AssetCaseStatus.CLOSED:
        return
    if status == AssetCaseStatus.RELEASED and from_amounts in (
        AssetCaseStatus.FROZEN,
        AssetCaseStatus.IDENTIFIED,
    ):
        return
    check.fail(
        "status",
        _("the amounts say %(s)s: a returned amount means returned, a confiscated one confiscated…")
        % {"s": from_amounts},
    )


def _check_cases(rows: list[_Row], problems: list[Problem]) -> dict[str, list[_Row]]:
    """Rows by case title; a case's own columns must be the same on each of its rows."""
    cases: dict[str, list[_Row]] = {}
    for item in rows:
        title = item.row["case_title"]
        first = cases.setdefault(title, [item])[0]
        if first is item:
            continue
        cases[title].append(item)
        first_values = dict(zip(COLUMNS, _normal(first.row), strict=True))
        values = dict(zip(COLUMNS, _normal(item.row), strict=True))
        for column in CASE_COLUMNS:
            if values[column] != first_values[column]:
                problems.append(
                    Problem(
                        item.number,
                        column,
                        item.row[column],
                        _("differs from row %(n)d of the same case") % {"n": first.number},
                    )
                )
    return cases


def import_asset_cases(
    handle: IO[bytes],
    name: str,
    *,
    authority: Authority,
    actor: User | None,
    progress: Callable[[str, int], None] = lambda stage, done: None,
    commit: bool = True,
    options: dict[str, Any] | None = None,
) -> ImportResult:
    """Check every row, then write every case or none; ImportRejected lists the problems. With
    commit=False nothing is written: the result says what the import would do (a preview)."""
    check_size(handle, name)
    problems: list[Problem] = []
    result = ImportResult()
    rows = []
    for number, row in read_rows(handle, name, COLUMNS):
        result.rows += 1
        rows.append(_check_row(number, row, problems))
        if result.rows % PROGRESS_EVERY == 0:
            progress("checked", result.rows)
    if not rows:
        raise ImportRejected([Problem(2, "", "", _("The file has no rows below its header."))])
    cases = _check_cases(rows, problems)
    existing = {
        case.title: case
        for case in AssetCase.objects.filter(
            title__in=list(cases), participants__authority=authority
        ).prefetch_related("countries", "offence_rows", "assets__steps")
    }
    for title, items in cases.items():
        if title not in existing:
            continue
        stored = sorted(_normal(dict(zip(COLUMNS, r, strict=True))) for r in _case_rows(existing[title]))
        given = sorted(_normal(item.row) for item in items)
        if stored != given:
            problems.append(
                Problem(
                    items[0].number,
                    "case_title",
                    title,
                    _(
                        "your authority already has a case with this title, with other rows: export it to compare"
                    ),
                )
            )
    if problems:
        raise ImportRejected(problems[:MAX_REPORTED], more=max(len(problems) - MAX_REPORTED, 0))
    progress("checked", result.rows)
    new = [_imported(title, items) for title, items in cases.items() if title not in existing]
    if commit:
        reported = 0

        def written(assets: int) -> None:  # an asset is a row
            nonlocal reported
            if assets - reported >= PROGRESS_EVERY:
                reported = assets
                progress("written", assets)

        services.cases_import(actor=actor, authority=authority, cases=new, progress=written)
        progress("written", result.rows)
    result.unchanged = len(cases) - len(new)
    result.created = len(new)
    result.assets_created = sum(len(case.assets) for case in new)
    return result


def _imported(title: str, items: list[_Row]) -> services.ImportedCase:
    """A checked case's rows as the services write them."""
    first = items[0].row
    return services.ImportedCase(
        title=title,
        cluster=first["case_cluster"],
        origin_country=first["country_of_origin"].upper(),
        bribe_payer_country=first["country_of_bribe_payer"].upper(),
        initiating_country=first["initiating_country"].upper(),
        asset_locations=list(dict.fromkeys(item.row["country_of_asset_location"].upper() for item in items)),
        transit_countries=list(
            dict.fromkeys(c.strip().upper() for c in first["transit_countries"].split(";") if c.strip())
        ),
        offences=list(dict.fromkeys(c.strip() for c in first["offences"].split(";") if c.strip())),
        assets=[
            services.ImportedAsset(
                type=item.row["asset_type"],
                description=item.row["notes"],
                location_country=item.row["country_of_asset_location"].upper(),
                currency=item.row["currency"].upper(),
                proceeding=item.row["proceeding"],
                steps=item.steps,
                # A release or closing is a status no amount column records: a step of its own.
                closing=item.row["status"]
                if item.row["status"] in (AssetCaseStatus.RELEASED, AssetCaseStatus.CLOSED)
                and item.row["status"] != item.history.status
                else "",
            )
            for item in items
        ],
    )


# --- export ------------------------------------------------------------------------------------


def _amount(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _case_rows(case: AssetCase) -> Iterator[list[str]]:
    """The case's rows: one per asset and currency of its steps (one per asset in practice)."""
    countries = list(case.countries.all())
    transits = ";".join(sorted(c.country for c in countries if c.role == CaseCountryRole.TRANSIT))
    offences = ";".join(sorted(o.code for o in case.offence_rows.all()))
    for asset in sorted(case.assets.all(), key=lambda a: a.pk):
        steps = sorted(asset.steps.all(), key=lambda s: s.pk)
        currencies = list(dict.fromkeys(s.currency for s in steps if s.currency)) or [asset.currency]
        for currency in currencies:
            values: dict[str, Any] = {
                "case_title": case.title,
                "case_cluster": case.cluster,
                "country_of_origin": case.origin_country,
                "country_of_asset_location": asset.location_country,
                "transit_countries": transits,
                "country_of_bribe_payer": case.bribe_payer_country,
                "initiating_country": case.initiating_country,
                "offences": offences,
                "proceeding": asset.proceeding,
                "asset_type": asset.type,
                "currency": currency,
                "returned_to": "",
                "status": asset.status,
                "notes": asset.description,
            }
            for kind, amount_column, date_column in STEP_COLUMNS:
                mine = [s for s in steps if s.kind == kind and s.currency == currency]
                values[amount_column] = (
                    _amount(sum((s.amount or Decimal(0) for s in mine), Decimal(0))) if mine else ""
                )
                values[date_column] = min(s.on for s in mine if s.on).isoformat() if mine else ""
                if kind == StepKind.RETURNED and mine:
                    values["returned_to"] = mine[0].returned_to_country or mine[0].returned_to_victim
            yield [values[column] for column in COLUMNS]


def export_rows(cases: Iterable[AssetCase]) -> Iterator[list[str]]:
    yield list(COLUMNS)
    for case in cases:
        for row in _case_rows(case):
            yield [escape(value) for value in row]


def exportable(queryset: QuerySet[AssetCase]) -> Any:
    return queryset.prefetch_related("countries", "offence_rows", "assets__steps").order_by("pk")
