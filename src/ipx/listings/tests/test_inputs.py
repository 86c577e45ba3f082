"""Typed inputs: a listing's terms read once into a value object, from the API's schema or the
page's typed form, with the same rules and words; edits checked on the listing as it would be."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from ipx.accounts.models import User
from ipx.core.errors import ValidationFailed
from ipx.core.inputs import UNSET
from ipx.listings import services
from ipx.listings.inputs import ListingChanges, ListingInput, ListingTerms
from ipx.listings.models import Listing, ListingEvent
from ipx.listings.terms import LicenceTerms, Price, UseFirstTerms
from ipx.listings.tests.helpers import api, draft, history, published, snapshot
from ipx.testing.factories import PatentFactory
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db

IN_A_MONTH = timezone.localdate() + timedelta(days=30)


# --- The value objects ----------------------------------------------------------------------------

def test_a_new_listing_is_read_once_into_its_terms() -> None:
    data = ListingInput.parse({
        "title": " 固态电解质专利许可 ", "offer_kinds": ["use_first", "licence", "transfer"],
        "licence_exclusivity": "sole", "licence_term_months": "36", "trial_months": 6,
        "after_trial_royalty_percent": "3.5%", "price_type": "range", "price_amount": "200,000",
        "price_max_amount": Decimal("800000.5"), "currency": "hkd", "expires_on": IN_A_MONTH.isoformat(),
        "requires_nda": "on", "nda_text": "保密条款", "asset_ids": ["3", 1],
    })
    assert data == ListingInput(
        terms=ListingTerms(
            title="固态电解质专利许可", offer_kinds=("transfer", "licence", "use_first"),
            licence=LicenceTerms("sole", term_months=36),
            use_first=UseFirstTerms(6, royalty_percent=Decimal("3.50")),
            price=Price("range", "HKD", Decimal("200000.00"), Decimal("800000.50")),
            expires_on=IN_A_MONTH, requires_nda=True, nda_text="保密条款"),
        asset_ids=(3, 1))
    assert data.terms.columns() == {
        "title": "固态电解质专利许可", "description": "", "offer_kinds": ["transfer", "licence", "use_first"],
        "licence_exclusivity": "sole", "licence_territory": "", "licence_field": "", "licence_term_months": 36,
        "trial_months": 6, "after_trial_fee_amount": None, "after_trial_royalty_percent": Decimal("3.50"),
        "price_type": "range", "price_amount": Decimal("200000.00"), "price_max_amount": Decimal("800000.50"),
        "currency": "HKD", "expires_on": IN_A_MONTH, "requires_nda": True, "nda_text": "保密条款"}


def test_terms_of_ways_not_offered_are_dropped() -> None:
    terms = ListingInput.parse({"title": "转让", "offer_kinds": ["transfer"], "licence_exclusivity": "nonsense",
                                "trial_months": "99", "price_amount": "5", "asset_ids": [1]}).terms
    assert (terms.licence, terms.use_first, terms.price) == (None, None, Price("negotiable", "CNY"))


def test_every_bad_field_is_named_at_once() -> None:
    with pytest.raises(ValidationFailed) as refused:
        ListingInput.parse({"title": "", "offer_kinds": ["licence", "use_first"], "licence_term_months": 601,
                            "trial_months": "", "after_trial_fee_amount": "1.5", "currency": "JPY",
                            "price_type": "fixed", "expires_on": "2001-01-01", "asset_ids": [1, 1]})
    assert refused.value.message == "Please correct the fields marked below."
    assert refused.value.fields == {
        "title": "Title is required.",
        "licence_exclusivity": "“” is not one of the allowed values: exclusive, sole, non_exclusive.",
        "licence_term_months": "The licence term must be between 1 and 600 months.",
        "trial_months": "The free trial is required.",
        "after_trial_fee_amount": "JPY amounts have at most 0 decimal places.",
        "price_amount": "Give the price, or choose “negotiable”.",
        "expires_on": "The offer must end after today.",
        "asset_ids": "An asset is named twice.",
    }


def test_an_edit_holds_only_the_fields_it_sets_in_their_types() -> None:
    changes = ListingChanges.parse({"title": "新标题", "price_amount": "1,000", "trial_months": "6",
                                    "expires_on": "2030/01/02", "asset_ids": "4, 2", "status": "sold"})
    assert changes == ListingChanges(title="新标题", price_amount=Decimal("1000"), trial_months=6,
                                     expires_on=date(2030, 1, 2), asset_ids=(4, 2))
    assert (changes.currency, changes.terms_given()) == (UNSET, {
        "title": "新标题", "trial_months": 6, "price_amount": Decimal("1000"), "expires_on": date(2030, 1, 2)})
    with pytest.raises(ValidationFailed) as refused:
        ListingChanges.parse({"trial_months": "six", "price_amount": "abc", "expires_on": "soon", "asset_ids": []})
    assert refused.value.fields == {
        "trial_months": "The free trial must be a whole number of months.",
        "price_amount": "Enter an amount as a number, e.g. 250000.00.",
        "expires_on": "“soon” is not a date; write it as YYYY-MM-DD.",
        "asset_ids": "Choose at least one asset to offer."}


# --- Edits are checked on the listing as it would be ----------------------------------------------

def test_an_edit_is_checked_with_the_fields_it_leaves(owner: Member, operator: User) -> None:
    listing = draft(owner, operator)  # fixed at 500,000.00 CNY
    services.listing_update(listing_id=listing.pk, actor=owner.user,
                            changes=ListingChanges(price_amount=Decimal("500000.50")))
    before = snapshot(listing.pk)

    with pytest.raises(ValidationFailed) as refused:
        services.listing_update(listing_id=listing.pk, actor=owner.user, changes=ListingChanges(currency="JPY"))

    assert refused.value.fields == {"price_amount": "JPY amounts have at most 0 decimal places."}
    assert snapshot(listing.pk) == before


def test_a_published_listing_ending_today_can_still_be_edited(owner: Member, operator: User) -> None:
    listing = published(owner, operator)
    Listing.objects.filter(pk=listing.pk).update(expires_on=timezone.localdate())

    services.listing_update(listing_id=listing.pk, actor=owner.user, changes=ListingChanges(title="新标题"))

    listing.refresh_from_db()
    assert (listing.title, listing.expires_on) == ("新标题", timezone.localdate())
    event = ListingEvent.objects.filter(listing=listing).last()
    assert event is not None
    assert (event.verb, event.params) == ("edit", {"fields": ["title"]})
    with pytest.raises(ValidationFailed) as refused:
        services.listing_update(listing_id=listing.pk, actor=owner.user,
                                changes=ListingChanges(expires_on=timezone.localdate()))
    assert refused.value.fields == {"expires_on": "The offer must end after today."}


def test_an_edit_that_changes_nothing_names_no_field(owner: Member, operator: User) -> None:
    listing = published(owner, operator)
    services.listing_update(listing_id=listing.pk, actor=owner.user,
                            changes=ListingChanges(title=listing.title, price_amount=Decimal("500000"),
                                                   currency="cny"))
    assert history(listing)[-1] == ("edit", "published", "published")
    event = ListingEvent.objects.filter(listing=listing).last()
    assert event is not None
    assert event.params == {"fields": []}


# --- The API and the page say the same, with the same words ---------------------------------------

def create_body(owner: Member, **changes: Any) -> dict[str, Any]:
    patent = PatentFactory.create(asset__holder=owner.organisation)
    return {"organisation_id": owner.organisation.pk, "title": "固态电解质专利许可", "asset_ids": [patent.pk],
            "offer_kinds": ["licence"], "licence_exclusivity": "sole", "price_type": "fixed",
            "price_amount": "300000", "currency": "CNY"} | changes


def page_form(owner: Member, **changes: Any) -> dict[str, Any]:
    body = create_body(owner, **changes)
    return {name: ([str(v) for v in value] if isinstance(value, list) else value)
            for name, value in body.items() if name != "organisation_id" and value is not None}


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"licence_term_months": 601}, "licence_term_months", "The licence term must be between 1 and 600 months."),
    ({"offer_kinds": ["use_first"], "trial_months": 37, "after_trial_fee_amount": "1"}, "trial_months",
     "The free trial must be between 1 and 36 months."),
    ({"offer_kinds": ["use_first"], "trial_months": 6, "after_trial_royalty_percent": "60"},
     "after_trial_royalty_percent", "The royalty is a percentage above 0 and at most 50."),
    ({"offer_kinds": ["use_first"], "trial_months": 6, "after_trial_royalty_percent": "2.555"},
     "after_trial_royalty_percent", "The royalty has at most 2 decimal places."),
    ({"price_amount": "-5"}, "price_amount", "The amount must be greater than zero."),
    ({"price_amount": "100.5", "currency": "JPY"}, "price_amount", "JPY amounts have at most 0 decimal places."),
    ({"price_type": "range", "price_amount": "10", "price_max_amount": "9"}, "price_max_amount",
     "The highest price must be above the lowest."),
    ({"licence_exclusivity": None}, "licence_exclusivity",
     "“” is not one of the allowed values: exclusive, sole, non_exclusive."),
    ({"expires_on": (timezone.localdate() + timedelta(days=6 * 365)).isoformat()}, "expires_on",
     "An offer can run for at most five years."),
])
def test_the_api_and_the_page_refuse_alike(changes: dict[str, Any], field: str, message: str,
                                           owner: Member) -> None:
    status, body = api(owner.client, "post", "/listings", create_body(owner, **changes))
    page = owner.client.post(reverse("listings:new"), page_form(owner, **changes))

    assert (status, body["error"]["fields"]) == (400, {field: message})
    assert page.status_code == 400
    assert page.context["form"].errors == {field: [message]}
    assert Listing.objects.count() == 0


@pytest.mark.parametrize(("field", "typed", "message"), [
    ("licence_term_months", "three years", "The licence term must be a whole number of months."),
    ("price_amount", "十万", "Enter an amount as a number, e.g. 250000.00."),
    ("expires_on", "next spring", "“next spring” is not a date; write it as YYYY-MM-DD."),
])
def test_the_pages_typed_fields_use_the_same_words(field: str, typed: str, message: str, owner: Member) -> None:
    page = owner.client.post(reverse("listings:new"), page_form(owner, **{field: typed}))
    assert (page.status_code, page.context["form"].errors) == (400, {field: [message]})
    assert Listing.objects.count() == 0


def test_the_page_reads_numbers_and_dates_as_people_write_them(owner: Member) -> None:
    ends = IN_A_MONTH
    form = page_form(owner, offer_kinds=["use_first", "licence"], licence_term_months="60", trial_months="6",
                     after_trial_royalty_percent="3.5 %", after_trial_fee_amount="12,000",
                     price_amount="1,250,000.50", currency="USD", expires_on=f"{ends.year}年{ends.month}月{ends.day}日")

    response = owner.client.post(reverse("listings:new"), form)

    listing = Listing.objects.get()
    assert response["Location"] == reverse("listings:detail", args=[listing.pk])
    assert (listing.offer_kinds, listing.licence_term_months, listing.trial_months,
            listing.after_trial_fee_amount, listing.after_trial_royalty_percent, listing.price_amount,
            listing.currency, listing.expires_on) == (
        ["licence", "use_first"], 60, 6, Decimal("12000.00"), Decimal("3.50"), Decimal("1250000.50"), "USD", ends)
    page = owner.client.get(reverse("listings:edit", args=[listing.pk])).content.decode()
    assert f'value="{ends.isoformat()}"' in page


def test_a_patch_changes_the_fields_it_names_and_keeps_the_others(owner: Member, operator: User) -> None:
    listing = draft(owner, operator)
    status, body = api(owner.client, "patch", f"/listings/{listing.pk}",
                       {"offer_kinds": ["transfer", "licence"], "licence_exclusivity": "non_exclusive"})
    assert (status, body["offer_kinds"], body["licence_exclusivity"], body["licence_term_months"],
            body["price_amount"], body["title"]) == (200, ["transfer", "licence"], "non_exclusive", None,
                                                     "500000.00", listing.title)
    before = snapshot(listing.pk)
    status, body = api(owner.client, "patch", f"/listings/{listing.pk}", {"title": None, "trial_months": 6})
    assert (status, body["error"]["fields"]) == (400, {"title": "Title is required."})
    assert snapshot(listing.pk) == before


@pytest.mark.parametrize(("prepare", "expected"), [
    (published, (403, "You are not a member of this organisation.")),
    # A draft is not found by others, whatever they send to it.
    (draft, (404, "No such listing.")),
])
def test_an_outsider_is_refused_before_their_edit_is_judged(prepare: Any, expected: tuple[int, str], owner: Member,
                                                           outsider: Member, operator: User) -> None:
    listing = prepare(owner, operator)
    before = snapshot(listing.pk)
    status, body = api(outsider.client, "patch", f"/listings/{listing.pk}",
                       {"price_type": "range", "price_amount": "5", "price_max_amount": "4"})
    assert (status, body["error"]["message"]) == expected
    assert snapshot(listing.pk) == before
