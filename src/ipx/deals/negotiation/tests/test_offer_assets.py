"""Business rule: an offer fixes the IP rights (and terms) it was made on. The deal made when it
is accepted takes exactly those, and once the listing's rights are no longer the same the
offer cannot be accepted (a clear 409, nothing changed) — its side may counter with an offer
on the listing as it is now."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from ipx.catalog.models import Asset, Patent
from ipx.core.errors import Conflict
from ipx.deals.contracts.services.creating import TERMS_FIELDS
from ipx.deals.models import Offer, Thread
from ipx.deals.negotiation import offers
from ipx.deals.negotiation.tests.conftest import make_offer as make
from ipx.deals.negotiation.tests.conftest import offer_state as state
from ipx.deals.negotiation.tests.conftest import offer_terms
from ipx.deals.negotiation.workflow import OFFER
from ipx.listings.models import ListingAsset
from ipx.testing.factories import PatentFactory
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db

CHANGED = ("The listing's IP rights have changed since this offer was made, so it can no longer be accepted; make "
           "or ask for a new offer on the listing as it is now.")


def offered(offer: Offer) -> list[int]:
    return list(offer.asset_links.order_by("position", "pk").values_list("asset_id", flat=True))


def listed(thread: Thread) -> list[int]:
    return list(thread.listing.asset_links.order_by("position", "pk").values_list("asset_id", flat=True))


def test_an_offer_records_the_ip_rights_its_listing_holds(thread: Thread, buyer: Member, owner: Member) -> None:
    rights = listed(thread)
    assert len(rights) == 1
    offer = make(thread, buyer)
    assert offered(offer) == rights
    counter = offers.offer_counter(offer_id=offer.pk, actor=owner.user, terms=offer_terms(price_amount="150000.00"))
    assert offered(counter) == rights


def test_the_deal_takes_exactly_the_offers_rights_and_terms(thread: Thread, buyer: Member, owner: Member) -> None:
    offer = make(thread, buyer, notes="含技术资料交付", price_amount="98000.00")

    deal = offers.offer_accept(offer_id=offer.pk, actor=owner.user)

    assert list(deal.asset_links.order_by("pk").values_list("asset_id", flat=True)) == offered(offer)
    assert {name: getattr(deal, name) for name in TERMS_FIELDS} == {name: getattr(offer, name) for name in TERMS_FIELDS}


@pytest.mark.parametrize("change", ["added", "swapped"])
def test_an_offer_is_not_accepted_once_the_listings_rights_changed(change: str, thread: Thread, buyer: Member,
                                                                   owner: Member) -> None:
    offer = make(thread, buyer)
    made_on = offered(offer)
    # The listing's rights change however it happens (the listing's own edits refuse this while
    # an offer is open; here the rows are written directly).
    extra = PatentFactory.create(asset__holder=owner.organisation).asset
    if change == "swapped":
        ListingAsset.objects.filter(listing=thread.listing).delete()
    ListingAsset.objects.create(listing=thread.listing, asset=extra, position=2)
    before = state()

    assert OFFER.allowed_actions(offer, owner.user) == ["reject", "counter"]
    with pytest.raises(Conflict) as refused:
        offers.offer_accept(offer_id=offer.pk, actor=owner.user)
    assert (refused.value.code, refused.value.message) == ("listing_changed", CHANGED)
    response = owner.client.post(f"/api/v1/offers/{offer.pk}/accept", data=json.dumps({}),
                                 content_type="application/json")
    assert (response.status_code, response.json()["error"]["code"]) == (409, "listing_changed")
    assert state() == before
    assert offered(offer) == made_on

    # A counter-offer is made on the listing as it is now, and that one may be accepted.
    counter = offers.offer_counter(offer_id=offer.pk, actor=owner.user, terms=offer_terms())
    assert offered(counter) == listed(thread)
    deal = offers.offer_accept(offer_id=counter.pk, actor=buyer.user)
    assert list(deal.asset_links.order_by("pk").values_list("asset_id", flat=True)) == listed(thread)


@pytest.mark.parametrize("ended", ["term", "lapsed"])
def test_an_offer_on_a_right_that_has_ended_is_not_accepted(ended: str, thread: Thread, buyer: Member,
                                                            owner: Member) -> None:
    # Between two runs of the clock (``listings_expire_due``), or while a deal holds the
    # listing, the right may end under an open offer: past its term, or lapsed.
    offer = make(thread, buyer)
    if ended == "term":
        Patent.objects.filter(asset__listing_links__listing=thread.listing).update(
            filing_date=timezone.localdate() - timedelta(days=21 * 365))
    else:
        Asset.objects.filter(listing_links__listing=thread.listing).update(legal_status=Asset.LegalStatus.LAPSED)
    before = state()
    with pytest.raises(Conflict) as refused:
        offers.offer_accept(offer_id=offer.pk, actor=owner.user)
    assert refused.value.code == "right_ended"
    assert "only rights in force, or applications pending, can be offered" in refused.value.message
    response = owner.client.post(f"/api/v1/offers/{offer.pk}/accept", data=json.dumps({}),
                                 content_type="application/json")
    assert (response.status_code, response.json()["error"]["code"]) == (409, "right_ended")
    assert "accept" not in OFFER.allowed_actions(offer, owner.user)
    assert state() == before
