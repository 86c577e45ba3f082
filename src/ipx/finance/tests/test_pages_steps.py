"""The loan's later steps on its pages: the pledge number, paying without the money, enrolment
beyond the pool's capacity and a recovery — each bad input answered on its form (400) or as a
message, nothing changed, the ledger balanced; and the buttons a page shows are the API's
``allowed_actions`` for the same person."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.contrib.messages import get_messages

from ipx.accounts.models import Membership, Organisation, User
from ipx.core.errors import PermissionDenied
from ipx.core.money import Money
from ipx.finance.models import Enrolment, Instalment, Loan, Valuation
from ipx.finance.services import loans, prepayment
from ipx.finance.tests.test_loans_workflow import applied, available, offered
from ipx.finance.tests.test_pools import a_pool
from ipx.ledger.selectors import ledger_check
from ipx.ledger.services import transfer
from ipx.testing.factories import MembershipFactory
from ipx.testing.fixtures import Member, _member
from ipx.testing.scenes import deposit
from ipx.testing.second_factor import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def sponsor(db: None) -> Member:
    return _member("sponsor@example.com", "Zheng Fu", kind=Organisation.Kind.GOVERNMENT, name="某市市场监督管理局")


@pytest.fixture
def insurer(db: None) -> Member:
    return _member("insurer@example.com", "Bao Xian", kind=Organisation.Kind.FINANCIAL, name="湾区财产保险")


def accepted(owner: Member, banker: Member, valued: Valuation) -> Loan:
    loan = offered(applied(owner, banker, valued), banker, penalty_percent="0")
    return loans.loan_accept(actor=owner.user, loan_id=loan.pk)


def paid_out(owner: Member, banker: Member, operator: User, valued: Valuation, *, pledge: str) -> Loan:
    """A loan accepted, its pledge registered and checked, the money paid out by a bank that has it."""
    deposit(banker.organisation, "1000000")
    loan = accepted(owner, banker, valued)
    loans.loan_submit_pledge(actor=owner.user, loan_id=loan.pk, number=pledge)
    loans.loan_check_pledge(operator=operator, loan_id=loan.pk, approve=True)
    return loan


def test_the_pledge_number_is_required_and_then_sent_to_the_operator(owner: Member, banker: Member,
                                                                     valued: Valuation) -> None:
    loan = accepted(owner, banker, valued)
    client = owner.client
    empty = client.post(f"/finance/loans/{loan.pk}/pledge/", {"pledge_number": "  "})
    assert empty.status_code == 400 and "pledge_number" in empty.context["form"].errors
    loan.refresh_from_db()
    assert loan.status == Loan.Status.ACCEPTED and loan.pledge_number == ""
    assert client.post(f"/finance/loans/{loan.pk}/pledge/", {"pledge_number": "Y2026440000555"}).status_code == 302
    loan.refresh_from_db()
    assert (loan.status, loan.pledge_number) == (Loan.Status.PLEDGE_SUBMITTED, "Y2026440000555")


def test_enrolment_beyond_the_pools_capacity_is_refused_on_the_form(
        owner: Member, banker: Member, valued: Valuation, sponsor: Member, insurer: Member) -> None:
    pool = a_pool(sponsor, insurer, banker, owner, fund_size="40000", leverage="10")  # capacity 400,000
    loan = accepted(owner, banker, valued)  # 480,000
    refused = banker.client.post(f"/finance/loans/{loan.pk}/enrol/", {"pool_id": pool.pk})
    assert refused.status_code == 400
    assert "400,000.00" in " ".join(refused.context["form"].non_field_errors())
    assert not Enrolment.objects.exists()
    assert owner.client.get(f"/finance/loans/{loan.pk}/enrol/").status_code == 403


def test_paying_without_the_money_goes_back_with_the_refusal(owner: Member, banker: Member, operator: User,
                                                            valued: Valuation) -> None:
    loan = paid_out(owner, banker, operator, valued, pledge="Y2026440000777")
    # The borrower spends what it was lent: 480,000 back to the bank as another payment.
    transfer(payer=owner.organisation, payee=banker.organisation, money=Money(D("480000.00"), "CNY"),
             reference="test:spent")
    answer = owner.client.post(f"/finance/loans/{loan.pk}/pay/", {"pay-key": "k1"})
    assert answer.status_code == 302
    assert [m.level_tag for m in get_messages(answer.wsgi_request)] == ["error"]
    assert not Instalment.objects.filter(loan=loan, status=Instalment.Status.PAID).exists()
    assert ledger_check().problems == []


@pytest.mark.parametrize("key", ["\x00", "k\x07", "k" * 101])
def test_a_retry_key_our_form_never_sends_is_refused_and_pays_nothing(owner: Member, banker: Member,
                                                                       operator: User, valued: Valuation,
                                                                       key: str) -> None:
    # Sent as a multipart body (the test client's way), which the NUL guard leaves to the
    # fields: PostgreSQL could not store the key and would answer with a server error.
    loan = paid_out(owner, banker, operator, valued, pledge="Y2026440000777")
    answer = owner.client.post(f"/finance/loans/{loan.pk}/pay/", {"pay-key": key})
    assert answer.status_code == 302
    assert [m.level_tag for m in get_messages(answer.wsgi_request)] == ["error"]
    assert not Instalment.objects.filter(loan=loan, status=Instalment.Status.PAID).exists()
    assert ledger_check().problems == []


def test_a_recovery_is_read_on_its_form_and_shared_back(
        owner: Member, banker: Member, operator: User, valued: Valuation, sponsor: Member, insurer: Member) -> None:
    pool = a_pool(sponsor, insurer, banker, owner)
    for member in (banker, sponsor, insurer):
        deposit(member.organisation, "1000000")
    loan = accepted(owner, banker, valued)
    banker.client.post(f"/finance/loans/{loan.pk}/enrol/", {"pool_id": pool.pk})
    loans.loan_submit_pledge(actor=owner.user, loan_id=loan.pk, number="Y2026440000888")
    loans.loan_check_pledge(operator=operator, loan_id=loan.pk, approve=True)
    first_due = Loan.objects.get(pk=loan.pk).instalments.get(number=1).due_on
    assert loans.loans_mark_overdue(today=first_due + timedelta(days=91)) == 1
    client = banker.client
    bad = client.post(f"/finance/loans/{loan.pk}/recover/", {"amount": "-5", "idempotency_key": "r0"})
    assert bad.status_code == 400 and "amount" in bad.context["form"].errors
    assert Enrolment.objects.get(loan=loan).recovered == 0
    sponsor_before = available(sponsor)
    recovery = {"amount": "100,000", "idempotency_key": "r1"}
    assert client.post(f"/finance/loans/{loan.pk}/recover/", recovery).status_code == 302
    assert available(sponsor) == sponsor_before + D("54000.00")  # the fund's 54 % of 100,000
    page = client.get(f"/finance/pools/{pool.pk}/").content.decode()
    assert "100,000.00" in page
    assert ledger_check().problems == []


def test_the_page_shows_the_buttons_the_api_allows(owner: Member, banker: Member, valued: Valuation) -> None:
    loan = offered(applied(owner, banker, valued), banker)
    for member, expected in ((owner, ["accept", "withdraw"]), (banker, [])):
        api = json.loads(member.client.get(f"/api/v1/finance/loans/{loan.pk}").content)["allowed_actions"]
        page = member.client.get(f"/finance/loans/{loan.pk}/").content.decode()
        buttons = sorted(set(re.findall(rf'action="/finance/loans/{loan.pk}/(\w+)/"', page)))
        assert api == expected and buttons == sorted(expected)


def test_only_those_who_bind_the_borrower_pay_its_loan(owner: Member, banker: Member, operator: User,
                                                      valued: Valuation) -> None:
    loan = paid_out(owner, banker, operator, valued, pledge="Y2026440000997")
    clerk = MembershipFactory.create(organisation=owner.organisation, role=Membership.Role.MEMBER).user
    before = available(owner)
    with pytest.raises(PermissionDenied):
        prepayment.loan_prepay(actor=clerk, loan_id=loan.pk, amount="1000", key="k1")
    with pytest.raises(PermissionDenied):
        loans.instalment_pay(actor=clerk, loan_id=loan.pk)
    answer = signed_in(clerk).post(f"/api/v1/finance/loans/{loan.pk}/prepay", json.dumps({"amount": "1000"}),
                                   content_type="application/json", headers={"Idempotency-Key": "k2"})
    assert answer.status_code == 403
    assert available(owner) == before and not Instalment.objects.filter(loan=loan, status="paid").exists()


def test_repaying_early_on_the_page_and_in_the_api(owner: Member, banker: Member, operator: User,
                                                  valued: Valuation) -> None:
    loan = paid_out(owner, banker, operator, valued, pledge="Y2026440000999")
    client = owner.client
    too_much = client.post(f"/finance/loans/{loan.pk}/prepay/", {"amount": "480000.01", "key": "p0"})
    assert too_much.status_code == 400 and "amount" in too_much.context["form"].errors
    assert Instalment.objects.filter(loan=loan).count() == 12
    for _twice in range(2):
        answer = client.post(f"/api/v1/finance/loans/{loan.pk}/prepay", json.dumps({"amount": "80000"}),
                             content_type="application/json", headers={"Idempotency-Key": "early-1"})
        assert answer.status_code == 200, answer.content
    # 480,000 owed, 80,000 repaid today (no interest has run yet on the day of the payout).
    assert D(answer.json()["outstanding"]) == D("400000.00")
    reused = client.post(f"/api/v1/finance/loans/{loan.pk}/prepay", json.dumps({"amount": "5000"}),
                         content_type="application/json", headers={"Idempotency-Key": "early-1"})
    assert reused.status_code == 409 and reused.json()["error"]["code"] == "idempotency_key_reused"
    assert "Repaid early" in answer.json()["history"][-1]["text"]
    assert client.post(f"/finance/loans/{loan.pk}/prepay/", {"amount": "400000", "key": "p1"}).status_code == 302
    loan.refresh_from_db()
    assert loan.status == Loan.Status.REPAID
    assert ledger_check().problems == []
