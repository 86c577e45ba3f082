"""The borrower withdraws an application, or turns down the bank's offer, before accepting it
(the ``LOAN`` table's ``withdraw``: nothing was pledged or paid yet)."""

from __future__ import annotations

from django.db import transaction

from ipx.accounts.models import User
from ipx.finance.models import Loan
from ipx.finance.notices import loan_parties, tell
from ipx.finance.workflow import LOAN


@transaction.atomic
def loan_withdraw(*, actor: User, loan_id: int) -> Loan:
    loan = LOAN.lock(loan_id)
    LOAN.transition(loan, "withdraw", actor=actor, acting_for=loan.borrower)
    tell("loan_withdrawn", loan, to=[loan.bank], actor=actor, **loan_parties(loan))
    return loan
