"""A right that has ended (``catalog.rights``) is not auctioned: no lot is made of its listing,
and a lot whose right ends while it runs takes no bids, is not sold and gives every deposit back.
The lot holds its listing, so the listings' clock leaves it on the market; the auction asks."""

from __future__ import annotations

import pytest

from ipx.accounts.models import User
from ipx.auctions.models import AuctionSession, Deposit, Lot, Settlement
from ipx.auctions.services import setup
from ipx.auctions.tests.scene import bid, close_now, lot_values, opened
from ipx.catalog.models import Asset
from ipx.core.errors import Conflict, ValidationFailed
from ipx.ledger.selectors import ledger_check
from ipx.testing.fixtures import Member
from ipx.testing.scenes import published_listing

pytestmark = pytest.mark.django_db


def lapse(lot_or_listing_id: int, *, of_lot: bool = False) -> None:
    found = {"listing_links__listing__auction_lots": lot_or_listing_id} if of_lot else {
        "listing_links__listing": lot_or_listing_id}
    Asset.objects.filter(**found).update(legal_status=Asset.LegalStatus.LAPSED)


def test_no_lot_is_made_of_a_listing_whose_right_has_ended(session: AuctionSession, owner: Member,
                                                          operator: User) -> None:
    listing = published_listing(owner.organisation, owner.user, operator)
    lapse(listing.pk)
    with pytest.raises(ValidationFailed) as refused:
        setup.lot_add(operator=operator, session_id=session.pk, values=lot_values(listing.pk))
    assert "can be offered" in refused.value.fields["listing_id"]
    assert not Lot.objects.exists()


def test_a_lot_whose_right_ends_while_it_runs_is_not_sold(lot: Lot, operator: User, buyer: Member,
                                                          outsider: Member) -> None:
    opened(lot, operator, buyer, outsider)
    bid(buyer, lot, "100000")
    lapse(lot.pk, of_lot=True)
    with pytest.raises(Conflict) as refused:
        bid(outsider, lot, "105000")
    assert refused.value.code == "listing_unavailable"
    assert "The lot takes no bids and is not sold." in refused.value.message
    assert close_now(lot) == Lot.Status.UNSOLD
    assert not Settlement.objects.exists()
    assert set(Deposit.objects.values_list("status", flat=True)) == {Deposit.Status.RELEASED}
    assert ledger_check().ok
