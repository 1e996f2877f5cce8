"""The rules of an asset's measure history, said once for the services and the import.

`fold` reads an asset's steps into its current state; `step_problems` says, field by field,
why a new step cannot follow that state. Neither touches the database.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.utils.translation import gettext as _
from stdnum import bitcoin, iban, imo, isin, lei
from stdnum.exceptions import ValidationError as StdnumError

from comity.assets.choices import AssetProceeding, IdentifierKind, StepKind
from comity.core import messages
from comity.core.numbers import amount_out_of_range
from comity.reference.choices import AssetCaseStatus
from comity.reference.countries import is_country
from comity.reference.money import USD, MissingRate, convert, is_currency

# Identifiers with a published standard and check digits are validated and stored compact.
STANDARD_IDENTIFIERS = {
    IdentifierKind.IBAN: iban,
    IdentifierKind.ISIN: isin,
    IdentifierKind.LEI: lei,
    IdentifierKind.IMO: imo,
    IdentifierKind.BITCOIN: bitcoin,
}
AMOUNT_STEPS = frozenset({StepKind.FROZEN, StepKind.CONFISCATED, StepKind.REALISED, StepKind.RETURNED})
TERMINAL = frozenset({AssetCaseStatus.RELEASED, AssetCaseStatus.CLOSED})


def clean_identifier(kind: str, value: str) -> str:
    """The identifier in its compact form; ValueError saying what is wrong with it."""
    value = value.strip()
    module = STANDARD_IDENTIFIERS.get(kind)  # type: ignore[call-overload]
    if module is None or not value:
        return value
    try:
        return str(module.validate(value))
    except StdnumError as error:
        raise ValueError(
            _("Not a valid %(kind)s: %(reason)s") % {"kind": IdentifierKind(kind).label, "reason": str(error)}
        ) from error


@dataclass(frozen=True)
class StepInput:
    kind: str
    on: datetime.date | None
    amount: Decimal | None = None
    currency: str = ""
    proceeding: str = ""
    review_on: datetime.date | None = None
    order_country: str = ""
    returned_to_country: str = ""
    returned_to_victim: str = ""
    reason: str = ""


@dataclass
class History:
    """An asset's state after its steps, in the order they happened."""

    status: str = AssetCaseStatus.IDENTIFIED
    frozen_on: datetime.date | None = None
    review_on: datetime.date | None = None
    confiscated_on: datetime.date | None = None
    released_on: datetime.date | None = None
    returned_on: datetime.date | None = None
    last_step_on: datetime.date | None = None
    confiscated_usd: Decimal = Decimal(0)
    realised_usd: Decimal = Decimal(0)
    returned_usd: Decimal = Decimal(0)
    proceeding: str = ""
    kinds: set[str] = field(default_factory=set)
    # Native amounts by (kind, currency): returns are compared with confiscations in their own
    # currency when there is one, since exchange rates move between the two dates.
    native: dict[tuple[str, str], Decimal] = field(default_factory=dict)

    def add(self, kind: str, on: datetime.date | None, usd: Decimal | None, **extra: object) -> None:
        self.kinds.add(kind)
        if on and (self.last_step_on is None or on > self.last_step_on):
            self.last_step_on = on
        usd = usd or Decimal(0)
        amount, currency = extra.get("amount"), str(extra.get("currency") or "")
        if isinstance(amount, Decimal):
            self.native[(kind, currency)] = self.native.get((kind, currency), Decimal(0)) + amount
        if kind == StepKind.FROZEN:
            self.frozen_on = min(filter(None, (self.frozen_on, on)), default=None)
            if extra.get("review_on"):
                self.review_on = extra["review_on"]  # type: ignore[assignment]
        elif kind == StepKind.CONFISCATED:
            self.confiscated_on = min(filter(None, (self.confiscated_on, on)), default=None)
            self.confiscated_usd += usd
            self.proceeding = str(extra.get("proceeding") or self.proceeding)
        elif kind == StepKind.REALISED:
            self.realised_usd += usd
        elif kind == StepKind.RETURNED:
            self.returned_on = max(filter(None, (self.returned_on, on)), default=None)
            self.returned_usd += usd
        elif kind == StepKind.RELEASED:
            self.released_on = on
        self.status = _status(self.kinds)
        if self.status != AssetCaseStatus.FROZEN:
            self.review_on = None


