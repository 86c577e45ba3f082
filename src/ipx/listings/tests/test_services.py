"""Listings: validation of terms and prices, and the review workflow with its event rows."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from ipx.accounts.models import Organisation, User
from ipx.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from ipx.listings import services
from ipx.listings.inputs import ListingChanges, ListingInput
from ipx.listings.models import Listing, ListingEvent
from ipx.listings.notices import describe
from ipx.testing.factories import PatentFactory, listing_with_patent
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db


def create(member: Member, **data: Any) -> Listing:
    asset_ids = data.pop("asset_ids", None) or [PatentFactory.create(asset__holder=member.organisation).pk]
    base = {"title": "锂电池隔膜技术许可", "offer_kinds": ["transfer"], "price_type": "negotiable"}
    return services.listing_create(organisation_id=member.organisation.pk, actor=member.user,
                                   data=ListingInput.parse({**base, **data, "asset_ids": asset_ids}))


def history(listing: Listing) -> list[tuple[str, str]]:
    return list(ListingEvent.objects.filter(listing=listing).values_list("from_status", "to_status"))


def test_full_terms_are_kept(owner: Member) -> None:
    listing = create(owner, offer_kinds=["licence", "use_first", "transfer"], licence_exclusivity="sole",
                     licence_territory="粤港澳大湾区", licence_field="电动汽车", licence_term_months="36",
                     trial_months=6, after_trial_royalty_percent="3.5", price_type="range",
                     price_amount="200000", price_max_amount="800000.50", currency="hkd")
    assert listing.offer_kinds == ["transfer", "licence", "use_first"]
    assert (listing.licence_exclusivity, listing.licence_term_months) == ("sole", 36)
    assert (listing.trial_months, listing.after_trial_royalty_percent) == (6, Decimal("3.50"))
    assert (listing.price_amount, listing.price_max_amount, listing.currency) == (
        Decimal("200000.00"), Decimal("800000.50"), "HKD")
    assert listing.price_in_cny == Decimal("184000.00")
    assert listing.status == "draft"
    assert history(listing) == [("", "draft")]


@pytest.mark.parametrize(
    ("data", "field", "message_part"),
    [
        ({"offer_kinds": []}, "offer_kinds", "at least one"),
        ({"offer_kinds": ["gift"]}, "offer_kinds", "not a way"),
        ({"offer_kinds": ["licence"]}, "licence_exclusivity", "allowed values"),
        ({"offer_kinds": ["use_first"], "trial_months": 6}, "after_trial_fee_amount", "after the trial"),
        ({"offer_kinds": ["use_first"], "trial_months": 99, "after_trial_fee_amount": "1"}, "trial_months", "between"),
        ({"price_type": "fixed"}, "price_amount", "Give the price"),
        ({"price_type": "fixed", "price_amount": "-5"}, "price_amount", "greater than zero"),
        ({"price_type": "fixed", "price_amount": "1e30"}, "price_amount", "too large"),
        ({"price_type": "fixed", "price_amount": "10.001"}, "price_amount", "2 decimal places"),
        ({"price_type": "fixed", "price_amount": "100.5", "currency": "JPY"}, "price_amount", "0 decimal places"),
        ({"price_type": "fixed", "price_amount": "abc"}, "price_amount", "as a number"),
        ({"price_type": "fixed", "price_amount": "NaN"}, "price_amount", "as a number"),
        ({"price_type": "range", "price_amount": "10", "price_max_amount": "5"}, "price_max_amount",
         "above the lowest"),
        ({"currency": "XYZ"}, "currency", "Unknown currency"),
        ({"expires_on": "2001-01-01"}, "expires_on", "after today"),
        ({"title": " "}, "title", "required"),
    ],
)
def test_bad_terms_are_refused_and_nothing_saved(owner: Member, data: dict[str, Any], field: str,
                                                 message_part: str) -> None:
    asset = PatentFactory.create(asset__holder=owner.organisation)
    with pytest.raises(ValidationFailed) as refused:
        create(owner, asset_ids=[asset.pk], **data)
    assert message_part in refused.value.fields[field]
    assert Listing.objects.count() == 0


def test_assets_must_be_the_sellers(owner: Member, buyer: Member) -> None:
    theirs = PatentFactory.create(asset__holder=buyer.organisation)
    with pytest.raises(PermissionDenied):
        create(owner, asset_ids=[theirs.pk])
    with pytest.raises(ValidationFailed, match="twice"):
        mine = PatentFactory.create(asset__holder=owner.organisation)
        create(owner, asset_ids=[mine.pk, mine.pk])
    with pytest.raises(PermissionDenied):
        create(buyer, asset_ids=[PatentFactory.create(asset__holder=owner.organisation).pk])
    assert Listing.objects.count() == 0


def test_review_workflow(owner: Member, operator: User) -> None:
    listing = create(owner)
    services.listing_submit(listing_id=listing.pk, actor=owner.user)
    services.listing_reject(listing_id=listing.pk, operator=operator, reason="请补充许可条款")
    listing.refresh_from_db()
    assert (listing.status, listing.review_note) == ("draft", "请补充许可条款")
    services.listing_submit(listing_id=listing.pk, actor=owner.user)
    services.listing_approve(listing_id=listing.pk, operator=operator)
    listing.refresh_from_db()
    assert listing.status == "published"
    assert listing.expires_on == timezone.localdate() + timedelta(days=365)
    services.listing_withdraw(listing_id=listing.pk, actor=owner.user, reason="已签约")
    services.listing_reopen(listing_id=listing.pk, actor=owner.user)
    assert history(listing) == [("", "draft"), ("draft", "submitted"), ("submitted", "draft"),
                                ("draft", "submitted"), ("submitted", "published"), ("published", "withdrawn"),
                                ("withdrawn", "draft")]


def test_refused_transitions_change_nothing(owner: Member, outsider: Member, operator: User) -> None:
    listing = create(owner)
    with pytest.raises(InvalidTransition):
        services.listing_approve(listing_id=listing.pk, operator=operator)
    with pytest.raises(PermissionDenied):
        services.listing_approve(listing_id=listing.pk, operator=owner.user)
    # A draft is not found by anyone outside its seller (nor are its steps).
    with pytest.raises(NotFound):
        services.listing_submit(listing_id=listing.pk, actor=outsider.user)
    with pytest.raises(NotFound):
        services.listing_withdraw(listing_id=listing.pk, actor=outsider.user)
    with pytest.raises(InvalidTransition):
        services.listing_reopen(listing_id=listing.pk, actor=owner.user)
    listing.refresh_from_db()
    assert listing.status == "draft"
    assert history(listing) == [("", "draft")]


def test_unverified_organisations_cannot_submit(owner: Member, operator: User) -> None:
    listing = create(owner)
    Organisation.objects.filter(pk=owner.organisation.pk).update(status="pending")
    with pytest.raises(PermissionDenied, match="not verified"):
        services.listing_submit(listing_id=listing.pk, actor=owner.user)
    listing.refresh_from_db()
    assert listing.status == "draft"


def test_an_asset_is_on_offer_in_one_listing_at_a_time(owner: Member) -> None:
    first = listing_with_patent(owner.organisation, owner.user)
    asset = first.assets.get()
    services.listing_submit(listing_id=first.pk, actor=owner.user)
    second = create(owner, asset_ids=[asset.pk])
    with pytest.raises(Conflict, match=f"listing #{first.pk}"):
        services.listing_submit(listing_id=second.pk, actor=owner.user)
    second.refresh_from_db()
    assert second.status == "draft"


def test_published_listings_can_be_edited_and_say_so(owner: Member, operator: User) -> None:
    listing = create(owner)
    services.listing_submit(listing_id=listing.pk, actor=owner.user)
    services.listing_approve(listing_id=listing.pk, operator=operator)
    # Words and the end of the offer (a change of price or terms goes back to review:
    # test_edit_rules).
    ends = timezone.localdate() + timedelta(days=90)
    words = {"description": "适用于储能电站。", "expires_on": ends.isoformat()}
    services.listing_update(listing_id=listing.pk, actor=owner.user, changes=ListingChanges.parse(words))
    listing.refresh_from_db()
    assert (listing.description, listing.expires_on, listing.title, listing.status) == (
        "适用于储能电站。", ends, "锂电池隔膜技术许可", "published")
    edit = ListingEvent.objects.filter(listing=listing).last()
    assert edit is not None
    assert describe(edit) == "edited"
    assert (edit.verb, edit.note, edit.params) == ("edit", "", {"fields": ["description", "expires_on"]})


def test_expiry(owner: Member, operator: User) -> None:
    listing = create(owner)
    services.listing_submit(listing_id=listing.pk, actor=owner.user)
    services.listing_approve(listing_id=listing.pk, operator=operator)
    assert services.listings_expire_due(today=timezone.localdate()) == 0
    assert services.listings_expire_due(today=timezone.localdate() + timedelta(days=400)) == 1
    listing.refresh_from_db()
    assert listing.status == "expired"
    assert history(listing)[-1] == ("published", "expired")


def test_drafts_never_published_can_be_deleted(owner: Member, operator: User) -> None:
    listing = create(owner)
    services.listing_delete(listing_id=listing.pk, actor=owner.user)
    assert Listing.objects.count() == 0
    published = create(owner)
    services.listing_submit(listing_id=published.pk, actor=owner.user)
    services.listing_approve(listing_id=published.pk, operator=operator)
    services.listing_withdraw(listing_id=published.pk, actor=owner.user)
    services.listing_reopen(listing_id=published.pk, actor=owner.user)
    with pytest.raises(Conflict):
        services.listing_delete(listing_id=published.pk, actor=owner.user)
    assert Listing.objects.count() == 1
