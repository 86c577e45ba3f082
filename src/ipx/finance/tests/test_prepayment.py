"""Early repayment: the part repaid with its interest since the last due date, the rest of
the schedule made again over the same due dates (figures worked out here by hand), the whole
repaying the loan; refused above the principal owed and while an instalment is overdue; once
per Idempotency-Key."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone

from ipx.accounts.models import User
from ipx.core.errors import Conflict, PermissionDenied, ValidationFailed
from ipx.finance.models import Instalment, Loan, Valuation
from ipx.finance.services import loans as services
from ipx.finance.services.collateral import pledges_of
from ipx.finance.services.prepayment import loan_prepay
from ipx.finance.tests.test_loans_workflow import applied, available, offered
from ipx.ledger.selectors import ledger_check
from ipx.testing.fixtures import Member
from ipx.testing.scenes import deposit

pytestmark = pytest.mark.django_db


def _running(owner: Member, banker: Member, operator: User, valued: Valuation) -> Loan:
    """480,000 at 6 % over 12 months, equal principal, paid out 40 days ago; the first
    instalment (40,000 + 2,400) paid."""
    deposit(banker.organisation, "1000000")
    deposit(owner.organisation, "600000")
    loan = offered(applied(owner, banker, valued), banker)
    services.loan_accept(actor=owner.user, loan_id=loan.pk)
    services.loan_submit_pledge(actor=owner.user, loan_id=loan.pk, number="Y2026440000123")
    services.loan_check_pledge(operator=operator, loan_id=loan.pk, approve=True,
                               disbursed_on=timezone.localdate() - timedelta(days=40))
    services.instalment_pay(actor=owner.user, loan_id=loan.pk, key="pay-1")
    return loan


def test_part_repaid_early_lowers_the_later_instalments(owner: Member, banker: Member, operator: User,
                                                        valued: Valuation) -> None:
    loan = _running(owner, banker, operator, valued)
    first_due = loan.instalments.get(number=1).due_on
    dues = list(loan.instalments.filter(number__gt=1).values_list("due_on", flat=True))
    before = available(owner)
    done = loan_prepay(actor=owner.user, loan_id=loan.pk, amount="110000", key="early-1")
    days = (timezone.localdate() - first_due).days
    # 110,000 × 6 % × days / 365, to the cent.
    assert done.interest == (D(110000) * D("0.06") * days / 365).quantize(D("0.01"))
    assert (done.principal, done.repaid) == (D("110000"), False)
    assert available(owner) == before - D("110000") - done.interest
    rest = list(loan.instalments.filter(number__gt=1).order_by("number"))
    # 330,000 left over the 11 instalments: 30,000 of principal each, interest 0.5 % a month on the balance.
    assert [row.due_on for row in rest] == dues
    assert [row.principal for row in rest] == [D("30000.00")] * 11
    assert rest[0].interest == D("1650.00") and rest[-1].interest == D("150.00") and rest[-1].balance == 0
    assert loan_prepay(actor=owner.user, loan_id=loan.pk, amount="110000", key="early-1") == done  # once
    assert available(owner) == before - D("110000") - done.interest
    assert ledger_check().ok


def test_everything_repaid_early_releases_the_pledge(owner: Member, banker: Member, operator: User,
                                                     valued: Valuation) -> None:
    loan = _running(owner, banker, operator, valued)
    with pytest.raises(ValidationFailed) as refused:
        loan_prepay(actor=owner.user, loan_id=loan.pk, amount="440000.01")
    assert "440,000" in refused.value.fields["amount"] or "440000" in refused.value.fields["amount"]
    with pytest.raises(PermissionDenied):
        loan_prepay(actor=banker.user, loan_id=loan.pk, amount="1000")
    done = loan_prepay(actor=owner.user, loan_id=loan.pk, amount="440000")
    loan.refresh_from_db()
    assert done.repaid and loan.status == Loan.Status.REPAID and not loan.instalments.exclude(
        status=Instalment.Status.PAID).exists()
    assert not pledges_of(loan.collateral.values_list("pk", flat=True))
    assert ledger_check().ok


def test_not_while_an_instalment_is_overdue(owner: Member, banker: Member, operator: User,
                                            valued: Valuation) -> None:
    loan = _running(owner, banker, operator, valued)
    second = loan.instalments.get(number=2)
    services.loans_mark_overdue(today=second.due_on + timedelta(days=3))
    with pytest.raises(Conflict, match="overdue"):
        loan_prepay(actor=owner.user, loan_id=loan.pk, amount="1000")
    assert loan.instalments.filter(number__gt=1).count() == 11
