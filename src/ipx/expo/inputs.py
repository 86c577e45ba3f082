"""Typed inputs of the expo's services, and the one parser of a record as written in the
import file (the command, the back-office upload and the API all go through it)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from ipx.core.money import CENT, MAX_AMOUNT, MINOR_UNITS, PLAIN_DECIMAL
from ipx.expo.models import IpType, RecordKind

# The columns of the import file, in this order, all required in the header.
COLUMNS = ("ref", "edition", "date", "kind", "ip_type", "amount", "currency", "fx_rate_to_cny",
           "items", "start_price", "sold", "evidence")
MAX_REF = 80
MAX_RATE = Decimal("100000")
# A record counts at most this many rights or products (a whole catalogue traded at once).
MAX_ITEMS = 1_000_000
# The most patents (or trademarks, or copyrights) one exhibited product is taken to involve.
MAX_RIGHTS_INVOLVED = 100_000


@dataclass(frozen=True)
class EditionInput:
    slug: str
    name: str
    start_date: date
    end_date: date
    organisers: str = ""
    on_site: bool = True
    online: bool = True
    venue: str = ""


@dataclass(frozen=True)
class RecordInput:
    ref: str
    edition: str  # the edition's slug
    date: date
    kind: str
    ip_type: str
    amount: Decimal
    currency: str
    fx_rate_to_cny: Decimal
    items: int
    start_price: Decimal | None
    sold: bool | None
    evidence: str

    @property
    def amount_cny(self) -> Decimal:
        """The amount at the record's rate, half-up to the fen (each record on its own)."""
        return to_fen(self.amount * self.fx_rate_to_cny)


def to_fen(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


class RowProblems(Exception):
    """A row that cannot be taken: the (column, message) of each problem found."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{column}: {message}" for column, message in problems))
        self.problems = problems


def _decimal(text: str) -> Decimal | None:
    if not PLAIN_DECIMAL.fullmatch(text):
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def parse_record(cells: dict[str, str]) -> RecordInput:
    """A record from the cells of one row (column → text); every problem is reported at once."""
    problems: list[tuple[str, str]] = []
    cell = {name: (cells.get(name) or "").strip() for name in COLUMNS}

    def problem(column: str, message: str) -> None:
        problems.append((column, message))

    ref = cell["ref"]
    if not ref:
        problem("ref", _("A reference is required."))
    elif len(ref) > MAX_REF:
        problem("ref", _("A reference has at most %(n)d characters.") % {"n": MAX_REF})
    if not cell["edition"]:
        problem("edition", _("The edition's short name is required."))
    day = None
    try:
        day = date.fromisoformat(cell["date"]) if len(cell["date"]) == 10 else None
    except ValueError:
        day = None
    if day is None:
        problem("date", _("“%(value)s” is not a date written YYYY-MM-DD.") % {"value": cell["date"]})
    kind = cell["kind"]
    if kind not in RecordKind.values:
        problem("kind", _("Unknown kind “%(value)s”; use one of %(choices)s.")
                % {"value": kind, "choices": ", ".join(RecordKind.values)})
    ip_type = cell["ip_type"]
    if kind == RecordKind.PLEDGE:
        if ip_type and ip_type not in IpType.values:
            problem("ip_type", _("Unknown IP type “%(value)s”; use one of %(choices)s.")
                    % {"value": ip_type, "choices": ", ".join(IpType.values)})
    elif ip_type not in IpType.values:
        problem("ip_type", _("Unknown IP type “%(value)s”; use one of %(choices)s.")
                % {"value": ip_type, "choices": ", ".join(IpType.values)})
    currency = cell["currency"].upper()
    if currency not in MINOR_UNITS:
        problem("currency", _("Unknown currency “%(value)s”; use one of %(choices)s.")
                % {"value": cell["currency"], "choices": ", ".join(MINOR_UNITS)})
    amount = _money(cell["amount"], "amount", problem, required=True)
    rate = Decimal(1)
    if currency != "CNY" and currency in MINOR_UNITS:
        found = _decimal(cell["fx_rate_to_cny"])
        if not cell["fx_rate_to_cny"]:
            problem("fx_rate_to_cny", _("An exchange rate to CNY is required for an amount in %(currency)s.")
                    % {"currency": currency or "?"})
        elif found is None or found <= 0 or found > MAX_RATE:
            problem("fx_rate_to_cny", _("“%(value)s” is not an exchange rate (a positive number).")
                    % {"value": cell["fx_rate_to_cny"]})
        else:
            rate = found
    elif cell["fx_rate_to_cny"] and _decimal(cell["fx_rate_to_cny"]) != 1:
        problem("fx_rate_to_cny", _("An amount in CNY has the rate 1 (or none)."))
    if amount is not None and amount * rate > MAX_AMOUNT:
        problem("amount", _("%(value)s at that rate is more than any amount this exchange records.")
                % {"value": cell["amount"]})
    items = 1
    if cell["items"]:
        if (not cell["items"].isascii() or not cell["items"].isdigit() or len(cell["items"]) > 9
                or not 1 <= int(cell["items"]) <= MAX_ITEMS):
            problem("items", _("“%(value)s” is not a number of items (a whole number from 1 to %(most)s).")
                    % {"value": cell["items"][:40], "most": f"{MAX_ITEMS:,}"})
        else:
            items = int(cell["items"])
    start_price: Decimal | None = None
    sold: bool | None = None
    if kind == RecordKind.AUCTION_LOT:
        start_price = _money(cell["start_price"], "start_price", problem, required=True)
        if start_price is not None and start_price <= 0:
            problem("start_price", _("A lot's starting price is more than 0."))
        if cell["sold"] not in ("0", "1"):
            problem("sold", _("Write 1 for a lot sold, 0 for one unsold."))
        else:
            sold = cell["sold"] == "1"
            if not sold and amount:
                problem("amount", _("An unsold lot has no hammer price: the amount is 0."))
            if sold and amount is not None and amount <= 0:
                problem("amount", _("A sold lot's amount is its hammer price, more than 0."))
            elif sold and amount is not None and start_price is not None and amount < start_price:
                problem("amount", _("A lot is sold at its starting price or above: the hammer price is below it."))
    else:
        for column in ("start_price", "sold"):
            if cell[column]:
                problem(column, _("Only auction lots have a starting price or a sold mark."))
    if problems or day is None or amount is None:
        raise RowProblems(problems)
    return RecordInput(ref=ref, edition=cell["edition"], date=day, kind=kind, ip_type=ip_type, amount=amount,
                       currency=currency, fx_rate_to_cny=rate, items=items, start_price=start_price, sold=sold,
                       evidence=cell["evidence"])


def _money(text: str, column: str, report: Callable[[str, str], None], *, required: bool) -> Decimal | None:
    if not text:
        if required:
            report(column, _("An amount is required (0 if none)."))
        return None
    value = _decimal(text.replace(",", ""))
    if value is None:
        report(column, _("“%(value)s” is not an amount.") % {"value": text})
        return None
    if value < 0:
        report(column, _("An amount cannot be negative."))
        return None
    if value > MAX_AMOUNT:
        report(column, _("%(value)s is more than any amount this exchange records.") % {"value": text})
        return None
    if value != value.quantize(CENT):
        report(column, _("An amount has at most two decimal places."))
        return None
    return value
