"""Risk-compensation pools: set-up checked, capacity reserved by enrolment and freed by
repayment, a default's loss shared by the ratios with the fund's and insurer's shares paid to
the bank (capped per loan) and the appraiser's as far as its money goes, recoveries shared back."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from decimal import Decimal as D
from typing import Any

import pytest
from django.utils import timezone

from ipx.accounts.models import Organisation, User
from ipx.core.errors import Conflict, PermissionDenied, ValidationFailed
from ipx.core.money import Money
from ipx.finance import selectors
from ipx.finance.models import Enrolment, Loan, Pool, Valuation
from ipx.finance.services import loans, pools, valuations
from ipx.finance.tests.test_loans_workflow import applied, available, offered
from ipx.finance.tests.test_valuation_workflow import patent_of
from ipx.ledger.selectors import ledger_check
from ipx.notifications.models import Notification
from ipx.testing.fixtures import Member, _member
from ipx.testing.scenes import deposit

pytestmark = pytest.mark.django_db


@pytest.fixture
def sponsor(db: None) -> Member:
    return _member("sponsor@example.com", "Zheng Fu", kind=Organisation.Kind.GOVERNMENT, name="某市市场监督管理局")


@pytest.fixture
def insurer(db: None) -> Member:
    return _member("insurer@example.com", "Bao Xian", kind=Organisation.Kind.FINANCIAL, name="湾区财产保险")


def pool_values(insurer: Member, **changes: Any) -> dict[str, Any]:
    return {"name": "知识产权质押融资风险补偿资金池", "region": "广州", "fund_size": "1000000", "leverage": "10",
            "starts_on": (timezone.localdate() - timedelta(days=30)).isoformat(),
            "ends_on": (timezone.localdate() + timedelta(days=1000)).isoformat(), "fund_percent": "54",
            "bank_percent": "26", "insurer_percent": "16", "appraiser_percent": "4",
            "insurer_id": insurer.organisation.pk, "cap_per_loan": "300000", **changes}


def a_pool(sponsor: Member, insurer: Member, *members: Member, **changes: Any) -> Pool:
    pool = pools.pool_create(actor=sponsor.user, sponsor_id=sponsor.organisation.pk,
                             values=pool_values(insurer, **changes))
    for member in members:
        pools.pool_admit(actor=sponsor.user, pool_id=pool.pk, organisation_id=member.organisation.pk)
    return pool


def paid_out_in(pool: Pool, owner: Member, banker: Member, operator: User, valued: Valuation, number: str,
                **offer: Any) -> Loan:
    """A loan the bank offered on ``valued``, accepted, enrolled in ``pool`` and paid out."""
    loan = offered(applied(owner, banker, valued), banker, **offer)
    loans.loan_accept(actor=owner.user, loan_id=loan.pk)
    pools.loan_enrol(actor=banker.user, loan_id=loan.pk, pool_id=pool.pk)
    loans.loan_submit_pledge(actor=owner.user, loan_id=loan.pk, number=number)
    loans.loan_check_pledge(operator=operator, loan_id=loan.pk, approve=True)
    return loan


def test_a_pool_is_set_up_by_a_government_sponsor_with_ratios_summing_to_100(
        sponsor: Member, insurer: Member, owner: Member) -> None:
    with pytest.raises(PermissionDenied):
        pools.pool_create(actor=owner.user, sponsor_id=owner.organisation.pk, values=pool_values(insurer))
    with pytest.raises(ValidationFailed) as refused:
        pools.pool_create(actor=sponsor.user, sponsor_id=sponsor.organisation.pk,
                          values=pool_values(insurer, bank_percent="30"))
    assert "104" in refused.value.fields["fund_percent"]
    with pytest.raises(ValidationFailed) as refused:
        pools.pool_create(actor=sponsor.user, sponsor_id=sponsor.organisation.pk,
                          values=pool_values(insurer, leverage="-2", fund_size="abc", ends_on="2000-01-01"))
    assert {"leverage", "fund_size", "ends_on"} <= set(refused.value.fields)
    pool = a_pool(sponsor, insurer)
    assert pool.capacity == D("10000000")
    assert not Pool.objects.exclude(pk=pool.pk).exists()


def test_enrolment_reserves_capacity_and_repayment_frees_it(
        sponsor: Member, insurer: Member, owner: Member, banker: Member, operator: User, valued: Valuation,
        outsider: Member) -> None:
    loan = offered(applied(owner, banker, valued), banker)
    loans.loan_accept(actor=owner.user, loan_id=loan.pk)
    small = a_pool(sponsor, insurer, banker, fund_size="40000", leverage="10")  # 400,000 of capacity
    with pytest.raises(Conflict):  # the borrower is not a member
        pools.loan_enrol(actor=banker.user, loan_id=loan.pk, pool_id=small.pk)
    pools.pool_admit(actor=sponsor.user, pool_id=small.pk, organisation_id=owner.organisation.pk)
    with pytest.raises(Conflict) as refused:  # 480,000 does not fit
        pools.loan_enrol(actor=banker.user, loan_id=loan.pk, pool_id=small.pk)
    assert "400,000" in refused.value.message or "400000" in refused.value.message
    pool = a_pool(sponsor, insurer, banker, owner)
    with pytest.raises(PermissionDenied):
        pools.loan_enrol(actor=owner.user, loan_id=loan.pk, pool_id=pool.pk)
    enrolment = pools.loan_enrol(actor=banker.user, loan_id=loan.pk, pool_id=pool.pk)
    assert pools.used_capacity(pool) == D("480000.00")
    # Loan by loan it is seen by those who pay its defaults and by its own bank and borrower;
    # another member of the pool sees the totals only.
    pools.pool_admit(actor=sponsor.user, pool_id=pool.pk, organisation_id=outsider.organisation.pk)
    for viewer in (sponsor.user, insurer.user, operator, owner.user, banker.user):
        assert selectors.pool_enrolments(pool, viewer) == [enrolment]
    assert selectors.pool_for(outsider.user, pool.pk) == pool
    assert selectors.pool_enrolments(pool, outsider.user) == []
    with pytest.raises(Conflict):
        pools.loan_enrol(actor=banker.user, loan_id=loan.pk, pool_id=pool.pk)
    deposit(banker.organisation, "1000000")
    loans.loan_submit_pledge(actor=owner.user, loan_id=loan.pk, number="Y2026440000125")
    loans.loan_check_pledge(operator=operator, loan_id=loan.pk, approve=True)
    deposit(owner.organisation, "100000")
    for number in range(1, 13):
        loans.instalment_pay(actor=owner.user, loan_id=loan.pk, key=f"k{number}")
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.FREED and pools.used_capacity(pool) == 0


def test_a_default_is_shared_by_the_ratios_and_recoveries_shared_back(
        sponsor: Member, insurer: Member, owner: Member, banker: Member, operator: User, valued: Valuation,
        appraiser: Member) -> None:
    pool = a_pool(sponsor, insurer, banker, owner)
    deposit(banker.organisation, "1000000")
    deposit(sponsor.organisation, "1000000")
    deposit(insurer.organisation, "1000000")
    deposit(appraiser.organisation, "100000")
    loan = paid_out_in(pool, owner, banker, operator, valued, "Y2026440000126", penalty_percent="0")
    bank_before = available(banker)
    first_due = Loan.objects.get(pk=loan.pk).instalments.get(number=1).due_on
    assert loans.loans_mark_overdue(today=first_due + timedelta(days=91)) == 1
    enrolment = Enrolment.objects.get(loan=loan)
    # Unpaid: all 480,000 of principal; overdue: instalments 1–3 (due 91 days ago and later),
    # whose interest is 2,400 + 2,200 + 2,000 = 6,600. Loss 486,600.
    overdue = Loan.objects.get(pk=loan.pk).instalments.filter(status="overdue").count()
    interest = sum(i.interest for i in Loan.objects.get(pk=loan.pk).instalments.filter(status="overdue"))
    assert enrolment.loss == D("480000.00") + interest and overdue >= 3
    fund_share = (enrolment.loss * D("0.54")).quantize(D("0.01"))
    insurer_share = (enrolment.loss * D("0.16")).quantize(D("0.01"))
    # The fund pays its 54 % but no more than the 300,000 cap; the insurer pays within what is left.
    assert D(enrolment.shares["fund_paid"]) == min(fund_share, D("300000"))
    assert D(enrolment.shares["insurer_paid"]) == min(insurer_share, D("300000") - D(enrolment.shares["fund_paid"]))
    # The appraiser whose valuation the loan rests on pays its 4 %, outside the pool's cap.
    appraiser_share = (enrolment.loss * D("0.04")).quantize(D("0.01"))
    assert (D(enrolment.shares["appraiser_paid"]), D(enrolment.shares["appraiser_owed"])) == (appraiser_share, 0)
    assert available(appraiser) == D("100000") - appraiser_share
    assert available(banker) == bank_before + D("300000") + appraiser_share
    assert sum(D(enrolment.shares[p]) for p in pools.PARTIES) == enrolment.loss
    sponsor_before = available(sponsor)
    recovered = pools.enrolment_recover(actor=banker.user, loan_id=loan.pk, recovered="100000")
    assert available(sponsor) == sponsor_before + D("54000.00")  # the fund's 54 % of what came back
    assert available(appraiser) == D("100000") - appraiser_share + D("4000.00")  # and the appraiser's 4 %
    shown = banker.client.get(f"/finance/loans/{loan.pk}/").content.decode()
    assert 'id="loss-shares"' in shown and f"{appraiser_share:,}" in shown
    assert recovered.recovered == D("100000.00")
    # Through the API a retry records the recovery once; the key cannot carry another amount.
    path = f"/api/v1/finance/loans/{loan.pk}/recoveries"

    def recover(amount: str, **headers: str) -> Any:
        return banker.client.post(path, json.dumps({"amount": amount}), content_type="application/json",
                                  headers=headers)

    assert recover("1000").status_code == 400  # no Idempotency-Key
    assert [recover("1000", **{"Idempotency-Key": "rec-1"}).status_code for _twice in range(2)] == [200, 200]
    refused = recover("5000", **{"Idempotency-Key": "rec-1"})
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "idempotency_key_reused"
    assert Enrolment.objects.get(loan=loan).recovered == D("101000.00")
    assert available(sponsor) == sponsor_before + D("54540.00")
    # A page's form sent twice (a double click) records it once too.
    page = f"/finance/loans/{loan.pk}/recover/"
    shown = banker.client.get(page).content.decode()
    key = re.search(r'name="idempotency_key" value="([^"]+)"', shown)
    assert key is not None
    for _twice in range(2):
        assert banker.client.post(page, {"amount": "2000", "idempotency_key": key[1]}).status_code == 302
    assert Enrolment.objects.get(loan=loan).recovered == D("103000.00")
    assert ledger_check().ok


def defaulted_with_the_appraiser_holding(holding: str, sponsor: Member, insurer: Member, owner: Member,
                                        banker: Member, operator: User, valued: Valuation,
                                        appraiser: Member) -> tuple[Loan, D]:
    """A pooled loan on ``valued`` that defaulted while its appraiser held ``holding`` on the
    exchange, and what the bank had available just before."""
    pool = a_pool(sponsor, insurer, banker, owner)
    for member in (banker, sponsor, insurer):
        deposit(member.organisation, "1000000")
    deposit(appraiser.organisation, holding)
    loan = paid_out_in(pool, owner, banker, operator, valued, "Y2026440000128", penalty_percent="0")
    bank_before = available(banker)
    late = Loan.objects.get(pk=loan.pk).instalments.get(number=1).due_on + timedelta(days=91)
    assert loans.loans_mark_overdue(today=late) == 1
    return loan, bank_before


def test_an_appraiser_short_of_money_pays_what_it_has_and_owes_the_rest_without_holding_up_the_default(
        sponsor: Member, insurer: Member, owner: Member, banker: Member, operator: User, valued: Valuation,
        appraiser: Member) -> None:
    loan, bank_before = defaulted_with_the_appraiser_holding("5000", sponsor, insurer, owner, banker, operator, valued,
                                                             appraiser)
    enrolment = Enrolment.objects.get(loan=loan)
    share = D(enrolment.shares["appraiser"])
    assert share > D("5000")
    assert (D(enrolment.shares["appraiser_paid"]), D(enrolment.shares["appraiser_owed"])) == (
        D("5000.00"), share - D("5000.00"))
    assert available(appraiser) == 0 and available(banker) == bank_before + D("300000") + D("5000")
    # A recovery gives it back no more than it paid.
    pools.enrolment_recover(actor=banker.user, loan_id=loan.pk, recovered="480000")
    assert available(appraiser) == D("5000.00")
    assert selectors.loss_shares(Enrolment.objects.get(loan=loan))[2] == selectors.LossShare(
        "appraiser", share, D("5000.00"), share - D("5000.00"), D("5000.00"))
    assert ledger_check().ok


def test_what_an_appraiser_owes_is_collected_as_its_balance_allows_and_never_twice(
        sponsor: Member, insurer: Member, owner: Member, banker: Member, operator: User, valued: Valuation,
        appraiser: Member) -> None:
    loan, _before = defaulted_with_the_appraiser_holding("5000", sponsor, insurer, owner, banker, operator, valued,
                                                         appraiser)
    share = D(Enrolment.objects.get(loan=loan).shares["appraiser"])
    owed = share - D("5000.00")
    assert pools.pools_collect_owed() == 0  # nothing on the exchange yet
    bank_before = available(banker)
    deposit(appraiser.organisation, str(owed - D("1000")))
    assert pools.pools_collect_owed() == 1
    shares = Enrolment.objects.get(loan=loan).shares
    assert (D(shares["appraiser_paid"]), D(shares["appraiser_owed"])) == (share - D("1000"), D("1000.00"))
    assert available(appraiser) == 0 and available(banker) == bank_before + owed - D("1000")
    deposit(appraiser.organisation, "3000")
    assert pools.pools_collect_owed() == 1
    assert pools.pools_collect_owed() == 0
    shares = Enrolment.objects.get(loan=loan).shares
    assert (D(shares["appraiser_paid"]), D(shares["appraiser_owed"])) == (share, D("0.00"))
    assert available(appraiser) == D("2000.00") and available(banker) == bank_before + owed
    # A recovery's appraiser part now goes back against everything it paid.
    pools.enrolment_recover(actor=banker.user, loan_id=loan.pk, recovered="480000")
    assert selectors.loss_shares(Enrolment.objects.get(loan=loan))[2].returned > D("5000.00")
    assert ledger_check().ok


def test_a_default_waits_while_the_fund_cannot_pay_and_other_loans_go_on(
        sponsor: Member, insurer: Member, owner: Member, banker: Member, operator: User, valued: Valuation) -> None:
    pool = a_pool(sponsor, insurer, banker, owner)
    deposit(banker.organisation, "1000000")
    loan = paid_out_in(pool, owner, banker, operator, valued, "Y2026440000127")
    late = Loan.objects.get(pk=loan.pk).instalments.get(number=1).due_on + timedelta(days=91)
    assert loans.loans_mark_overdue(today=late) == 0  # the sponsor has no money on the exchange
    assert Loan.objects.get(pk=loan.pk).status == Loan.Status.ACTIVE
    deposit(sponsor.organisation, "1000000")
    deposit(insurer.organisation, "1000000")
    assert loans.loans_mark_overdue(today=late) == 1
    assert Enrolment.objects.get(loan=loan).status == Enrolment.Status.COMPENSATED


def test_a_loan_in_another_currency_is_not_enrolled(sponsor: Member, insurer: Member, owner: Member,
                                                    banker: Member, appraiser: Member) -> None:
    valuation = valuations.valuation_request(actor=owner.user, requester_id=owner.organisation.pk,
                                             appraiser_id=appraiser.organisation.pk,
                                             asset_ids=[patent_of(owner).pk], purpose="质押融资", currency="HKD")
    valuations.valuation_accept(actor=appraiser.user, valuation_id=valuation.pk)
    valuations.valuation_record_cost(actor=appraiser.user, valuation_id=valuation.pk, values={
        "reproduction_cost": "1000000", "functional_percent": "0", "economic_percent": "0"})
    valuations.valuation_sign_off(actor=appraiser.user, valuation_id=valuation.pk, value="1000000", reasoning="成本法")
    loan = loans.loan_apply(actor=owner.user, borrower_id=owner.organisation.pk, bank_id=banker.organisation.pk,
                            asset_ids=list(valuation.assets.values_list("pk", flat=True)), amount_asked="300000",
                            months="12", purpose="周转", valuation_id=valuation.pk, currency="HKD")
    loan = offered(loan, banker, amount_offered="300000")
    loans.loan_accept(actor=owner.user, loan_id=loan.pk)
    pool = a_pool(sponsor, insurer, banker, owner)
    with pytest.raises(Conflict, match="HKD"):
        pools.loan_enrol(actor=banker.user, loan_id=loan.pk, pool_id=pool.pk)
    assert not Enrolment.objects.exists()


def test_a_pool_tells_its_new_members_and_the_bank_what_the_loss_sharing_paid(
        sponsor: Member, insurer: Member, owner: Member, banker: Member, operator: User, valued: Valuation,
        appraiser: Member) -> None:
    loan, _before = defaulted_with_the_appraiser_holding("5000", sponsor, insurer, owner, banker, operator, valued,
                                                         appraiser)
    admitted = Notification.objects.filter(verb="finance.pool_admitted").order_by("pk")
    welcome = "某市市场监督管理局 admitted your organisation; loans between its members can be enrolled for cover."
    assert [(n.user, n.body) for n in admitted] == [(banker.user, welcome), (owner.user, welcome)]
    enrolment = Enrolment.objects.get(loan=loan)
    shares = enrolment.shares
    assert enrolment.loss is not None
    compensated = Notification.objects.get(verb="finance.loss_compensated")
    assert compensated.user == banker.user and compensated.url == f"/finance/loans/{loan.pk}/"
    assert compensated.body == (
        f"Of a loss of {Money(enrolment.loss, 'CNY')}, the pool's fund paid you "
        f"{Money(D(shares['fund_paid']), 'CNY')}, the insurer {Money(D(shares['insurer_paid']), 'CNY')} and the "
        "appraiser 5,000.00 CNY.")
    deposit(appraiser.organisation, "1000000")
    assert pools.pools_collect_owed() == 1
    paid = Notification.objects.get(verb="finance.owed_share_paid")
    owed = Money(D(shares["appraiser_owed"]), "CNY")
    assert paid.user == banker.user
    assert paid.body == f"湾区资产评估事务所 paid {owed} of its share of the loss; 0.00 CNY is still owed."
