"""A pledge-loan guarantee in a default: the policy's insurer pays the pool's insurer share to
the bank, within the policy's cover left and the pool's cap, recorded as a claim paid on the
policy; recoveries give its part back to that insurer. Without a policy in force the pool's
insurer pays as before; a guaranteed loan in no pool has its loss paid within the cover.

Every figure below is worked by hand from one loan: 480,000 at 6 % a year over 12 months,
equal principal (40,000 a month; the first month's interest 480,000 × 0.5 % = 2,400), no
penalty interest, default after 27 days overdue. Marked on the second instalment's due date,
only the first is overdue (28 to 31 days), so the loss is 480,000 + 2,400 = 482,400. The
pool shares it 54 / 26 / 16 / 4 with a cap of 300,000 a loan: the fund 260,496.00, the bank
125,424.00, the insurer 77,184.00, the appraiser 19,296.00; the fund pays its 260,496.00 and
the insurer's share is paid within the 39,504.00 left under the cap."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from ipx.accounts.models import Organisation, User
from ipx.finance.models import Claim, Enrolment, Loan, Policy, Valuation
from ipx.finance.services import claims, insurance, loans, pools
from ipx.finance.tests.test_insurance_policies import guarantee, product
from ipx.finance.tests.test_loans_workflow import applied, available, offered
from ipx.finance.tests.test_pools import a_pool
from ipx.ledger.selectors import ledger_check
from ipx.testing.fixtures import Member, _member
from ipx.testing.scenes import deposit

pytestmark = pytest.mark.django_db


@pytest.fixture
def sponsor(db: None) -> Member:
    return _member("sponsor@example.com", "Zheng Fu", kind=Organisation.Kind.GOVERNMENT, name="某市市场监督管理局")


@pytest.fixture
def pool_insurer(db: None) -> Member:
    return _member("pool-insurer@example.com", "Chen Bao", kind=Organisation.Kind.FINANCIAL, name="湾区财产保险")


def accepted(owner: Member, banker: Member, valued: Valuation) -> Loan:
    loan = offered(applied(owner, banker, valued), banker, penalty_percent="0", default_after_days="27")
    return loans.loan_accept(actor=owner.user, loan_id=loan.pk)


def guaranteed(loan: Loan, owner: Member, underwriter: Member, cover: str) -> Policy:
    """The borrower buys a guarantee of ``cover`` on its loan at 1.5 % and pays for it."""
    policy = insurance.policy_request(actor=owner.user, policyholder_id=owner.organisation.pk,
                                      product_id=product(underwriter, guarantee()).pk, loan_id=loan.pk, cover=cover)
    deposit(owner.organisation, str(policy.premium))
    return insurance.policy_pay(actor=owner.user, policy_id=policy.pk)


def disburse_and_default(loan: Loan, owner: Member, operator: User) -> None:
    loans.loan_submit_pledge(actor=owner.user, loan_id=loan.pk, number="Y2026440000200")
    loans.loan_check_pledge(operator=operator, loan_id=loan.pk, approve=True)
    second_due = Loan.objects.get(pk=loan.pk).instalments.get(number=2).due_on
    assert loans.loans_mark_overdue(today=second_due) == 1
    assert Loan.objects.get(pk=loan.pk).status == Loan.Status.DEFAULTED


@pytest.fixture
def money(owner: Member, banker: Member, sponsor: Member, pool_insurer: Member, underwriter: Member) -> None:
    for member in (banker, sponsor, pool_insurer, underwriter):
        deposit(member.organisation, "1000000")


def test_the_guarantee_pays_the_insurer_share_within_the_cap_and_gets_its_recovery_back(
        money: None, owner: Member, banker: Member, sponsor: Member, pool_insurer: Member, underwriter: Member,
        operator: User, valued: Valuation) -> None:
    pool = a_pool(sponsor, pool_insurer, banker, owner)
    loan = accepted(owner, banker, valued)
    pools.loan_enrol(actor=banker.user, loan_id=loan.pk, pool_id=pool.pk)
    policy = guaranteed(loan, owner, underwriter, cover="100000")
    assert policy.premium == D("1500.00")
    bank_before = available(banker) - D("480000.00")  # what it keeps after lending
    disburse_and_default(loan, owner, operator)
    enrolment = Enrolment.objects.get(loan=loan)
    assert enrolment.loss == D("482400.00")
    assert {p: enrolment.shares[p] for p in pools.PARTIES} == {
        "fund": "260496.00", "bank": "125424.00", "insurer": "77184.00", "appraiser": "19296.00"}
    assert (enrolment.shares["fund_paid"], enrolment.shares["insurer_paid"]) == ("260496.00", "39504.00")
    assert enrolment.shares["insurer_id"] == str(underwriter.organisation.pk)
    assert enrolment.shares["policy"] == str(policy.pk)
    assert available(banker) == bank_before + D("300000.00")
    assert available(underwriter) == D("1000000.00") + D("1500.00") - D("39504.00")
    assert available(pool_insurer) == D("1000000.00")  # the policy paid in its place
    claim = Claim.objects.get(policy=policy)
    assert (claim.status, claim.amount_approved, claim.enrolment_id) == ("paid", D("39504.00"), enrolment.pk)
    assert list(claim.events.values_list("verb", flat=True)) == ["default", "approve", "pay"]
    assert claims.cover_left(policy) == D("60496.00")
    # 100,000 recovered: the fund's 54 % (54,000) and the insurer's 16 % (16,000) go back.
    pools.enrolment_recover(actor=banker.user, loan_id=loan.pk, recovered="100000")
    assert available(underwriter) == D("1000000.00") + D("1500.00") - D("39504.00") + D("16000.00")
    assert available(pool_insurer) == D("1000000.00")
    assert available(sponsor) == D("1000000.00") - D("260496.00") + D("54000.00")
    assert ledger_check().ok


def test_the_guarantee_pays_no_more_than_its_cover_left(
        money: None, owner: Member, banker: Member, sponsor: Member, pool_insurer: Member, underwriter: Member,
        operator: User, valued: Valuation) -> None:
    pool = a_pool(sponsor, pool_insurer, banker, owner)
    loan = accepted(owner, banker, valued)
    pools.loan_enrol(actor=banker.user, loan_id=loan.pk, pool_id=pool.pk)
    policy = guaranteed(loan, owner, underwriter, cover="20000")  # premium 300
    bank_before = available(banker) - D("480000.00")
    disburse_and_default(loan, owner, operator)
    enrolment = Enrolment.objects.get(loan=loan)
    assert enrolment.shares["insurer_paid"] == "20000.00"
    assert available(banker) == bank_before + D("260496.00") + D("20000.00")
    assert available(underwriter) == D("1000000.00") + D("300.00") - D("20000.00")
    assert claims.cover_left(policy) == D("0.00")
    assert ledger_check().ok


def test_without_a_guarantee_in_force_the_pools_insurer_pays(
        money: None, owner: Member, banker: Member, sponsor: Member, pool_insurer: Member, underwriter: Member,
        operator: User, valued: Valuation) -> None:
    pool = a_pool(sponsor, pool_insurer, banker, owner)
    loan = accepted(owner, banker, valued)
    pools.loan_enrol(actor=banker.user, loan_id=loan.pk, pool_id=pool.pk)
    quote = insurance.policy_request(actor=owner.user, policyholder_id=owner.organisation.pk,
                                     product_id=product(underwriter, guarantee()).pk, loan_id=loan.pk)
    disburse_and_default(loan, owner, operator)  # the quote was never paid
    enrolment = Enrolment.objects.get(loan=loan)
    assert (enrolment.shares["insurer_paid"], enrolment.shares["insurer_id"]) == ("39504.00",
                                                                                  str(pool_insurer.organisation.pk))
    assert "policy" not in enrolment.shares
    assert available(pool_insurer) == D("1000000.00") - D("39504.00")
    assert available(underwriter) == D("1000000.00")
    assert not Claim.objects.filter(policy=quote).exists()
    assert ledger_check().ok


def test_a_guaranteed_loan_in_no_pool_has_its_loss_paid_within_the_cover(
        money: None, owner: Member, banker: Member, underwriter: Member, operator: User, valued: Valuation) -> None:
    loan = accepted(owner, banker, valued)
    policy = guaranteed(loan, owner, underwriter, cover="100000")
    bank_before = available(banker) - D("480000.00")
    disburse_and_default(loan, owner, operator)
    assert available(banker) == bank_before + D("100000.00")  # the loss of 482,400 capped by the cover
    claim = Claim.objects.get(policy=policy)
    assert (claim.status, claim.amount_approved, claim.enrolment_id) == ("paid", D("100000.00"), None)
    assert ledger_check().ok
