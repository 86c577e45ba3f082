"""Rounding at the boundary between the finance arithmetic (floats, as numpy-financial
computes) and stored amounts (``Decimal`` in a currency's minor unit)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from ipx.core.money import CENT


def to_cents(value: float | Decimal) -> Decimal:
    """An amount rounded half-up to the cent (through its shortest decimal text, so a float
    like 8606.645 is not turned into 8606.64 by its binary error)."""
    return Decimal(repr(value) if isinstance(value, float) else value).quantize(CENT, rounding=ROUND_HALF_UP)

