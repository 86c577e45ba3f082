"""A listing an unfinished deal holds is not withdrawn by its seller, reopened, resubmitted or
materially edited, and the clock does not expire it: any of those would let it be sold twice."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from ipx.accounts.models import User
from ipx.core.errors import Conflict
from ipx.deals.contracts import services as contracts
from ipx.deals.contracts.pdf import deal_number
from ipx.deals.contracts.tests.helpers import make_deal
from ipx.deals.models import Deal
from ipx.listings import services
from ipx.listings.inputs import ListingChanges
from ipx.listings.models import Listing, ListingEvent
from ipx.listings.tests.files import published_listing
from ipx.listings.workflow import LISTING
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db


def state(listing: Listing) -> tuple[object, ...]:
    listing.refresh_from_db()
    return (listing.status, listing.offer_kinds, listing.price_amount, ListingEvent.objects.filter(listing=listing)
            .count())


def test_the_seller_cannot_withdraw_a_listing_reserved_by_a_deal(owner: Member, buyer: Member) -> None:
    deal = make_deal(owner, buyer)
    listing = Listing.objects.get(pk=deal.listing_id)
    assert listing.status == Listing.Status.RESERVED
    assert "withdraw" not in LISTING.allowed_actions(listing, owner.user)
    before = state(listing)
    with pytest.raises(Conflict) as refused:
        services.listing_withdraw(listing_id=listing.pk, actor=owner.user, reason="换个买家")
    assert deal_number(deal) in refused.value.message
    assert state(listing) == before


def test_the_api_answers_409_and_the_listing_stays_reserved(owner: Member, buyer: Member) -> None:
    deal = make_deal(owner, buyer)
    response = owner.client.post(f"/api/v1/listings/{deal.listing_id}/withdraw", {"reason": "换个买家"},
                                 content_type="application/json")
    assert response.status_code == 409, response.content
    assert Listing.objects.get(pk=deal.listing_id).status == Listing.Status.RESERVED


def test_taken_down_by_the_exchange_it_is_not_reopened_until_the_deal_ends(owner: Member, buyer: Member,
                                                                         operator: User) -> None:
    deal = make_deal(owner, buyer)
    listing = Listing.objects.get(pk=deal.listing_id)
    assert "withdraw" in LISTING.allowed_actions(listing, operator)
    services.listing_withdraw(listing_id=listing.pk, actor=operator, reason="登记被撤销")
    listing.refresh_from_db()
    assert "reopen" not in LISTING.allowed_actions(listing, owner.user)
    before = state(listing)
    with pytest.raises(Conflict):
        services.listing_reopen(listing_id=listing.pk, actor=owner.user)
    assert state(listing) == before
    contracts.deal_cancel(deal_id=deal.pk, actor=operator, reason="权利被撤销")
    assert services.listing_reopen(listing_id=listing.pk, actor=owner.user).status == Listing.Status.DRAFT


def licence_deal(owner: Member, buyer: Member) -> Deal:
    listing = published_listing(owner, offer_kinds=["licence"], licence_exclusivity="non_exclusive",
                                licence_term_months=12)
    return make_deal(owner, buyer, listing=listing, kind="licence", licence_exclusivity="non_exclusive",
                     licence_term_months=12)


def test_no_material_edit_while_a_licence_deal_is_under_way(owner: Member, buyer: Member) -> None:
    deal = licence_deal(owner, buyer)
    listing = Listing.objects.get(pk=deal.listing_id)
    assert listing.status == Listing.Status.PUBLISHED
    before = state(listing)
    with pytest.raises(Conflict):
        services.listing_update(listing_id=listing.pk, actor=owner.user,
                                changes=ListingChanges(price_amount=Decimal("1.00")))
    assert state(listing) == before
    # What does not change the terms is still edited.
    services.listing_update(listing_id=listing.pk, actor=owner.user, changes=ListingChanges(title="新的标题：电池专利"))
    assert Listing.objects.get(pk=listing.pk).status == Listing.Status.PUBLISHED


def test_the_clock_does_not_expire_a_listing_a_deal_holds(owner: Member, buyer: Member) -> None:
    deal = licence_deal(owner, buyer)
    Listing.objects.filter(pk=deal.listing_id).update(expires_on=timezone.localdate() - timedelta(days=1))
    services.listings_expire_due()
    assert Listing.objects.get(pk=deal.listing_id).status == Listing.Status.PUBLISHED
    contracts.deal_cancel(deal_id=deal.pk, actor=owner.user, reason="不做了")
    services.listings_expire_due()
    assert Listing.objects.get(pk=deal.listing_id).status == Listing.Status.EXPIRED
