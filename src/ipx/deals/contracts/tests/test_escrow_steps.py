"""A deal's money: the buyer funds milestones into escrow, releases reach the seller less the
platform fee once a milestone's condition holds; every refusal leaves everything as it was."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ipx.accounts.models import User
from ipx.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from ipx.deals.contracts import escrow, services
from ipx.deals.contracts.tests.helpers import (
    TWO_STEPS,
    add_agent,
    available,
    deposit,
    escrow_total,
    fee_income,
    make_deal,
    sign_both,
    snapshot,
    verbs,
)
from ipx.deals.models import DealEvent
from ipx.ledger.services import InsufficientFunds
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db


# --- Funding ---------------------------------------------------------------------------------------

def test_buyer_funds_a_milestone_into_escrow(owner: Member, buyer: Member) -> None:
    deal = sign_both(make_deal(owner, buyer, payment_structure="milestones", milestones=TWO_STEPS), owner, buyer)
    deposit(buyer, "150000")
    milestone = services.milestone_fund(deal_id=deal.pk, position=1, actor=buyer.user)
    assert milestone.status == "funded"
    assert available(buyer.organisation) == Decimal("50000.00")
    assert escrow.escrow_balance(deal, milestone) == Decimal("100000.00")
    assert DealEvent.objects.filter(deal=deal, verb="funded").count() == 1
    assert verbs(owner.user)[-1] == "deal.funded"

    before = snapshot(deal)
    with pytest.raises(InsufficientFunds):
        services.milestone_fund(deal_id=deal.pk, position=2, actor=buyer.user)
    with pytest.raises(Conflict, match="already Held in escrow"):
        services.milestone_fund(deal_id=deal.pk, position=1, actor=buyer.user)
    with pytest.raises(NotFound, match="no milestone 7"):
        services.milestone_fund(deal_id=deal.pk, position=7, actor=buyer.user)
    assert snapshot(deal) == before
    assert available(buyer.organisation) == Decimal("50000.00")


def test_funding_refusals_change_nothing(owner: Member, buyer: Member, outsider: Member, operator: User,
                                        agency: Member) -> None:
    deal = make_deal(owner, buyer)
    add_agent(deal, agency)
    deposit(buyer, "600000")
    before = snapshot(deal)
    with pytest.raises(Conflict, match="once both sides have signed"):
        services.milestone_fund(deal_id=deal.pk, position=1, actor=buyer.user)
    deal = sign_both(deal, owner, buyer)
    before = snapshot(deal)
    with pytest.raises(PermissionDenied):
        services.milestone_fund(deal_id=deal.pk, position=1, actor=owner.user)  # the seller
    with pytest.raises(PermissionDenied):
        services.milestone_fund(deal_id=deal.pk, position=1, actor=agency.user)
    with pytest.raises(PermissionDenied):
        services.milestone_fund(deal_id=deal.pk, position=1, actor=operator)
    with pytest.raises(NotFound):
        services.milestone_fund(deal_id=deal.pk, position=1, actor=outsider.user)
    assert snapshot(deal) == before
    assert available(buyer.organisation) == Decimal("600000.00")


# --- Releasing --------------------------------------------------------------------------------------

def test_release_before_the_recordal_is_refused_and_changes_nothing(owner: Member, buyer: Member) -> None:
    deal = sign_both(make_deal(owner, buyer), owner, buyer)
    deposit(buyer, "500000")
    services.milestone_fund(deal_id=deal.pk, position=1, actor=buyer.user)
    before = snapshot(deal)
    with pytest.raises(Conflict, match="released only after the recordal is checked") as refused:
        services.milestone_release(deal_id=deal.pk, position=1, actor=buyer.user)
    assert (refused.value.status, refused.value.code) == (409, "condition_not_met")
    services.deal_submit_recordal(deal_id=deal.pk, actor=owner.user, recordal_number="2023990000123")
    before = snapshot(deal)
    with pytest.raises(Conflict, match="released only after the recordal is checked"):
        services.milestone_release(deal_id=deal.pk, position=1, actor=buyer.user)
    assert snapshot(deal) == before
    assert (available(owner.organisation), escrow_total()) == (Decimal("0.00"), Decimal("500000.00"))


def test_partial_releases_on_signing_with_the_fee(owner: Member, buyer: Member, operator: User) -> None:
    deal = sign_both(make_deal(owner, buyer, payment_structure="milestones", milestones=TWO_STEPS), owner, buyer)
    deposit(buyer, "100000")
    services.milestone_fund(deal_id=deal.pk, position=1, actor=buyer.user)

    milestone = services.milestone_release(deal_id=deal.pk, position=1, actor=buyer.user, amount="30000.50")
    assert (milestone.status, milestone.released_amount) == ("funded", Decimal("30000.50"))
    assert available(owner.organisation) == Decimal("29400.49")  # fee 600.01 (600.010 rounded half-up)
    assert fee_income() == Decimal("600.01")

    before = snapshot(deal)
    with pytest.raises(ValidationFailed) as refused:
        services.milestone_release(deal_id=deal.pk, position=1, actor=buyer.user, amount="69999.51")
    assert "69,999.50 CNY" in refused.value.fields["amount"]
    for bad, message in [("-5", "greater than zero"), ("0", "greater than zero"), ("1.001", "2 decimal places"),
                         ("abc", "as a number")]:
        with pytest.raises(ValidationFailed) as refused:
            services.milestone_release(deal_id=deal.pk, position=1, actor=buyer.user, amount=bad)
        assert message in refused.value.fields["amount"]
    assert snapshot(deal) == before

    milestone = services.milestone_release(deal_id=deal.pk, position=1, actor=operator)  # the rest
    assert (milestone.status, milestone.released_amount) == ("released", Decimal("100000.00"))
    assert available(owner.organisation) == Decimal("98000.00")
    assert fee_income() == Decimal("2000.00")
    assert escrow_total() == Decimal("0.00")
    before = snapshot(deal)
    with pytest.raises(Conflict, match="Nothing is held") as nothing_held:
        services.milestone_release(deal_id=deal.pk, position=1, actor=buyer.user)
    assert nothing_held.value.code == "not_held"
    assert snapshot(deal) == before
    assert [n for n in verbs(owner.user) if n == "deal.released"] == ["deal.released", "deal.released"]


def test_who_may_release(owner: Member, buyer: Member, outsider: Member, agency: Member) -> None:
    deal = sign_both(make_deal(owner, buyer, payment_structure="milestones", milestones=TWO_STEPS), owner, buyer)
    add_agent(deal, agency)
    deposit(buyer, "100000")
    services.milestone_fund(deal_id=deal.pk, position=1, actor=buyer.user)
    before = snapshot(deal)
    with pytest.raises(PermissionDenied):
        services.milestone_release(deal_id=deal.pk, position=1, actor=owner.user)  # the seller cannot pay itself
    with pytest.raises(PermissionDenied):
        services.milestone_release(deal_id=deal.pk, position=1, actor=agency.user)
    with pytest.raises(NotFound):
        services.milestone_release(deal_id=deal.pk, position=1, actor=outsider.user)
    with pytest.raises(Conflict, match="Nothing is held"):
        services.milestone_release(deal_id=deal.pk, position=2, actor=buyer.user)
    assert snapshot(deal) == before


@pytest.mark.parametrize(("amount", "percent", "currency", "fee"), [
    ("333.33", "2.00", "CNY", "6.67"),
    ("100.25", "2.00", "CNY", "2.01"),  # 2.005 rounds half up
    ("1025", "2.00", "JPY", "21.00"),  # no minor unit: 20.5 → 21
    ("500000.00", "0.00", "USD", "0.00"),
])
def test_fee_rounding(amount: str, percent: str, currency: str, fee: str) -> None:
    assert escrow.fee_for(Decimal(amount), fee_percent=Decimal(percent), currency=currency) == Decimal(fee)
