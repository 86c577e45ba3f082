"""Pledge loans from application to repayment or default: the bank's LTV ceiling, the pledge a
right can carry once, the operator's pledge check disbursing through the ledger, instalments
paid once per key, overdue penalty interest and default."""

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
from ipx.finance.tests.test_valuation_workflow import patent_of
from ipx.ledger.selectors import ledger_check
from ipx.ledger.services import available_account, balance_of
from ipx.listings.models import Listing, ListingAsset
from ipx.listings.services import listing_submit
from ipx.testing.factories import ListingFactory
from ipx.testing.fixtures import Member
from ipx.testing.scenes import deposit

pytestmark = pytest.mark.django_db


def available(member: Member) -> D:
    return balance_of(available_account(organisation=member.organisation, currency="CNY"))


def applied(owner: Member, banker: Member, valuation: Valuation | None) -> Loan:
    asset_ids = list(valuation.assets.values_list("pk", flat=True)) if valuation else [patent_of(owner).pk]
    return services.loan_apply(actor=owner.user, borrower_id=owner.organisation.pk, bank_id=banker.organisation.pk,
                               asset_ids=asset_ids, amount_asked="500000", months="12", purpose="研发周转",
                               valuation_id=valuation.pk if valuation else None)


def offered(loan: Loan, banker: Member, **changes: str) -> Loan:
    terms = {"amount_offered": "480000", "annual_percent": "6", "months": "12", "method": "equal_principal",
             "ltv_percent": "50", "penalty_percent": "18", "default_after_days": "90", **changes}
    return services.loan_offer(actor=banker.user, loan_id=loan.pk, **terms)


def disbursed(owner: Member, banker: Member, operator: User, valuation: Valuation) -> Loan:
    loan = offered(applied(owner, banker, valuation), banker)
    services.loan_accept(actor=owner.user, loan_id=loan.pk)
    services.loan_submit_pledge(actor=owner.user, loan_id=loan.pk, number="Y2026440000123")
    return services.loan_check_pledge(operator=operator, loan_id=loan.pk, approve=True)


def test_an_application_is_refused_by_field_and_nothing_is_saved(owner: Member, buyer: Member, banker: Member,
                                                                  valued: Valuation) -> None:
    with pytest.raises(ValidationFailed) as refused:
        services.loan_apply(actor=owner.user, borrower_id=owner.organisation.pk, bank_id=buyer.organisation.pk,
                            asset_ids=[patent_of(buyer).pk], amount_asked="abc", months="0", purpose="x",
                            valuation_id="999")
    assert set(refused.value.fields) == {"bank_id", "asset_ids", "amount", "months", "valuation_id"}
    assert not Loan.objects.exists()


def test_the_bank_offers_at_most_its_ltv_of_the_signed_off_value(owner: Member, banker: Member,
                                                                  valued: Valuation) -> None:
    loan = applied(owner, banker, valued)
    with pytest.raises(PermissionDenied):
        offered(loan, owner)
    with pytest.raises(ValidationFailed) as refused:
        offered(loan, banker, amount_offered="600000")  # 50 % of 1,000,000 is 500,000
    assert "500,000.00" in refused.value.fields["amount"] or "500000" in refused.value.fields["amount"]
    with pytest.raises(ValidationFailed) as refused:
        offered(loan, banker, annual_percent="-1", months="1000", method="balloon")
    assert set(refused.value.fields) == {"annual_percent", "months", "method"}
    assert offered(loan, banker).status == Loan.Status.OFFERED
    without = applied(owner, banker, None)
    with pytest.raises(Conflict):  # no valuation to lend against
        offered(without, banker)


def test_a_right_backs_one_loan_at_a_time(owner: Member, banker: Member, valued: Valuation) -> None:
    loan = offered(applied(owner, banker, valued), banker)
    second = applied(owner, banker, valued)  # applying is allowed while nothing is promised yet
    services.loan_accept(actor=owner.user, loan_id=loan.pk)
    with pytest.raises(ValidationFailed) as refused:
        applied(owner, banker, valued)
    assert f"loan #{loan.pk}" in refused.value.fields["asset_ids"]
    offered(second, banker)
    with pytest.raises(Conflict):
        services.loan_accept(actor=owner.user, loan_id=second.pk)


