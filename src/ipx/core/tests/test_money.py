"""Amounts are read as people write them, and only so."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ipx.core.errors import ValidationFailed
from ipx.core.money import parse_amount, read_amount
from ipx.core.validation import FieldErrors


@pytest.mark.parametrize(("written", "amount"), [
    ("1000", Decimal("1000.00")), ("1,000,000.5", Decimal("1000000.50")), (" 0.1 ", Decimal("0.10")),
    (".5", Decimal("0.50")), ("12.", Decimal("12.00")), (0.1, Decimal("0.10")), (250, Decimal("250.00")),
    (Decimal("3.25"), Decimal("3.25")), ("1e3", Decimal("1000.00")), ("25E-2", Decimal("0.25")),
])
def test_plain_amounts_are_read(written: object, amount: Decimal) -> None:
    assert parse_amount(written, "CNY", field="amount") == amount


@pytest.mark.parametrize("written", [
    "1_000", "1_000.50", "٣", "１０００", "1e٣", "NaN", "Infinity", "0x10", "12 34", "--1", "", "¥100", True,
])
def test_anything_else_is_refused_with_the_usual_message(written: object) -> None:
    with pytest.raises(ValidationFailed) as refused:
        parse_amount(written, "CNY", field="amount")
    assert refused.value.fields == {"amount": "Enter an amount as a number, e.g. 250000.00."}
    errors = FieldErrors()
    if written != "":
        assert read_amount(written, field="amount", errors=errors) is None
        assert errors.errors == {"amount": "Enter an amount as a number, e.g. 250000.00."}