def _status(kinds: set[str]) -> str:
    for kind, status in (
        (StepKind.CLOSED, AssetCaseStatus.CLOSED),
        (StepKind.RELEASED, AssetCaseStatus.RELEASED),
        (StepKind.RETURNED, AssetCaseStatus.RETURNED),
        (StepKind.CONFISCATED, AssetCaseStatus.CONFISCATED),
        (StepKind.FROZEN, AssetCaseStatus.FROZEN),
    ):
        if kind in kinds:
            return status
    return AssetCaseStatus.IDENTIFIED


def fold(steps: Iterable) -> History:
    """Steps (objects with kind, on, usd_amount, review_on, proceeding) in recording order."""
    history = History()
    for step in steps:
        history.add(
            step.kind,
            step.on,
            step.usd_amount,
            review_on=step.review_on,
            proceeding=step.proceeding,
            amount=step.amount,
            currency=step.currency,
        )
    return history


class InUSD(NamedTuple):
    """An amount in US dollars with the rate (USD per unit), where the rate comes from, the day it
    was published for, and whether it is provisional (the last known rate, older than `on`)."""

    amount: Decimal
    rate: Decimal
    source: str
    rate_on: datetime.date | None = None
    provisional: bool = False

    def fields(self) -> dict[str, object]:
        """The conversion as the columns of a step or a cost."""
        return {
            "usd_amount": self.amount,
            "usd_rate": self.rate,
            "rate_on": self.rate_on,
            "rate_provisional": self.provisional,
        }


def to_usd(amount: Decimal, currency: str, on: datetime.date) -> InUSD:
    """`amount` of `currency` in USD at the rate of `on`; MissingRate names currency and day."""
    conversion = convert(amount, currency, USD, on)
    return InUSD(
        conversion.converted.quantize(Decimal("0.0001")),
        # As the rate is stored (ten decimals), so that what a call answers is what a read gives.
        conversion.rate.quantize(Decimal("0.0000000001")),
        ", ".join(conversion.sources),
        conversion.rate_on,
        conversion.provisional,
    )