def test_the_pledge_check_disburses_and_fixes_the_schedule(owner: Member, banker: Member, operator: User,
                                                          valued: Valuation) -> None:
    loan = offered(applied(owner, banker, valued), banker)
    services.loan_accept(actor=owner.user, loan_id=loan.pk)
    services.loan_submit_pledge(actor=owner.user, loan_id=loan.pk, number="Y2026440000123")
    with pytest.raises(Conflict):  # the bank has no money on the exchange yet: nothing moves
        services.loan_check_pledge(operator=operator, loan_id=loan.pk, approve=True)
    loan.refresh_from_db()
    assert loan.status == Loan.Status.PLEDGE_SUBMITTED and not loan.instalments.exists()
    returned = services.loan_check_pledge(operator=operator, loan_id=loan.pk, approve=False, note="编号有误")
    assert returned.status == Loan.Status.ACCEPTED
    services.loan_submit_pledge(actor=owner.user, loan_id=loan.pk, number="Y2026440000124")
    deposit(banker.organisation, "1000000")
    with pytest.raises(PermissionDenied):
        services.loan_check_pledge(operator=banker.user, loan_id=loan.pk, approve=True)
    before = available(owner)
    active = services.loan_check_pledge(operator=operator, loan_id=loan.pk, approve=True)
    assert active.status == Loan.Status.ACTIVE and available(owner) == before + D("480000")
    rows = list(active.instalments.order_by("number"))
    assert [r.principal for r in rows] == [D("40000.00")] * 12
    assert (rows[0].interest, rows[-1].interest, rows[-1].balance) == (D("2400.00"), D("200.00"), 0)
    assert ledger_check().ok


def test_instalments_are_paid_once_per_key_and_the_last_releases_the_pledge(
        owner: Member, banker: Member, operator: User, valued: Valuation) -> None:
    deposit(banker.organisation, "1000000")
    loan = disbursed(owner, banker, operator, valued)
    deposit(owner.organisation, "100000")  # the interest
    with pytest.raises(PermissionDenied):
        services.instalment_pay(actor=banker.user, loan_id=loan.pk, key="pay-1")
    first = services.instalment_pay(actor=owner.user, loan_id=loan.pk, key="pay-1")
    after_first = available(owner)
    again = services.instalment_pay(actor=owner.user, loan_id=loan.pk, key="pay-1")
    assert again.pk == first.pk and available(owner) == after_first  # a retry pays nothing more
    for number in range(2, 13):
        services.instalment_pay(actor=owner.user, loan_id=loan.pk, key=f"pay-{number}")
    loan.refresh_from_db()
    assert loan.status == Loan.Status.REPAID and not pledges_of(loan.collateral.values_list("pk", flat=True))
    assert available(banker) == D("1000000") + D("15600.00")  # 6 % on 480,000 falling by 40,000 a month
    assert ledger_check().ok


def test_late_instalments_accrue_penalty_interest_and_the_loan_defaults(
        owner: Member, banker: Member, operator: User, valued: Valuation) -> None:
    deposit(banker.organisation, "1000000")
    loan = disbursed(owner, banker, operator, valued)
    first = loan.instalments.get(number=1)
    assert services.loans_mark_overdue(today=first.due_on + timedelta(days=10)) == 0
    first.refresh_from_db()
    # 18 % a year on the 42,400 due, for 10 days: 42,400 × 0.18 × 10 / 365 = 209.10.
    assert (first.status, first.penalty) == (Instalment.Status.OVERDUE, D("209.10"))
    assert services.loans_mark_overdue(today=first.due_on + timedelta(days=91)) == 1
    loan.refresh_from_db()
    assert loan.status == Loan.Status.DEFAULTED and loan.closed_at is not None
    assert services.loans_mark_overdue(today=timezone.localdate() + timedelta(days=400)) == 0  # once


def _draft_listing(owner: Member, asset_id: int, **fields: object) -> Listing:
    listing = ListingFactory.create(organisation=owner.organisation, created_by=owner.user, **fields)
    ListingAsset.objects.create(listing=listing, asset_id=asset_id, position=0)
    return listing


def test_a_pledged_right_is_not_offered_for_transfer_or_exclusive_licence(
        owner: Member, banker: Member, operator: User, valued: Valuation) -> None:
    asset_id = valued.assets.get().pk
    loan = offered(applied(owner, banker, valued), banker)
    services.loan_accept(actor=owner.user, loan_id=loan.pk)
    for fields in ({"offer_kinds": ["transfer"]},
                   {"offer_kinds": ["licence"], "licence_exclusivity": "exclusive"}):
        listing = _draft_listing(owner, asset_id, **fields)
        with pytest.raises(Conflict) as refused:
            listing_submit(listing_id=listing.pk, actor=owner.user)
        assert f"loan #{loan.pk}" in refused.value.message and banker.organisation.name in refused.value.message
        listing.refresh_from_db()
        assert listing.status == Listing.Status.DRAFT
    open_licence = _draft_listing(owner, asset_id, offer_kinds=["licence"], licence_exclusivity="non_exclusive")
    assert listing_submit(listing_id=open_licence.pk, actor=owner.user).status == Listing.Status.SUBMITTED
