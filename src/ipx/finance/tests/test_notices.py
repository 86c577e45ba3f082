"""Each side of a valuation and a loan is told, in its inbox and by e-mail, of the steps it
waits for: the appraiser of a request, the requester of the answer and of the signed report,
the bank of an application, the borrower of an offer, both of a loan paid out or in default.
Whoever took the step is not told of it; the words are the reader's language's."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import translation

from ipx.accounts.models import User
from ipx.finance.models import Loan, Valuation
from ipx.finance.services import loans, valuations, withdrawals
from ipx.finance.tests.test_loans_workflow import applied, offered
from ipx.finance.tests.test_valuation_workflow import requested
from ipx.notifications.models import Notification
from ipx.testing.fixtures import Member
from ipx.testing.scenes import deposit

pytestmark = pytest.mark.django_db


def told() -> list[tuple[str, str, str]]:
    """(verb, recipient, link) of every notification, oldest first."""
    return [(n.verb, n.user.email, n.url) for n in Notification.objects.select_related("user").order_by("pk")]


def test_a_valuation_tells_the_appraiser_of_the_request_and_the_requester_of_the_answer_and_the_report(
        owner: Member, appraiser: Member, on_commit: Any) -> None:
    with on_commit():
        valuation = requested(owner, appraiser)
    page = f"/finance/valuations/{valuation.pk}/"
    with on_commit():
        valuations.valuation_accept(actor=appraiser.user, valuation_id=valuation.pk)
        valuations.valuation_record_cost(actor=appraiser.user, valuation_id=valuation.pk, values={
            "reproduction_cost": "1000000", "functional_percent": "0", "economic_percent": "0"})
    with on_commit():
        valuations.valuation_sign_off(actor=appraiser.user, valuation_id=valuation.pk, value="1000000",
                                      reasoning="成本法")
    assert told() == [("finance.valuation_requested", appraiser.user.email, page),
                      ("finance.valuation_accepted", owner.user.email, page),
                      ("finance.valuation_signed_off", owner.user.email, page)]
    report = Notification.objects.get(verb="finance.valuation_signed_off")
    assert report.title == f"Valuation {valuation.pk} signed off"
    assert report.body == "湾区资产评估事务所 concluded a value of 1,000,000.00 CNY; the report is ready."
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([appraiser.user.email], f"Valuation {valuation.pk} requested"),
        ([owner.user.email], f"Valuation {valuation.pk} accepted"),
        ([owner.user.email], f"Valuation {valuation.pk} signed off")]


def test_a_declined_or_withdrawn_valuation_says_so_with_the_reason(owner: Member, appraiser: Member) -> None:
    first, second = requested(owner, appraiser), requested(owner, appraiser)
    valuations.valuation_decline(actor=appraiser.user, valuation_id=first.pk, reason="资料不全。")
    valuations.valuation_withdraw(actor=owner.user, valuation_id=second.pk)
    declined = Notification.objects.get(verb="finance.valuation_declined")
    assert (declined.user, declined.body) == (owner.user, "湾区资产评估事务所 declined it: 资料不全。")
    assert Notification.objects.get(verb="finance.valuation_withdrawn").user == appraiser.user


def test_a_loan_tells_the_bank_and_the_borrower_each_step_they_wait_for(
        owner: Member, banker: Member, operator: User, valued: Valuation) -> None:
    Notification.objects.all().delete()
    deposit(banker.organisation, "1000000")
    loan = offered(applied(owner, banker, valued), banker)
    page = f"/finance/loans/{loan.pk}/"
    loans.loan_accept(actor=owner.user, loan_id=loan.pk)
    loans.loan_submit_pledge(actor=owner.user, loan_id=loan.pk, number="Y2026440000123")
    loans.loan_check_pledge(operator=operator, loan_id=loan.pk, approve=False, note="登记号有误。")
    loans.loan_submit_pledge(actor=owner.user, loan_id=loan.pk, number="Y2026440000124")
    loans.loan_check_pledge(operator=operator, loan_id=loan.pk, approve=True)
    late = Loan.objects.get(pk=loan.pk).instalments.get(number=1).due_on + timedelta(days=91)
    assert loans.loans_mark_overdue(today=late) == 1
    bank, borrower = banker.user.email, owner.user.email
    assert told() == [("finance.loan_applied", bank, page), ("finance.loan_offered", borrower, page),
                      ("finance.loan_accepted", bank, page), ("finance.pledge_returned", borrower, page),
                      ("finance.loan_paid_out", borrower, page), ("finance.loan_paid_out", bank, page),
                      ("finance.loan_defaulted", borrower, page), ("finance.loan_defaulted", bank, page)]
    offer = Notification.objects.get(verb="finance.loan_offered")
    assert offer.body == ("湾区银行 offers 480,000.00 CNY at 6% a year over 12 months; "
                          "accept it on the loan's page.")
    assert Notification.objects.get(verb="finance.pledge_returned").body == "The operator wrote: 登记号有误。"
    owner.user.preferred_language = "zh-hans"
    owner.user.save(update_fields=["preferred_language"])
    with translation.override("en"):
        assert "贷款" in Notification.objects.get(verb="finance.loan_offered").title


def test_a_declined_or_withdrawn_application_says_so(owner: Member, banker: Member, valued: Valuation) -> None:
    Notification.objects.all().delete()
    first, second = applied(owner, banker, valued), applied(owner, banker, None)
    loans.loan_decline(actor=banker.user, loan_id=first.pk, reason="估值不足。")
    withdrawals.loan_withdraw(actor=owner.user, loan_id=second.pk)
    assert Notification.objects.get(verb="finance.loan_declined").body == "湾区银行 declined it: 估值不足。"
    assert Notification.objects.get(verb="finance.loan_withdrawn").user == banker.user
