"""Every step of a loan towards pay-out (acceptance, the pledge's number, the operator's check)
asks whether the borrower still holds each pledged right, not ended: one sold (or licensed
exclusively) to another organisation since the application, or past its term, is refused by
name, and nothing changes. A right that has ended is not pledged at all."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone

from ipx.accounts.models import User
from ipx.catalog.models import Asset, Patent
from ipx.catalog.services import asset_licence_record, asset_transfer_ownership
from ipx.core.errors import Conflict, PermissionDenied, ValidationFailed
from ipx.finance.models import Loan, LoanEvent, Valuation
from ipx.finance.services import loans as services
from ipx.finance.tests.test_loans_workflow import applied, available, offered, patent_of
from ipx.finance.tests.test_valuation_workflow import signed_off
from ipx.ledger.models import LedgerTransaction
from ipx.ledger.selectors import ledger_check
from ipx.testing.fixtures import Member
from ipx.testing.scenes import deposit

pytestmark = pytest.mark.django_db


def _collateral(loan: Loan) -> Asset:
    return loan.collateral.get()


def _sold(loan: Loan, buyer: Member) -> Asset:
    """What a completed transfer deal leaves in the catalog: the buyer holds the right."""
    asset = _collateral(loan)
    return asset_transfer_ownership(asset_id=asset.pk, to_organisation=buyer.organisation,
                                    from_organisation=loan.borrower, recordal_number="2026990000777")


def _unchanged(loan: Loan, status: str, events: int) -> None:
    loan.refresh_from_db()
    assert loan.status == status
    assert LoanEvent.objects.filter(loan=loan).count() == events


def test_a_right_sold_after_the_offer_keeps_the_loan_from_being_accepted(
        owner: Member, buyer: Member, banker: Member, valued: Valuation) -> None:
    loan = offered(applied(owner, banker, valued), banker)
    asset = _sold(loan, buyer)
    events = LoanEvent.objects.filter(loan=loan).count()
    with pytest.raises(Conflict) as refused:
        services.loan_accept(actor=owner.user, loan_id=loan.pk)
    assert f"IP right {asset.pk}" in refused.value.message and buyer.organisation.name in refused.value.message
    assert refused.value.code == "collateral_not_held"
    _unchanged(loan, Loan.Status.OFFERED, events)


def test_a_right_sold_after_acceptance_keeps_the_pledge_from_being_entered(
        owner: Member, buyer: Member, banker: Member, valued: Valuation) -> None:
    loan = offered(applied(owner, banker, valued), banker)
    services.loan_accept(actor=owner.user, loan_id=loan.pk)
    asset = _sold(loan, buyer)
    events = LoanEvent.objects.filter(loan=loan).count()
    with pytest.raises(PermissionDenied):  # who may act is answered before what the collateral is
        services.loan_submit_pledge(actor=buyer.user, loan_id=loan.pk, number="Y2026440000777")
    with pytest.raises(Conflict) as refused:
        services.loan_submit_pledge(actor=owner.user, loan_id=loan.pk, number="Y2026440000777")
    assert f"IP right {asset.pk}" in refused.value.message
    _unchanged(loan, Loan.Status.ACCEPTED, events)
    assert loan.pledge_number == ""


def test_a_right_sold_after_the_pledge_was_entered_is_not_paid_out_against(
        owner: Member, buyer: Member, banker: Member, operator: User, valued: Valuation) -> None:
    loan = offered(applied(owner, banker, valued), banker)
    services.loan_accept(actor=owner.user, loan_id=loan.pk)
    services.loan_submit_pledge(actor=owner.user, loan_id=loan.pk, number="Y2026440000777")
    deposit(banker.organisation, "1000000")
    asset = _sold(loan, buyer)
    events = LoanEvent.objects.filter(loan=loan).count()
    ledger = LedgerTransaction.objects.count()
    before = (available(owner), available(banker))
    with pytest.raises(Conflict) as refused:
        services.loan_check_pledge(operator=operator, loan_id=loan.pk, approve=True)
    assert f"IP right {asset.pk}" in refused.value.message and asset.title in refused.value.message
    _unchanged(loan, Loan.Status.PLEDGE_SUBMITTED, events)
    assert (available(owner), available(banker)) == before == (D("0"), D("1000000"))
    assert LedgerTransaction.objects.count() == ledger and not loan.instalments.exists()
    assert loan.disbursed_at is None and ledger_check().ok
    # Returning the pledge moves nothing towards pay-out: the operator may still do it.
    returned = services.loan_check_pledge(operator=operator, loan_id=loan.pk, approve=False, note="已转让")
    assert returned.status == Loan.Status.ACCEPTED


def test_an_exclusive_licence_to_another_organisation_keeps_the_loan_from_being_accepted(
        owner: Member, buyer: Member, banker: Member, appraiser: Member, valued: Valuation) -> None:
    loan = offered(applied(owner, banker, valued), banker)
    asset = _collateral(loan)
    today = timezone.localdate()
    asset_licence_record(asset_id=asset.pk, licensor=owner.organisation, licensee=buyer.organisation,
                         exclusivity="non_exclusive", territory="中国", field_of_use="", starts_on=today,
                         ends_on=today + timedelta(days=365), recordal_number="2026990000778", source="test")
    assert services.loan_accept(actor=owner.user, loan_id=loan.pk).status == Loan.Status.ACCEPTED  # shared: fine

    other = offered(applied(owner, banker, signed_off(owner, appraiser)), banker)
    licensed = _collateral(other)
    asset_licence_record(asset_id=licensed.pk, licensor=owner.organisation, licensee=buyer.organisation,
                         exclusivity="exclusive", territory="中国", field_of_use="", starts_on=today,
                         ends_on=None, recordal_number="2026990000779", source="test")
    with pytest.raises(Conflict) as refused:
        services.loan_accept(actor=owner.user, loan_id=other.pk)
    assert f"IP right {licensed.pk}" in refused.value.message and "exclusively" in refused.value.message
    other.refresh_from_db()
    assert other.status == Loan.Status.OFFERED


def test_the_api_answers_409_and_pays_nothing_for_a_right_sold_since_the_application(
        owner: Member, buyer: Member, banker: Member, valued: Valuation) -> None:
    loan = offered(applied(owner, banker, valued), banker)
    asset = _sold(loan, buyer)
    deposit(banker.organisation, "1000000")
    answer = owner.client.post(f"/api/v1/finance/loans/{loan.pk}/accept", "{}", content_type="application/json")
    assert answer.status_code == 409
    assert answer.json()["error"]["code"] == "collateral_not_held"
    assert f"IP right {asset.pk}" in answer.json()["error"]["message"]
    loan.refresh_from_db()
    assert loan.status == Loan.Status.OFFERED and available(banker) == D("1000000")


def test_a_right_that_has_ended_is_not_pledged(owner: Member, banker: Member) -> None:
    lapsed = patent_of(owner)
    Asset.objects.filter(pk=lapsed.pk).update(legal_status=Asset.LegalStatus.LAPSED)
    loans = Loan.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        services.loan_apply(actor=owner.user, borrower_id=owner.organisation.pk, bank_id=banker.organisation.pk,
                            asset_ids=[lapsed.pk], amount_asked="500000", months="12", purpose="研发周转")
    assert refused.value.fields["asset_ids"] == (f"IP right {lapsed.pk} (“{lapsed.title}”) is lapsed: a right that "
                                                 "has ended cannot be pledged.")
    answer = owner.client.post("/api/v1/finance/loans", json.dumps({
        "borrower_id": owner.organisation.pk, "bank_id": banker.organisation.pk, "asset_ids": [lapsed.pk],
        "amount": "500000", "months": "12", "purpose": "研发周转"}), content_type="application/json")
    assert (answer.status_code, list(answer.json()["error"]["fields"])) == (400, ["asset_ids"])
    assert Loan.objects.count() == loans
    # An application pending may be offered as collateral; the office's registration of the
    # pledge, which the operator checks, says whether it can be pledged.
    Asset.objects.filter(pk=lapsed.pk).update(legal_status=Asset.LegalStatus.PENDING)
    assert applied(owner, banker, None).status == Loan.Status.APPLIED


def test_a_right_past_its_term_since_the_pledge_was_entered_is_not_paid_out_against(
        owner: Member, banker: Member, operator: User, valued: Valuation) -> None:
    loan = offered(applied(owner, banker, valued), banker)
    services.loan_accept(actor=owner.user, loan_id=loan.pk)
    services.loan_submit_pledge(actor=owner.user, loan_id=loan.pk, number="Y2026440000777")
    deposit(banker.organisation, "1000000")
    asset = _collateral(loan)
    Patent.objects.filter(asset=asset).update(filing_date=timezone.localdate() - timedelta(days=21 * 365))
    events = LoanEvent.objects.filter(loan=loan).count()
    with pytest.raises(Conflict) as refused:
        services.loan_check_pledge(operator=operator, loan_id=loan.pk, approve=True)
    assert refused.value.code == "collateral_ended" and f"IP right {asset.pk}" in refused.value.message
    _unchanged(loan, Loan.Status.PLEDGE_SUBMITTED, events)
    assert (available(owner), available(banker)) == (D("0"), D("1000000")) and ledger_check().ok
