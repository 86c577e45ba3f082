"""Repayment schedules against schedules worked out by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from django.utils import timezone

from ipx.core.dates import add_months
from ipx.finance.loans import Method, schedule


def test_equal_principal_repays_the_same_principal_with_interest_on_the_balance() -> None:
    rows = schedule(principal=D("120000"), annual_percent=D(6), months=12, method=Method.EQUAL_PRINCIPAL,
                    start=date(2026, 1, 15))
    assert [r.principal for r in rows] == [D("10000.00")] * 12
    # 0.5 % a month on 120,000, 110,000, …, 10,000.
    assert [r.interest for r in rows] == [D(600 - 50 * n).quantize(D("0.01")) for n in range(12)]
    assert sum(r.interest for r in rows) == D("3900.00")
    assert (rows[0].due, rows[-1].due, rows[-1].balance) == (date(2026, 2, 15), date(2027, 1, 15), 0)


def test_equal_instalments_pay_the_same_each_month_and_the_last_one_settles_the_rounding() -> None:
    rows = schedule(principal=D("100000"), annual_percent=D(6), months=12, method=Method.EQUAL_INSTALMENTS,
                    start=date(2026, 1, 31))
    # pmt(0.5 %, 12, 100,000) = 8,606.6429…: month 1 is 500.00 interest and 8,106.64 principal;
    # month 2 is 0.5 % of 91,893.36 = 459.47 interest and 8,147.17 principal.
    assert (rows[0].interest, rows[0].principal, rows[0].balance) == (D("500.00"), D("8106.64"), D("91893.36"))
    assert (rows[1].interest, rows[1].principal, rows[1].balance) == (D("459.47"), D("8147.17"), D("83746.19"))
    assert all(r.payment == D("8606.64") for r in rows[:-1])
    assert abs(rows[-1].payment - D("8606.64")) <= D("0.05")
    assert sum(r.principal for r in rows) == D("100000") and rows[-1].balance == 0
    assert rows[0].due == date(2026, 2, 28)  # no 31 February: the month's last day


def test_an_interest_free_loan_repays_the_principal_only() -> None:
    rows = schedule(principal=D("1000"), annual_percent=D(0), months=3, method=Method.EQUAL_INSTALMENTS,
                    start=date(2026, 3, 1))
    assert [r.principal for r in rows] == [D("333.33"), D("333.33"), D("333.34")]
    assert all(r.interest == 0 for r in rows)


def test_add_months_keeps_the_day_or_takes_the_months_last() -> None:
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)


def test_a_schedule_needs_a_positive_principal_and_term() -> None:
    with pytest.raises(ValueError):
        schedule(principal=D(0), annual_percent=D(5), months=12, method=Method.EQUAL_PRINCIPAL,
                 start=timezone.localdate())
    with pytest.raises(ValueError):
        schedule(principal=D(100), annual_percent=D(-1), months=12, method=Method.EQUAL_PRINCIPAL,
                 start=timezone.localdate())
