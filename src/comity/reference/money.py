"""Converting amounts between currencies at the rate of a given day, and saying which rate.

Rates come from the European Central Bank's history shipped with CurrencyConverter (no network),
on the last published day on or before the date asked, and from the project's ExchangeRate table:
currencies the ECB does not publish (at most MAX_RATE_AGE days old), and the ECB's rates of days
after the shipped history (`comity rates update`, or `comity rates import` of the ECB's file).

A day after the last known rate of a currency is converted at that last rate, marked
*provisional* with the rate's own date; `rates_changed` tells the apps that keep conversions
to recompute their provisional ones when newer rates arrive. A day inside the history with no
rate near it is an error naming the currency and the day, never a silent zero.
"""

import csv
import datetime
import io
import urllib.request
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import IO
from xml.etree import ElementTree

from currency_converter import CurrencyConverter, RateNotFoundError
from django.utils.translation import gettext as _

from comity.core import messages
from comity.core.currencies import is_currency
from comity.reference.models import ExchangeRate
from comity.reference.services import rates_store
from comity.reference.signals import rates_changed

MAX_RATE_AGE = datetime.timedelta(days=31)
# A day after a currency's last known rate is converted at that rate, provisionally, for this long;
# beyond it the figure would say more than anyone knows, and it is an error asking for rates.
MAX_PROVISIONAL_AGE = datetime.timedelta(days=366)
USD = "USD"


class MissingRate(LookupError):
    def __init__(self, currency: str, day: datetime.date) -> None:
        super().__init__(
            _(
                "No exchange rate for %(currency)s on or shortly before %(day)s; add one with "
                "`comity rates import`."
            )
            % {"currency": currency, "day": day.isoformat()}
        )
        self.currency, self.day = currency, day


@dataclass(frozen=True)
class Conversion:
    """An amount converted, with the rate used, so that any figure can be explained."""

    amount: Decimal
    currency: str
    converted: Decimal
    to: str
    rate: Decimal  # units of `to` per unit of `currency`
    day: datetime.date
    sources: tuple[str, ...]
    # The day the rate was published for (the oldest of the two currencies' rates): `day` itself
    # inside the history; the last known day when `day` comes after it, and then `provisional`.
    rate_on: datetime.date | None = None
    provisional: bool = False


@dataclass(frozen=True)
class Rate:
    """Units of a currency for one US dollar, published for `on`, from `source`."""

    per_usd: Decimal
    source: str
    on: datetime.date
    provisional: bool


@cache
def _ecb() -> CurrencyConverter:
    return CurrencyConverter(
        decimal=True, fallback_on_missing_rate=True, fallback_on_missing_rate_method="last_known"
    )


def _latest_row(currency: str, day: datetime.date) -> ExchangeRate | None:
    return ExchangeRate.objects.filter(currency=currency, day__lte=day).order_by("-day").first()


def _last_known(currency: str) -> datetime.date | None:
    """The last day any rate of `currency` is known for (shipped history or table)."""
    ecb = _ecb()
    days = [
        ExchangeRate.objects.filter(currency=currency).order_by("-day").values_list("day", flat=True).first()
    ]
    if currency in ecb.currencies:
        days.append(min(ecb.bounds[currency].last_date, ecb.bounds[USD].last_date))
    return max(filter(None, days), default=None)


def rate_per_usd(currency: str, day: datetime.date) -> Rate:
    """Units of `currency` for one US dollar on `day`: the rate of that day (or the last published
    before it, within the history), or the last known rate, provisional, for a day after it."""
    if currency == USD:
        return Rate(Decimal(1), "identity", day, False)
    ecb = _ecb()
    shipped: Rate | None = None
    if currency in ecb.currencies and ecb.bounds[currency].first_date <= day:
        last = min(ecb.bounds[currency].last_date, ecb.bounds[USD].last_date)
        try:
            per_usd = Decimal(ecb.convert(1, USD, currency, date=min(day, last)))
            shipped = Rate(per_usd, "ECB", min(day, last), False)
        except RateNotFoundError:
            pass
    row = _latest_row(currency, day)
    # A rate the table has for a later day than the shipped history (the ECB's own, updated) wins.
    if row is not None and (shipped is None or row.day > shipped.on):
        found = Rate(row.per_usd, row.source or _("project rates"), row.day, False)
    elif shipped is not None:
        found = shipped
    else:
        raise MissingRate(currency, day)
    if found.on < day and _last_known(currency) == found.on:
        if day - found.on > MAX_PROVISIONAL_AGE:
            raise MissingRate(currency, day)
        return Rate(found.per_usd, found.source, found.on, True)
    if found.source != "ECB" and day - found.on > MAX_RATE_AGE:
        raise MissingRate(currency, day)
    return found


def convert(amount: Decimal, currency: str, to: str, day: datetime.date) -> Conversion:
    """`amount` of `currency` in `to`, at the rates of `day` (through the US dollar)."""
    for code in (currency, to):
        if not is_currency(code):
            raise ValueError(messages.unknown_currency(code))
    if currency == to:
        return Conversion(amount, currency, amount, to, Decimal(1), day, ("identity",), day)
    source_rate, target_rate = rate_per_usd(currency, day), rate_per_usd(to, day)
    rate = target_rate.per_usd / source_rate.per_usd
    sources = tuple(dict.fromkeys(r.source for r in (source_rate, target_rate) if r.source != "identity"))
    return Conversion(
        amount,
        currency,
        amount * rate,
        to,
        rate,
        day,
        sources,
        rate_on=min(source_rate.on, target_rate.on),
        provisional=source_rate.provisional or target_rate.provisional,
    )


