"""A pledge loan's repayment schedule, made once at disbursement and kept.

Two methods, as Chinese banks offer them: equal instalments (等额本息: the same payment each
period, ``numpy_financial.pmt``, of which the interest part falls and the principal part rises)
and equal principal (等额本金: the same principal each period plus the interest on the
balance). Interest is the balance × the period's rate, rounded to the cent each period; the
last instalment repays whatever principal is left, so the principal paid sums to the loan
exactly and the balance ends at zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

import numpy_financial as npf

from ipx.core.dates import add_months
from ipx.core.money import ZERO
from ipx.finance.money import to_cents


class Method(StrEnum):
    EQUAL_INSTALMENTS = "equal_instalments"
    EQUAL_PRINCIPAL = "equal_principal"


@dataclass(frozen=True, slots=True)
class Instalment:
    number: int
    due: date
    principal: Decimal
    interest: Decimal
    balance: Decimal  # what is still owed after this instalment

    @property
    def payment(self) -> Decimal:
        return self.principal + self.interest


def schedule(*, principal: Decimal, annual_percent: Decimal, months: int, method: Method,
             start: date) -> list[Instalment]:
    """Monthly instalments from the month after ``start``."""
    if principal <= 0 or months <= 0 or annual_percent < 0:
        raise ValueError("a schedule needs a positive principal and term and a rate of at least zero")
    monthly = annual_percent / Decimal(1200)
    level = (to_cents(-float(npf.pmt(float(monthly), months, float(principal)))) if method == Method.EQUAL_INSTALMENTS
             else ZERO)
    even_principal = to_cents(principal / months)
    balance, rows = principal, []
    for number in range(1, months + 1):
        interest = to_cents(balance * monthly)
        if number == months:
            part = balance
        elif method == Method.EQUAL_INSTALMENTS:
            part = min(level - interest, balance)
        else:
            part = min(even_principal, balance)
        balance -= part
        rows.append(Instalment(number=number, due=add_months(start, number), principal=part, interest=interest,
                               balance=balance))
    return rows
