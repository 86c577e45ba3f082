"""A disbursement recorded on an earlier day (the demo's loans that began months ago): the
schedule runs from that day, so instalments already fell due; a day still to come is refused
with nothing moved."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone

from ipx.accounts.models import User
from ipx.core.dates import add_months
from ipx.finance.models import Instalment, Loan, Valuation
from ipx.finance.services import loans as services
from ipx.finance.tests.test_loans_workflow import applied, available, offered
from ipx.ledger.selectors import ledger_check
from ipx.testing.fixtures import Member
from ipx.testing.scenes import deposit

pytestmark = pytest.mark.django_db


def pledged(owner: Member, banker: Member, valued: Valuation) -> Loan:
    loan = offered(applied(owner, banker, valued), banker)
    services.loan_accept(actor=owner.user, loan_id=loan.pk)
    services.loan_submit_pledge(actor=owner.user, loan_id=loan.pk, number="Y2026440000123")
    deposit(banker.organisation, "1000000")
    return loan


def test_a_loan_disbursed_months_ago_has_its_schedule_from_then(owner: Member, banker: Member, operator: User,
                                                                valued: Valuation) -> None:
    loan = pledged(owner, banker, valued)
    today = timezone.localdate()
    with pytest.raises(ValueError, match="future"):
        services.loan_check_pledge(operator=operator, loan_id=loan.pk, approve=True,
                                   disbursed_on=today + timedelta(days=1))
    loan.refresh_from_db()
    assert loan.status == Loan.Status.PLEDGE_SUBMITTED and not loan.instalments.exists()
    assert available(owner) == 0

    day = add_months(today, -3) - timedelta(days=5)
    active = services.loan_check_pledge(operator=operator, loan_id=loan.pk, approve=True, disbursed_on=day)

    assert active.disbursed_at is not None and timezone.localdate(active.disbursed_at) == day
    assert active.pledge_checked_at == active.disbursed_at and available(owner) == D("480000")
    dues = list(active.instalments.order_by("number").values_list("due_on", flat=True))
    assert dues[:4] == [add_months(day, n) for n in (1, 2, 3, 4)] and len(dues) == 12
    # Three fell due before today: the daily run finds them late (not yet past the 90 days).
    assert services.loans_mark_overdue() == 0
    assert active.instalments.filter(status=Instalment.Status.OVERDUE).count() == 3
    assert ledger_check().ok