@dataclass(frozen=True)
class RateProblem:
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.reason}"


class RatesRejected(Exception):
    def __init__(self, problems: list[RateProblem]) -> None:
        super().__init__(f"{len(problems)} problem(s); no rate was imported")
        self.problems = problems


# The ECB's reference rates as XML (its daily, 90-day and whole-history files share one shape).
ECB_NAMESPACE = "{http://www.ecb.int/vocabulary/2002-08-01/eurofxref}"
MAX_RATES_FILE = 64 * 2**20


@dataclass(frozen=True)
class RatesLoaded:
    rates: int
    # Conversions that were provisional and were made again at the rates now known.
    recomputed: int


def import_rates(handle: IO[bytes]) -> RatesLoaded:
    """Load rates, all or nothing: a CSV of `currency,date,per_usd[,source]` rows, or the ECB's
    reference rates as its XML file; a later file replaces a day's rate. Conversions made
    provisional by a missing rate are then recomputed by the apps that keep them (`rates_changed`),
    each in its own transaction once the rates are stored."""
    content = handle.read(MAX_RATES_FILE + 1)
    if len(content) > MAX_RATES_FILE:
        raise RatesRejected([RateProblem(1, "file", _("the file is larger than 64 MB"))])
    rows = _ecb_rows(content) if content.lstrip()[:1] == b"<" else _csv_rows(content)
    rates_store(rows)
    responses = rates_changed.send(sender=ExchangeRate)
    return RatesLoaded(len(rows), sum(int(count or 0) for _receiver, count in responses))


def _csv_rows(content: bytes) -> list[ExchangeRate]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise RatesRejected([RateProblem(1, "file", _("not UTF-8 text"))]) from error
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = {"currency", "date", "per_usd"} - set(reader.fieldnames or [])
    if missing:
        raise RatesRejected([RateProblem(1, ", ".join(sorted(missing)), _("missing column"))])
    problems, rows = [], []
    for number, row in enumerate(reader, start=2):
        currency = (row.get("currency") or "").strip().upper()
        if not is_currency(currency):
            problems.append(RateProblem(number, "currency", messages.unknown_currency(currency)))
        try:
            day = datetime.date.fromisoformat((row.get("date") or "").strip())
        except ValueError:
            problems.append(RateProblem(number, "date", messages.not_a_date(row.get("date", ""))))
            continue
        try:
            per_usd = Decimal((row.get("per_usd") or "").strip())
            if not per_usd.is_finite() or per_usd <= 0:
                raise InvalidOperation
        except InvalidOperation:
            problems.append(RateProblem(number, "per_usd", _("a rate is a positive number")))
            continue
        rows.append(
            ExchangeRate(
                currency=currency, day=day, per_usd=per_usd, source=(row.get("source") or "").strip()[:200]
            )
        )
    if problems:
        raise RatesRejected(problems)
    return rows


def _ecb_rows(content: bytes) -> list[ExchangeRate]:
    """The ECB's euro reference rates, as units per US dollar (its rate of each currency over its
    rate of the dollar; the euro itself is one over the dollar's)."""
    try:
        root = ElementTree.fromstring(content)
    except ElementTree.ParseError as error:
        raise RatesRejected([RateProblem(1, "file", _("not the ECB's XML: %(e)s") % {"e": error})]) from error
    rows, problems = [], []
    for day_cube in root.iter(f"{ECB_NAMESPACE}Cube"):
        if "time" not in day_cube.attrib:
            continue
        try:
            day = datetime.date.fromisoformat(day_cube.attrib["time"])
            per_eur = {c.attrib["currency"]: Decimal(c.attrib["rate"]) for c in day_cube}
        except (KeyError, ValueError, InvalidOperation):
            problems.append(RateProblem(1, day_cube.attrib["time"], _("a day whose rates cannot be read")))
            continue
        dollar = per_eur.get(USD)
        if not dollar or dollar <= 0:
            continue  # without the dollar's rate, no rate of this day can be put in dollars
        per_eur["EUR"] = Decimal(1)
        for currency, rate in per_eur.items():
            if currency != USD and is_currency(currency) and rate > 0:
                per_usd = (rate / dollar).quantize(Decimal("0.00000001"))
                rows.append(ExchangeRate(currency=currency, day=day, per_usd=per_usd, source="ECB"))
    if problems:
        raise RatesRejected(problems)
    if not rows:
        raise RatesRejected([RateProblem(1, "file", _("no rate in the file"))])
    return rows


class RatesUnreachable(Exception):
    """The ECB's rates could not be fetched; the message says how to load them offline."""


def fetch_ecb_rates(url: str, timeout: float = 30) -> bytes:
    """The ECB's XML from `url` (HTTPS in production; a local file or server in tests)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.read(MAX_RATES_FILE + 1)
    except (OSError, ValueError) as error:
        raise RatesUnreachable(
            _(
                "Could not fetch the ECB's rates from %(url)s (%(reason)s). Where the server may not "
                "reach it, download the file elsewhere and load it with `comity rates import FILE`."
            )
            % {"url": url, "reason": error}
        ) from error
