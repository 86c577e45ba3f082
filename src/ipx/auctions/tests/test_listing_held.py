"""A listing in an auction lot is sold once: while the lot has not ended the listing is not
withdrawn by its seller, resubmitted or re-termed, and no offer on it is accepted; a lot whose
listing left the market takes no bids, is not sold and makes no settlement deal."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from ipx.accounts.models import User
from ipx.auctions.models import Bid, Deposit, Lot, LotEvent, Settlement
from ipx.auctions.settlement.services import lot_settle_due
from ipx.auctions.tests.scene import available, bid, close_now
from ipx.core.errors import Conflict
from ipx.deals.models import Deal, Offer
from ipx.deals.negotiation import offers, threads
from ipx.deals.negotiation.tests.conftest import make_offer
from ipx.listings import services as listings
from ipx.listings.inputs import ListingChanges
from ipx.listings.models import Listing
from ipx.listings.workflow import LISTING
from ipx.testing.fixtures import Member, _member

pytestmark = pytest.mark.django_db


def lot_state(lot: Lot) -> tuple[object, ...]:
    lot.refresh_from_db()
    return (lot.status, lot.price, lot.leader_id, lot.last_seq, Bid.objects.filter(lot=lot).count(),
            list(Deposit.objects.filter(lot=lot).values_list("status", flat=True)))


def test_the_seller_cannot_take_a_listing_in_a_lot_off_the_market_or_change_it(live: Lot, owner: Member) -> None:
    listing = Listing.objects.get(pk=live.listing_id)
    assert "withdraw" not in LISTING.allowed_actions(listing, owner.user)
    with pytest.raises(Conflict) as refused:
        listings.listing_withdraw(listing_id=listing.pk, actor=owner.user, reason="私下卖了")
    assert "拍卖会" in refused.value.message or str(live.number) in refused.value.message
    with pytest.raises(Conflict):
        listings.listing_update(listing_id=listing.pk, actor=owner.user,
                                changes=ListingChanges(offer_kinds=("transfer", "auction")))
    with pytest.raises(Conflict):
        listings.listing_submit(listing_id=listing.pk, actor=owner.user)
    listing.refresh_from_db()
    assert listing.status == Listing.Status.PUBLISHED and listing.offer_kinds == ["transfer"]


def test_no_offer_is_accepted_while_the_lot_runs(live: Lot, owner: Member) -> None:
    rival = _member("rival@example.com", "Rita Rival", name="深圳竞争者科技有限公司")
    thread = threads.thread_open(listing_id=live.listing_id, actor=rival.user,
                                 organisation_id=rival.organisation.pk, message="场外成交？")
    offer = make_offer(thread, rival)
    with pytest.raises(Conflict):
        offers.offer_accept(offer_id=offer.pk, actor=owner.user)
    assert Offer.objects.get(pk=offer.pk).status == Offer.Status.OPEN
    assert not Deal.objects.exists()


def test_a_lot_whose_listing_is_reserved_takes_no_bid(live: Lot, buyer: Member) -> None:
    Listing.objects.filter(pk=live.listing_id).update(status=Listing.Status.RESERVED)
    before, money = lot_state(live), available(buyer.organisation)
    with pytest.raises(Conflict) as refused:
        bid(buyer, live, "100000")
    assert refused.value.code == "listing_unavailable"
    assert lot_state(live) == before and available(buyer.organisation) == money


def test_a_lot_whose_listing_was_taken_down_is_not_sold(live: Lot, buyer: Member, outsider: Member,
                                                        operator: User) -> None:
    bid(buyer, live, "200000")
    listings.listing_withdraw(listing_id=live.listing_id, actor=operator, reason="登记被撤销")
    with pytest.raises(Conflict):
        bid(outsider, live, "300000")
    assert close_now(live) == Lot.Status.UNSOLD
    assert set(Deposit.objects.filter(lot=live).values_list("status", flat=True)) == {Deposit.Status.RELEASED}
    assert lot_settle_due(lot_id=live.pk) is None
    assert not Settlement.objects.exists() and not Deal.objects.exists()


def test_a_sold_lot_is_not_settled_once_its_listing_left_the_market(live: Lot, buyer: Member, owner: Member,
                                                                    operator: User) -> None:
    bid(buyer, live, "200000")
    assert close_now(live) == Lot.Status.SOLD
    listing = Listing.objects.get(pk=live.listing_id)
    # Sold and not yet settled, the lot still holds the listing against its seller.
    with pytest.raises(Conflict):
        listings.listing_withdraw(listing_id=listing.pk, actor=owner.user, reason="卖给别人")
    listings.listing_withdraw(listing_id=listing.pk, actor=operator, reason="登记被撤销")
    held = available(buyer.organisation)
    assert lot_settle_due(lot_id=live.pk) is None
    assert not Settlement.objects.exists() and not Deal.objects.exists()
    assert available(buyer.organisation) == held + live.deposit
    assert LotEvent.objects.filter(lot=live, verb="not_settled").exists()


def test_the_clock_withdraws_a_lot_whose_listing_left_the_market(lot: Lot, operator: User) -> None:
    from ipx.auctions.services import control, setup

    setup.session_announce(operator=operator, session_id=lot.session_id)
    listings.listing_withdraw(listing_id=lot.listing_id, actor=operator, reason="登记被撤销")
    Lot.objects.filter(pk=lot.pk).update(opens_at=timezone.now() - timedelta(seconds=1))
    assert control.lot_open_due(lot_id=lot.pk) == Lot.Status.WITHDRAWN
