"""Money: a ``Decimal`` amount with a currency, never a float."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ipx.core.errors import ValidationFailed
from ipx.core.inputs import is_blank
from ipx.core.validation import FieldErrors


class Currency(models.TextChoices):
    CNY = "CNY", gettext_lazy("Chinese yuan (CNY)")
    HKD = "HKD", gettext_lazy("Hong Kong dollar (HKD)")
    MOP = "MOP", gettext_lazy("Macao pataca (MOP)")
    TWD = "TWD", gettext_lazy("New Taiwan dollar (TWD)")
    USD = "USD", gettext_lazy("US dollar (USD)")
    EUR = "EUR", gettext_lazy("Euro (EUR)")
    GBP = "GBP", gettext_lazy("Pound sterling (GBP)")
    JPY = "JPY", gettext_lazy("Japanese yen (JPY)")


# Decimal places a currency allows (ISO 4217 minor units).
MINOR_UNITS: dict[str, int] = {c.value: 2 for c in Currency} | {"JPY": 0}
# Largest amount anyone may enter; beyond it a figure is a typing error, not a price.
MAX_AMOUNT = Decimal("1000000000000")  # one trillion in any currency
# Indicative rates to CNY, used only to sort and bucket prices of different currencies on
# one scale in search; never for settlement.
INDICATIVE_CNY_RATES: dict[str, Decimal] = {
    "CNY": Decimal("1"),
    "HKD": Decimal("0.92"),
    "MOP": Decimal("0.89"),
    "TWD": Decimal("0.22"),
    "USD": Decimal("7.15"),
    "EUR": Decimal("7.80"),
    "GBP": Decimal("9.10"),
    "JPY": Decimal("0.048"),
}

AMOUNT_FIELD_OPTIONS: dict[str, Any] = {"max_digits": 18, "decimal_places": 2}
CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def cents_or_zero(value: Decimal | None) -> Decimal:
    """An amount (a sum over no rows is None) in whole cents, zero when there is none."""
    return (value or ZERO).quantize(CENT)


def _in_cents(value: Decimal | None, _expression: Any, _connection: Any) -> Decimal | None:
    return None if value is None else value.quantize(CENT)


def _from_cents(value: int | Decimal | None, _expression: Any, _connection: Any) -> Decimal | None:
    return None if value is None else (Decimal(value) / 100).quantize(CENT)


class _AmountTotal(models.DecimalField):
    """A sum's amount, converted by its own converters alone: SQLite's own decimal converter reads
    every number through 15 significant digits (a total of 120,999,999,999,998.82 came back
    as ...999.00)."""

    def get_internal_type(self) -> str:
        return "AmountTotal"

    def get_db_converters(self, connection: Any) -> list[Any]:
        # Here rather than on the aggregate, so that a window over the sum (a running balance)
        # is converted back from cents too (a DecimalField has no converter of its own).
        return [_from_cents if connection.vendor == "sqlite" else _in_cents]

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        if connection.vendor == "sqlite" and value is not None:
            # Compared with the sum in whole cents there: a number, not the text Django sends for
            # decimals (SQLite ranks any text above any number).
            return float(self.to_python(value))
        return super().get_db_prep_value(value, connection, prepared)


class AmountSum(models.Sum):
    """``Sum`` of an amount column, exact and in cents on every database. SQLite keeps decimals
    as floating point and adds them so: 121 deposits of 999,999,999,999.99 summed 0.21 too much,
    small credits then vanished, and Django rounds only a plain column to its places (12,345.67
    + 0.11 came back as 12345.7800000000). There each amount is made a whole number of cents,
    which SQLite adds exactly (64-bit integers, up to 92 million billion); a filter on the sum
    compares it there in cents, which is why the ledger's checks compare it with half a cent. Use it
    as the outermost expression of an annotation or aggregate, or inside a ``Window`` (a running
    sum), not inside arithmetic or Coalesce: the result is converted back from cents once."""

    def __init__(self, *expressions: Any, **extra: Any) -> None:
        super().__init__(*expressions, output_field=_AmountTotal(**AMOUNT_FIELD_OPTIONS), **extra)

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        # On a copy's template, not as the ``template`` argument: an aggregate with ``filter``
        # passes its own template on (wrapped in FILTER), and the argument made it twice.
        in_cents = self.copy()
        in_cents.template = "SUM(CAST(ROUND(%(expressions)s * 100) AS INTEGER))"
        return super(AmountSum, in_cents).as_sql(compiler, connection, **extra_context)


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str

    def __str__(self) -> str:
        return f"{self.amount:,.{MINOR_UNITS.get(self.currency, 2)}f} {self.currency}"

    def in_cny(self) -> Decimal:
        return (self.amount * INDICATIVE_CNY_RATES[self.currency]).quantize(Decimal("0.01"))


def check_currency(currency: object, *, field: str = "currency") -> str:
    code = str(currency or "").strip().upper()
    if code not in MINOR_UNITS:
        raise ValidationFailed.for_field(
            field,
            _("Unknown currency “%(code)s”; use one of %(codes)s.")
            % {"code": currency, "codes": ", ".join(MINOR_UNITS)},
        )
    return code


# ASCII decimals only (an exponent is kept: 1e13 is read, and refused as too large): Decimal()
# would also read "1_000" or "٣" (Arabic-Indic three), which other readers of the same text
# (a database, a spreadsheet, a bank) read otherwise or not at all.
PLAIN_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)


def _number(value: object) -> Decimal:
    """A number as people write one, thousands perhaps separated by commas; NaN when it is none."""
    if isinstance(value, bool):
        return Decimal("NaN")
    if isinstance(value, float):
        # Floats cannot hold most decimal amounts exactly; their shortest text form can.
        text = repr(value)
    else:
        text = str(value).strip().replace(",", "")
        if not PLAIN_DECIMAL.fullmatch(text):
            return Decimal("NaN")
    try:
        return Decimal(text)
    except (InvalidOperation, ValueError):
        return Decimal("NaN")


def read_amount(value: object, *, field: str, errors: FieldErrors) -> Decimal | None:
    """An amount read into a number, None when blank. Whether it suits its currency (above
    zero, below MAX_AMOUNT, the currency's decimals) is ``parse_amount``'s to say once the
    currency is known."""
    if is_blank(value):
        return None
    amount = _number(value)
    if not amount.is_finite():
        errors.add(field, _("Enter an amount as a number, e.g. 250000.00."))
        return None
    return amount


def parse_amount(value: object, currency: str, *, field: str, allow_zero: bool = False) -> Decimal:
    """A positive amount with no more decimals than the currency has, below MAX_AMOUNT."""
    amount = _number(value)
    if not amount.is_finite():
        raise ValidationFailed.for_field(field, _("Enter an amount as a number, e.g. 250000.00."))
    if amount < 0 or (amount == 0 and not allow_zero):
        raise ValidationFailed.for_field(field, _("The amount must be greater than zero."))
    if amount > MAX_AMOUNT:
        raise ValidationFailed.for_field(
            field, _("The amount is too large; the most accepted is %(max)s.") % {"max": f"{MAX_AMOUNT:,}"}
        )
    places = MINOR_UNITS[currency]
    exponent = amount.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        raise ValidationFailed.for_field(
            field,
            _("%(currency)s amounts have at most %(places)d decimal places.")
            % {"currency": currency, "places": places},
        )
    return amount.quantize(Decimal(1).scaleb(-2))


def collect_amount(value: object, currency: str, *, field: str, errors: FieldErrors,
                   allow_zero: bool = False) -> Decimal:
    """``parse_amount``, its refusal collected in ``errors`` (0 then) so a form reports every
    bad field at once."""
    try:
        return parse_amount(value, currency, field=field, allow_zero=allow_zero)
    except ValidationFailed as exc:
        errors.collect(exc)
        return Decimal(0)
