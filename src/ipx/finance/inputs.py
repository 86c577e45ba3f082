"""Reading what an appraiser (and later a bank or insurer) types: amounts in the valuation's
currency and percentages, every problem named by its field and reported at once."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from ipx.core.money import collect_amount
from ipx.core.validation import FieldErrors

MAX_FORECAST_YEARS = 30


def percent(value: object, *, field: str, errors: FieldErrors, high: Decimal = Decimal(100),
            low: Decimal = Decimal(0)) -> Decimal:
    try:
        number = Decimal(str(value).strip()) if value not in (None, "") else Decimal("NaN")
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite() or not low <= number <= high or number != number.quantize(Decimal("0.01")):
        errors.add(field, _("Enter a percentage from %(low)s to %(high)s with at most two decimals.")
                   % {"low": low, "high": high})
        return Decimal(0)
    return number


def adjustment(value: object, *, field: str, errors: FieldErrors) -> Decimal:
    """A comparable deal's adjustment for the market approach, in percent."""
    return percent(value, field=field, errors=errors, low=Decimal(-90), high=Decimal(500))


def amounts(values: object, currency: str, *, field: str, errors: FieldErrors) -> list[Decimal]:
    """A forecast: one amount per year, one year at least and MAX_FORECAST_YEARS at most."""
    if not isinstance(values, list | tuple) or not 1 <= len(values) <= MAX_FORECAST_YEARS:
        errors.add(field, _("Give one revenue per year, for 1 to %(n)d years.") % {"n": MAX_FORECAST_YEARS})
        return []
    before = field in errors.errors
    read = [collect_amount(value, currency, field=field, errors=errors, allow_zero=True) for value in values]
    return read if before or field not in errors.errors else []


def whole(value: object, *, field: str, errors: FieldErrors, high: int, low: int = 1) -> int:
    """A whole number from ``low`` to ``high`` (months, days)."""
    text = str(value).strip() if value is not None else ""
    if not text.isdigit() or not low <= int(text) <= high:
        errors.add(field, _("Enter a whole number from %(low)d to %(high)d.") % {"low": low, "high": high})
        return low
    return int(text)
