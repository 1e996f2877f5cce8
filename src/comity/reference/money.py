"""Converting amounts between currencies at the rate of a given day, and saying which rate.

Rates come from the European Central Bank's history shipped with CurrencyConverter (no network),
on the last published day on or before the date asked; currencies the ECB does not publish come
from the project's ExchangeRate table (at most MAX_RATE_AGE days old). A missing rate is an
error naming the currency and the day, never a silent zero.
"""

import csv
import datetime
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import IO

import pycountry
from currency_converter import CurrencyConverter, RateNotFoundError
from django.db import transaction
from django.utils.translation import gettext as _

from comity.reference.models import ExchangeRate

MAX_RATE_AGE = datetime.timedelta(days=31)
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


@cache
def _ecb() -> CurrencyConverter:
    return CurrencyConverter(
        decimal=True, fallback_on_missing_rate=True, fallback_on_missing_rate_method="last_known"
    )


def is_currency(code: str) -> bool:
    return pycountry.currencies.get(alpha_3=code) is not None


def _per_usd(currency: str, day: datetime.date) -> tuple[Decimal, str]:
    """Units of `currency` for one US dollar on `day`, and where that rate comes from."""
    if currency == USD:
        return Decimal(1), "identity"
    ecb = _ecb()
    if currency in ecb.currencies and ecb.bounds[currency].first_date <= day:
        try:
            return Decimal(ecb.convert(1, USD, currency, date=min(day, ecb.bounds[USD].last_date))), "ECB"
        except RateNotFoundError:
            pass
    row = (
        ExchangeRate.objects.filter(currency=currency, day__lte=day, day__gte=day - MAX_RATE_AGE)
        .order_by("-day")
        .first()
    )
    if row is None:
        raise MissingRate(currency, day)
    return row.per_usd, row.source or _("project rates")


def convert(amount: Decimal, currency: str, to: str, day: datetime.date) -> Conversion:
    """`amount` of `currency` in `to`, at the rates of `day` (through the US dollar)."""
    for code in (currency, to):
        if not is_currency(code):
            raise ValueError(_("Unknown currency %(code)s: use an ISO 4217 code.") % {"code": code})
    if currency == to:
        return Conversion(amount, currency, amount, to, Decimal(1), day, ("identity",))
    from_rate, from_source = _per_usd(currency, day)
    to_rate, to_source = _per_usd(to, day)
    rate = to_rate / from_rate
    sources = tuple(dict.fromkeys(source for source in (from_source, to_source) if source != "identity"))
    return Conversion(amount, currency, amount * rate, to, rate, day, sources)


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


def import_rates(handle: IO[bytes]) -> int:
    """Load `currency,date,per_usd[,source]` rows, all or nothing; a later file replaces a day's rate."""
    reader = csv.DictReader(io.TextIOWrapper(handle, encoding="utf-8-sig", newline=""))
    missing = {"currency", "date", "per_usd"} - set(reader.fieldnames or [])
    if missing:
        raise RatesRejected([RateProblem(1, ", ".join(sorted(missing)), _("missing column"))])
    problems, rows = [], []
    for number, row in enumerate(reader, start=2):
        currency = (row.get("currency") or "").strip().upper()
        if not is_currency(currency):
            problems.append(
                RateProblem(number, "currency", _("unknown ISO 4217 code %(c)r") % {"c": currency})
            )
        try:
            day = datetime.date.fromisoformat((row.get("date") or "").strip())
        except ValueError:
            problems.append(RateProblem(number, "date", _("not a date (YYYY-MM-DD)")))
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
    with transaction.atomic():
        ExchangeRate.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["currency", "day"],
            update_fields=["per_usd", "source"],
        )
    return len(rows)
