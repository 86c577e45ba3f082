"""Business rule 2, the listing's side: a listing's assets do not change under an open offer,
and an edit of a published listing's assets, price, offer kinds or terms sends it back to
review, while an edit of its words, its end or its non-disclosure terms keeps it on the
market."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ipx.accounts.models import User
from ipx.catalog.models import Asset
from ipx.core.errors import Conflict
from ipx.deals.models import Offer, Thread
from ipx.deals.negotiation import offers, threads
from ipx.deals.negotiation.terms import OfferTerms
from ipx.listings import services
from ipx.listings.inputs import FIELDS, ListingChanges
from ipx.listings.models import Listing, ListingEvent
from ipx.listings.notices import describe
from ipx.listings.services import COSMETIC_FIELDS, MATERIAL_FIELDS
from ipx.listings.tests.helpers import api, history, published, snapshot
from ipx.testing.factories import PatentFactory
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db

ONE_OPEN = ("An offer on this listing is open; its assets cannot change until the offer is accepted, rejected, "
            "withdrawn or expires.")


def negotiated(listing: Listing, buyer: Member) -> Thread:
    return threads.thread_open(listing_id=listing.pk, actor=buyer.user, organisation_id=buyer.organisation.pk,
                               message="请问价格可以商量吗？")


def offer_on(thread: Thread, member: Member) -> Offer:
    terms = OfferTerms.parse({"kind": "transfer", "commitment": "concluded", "price_amount": "450000.00",
                              "currency": "CNY", "payment_structure": "lump_sum"}, listing_currency="CNY")
    return offers.offer_make(thread_id=thread.pk, actor=member.user, terms=terms)


def another_asset(owner: Member) -> Asset:
    return PatentFactory.create(asset__holder=owner.organisation).asset


def offers_now() -> list[tuple[Any, ...]]:
    return list(Offer.objects.order_by("pk").values_list("pk", "status"))


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- Field lists -------------------------------------------------------------------------------

def test_every_editable_field_is_either_material_or_cosmetic() -> None:
    assert MATERIAL_FIELDS.isdisjoint(COSMETIC_FIELDS)
    classified = MATERIAL_FIELDS | COSMETIC_FIELDS
    assert classified == {*FIELDS, "asset_ids"}


# --- Open offers hold the assets ------------------------------------------------------------------

def test_rule2_the_assets_cannot_change_while_an_offer_is_open(owner: Member, buyer: Member,
                                                              operator: User) -> None:
    listing = published(owner, operator)
    offer_on(negotiated(listing, buyer), buyer)
    other = another_asset(owner)
    before, offers_before = snapshot(listing.pk), offers_now()

    with pytest.raises(Conflict) as refused:
        services.listing_update(listing_id=listing.pk, actor=owner.user,
                                changes=ListingChanges(asset_ids=(other.pk,)))

    assert (refused.value.message, refused.value.fields) == (ONE_OPEN, {"asset_ids": ONE_OPEN})
    assert (snapshot(listing.pk), offers_now()) == (before, offers_before)


def test_rule2_the_api_refuses_an_asset_change_under_an_open_offer_with_409(owner: Member, buyer: Member,
                                                                            operator: User) -> None:
    listing = published(owner, operator)
    offer_on(negotiated(listing, buyer), buyer)
    kept = listing.asset_links.get().asset_id
    other = another_asset(owner)
    before, offers_before = snapshot(listing.pk), offers_now()

    status, body = api(owner.client, "patch", f"/listings/{listing.pk}", {"asset_ids": [kept, other.pk]})

    assert (status, body) == (409, {"error": {"code": "conflict", "message": ONE_OPEN,
                                              "fields": {"asset_ids": ONE_OPEN}}})
    assert (snapshot(listing.pk), offers_now()) == (before, offers_before)


def test_rule2_the_edit_page_shows_the_open_offer_as_a_form_error(owner: Member, buyer: Member,
                                                                 operator: User) -> None:
    listing = published(owner, operator)
    offer_on(negotiated(listing, buyer), buyer)
    other = another_asset(owner)
    before, offers_before = snapshot(listing.pk), offers_now()
    form = {"title": listing.title, "asset_ids": [str(other.pk)], "offer_kinds": ["transfer"], "price_type": "fixed",
            "price_amount": "500000", "currency": "CNY", "expires_on": str(listing.expires_on)}

    response = owner.client.post(reverse("listings:edit", args=[listing.pk]), form)

    assert response.status_code == 400
    assert response.context["form"].errors == {"asset_ids": [ONE_OPEN]}
    assert ONE_OPEN in response.content.decode()
    assert (snapshot(listing.pk), offers_now()) == (before, offers_before)


def test_rule2_several_open_offers_are_counted(owner: Member, buyer: Member, outsider: Member,
                                              operator: User) -> None:
    listing = published(owner, operator)
    offer_on(negotiated(listing, buyer), buyer)
    offer_on(negotiated(listing, outsider), outsider)
    before = snapshot(listing.pk)

    with pytest.raises(Conflict) as refused:
        services.listing_update(listing_id=listing.pk, actor=owner.user,
                                changes=ListingChanges(asset_ids=(another_asset(owner).pk,)))

    assert refused.value.message == ("2 offers on this listing are open; its assets cannot change until each is "
                                     "accepted, rejected, withdrawn or expires.")
    assert snapshot(listing.pk) == before


def test_rule2_offers_no_longer_open_let_the_assets_change(owner: Member, buyer: Member, outsider: Member,
                                                          operator: User) -> None:
    listing = published(owner, operator)
    withdrawn = offer_on(negotiated(listing, buyer), buyer)
    offers.offer_withdraw(offer_id=withdrawn.pk, actor=buyer.user)
    # Past its time though the clock has not marked it yet: it can no longer be accepted.
    lapsed = offer_on(negotiated(listing, outsider), outsider)
    Offer.objects.filter(pk=lapsed.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    other = another_asset(owner)

    services.listing_update(listing_id=listing.pk, actor=owner.user, changes=ListingChanges(asset_ids=(other.pk,)))

    listing.refresh_from_db()
    assert [link.asset_id for link in listing.asset_links.all()] == [other.pk]
    assert (listing.status, history(listing)[-1]) == ("submitted", ("edit_material", "published", "submitted"))


def test_rule2_an_open_offer_does_not_hold_the_listings_other_fields(owner: Member, buyer: Member,
                                                                    operator: User) -> None:
    listing = published(owner, operator)
    offer_on(negotiated(listing, buyer), buyer)
    kept = listing.asset_links.get().asset_id

    services.listing_update(listing_id=listing.pk, actor=owner.user,
                            changes=ListingChanges(title="锂电池隔膜技术转让（含工艺）", asset_ids=(kept,)))

    listing.refresh_from_db()
    assert (listing.title, listing.status) == ("锂电池隔膜技术转让（含工艺）", "published")
    assert ListingEvent.objects.filter(listing=listing).last().params == {"fields": ["title"]}  # type: ignore[union-attr]


# --- Material edits go back to review -------------------------------------------------------------

MATERIAL_EDITS: dict[str, tuple[dict[str, Any], list[str]]] = {
    "price": ({"price_amount": "450000"}, ["price_amount"]),
    "currency": ({"currency": "USD"}, ["currency"]),
    "price type": ({"price_type": "negotiable"}, ["price_type", "price_amount"]),
    "offer kinds": ({"offer_kinds": ["transfer", "pledge"]}, ["offer_kinds"]),
    "licence terms": ({"offer_kinds": ["licence"], "licence_exclusivity": "exclusive",
                       "licence_territory": "粤港澳大湾区"},
                      ["offer_kinds", "licence_exclusivity", "licence_territory"]),
    "trial terms": ({"offer_kinds": ["use_first"], "trial_months": 6, "after_trial_fee_amount": "12000"},
                    ["offer_kinds", "trial_months", "after_trial_fee_amount"]),
    "title and price": ({"title": "锂电池隔膜专利（降价）", "price_amount": "450000"}, ["title", "price_amount"]),
}


@pytest.mark.parametrize("edit", MATERIAL_EDITS, ids=list(MATERIAL_EDITS))
def test_rule2_a_material_edit_sends_a_published_listing_back_to_review(
        edit: str, owner: Member, operator: User, operator_client: Client) -> None:
    listing = published(owner, operator)
    body, fields = MATERIAL_EDITS[edit]
    before = timezone.now()

    status, answer = api(owner.client, "patch", f"/listings/{listing.pk}", body)

    assert (status, answer["status"], answer["allowed_actions"]) == (200, "submitted", ["recall"])
    listing.refresh_from_db()
    assert listing.submitted_at is not None and listing.submitted_at >= before
    event = ListingEvent.objects.filter(listing=listing).last()
    assert event is not None
    assert (event.verb, event.from_status, event.to_status, event.actor, event.params) == (
        "edit_material", "published", "submitted", owner.user, {"fields": fields})
    # Off the market: the public no longer sees it; the operators' review queue has it.
    assert api(Client(), "get", f"/listings/{listing.pk}")[0] == 404
    queue = api(operator_client, "get", "/listings/review-queue")[1]
    assert [item["id"] for item in queue["items"]] == [listing.pk]
    assert queue["items"][0]["allowed_actions"] == ["recall", "approve", "reject"]

    status, answer = api(operator_client, "post", f"/listings/{listing.pk}/approve", {"note": "已复核"})
    assert (status, answer["status"]) == (200, "published")
    assert history(listing)[-2:] == [("edit_material", "published", "submitted"),
                                     ("approve", "submitted", "published")]


def test_rule2_an_asset_change_of_a_published_listing_goes_back_to_review(owner: Member, operator: User) -> None:
    listing = published(owner, operator)
    kept = listing.asset_links.get().asset_id
    other = another_asset(owner)

    services.listing_update(listing_id=listing.pk, actor=owner.user,
                            changes=ListingChanges(asset_ids=(kept, other.pk)))

    listing.refresh_from_db()
    assert ([link.asset_id for link in listing.asset_links.all()], listing.status) == ([kept, other.pk], "submitted")
    event = ListingEvent.objects.filter(listing=listing).last()
    assert event is not None
    assert (event.verb, event.params) == ("edit_material", {"fields": ["asset_ids"]})
    assert describe(event) == "edited its assets, price or terms; back to review"


COSMETIC_EDITS: dict[str, tuple[ListingChanges, list[str]]] = {
    "title": (ListingChanges(title="锂电池隔膜技术（高安全）"), ["title"]),
    "description": (ListingChanges(description="适用于储能电站。"), ["description"]),
    "end of the offer": (ListingChanges(expires_on=timezone.localdate() + timedelta(days=90)), ["expires_on"]),
    "non-disclosure terms": (ListingChanges(requires_nda=True, nda_text="接收方应严格保密。"),
                             ["requires_nda", "nda_text"]),
    "same price written otherwise": (ListingChanges(price_amount=Decimal("500000"), currency="cny"), []),
}


@pytest.mark.parametrize("edit", COSMETIC_EDITS, ids=list(COSMETIC_EDITS))
def test_rule2_a_cosmetic_edit_keeps_a_published_listing_on_the_market(edit: str, owner: Member,
                                                                      operator: User) -> None:
    listing = published(owner, operator)
    changes, fields = COSMETIC_EDITS[edit]
    submitted_at = listing.submitted_at

    services.listing_update(listing_id=listing.pk, actor=owner.user, changes=changes)

    listing.refresh_from_db()
    assert (listing.status, listing.submitted_at) == ("published", submitted_at)
    event = ListingEvent.objects.filter(listing=listing).last()
    assert event is not None
    assert (event.verb, event.from_status, event.to_status, event.params) == (
        "edit", "published", "published", {"fields": fields})
    assert api(Client(), "get", f"/listings/{listing.pk}")[0] == 200


def test_rule2_a_draft_edit_is_no_review_step(owner: Member, operator: User) -> None:
    listing = services.listing_reopen(listing_id=services.listing_withdraw(
        listing_id=published(owner, operator).pk, actor=owner.user).pk, actor=owner.user)

    services.listing_update(listing_id=listing.pk, actor=owner.user,
                            changes=ListingChanges(price_amount=Decimal("450000")))

    listing.refresh_from_db()
    assert (listing.status, history(listing)[-1]) == ("draft", ("reopen", "withdrawn", "draft"))


def test_rule2_the_edit_page_says_the_listing_went_back_to_review(owner: Member, operator: User) -> None:
    listing = published(owner, operator)
    url = reverse("listings:edit", args=[listing.pk])
    form = {"title": listing.title, "asset_ids": [str(listing.asset_links.get().asset_id)],
            "offer_kinds": ["transfer"], "price_type": "fixed", "price_amount": "450000", "currency": "CNY",
            "expires_on": str(listing.expires_on)}
    assert 'id="review-again"' in owner.client.get(url).content.decode()

    response = owner.client.post(url, form, follow=True)

    assert messages_of(response) == ["Saved. Its assets, price or terms changed, so the listing is back in review "
                                     "and off the market until the operator approves it again."]
    listing.refresh_from_db()
    assert (listing.status, listing.price_amount) == ("submitted", Decimal("450000.00"))
    page = owner.client.get(reverse("listings:detail", args=[listing.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "edited its assets, price or terms; back to review" in page


def test_rule2_nobody_sends_a_listing_back_to_review_by_hand(owner: Member, operator: User,
                                                            operator_client: Client) -> None:
    listing = published(owner, operator)
    before = snapshot(listing.pk)
    for client in (owner.client, operator_client):
        assert "edit_material" not in api(client, "get", f"/listings/{listing.pk}")[1]["allowed_actions"]
        response = client.post(reverse("listings:action", args=[listing.pk, "edit_material"]))
        assert response.status_code == 403
    assert snapshot(listing.pk) == before
