"""A sale knocked down at auction binds both sides, and its buyer forfeits the deposit only for
its own default: a winner cannot cancel its way out, while a deal the exchange cancelled, a
listing taken off the market or a seller that never signed leaves the buyer whole."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from ipx.accounts.models import User
from ipx.auctions.models import AuctionSession, Deposit, Lot, Settlement
from ipx.auctions.services import setup
from ipx.auctions.settlement import services
from ipx.auctions.tests.scene import available, fee_income, past_due, signed, sold
from ipx.core.errors import Conflict
from ipx.deals.contracts.services import deal_cancel, deal_sign, milestone_fund
from ipx.deals.models import Deal
from ipx.ledger.selectors import ledger_check
from ipx.listings.models import Listing
from ipx.listings.services import listing_withdraw
from ipx.notifications.models import Notification
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db
T = Settlement.Status


def deposit_status(lot: Lot, settlement: Settlement) -> str:
    return Deposit.objects.get(lot=lot, registration=settlement.registration).status


def assert_cancelled_without_forfeit(lot: Lot, settlement: Settlement, owner: Member, buyer: Member) -> None:
    settlement.refresh_from_db()
    assert settlement.status == T.CANCELLED
    assert settlement.deal is not None and settlement.deal.status == Deal.Status.CANCELLED
    assert deposit_status(lot, settlement) == Deposit.Status.RELEASED
    assert settlement.premium_paid_at is None
    for organisation in (buyer.organisation, owner.organisation):
        assert Notification.objects.filter(verb="auction.sale_cancelled", organisation=organisation).exists()
    assert not Notification.objects.filter(verb__startswith="auction.forfeit").exists()
    assert ledger_check().ok


def test_neither_side_cancels_an_auction_sale_alone(live: Lot, owner: Member, buyer: Member, outsider: Member,
                                                     operator: User, on_commit: Any) -> None:
    settlement = sold(live, buyer, outsider)
    assert settlement.deal is not None
    before = available(buyer.organisation)
    for member in (buyer, owner):
        with pytest.raises(Conflict) as refused:
            deal_cancel(deal_id=settlement.deal.pk, actor=member.user, reason="changed our mind")
        assert refused.value.code == "sale_binds"
    assert Deal.objects.get(pk=settlement.deal.pk).status == Deal.Status.AWAITING_SIGNATURES
    assert available(buyer.organisation) == before  # the deposit stays applied to the price

    with on_commit():
        deal_cancel(deal_id=settlement.deal.pk, actor=operator, reason="the seller's title is disputed")

    assert available(buyer.organisation) == before + Decimal("20000")
    assert_cancelled_without_forfeit(live, settlement, owner, buyer)
    past_due(settlement)
    assert services.settlement_due(settlement_id=settlement.pk) == T.CANCELLED  # the clock finds it ended


def test_a_deal_the_exchange_cancelled_charges_no_premium_at_the_deadline(
        live: Lot, owner: Member, buyer: Member, outsider: Member, operator: User) -> None:
    settlement = sold(live, buyer, outsider)
    assert settlement.deal is not None
    signed(settlement.deal, owner, buyer)
    milestone_fund(deal_id=settlement.deal.pk, position=2, actor=buyer.user)
    before, income = available(buyer.organisation), fee_income()
    # Cancelled by an operator; its follow-up has not run yet when the deadline comes.
    deal_cancel(deal_id=settlement.deal.pk, actor=operator, reason="fraud suspected")
    past_due(settlement)

    assert services.settlement_due(settlement_id=settlement.pk) == T.CANCELLED

    assert available(buyer.organisation) == before + Decimal("160000")  # all of it, no premium
    assert fee_income() == income
    assert_cancelled_without_forfeit(live, settlement, owner, buyer)


def test_a_listing_taken_off_the_market_returns_the_deposit_at_the_deadline(
        live: Lot, owner: Member, buyer: Member, outsider: Member, operator: User) -> None:
    settlement = sold(live, buyer, outsider)
    before, seller_before, income = available(buyer.organisation), available(owner.organisation), fee_income()
    listing_withdraw(listing_id=live.listing_id, actor=operator, reason="court order")
    past_due(settlement)

    assert services.settlement_due(settlement_id=settlement.pk) == T.CANCELLED

    assert available(buyer.organisation) == before + Decimal("20000")
    assert (available(owner.organisation), fee_income()) == (seller_before, income)
    assert Listing.objects.get(pk=live.listing_id).status == Listing.Status.WITHDRAWN
    assert_cancelled_without_forfeit(live, settlement, owner, buyer)


def test_a_seller_that_never_signs_costs_the_buyer_nothing(live: Lot, owner: Member, buyer: Member,
                                                           outsider: Member) -> None:
    settlement = sold(live, buyer, outsider)
    assert settlement.deal is not None
    before = available(buyer.organisation)
    deal_sign(deal_id=settlement.deal.pk, actor=buyer.user)
    past_due(settlement)

    assert services.settlement_due(settlement_id=settlement.pk) == T.CANCELLED

    assert available(buyer.organisation) == before + Decimal("20000")
    assert_cancelled_without_forfeit(live, settlement, owner, buyer)


def test_a_buyer_that_never_signs_forfeits(live: Lot, owner: Member, buyer: Member, outsider: Member) -> None:
    settlement = sold(live, buyer, outsider)
    assert settlement.deal is not None
    deal_sign(deal_id=settlement.deal.pk, actor=owner.user)
    past_due(settlement)

    assert services.settlement_due(settlement_id=settlement.pk) == T.FORFEITED
    assert deposit_status(live, settlement) == Deposit.Status.FORFEITED
    assert ledger_check().ok


def test_a_deposit_covering_the_price_is_still_paid_for_only_under_a_signed_contract(
        live: Lot, owner: Member, buyer: Member, outsider: Member) -> None:
    Lot.objects.filter(pk=live.pk).update(deposit=Decimal("200000"))
    settlement = sold(live, buyer, outsider)  # 160,000, all of it from the deposit
    assert settlement.deal is not None and settlement.deposit_applied == Decimal("160000.00")
    before, income = available(buyer.organisation), fee_income()
    with pytest.raises(Conflict) as refused:
        services.settlement_pay(actor=buyer.user, settlement_id=settlement.pk)
    assert refused.value.code == "not_signed"
    assert (available(buyer.organisation), fee_income()) == (before, income)  # no premium taken
    signed(settlement.deal, owner, buyer)
    assert services.settlement_pay(actor=buyer.user, settlement_id=settlement.pk).status == T.PAID
    assert fee_income() == income + Decimal("16000")


def test_a_session_with_a_sold_lot_is_not_cancelled(live: Lot, buyer: Member, outsider: Member,
                                                     operator: User) -> None:
    settlement = sold(live, buyer, outsider)
    # The session goes on (another of its lots still open, as in a session whose lots close one a minute).
    AuctionSession.objects.filter(pk=live.session_id).update(status=AuctionSession.Status.LIVE)
    with pytest.raises(Conflict) as refused:  # its buyer could no longer see the lot it must pay for
        setup.session_cancel(operator=operator, session_id=live.session_id, reason="venue problem")
    assert refused.value.code == "lots_sold"
    settlement.refresh_from_db()
    assert settlement.status == T.AWAITING_PAYMENT
    assert AuctionSession.objects.get(pk=live.session_id).status == AuctionSession.Status.LIVE


def test_a_paid_sale_the_exchange_cancels_gives_the_buyer_back_its_premium_too(
        live: Lot, owner: Member, buyer: Member, outsider: Member, operator: User, on_commit: Any) -> None:
    settlement = sold(live, buyer, outsider)  # 160,000: 20,000 from the deposit; premium 16,000
    assert settlement.deal is not None
    signed(settlement.deal, owner, buyer)
    before, income = available(buyer.organisation), fee_income()
    services.settlement_pay(actor=buyer.user, settlement_id=settlement.pk)
    assert available(buyer.organisation) == before - Decimal("140000") - Decimal("16000")
    assert fee_income() == income + Decimal("16000")

    with on_commit():
        deal_cancel(deal_id=settlement.deal.pk, actor=operator, reason="the patent was revoked")

    # The whole price, the deposit applied to it included, and the premium.
    assert available(buyer.organisation) == before + Decimal("20000")
    assert fee_income() == income
    settlement.refresh_from_db()
    assert settlement.status == T.CANCELLED
    assert deposit_status(live, settlement) == Deposit.Status.RELEASED
    notice = Notification.objects.get(verb="auction.sale_cancelled", organisation=buyer.organisation)
    assert notice.params is not None and notice.params["premium_refunded"] == "16000.00"
    assert "premium of" in notice.body and "refunded" in notice.body
    assert ledger_check().ok
    # The follow-up run again (a retried event) refunds nothing twice.
    assert services.settlement_deal_cancelled(settlement_id=settlement.pk) == T.CANCELLED
    assert (available(buyer.organisation), fee_income()) == (before + Decimal("20000"), income)
