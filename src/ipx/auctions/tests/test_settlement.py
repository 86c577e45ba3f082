"""Settling a sold lot: the deal it becomes, the deposit applied, the premium and commission
through the ledger, the forfeit of an unpaid winner and the offer to the runner-up."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from ipx.accounts.models import User
from ipx.auctions.models import Deposit, Lot, Settlement
from ipx.auctions.settlement import services
from ipx.auctions.tests.scene import available, bid, close_now, fee_income, past_due, signed, sold
from ipx.core.errors import Conflict, PermissionDenied
from ipx.deals.models import Deal, DealKind, DealMilestone
from ipx.ledger.selectors import ledger_check
from ipx.ledger.services import escrow_balance
from ipx.listings.models import Listing
from ipx.notifications.models import Notification
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db
T = Settlement.Status


def test_a_sold_lot_becomes_a_deal_with_the_winners_deposit_applied(live: Lot, owner: Member, buyer: Member,
                                                                    outsider: Member) -> None:
    settlement = sold(live, buyer, outsider)
    deal = settlement.deal
    assert deal is not None
    assert (settlement.status, settlement.price, settlement.premium, settlement.deposit_applied) == (
        T.AWAITING_PAYMENT, Decimal("160000.00"), Decimal("16000.00"), Decimal("20000.00"))
    assert (deal.buyer, deal.seller, deal.kind, deal.price_amount, deal.fee_percent) == (
        buyer.organisation, owner.organisation, DealKind.TRANSFER, Decimal("160000.00"), Decimal("5.00"))
    assert "160,000.00" in deal.notes or "160000" in deal.notes
    milestones = list(deal.milestones.order_by("position"))
    assert [(m.amount, m.status) for m in milestones] == [
        (Decimal("20000.00"), DealMilestone.Status.FUNDED), (Decimal("140000.00"), DealMilestone.Status.PENDING)]
    # The deposit left the lot's escrow for the deal's first milestone, never the buyer's balance.
    assert escrow_balance(payer=buyer.organisation, currency="CNY", reference=f"auction-lot:{live.pk}") == 0
    assert escrow_balance(payer=buyer.organisation, currency="CNY",
                          reference=milestones[0].ledger_reference) == Decimal("20000.00")
    assert Deposit.objects.get(lot=live, registration=settlement.registration).status == Deposit.Status.APPLIED
    assert Listing.objects.get(pk=live.listing_id).status == Listing.Status.RESERVED
    assert Notification.objects.filter(verb="auction.pay_due", organisation=buyer.organisation).exists()
    assert services.lot_settle_due(lot_id=live.pk) is None  # once, however often the task runs
    assert ledger_check().ok


def test_paying_charges_the_premium_and_funds_the_balance_once_signed(live: Lot, owner: Member, buyer: Member,
                                                                     outsider: Member) -> None:
    settlement = sold(live, buyer, outsider)
    assert settlement.deal is not None
    before, income = available(buyer.organisation), fee_income()
    with pytest.raises(Conflict):  # the contract is not signed yet: nothing moves
        services.settlement_pay(actor=buyer.user, settlement_id=settlement.pk)
    assert (available(buyer.organisation), fee_income()) == (before, income)
    signed(settlement.deal, owner, buyer)
    with pytest.raises(PermissionDenied):
        services.settlement_pay(actor=outsider.user, settlement_id=settlement.pk)
    services.settlement_pay(actor=buyer.user, settlement_id=settlement.pk)
    settlement.refresh_from_db()
    assert settlement.status == T.PAID and settlement.premium_paid_at is not None
    assert available(buyer.organisation) == before - Decimal("140000") - Decimal("16000")
    assert fee_income() == income + Decimal("16000")
    assert not settlement.deal.milestones.filter(status=DealMilestone.Status.PENDING).exists()
    assert Notification.objects.filter(verb="auction.paid", organisation=owner.organisation).exists()
    with pytest.raises(Conflict):
        services.settlement_pay(actor=buyer.user, settlement_id=settlement.pk)
    assert ledger_check().ok


def test_an_unpaid_winner_forfeits_its_deposit_to_the_seller_and_the_exchange(
        live: Lot, owner: Member, buyer: Member, outsider: Member, settings: object) -> None:
    settlement = sold(live, buyer, outsider)
    seller_before, income = available(owner.organisation), fee_income()
    assert services.settlement_due(settlement_id=settlement.pk) == T.AWAITING_PAYMENT  # not yet due
    past_due(settlement)
    assert services.settlement_due(settlement_id=settlement.pk) == T.FORFEITED
    assert services.settlement_due(settlement_id=settlement.pk) == T.FORFEITED  # once
    # Half of the 20,000 deposit to the seller, half to the exchange (the default shares).
    assert available(owner.organisation) == seller_before + Decimal("10000")
    assert fee_income() == income + Decimal("10000")
    assert settlement.deal_id is not None
    deal = Deal.objects.get(pk=settlement.deal_id)
    assert deal.status == Deal.Status.CANCELLED
    assert Listing.objects.get(pk=live.listing_id).status == Listing.Status.PUBLISHED
    assert Deposit.objects.get(lot=live, registration=settlement.registration).status == Deposit.Status.FORFEITED
    assert Notification.objects.filter(verb="auction.forfeited", organisation=buyer.organisation).exists()
    assert Notification.objects.filter(verb="auction.forfeit_share", organisation=owner.organisation).exists()
    assert ledger_check().ok


def test_a_winner_who_funded_everything_pays_the_premium_at_the_deadline(
        live: Lot, owner: Member, buyer: Member, outsider: Member) -> None:
    from ipx.deals.contracts.services import milestone_fund

    settlement = sold(live, buyer, outsider)
    assert settlement.deal is not None
    signed(settlement.deal, owner, buyer)
    milestone_fund(deal_id=settlement.deal.pk, position=2, actor=buyer.user)  # from the deal's own page
    past_due(settlement)
    assert services.settlement_due(settlement_id=settlement.pk) == T.PAID
    assert fee_income() >= Decimal("16000")


def test_the_lot_is_offered_to_the_runner_up_at_its_last_bid(
        live: Lot, owner: Member, buyer: Member, outsider: Member, operator: User) -> None:
    settlement = sold(live, buyer, outsider)
    with pytest.raises(Conflict):  # the winner has not forfeited
        services.lot_offer_runner_up(operator=operator, lot_id=live.pk, reason="买受人未付款")
    past_due(settlement)
    services.settlement_due(settlement_id=settlement.pk)
    with pytest.raises(PermissionDenied):
        services.lot_offer_runner_up(operator=owner.user, lot_id=live.pk, reason="x")
    offer = services.lot_offer_runner_up(operator=operator, lot_id=live.pk, reason="买受人未付款")
    assert (offer.status, offer.registration.organisation, offer.price) == (
        T.OFFERED, outsider.organisation, Decimal("150000.00"))
    assert Notification.objects.filter(verb="auction.runner_up", organisation=outsider.organisation).exists()
    with pytest.raises(PermissionDenied):
        services.settlement_accept(actor=buyer.user, settlement_id=offer.pk)
    services.settlement_accept(actor=outsider.user, settlement_id=offer.pk)
    offer.refresh_from_db()
    assert offer.status == T.AWAITING_PAYMENT and offer.deal is not None
    assert [(m.amount, m.status) for m in offer.deal.milestones.all()] == [
        (Decimal("150000.00"), DealMilestone.Status.PENDING)]
    assert Listing.objects.get(pk=live.listing_id).status == Listing.Status.RESERVED
    with pytest.raises(Conflict):  # nobody is left below the runner-up
        services.lot_offer_runner_up(operator=operator, lot_id=live.pk, reason="again")


def test_a_runner_up_may_decline_or_let_the_offer_lapse(
        live: Lot, buyer: Member, outsider: Member, operator: User) -> None:
    settlement = sold(live, buyer, outsider)
    past_due(settlement)
    services.settlement_due(settlement_id=settlement.pk)
    offer = services.lot_offer_runner_up(operator=operator, lot_id=live.pk, reason="未付款")
    assert services.offer_due(settlement_id=offer.pk) == T.OFFERED  # not yet
    Settlement.objects.filter(pk=offer.pk).update(due_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(Conflict):  # too late to accept
        services.settlement_accept(actor=outsider.user, settlement_id=offer.pk)
    assert services.offer_due(settlement_id=offer.pk) == T.LAPSED
    with pytest.raises(Conflict):
        services.settlement_decline(actor=outsider.user, settlement_id=offer.pk, reason="")


def test_an_unsold_lot_has_no_settlement(live: Lot, outsider: Member) -> None:
    bid(outsider, live, "100000")  # below the 150,000 reserve
    assert close_now(live) == Lot.Status.UNSOLD
    assert services.lot_settle_due(lot_id=live.pk) is None
    assert not Settlement.objects.exists()