def step_problems(
    history: History, step: StepInput, identified_on: datetime.date | None
) -> tuple[dict[str, list[str]], InUSD | None]:
    """Why `step` cannot follow `history`, by field; and the step's amount in USD (with its rate)
    when it has one."""
    errors: dict[str, list[str]] = {}

    def fail(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if step.kind not in StepKind.values:
        fail(
            "kind",
            _("Unknown step %(v)s; allowed: %(a)s.") % {"v": step.kind, "a": ", ".join(StepKind.values)},
        )
        return errors, None
    if history.status in TERMINAL:
        when = f" ({history.released_on.isoformat()})" if history.released_on else ""
        fail(
            "kind",
            _("This asset was %(status)s%(when)s: no further step can be recorded.")
            % {"status": AssetCaseStatus(history.status).label.lower(), "when": when},
        )
        return errors, None
    if step.on is None and step.kind in AMOUNT_STEPS:
        fail("on", messages.required())
    if step.on and identified_on and step.on < identified_on:
        fail("on", _("This is before the asset was identified (%(d)s).") % {"d": identified_on.isoformat()})
    usd = None
    if step.kind in AMOUNT_STEPS:
        if step.amount is None:
            fail("amount", messages.required())
        elif step.amount < 0:
            fail("amount", messages.negative_amount())
        elif too_large := amount_out_of_range(step.amount):
            fail("amount", too_large)
        if not is_currency(step.currency):
            fail("currency", messages.unknown_currency(step.currency))
        elif (
            step.amount is not None and step.amount >= 0 and step.on and not amount_out_of_range(step.amount)
        ):
            try:
                usd = to_usd(step.amount, step.currency, step.on)
            except MissingRate as missing:
                fail("currency", str(missing))
    elif step.amount is not None:
        fail("amount", _("A %(kind)s step has no amount.") % {"kind": StepKind(step.kind).label.lower()})
    _check_order(history, step, fail)
    if (
        step.kind == StepKind.RETURNED
        and usd is not None
        and step.amount is not None
        and not step.reason.strip()
    ):
        _check_excess(history, step, usd.amount, fail)
    for name in ("order_country", "returned_to_country"):
        value = getattr(step, name)
        if value and not is_country(value):
            fail(name, messages.unknown_country(value))
    return errors, usd


def _check_order(history: History, step: StepInput, fail: Callable[[str, str], None]) -> None:
    """Which step may follow which, and dates that cannot precede what they follow."""
    if step.kind == StepKind.FROZEN:
        if step.review_on and step.on and step.review_on < step.on:
            fail("review_on", _("The review or expiry date cannot precede the order."))
        # A provisional measure comes before the final one: once confiscated (or returned), an
        # asset is not frozen again. A freezing that happened earlier may still be recorded late.
        if step.on and history.confiscated_on and step.on >= history.confiscated_on:
            fail(
                "on",
                _("A freezing cannot follow the confiscation (%(d)s): record it with its own, earlier date.")
                % {"d": history.confiscated_on.isoformat()},
            )
    elif step.kind == StepKind.RELEASED:
        if history.status != AssetCaseStatus.FROZEN:
            fail("kind", _("Only a frozen asset can be released."))
        elif step.on and history.frozen_on and step.on < history.frozen_on:
            fail(
                "on",
                _("A release cannot precede the freezing (%(d)s).") % {"d": history.frozen_on.isoformat()},
            )
    elif step.kind == StepKind.CONFISCATED:
        if step.proceeding not in AssetProceeding.values:
            fail(
                "proceeding",
                _("Say under which proceeding: %(a)s.") % {"a": ", ".join(AssetProceeding.values)},
            )
        if step.on and history.frozen_on and step.on < history.frozen_on:
            fail(
                "on",
                _("A confiscation cannot precede the freezing (%(d)s).")
                % {"d": history.frozen_on.isoformat()},
            )
    elif step.kind in (StepKind.REALISED, StepKind.RETURNED):
        if StepKind.CONFISCATED not in history.kinds:
            fail("kind", _("Nothing has been confiscated yet."))
        elif step.on and history.confiscated_on and step.on < history.confiscated_on:
            fail(
                "on",
                _("This cannot precede the confiscation (%(d)s).")
                % {"d": history.confiscated_on.isoformat()},
            )
        if step.kind == StepKind.RETURNED and not (
            step.returned_to_country or step.returned_to_victim.strip()
        ):
            fail("returned_to_country", _("Say to which State or victim the assets were returned."))


def _check_excess(history: History, step: StepInput, usd: Decimal, fail: Callable[[str, str], None]) -> None:
    """Returns beyond what was confiscated (or realised) need a reason: in the steps' own currency
    when all of them share it, else in US dollars at each step's rate."""
    currencies = {currency for (_kind, currency) in history.native} | {step.currency}
    if len(currencies) == 1:
        unit = step.currency
        returned = history.native.get((StepKind.RETURNED, unit), Decimal(0)) + (step.amount or Decimal(0))
        ceiling = max(
            history.native.get((StepKind.CONFISCATED, unit), Decimal(0)),
            history.native.get((StepKind.REALISED, unit), Decimal(0)),
        )
    else:
        unit = USD
        returned = history.returned_usd + usd
        ceiling = max(history.confiscated_usd, history.realised_usd)
    if returned > ceiling:
        fail(
            "reason",
            _(
                "Returns would reach %(returned)s %(unit)s, more than the %(confiscated)s %(unit)s confiscated: "
                "state the reason (interest accrued, for instance)."
            )
            % {"returned": f"{returned:,.2f}", "confiscated": f"{ceiling:,.2f}", "unit": unit},
        )
