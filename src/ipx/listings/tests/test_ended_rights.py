"""A right that has ended (past its term, lapsed, its registration over) is not offered: review
refuses it, and the clock takes a published listing of one off the market (``catalog.rights``)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from ipx.accounts.models import User
from ipx.catalog.models import Asset, Patent
from ipx.core.errors import Conflict
from ipx.deals.contracts.tests.helpers import make_deal
from ipx.listings import services
from ipx.listings.models import Listing, ListingAsset, ListingEvent
from ipx.listings.notices import describe
from ipx.listings.tests.files import published_listing
from ipx.listings.tests.helpers import api, draft, published, snapshot, submitted
from ipx.testing.factories import TrademarkFactory
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db


def years_ago(years: int, days: int = 0) -> date:
    today = timezone.localdate()
    return today.replace(year=today.year - years, day=min(today.day, 28)) - timedelta(days=days)


def utility_model_of(listing: Listing) -> Patent:
    """The listing's patent, made a utility model (a ten-year term) filed two years ago."""
    patent = Patent.objects.get(asset__listing_links__listing=listing)
    Patent.objects.filter(pk=patent.pk).update(kind=Patent.Kind.UTILITY_MODEL, filing_date=years_ago(2))
    return patent


def test_submitting_a_listing_of_an_expired_patent_is_refused_and_changes_nothing(owner: Member,
                                                                                 operator: User) -> None:
    listing = draft(owner, operator)
    patent = utility_model_of(listing)
    Patent.objects.filter(pk=patent.pk).update(filing_date=years_ago(10, days=5))  # the term ran out 5 days ago
    before = snapshot(listing.pk)
    status, body = api(owner.client, "post", f"/listings/{listing.pk}/submit")
    assert status == 409
    assert "can be offered" in body["error"]["fields"]["asset_ids"]
    assert snapshot(listing.pk) == before
    assert "submit" not in api(owner.client, "get", f"/listings/{listing.pk}")[1]["allowed_actions"]


@pytest.mark.parametrize("legal_status", ["lapsed", "expired", "invalidated", "withdrawn"])
def test_a_right_no_longer_in_force_is_not_approved(owner: Member, operator: User, legal_status: str) -> None:
    listing = submitted(owner, operator)
    Asset.objects.filter(listing_links__listing=listing).update(legal_status=legal_status)
    with pytest.raises(Conflict):
        services.listing_approve(listing_id=listing.pk, operator=operator)
    assert Listing.objects.get(pk=listing.pk).status == Listing.Status.SUBMITTED


def test_applications_pending_and_rights_in_force_are_offered(owner: Member, operator: User) -> None:
    listing = submitted(owner, operator)
    Asset.objects.filter(listing_links__listing=listing).update(legal_status=Asset.LegalStatus.PENDING)
    trademark = TrademarkFactory.create(asset__holder=owner.organisation, registration_date=years_ago(10, days=30),
                                        renewed_until=timezone.localdate() + timedelta(days=3650))
    ListingAsset.objects.create(listing=listing, asset=trademark.asset, position=1)
    services.listing_approve(listing_id=listing.pk, operator=operator)
    assert Listing.objects.get(pk=listing.pk).status == Listing.Status.PUBLISHED
    assert services.listings_expire_due() == 0


def test_the_clock_takes_a_listing_off_the_market_when_a_right_reaches_the_end_of_its_term(
        owner: Member, operator: User) -> None:
    listing = published(owner, operator)
    patent = utility_model_of(listing)
    assert services.listings_expire_due() == 0
    # The ten years end on the day before the tenth anniversary of filing.
    Patent.objects.filter(pk=patent.pk).update(filing_date=years_ago(10))
    end = years_ago(10).replace(year=years_ago(10).year + 10) - timedelta(days=1)
    assert services.listings_expire_due(today=end) == 0
    assert services.listings_expire_due(today=end + timedelta(days=1)) == 1
    listing.refresh_from_db()
    assert listing.status == Listing.Status.EXPIRED
    event = ListingEvent.objects.filter(listing=listing).last()
    assert event is not None
    assert event.params == {"right_ended": patent.asset.title, "status": "expired"}
    assert describe(event) == (f"“{patent.asset.title}” is no longer in force (Expired): the listing came off "
                               "the market.")
    # Reopened as a draft, it is not offered again.
    services.listing_reopen(listing_id=listing.pk, actor=owner.user)
    with pytest.raises(Conflict):
        services.listing_submit(listing_id=listing.pk, actor=owner.user)


def test_a_trademark_not_renewed_comes_off_the_market_a_renewed_one_stays(owner: Member, operator: User) -> None:
    kept, ended = published(owner, operator), published(owner, operator)
    for listing, renewed in ((kept, timezone.localdate() + timedelta(days=3650)), (ended, None)):
        mark = TrademarkFactory.create(asset__holder=owner.organisation, registration_date=years_ago(10, days=3),
                                       renewed_until=renewed)
        ListingAsset.objects.create(listing=listing, asset=mark.asset, position=1)
    assert services.listings_expire_due() == 1
    assert (Listing.objects.get(pk=kept.pk).status, Listing.objects.get(pk=ended.pk).status) == (
        Listing.Status.PUBLISHED, Listing.Status.EXPIRED)


def test_the_clock_leaves_a_listing_a_deal_holds(owner: Member, buyer: Member) -> None:
    listing = published_listing(owner, offer_kinds=["licence"], licence_exclusivity="non_exclusive",
                                licence_term_months=12)
    deal = make_deal(owner, buyer, listing=listing, kind="licence", licence_exclusivity="non_exclusive",
                     licence_term_months=12)
    Asset.objects.filter(listing_links__listing_id=deal.listing_id).update(legal_status=Asset.LegalStatus.LAPSED)
    assert services.listings_expire_due() == 0
    assert Listing.objects.get(pk=deal.listing_id).status == Listing.Status.PUBLISHED


def test_an_invention_patent_in_its_nineteenth_year_stays(owner: Member, operator: User) -> None:
    listing = published(owner, operator)
    Patent.objects.filter(asset__listing_links__listing=listing).update(filing_date=years_ago(19))
    assert services.listings_expire_due() == 0
    assert Listing.objects.get(pk=listing.pk).status == Listing.Status.PUBLISHED
