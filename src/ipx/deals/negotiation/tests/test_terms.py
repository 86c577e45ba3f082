"""Offer terms: read once into a typed ``OfferTerms`` from the API's body or the page's typed
form, with the limits and words listings use; what is wrong is refused, all at once, before
anything changes."""

from __future__ import annotations

import json
from dataclasses import FrozenInstanceError
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from ipx.core.errors import ValidationFailed
from ipx.deals.models import Thread
from ipx.deals.negotiation import offers, threads
from ipx.deals.negotiation.terms import MilestoneTerms, OfferTerms
from ipx.deals.negotiation.tests.conftest import make_offer, offer_state, offer_terms, published_listing, terms
from ipx.listings.models import Listing
from ipx.listings.terms import LicenceTerms
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime(2026, 3, 2, 9, 30))


# --- The typed value -----------------------------------------------------------------------------

def test_the_terms_are_one_typed_value() -> None:
    licence = OfferTerms.parse({
        "kind": "licence", "licence_exclusivity": "sole", "licence_territory": " 广东省 ", "licence_term_months": "60",
        "payment_structure": "royalty", "royalty_percent": "3.5 %", "price_amount": "1,000", "trial_months": "6",
        "milestones": [{"title": "签约", "amount": "1000", "condition": "on_signing"}], "notes": "含培训",
    }, listing_currency="CNY", now=NOW)

    # What belongs to another kind or payment (a trial, milestones) is dropped.
    assert licence == OfferTerms(kind="licence", commitment="concluded", currency="CNY",
                                 price_amount=Decimal("1000.00"), payment_structure="royalty",
                                 licence=LicenceTerms(exclusivity="sole", territory="广东省", term_months=60),
                                 royalty_percent=Decimal("3.50"), notes="含培训", expires_at=NOW + timedelta(days=14))
    with pytest.raises(FrozenInstanceError):
        licence.kind = "transfer"  # type: ignore[misc]  # frozen: the assignment is what is tested

    milestones = OfferTerms.parse(terms(payment_structure="milestones", kind="use_first", trial_months=6,
                                        milestones=[{"title": "签约", "amount": Decimal("40000"),
                                                     "condition": "on_signing"},
                                                    {"title": "登记", "amount": 60000, "condition": "on_recordal"}]),
                                  listing_currency="CNY", now=NOW)
    assert (milestones.licence, milestones.trial_months, milestones.royalty_percent, milestones.milestones) == (
        None, 6, None, (MilestoneTerms(1, "签约", Decimal("40000.00"), "on_signing"),
                        MilestoneTerms(2, "登记", Decimal("60000.00"), "on_recordal")))
    assert milestones.columns() == {
        "kind": "use_first", "commitment": "concluded", "currency": "CNY", "price_amount": Decimal("100000.00"),
        "payment_structure": "milestones", "licence_exclusivity": "", "licence_territory": "", "licence_field": "",
        "licence_term_months": None, "trial_months": 6, "royalty_percent": None, "notes": "",
        "expires_at": NOW + timedelta(days=14)}


# --- Refused and accepted terms ----------------------------------------------------------------

def test_use_first_pay_later_with_milestones(thread: Thread, buyer: Member) -> None:
    expires = timezone.now() + timedelta(days=90) - timedelta(minutes=1)

    offer = make_offer(thread, buyer, kind="use_first", trial_months=6, payment_structure="milestones",
                       expires_at=expires.isoformat(), milestones=[
                           {"title": "签约后", "amount": "30000", "condition": "on_signing"},
                           {"title": "登记后", "amount": "70000.00", "condition": "on_recordal"}])

    assert (offer.kind, offer.trial_months, offer.expires_at) == ("use_first", 6, expires)
    assert list(offer.milestones.values_list("position", "title", "amount", "condition")) == [
        (1, "签约后", Decimal("30000.00"), "on_signing"), (2, "登记后", Decimal("70000.00"), "on_recordal")]


TEN = [{"title": f"第{n}期", "amount": "10000", "condition": "on_signing"} for n in range(1, 11)]


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"currency": "USD"}, "currency",
     "Offers on this listing are in CNY, the listing's currency; USD is not accepted."),
    ({"currency": "XYZ"}, "currency", "Unknown currency"),
    ({"price_amount": "100000.005"}, "price_amount", "CNY amounts have at most 2 decimal places."),
    ({"price_amount": "-1"}, "price_amount", "greater than zero"),
    ({"price_amount": "0"}, "price_amount", "greater than zero"),
    ({"price_amount": ""}, "price_amount", "The price is required."),
    ({"price_amount": "十万"}, "price_amount", "as a number"),
    ({"kind": "gift"}, "kind", "not one of the allowed values"),
    ({"kind": "pledge"}, "kind", "not one of the allowed values"),
    ({"commitment": "maybe"}, "commitment", "not one of the allowed values"),
    ({"payment_structure": "barter"}, "payment_structure", "not one of the allowed values"),
    ({"kind": "licence", "licence_term_months": 12}, "licence_exclusivity", "not one of the allowed values"),
    ({"kind": "licence", "licence_exclusivity": "sole"}, "licence_term_months", "The licence term is required."),
    ({"kind": "licence", "licence_exclusivity": "sole", "licence_term_months": 601}, "licence_term_months",
     "between 1 and 600"),
    ({"kind": "use_first"}, "trial_months", "The free trial is required."),
    ({"kind": "use_first", "trial_months": 37}, "trial_months", "between 1 and 36"),
    ({"payment_structure": "royalty"}, "royalty_percent", "Give the running royalty"),
    ({"payment_structure": "royalty", "royalty_percent": "0"}, "royalty_percent", "above 0 and at most 50"),
    ({"payment_structure": "royalty", "royalty_percent": "50.01"}, "royalty_percent", "above 0 and at most 50"),
    ({"payment_structure": "royalty", "royalty_percent": "3.555"}, "royalty_percent", "at most 2 decimal places"),
    ({"payment_structure": "milestones"}, "milestones", "Give between 1 and 10 payment milestones."),
    ({"payment_structure": "milestones", "milestones": [*TEN, TEN[0]], "price_amount": "110000"}, "milestones",
     "At most 10 payment milestones."),
    ({"payment_structure": "milestones", "milestones": [
        {"title": "签约", "amount": "60000", "condition": "on_signing"},
        {"title": "登记", "amount": "40000.01", "condition": "on_recordal"}]}, "milestones",
     "The milestones add up to 100,000.01 CNY; they must add up to the price, 100,000.00 CNY."),
    ({"payment_structure": "milestones", "milestones": [
        {"title": "签约", "amount": "100000.001", "condition": "on_signing"}]}, "milestones.1.amount",
     "at most 2 decimal places"),
    ({"payment_structure": "milestones", "milestones": [
        {"title": "签约", "amount": "100000", "condition": "someday"}]}, "milestones.1.condition",
     "not one of the allowed values"),
    ({"payment_structure": "milestones", "milestones": [
        {"title": "", "amount": "100000", "condition": "on_signing"}]}, "milestones.1.title", "is required"),
    ({"expires_at": "2001-01-01"}, "expires_at", "in the future"),
    ({"expires_at": (timezone.now() + timedelta(days=91)).isoformat()}, "expires_at", "at most 90 days"),
    ({"expires_at": "next week"}, "expires_at", "is not a date and time"),
    ({"notes": "注" * 5001}, "notes", "Too long"),
])
def test_bad_terms_are_refused_and_nothing_changes(thread: Thread, buyer: Member, changes: dict[str, Any],
                                                   field: str, message: str) -> None:
    before = offer_state()

    with pytest.raises(ValidationFailed) as refused:
        make_offer(thread, buyer, **changes)

    assert message in refused.value.fields[field]
    assert offer_state() == before


def test_ten_milestones_summing_exactly_pass(thread: Thread, buyer: Member) -> None:
    offer = make_offer(thread, buyer, payment_structure="milestones", milestones=TEN)
    assert offer.milestones.count() == 10


def test_all_bad_fields_are_named_at_once(thread: Thread, buyer: Member) -> None:
    with pytest.raises(ValidationFailed) as refused:
        make_offer(thread, buyer, kind="licence", currency="HKD", price_amount="1.234", expires_at="2001-01-01")
    assert set(refused.value.fields) == {"currency", "price_amount", "licence_exclusivity", "licence_term_months",
                                         "expires_at"}
    assert refused.value.message == "Please correct the fields marked below."


def test_other_currencies_follow_the_listing(owner: Member, buyer: Member) -> None:
    listing = published_listing(owner, currency="JPY")
    thread = threads.thread_open(listing_id=listing.pk, actor=buyer.user, organisation_id=buyer.organisation.pk,
                                  message="価格は？")

    with pytest.raises(ValidationFailed, match="JPY amounts have at most 0 decimal places"):
        make_offer(thread, buyer, currency="JPY", price_amount="1000.50")
    offer = make_offer(thread, buyer, currency=None, price_amount="1000000")

    assert (offer.currency, offer.price_amount) == ("JPY", Decimal("1000000.00"))


# --- The service takes the checked terms ---------------------------------------------------------

def test_terms_read_for_another_currency_are_refused(thread: Thread, buyer: Member) -> None:
    checked = offer_terms()  # read while the listing was in CNY
    Listing.objects.filter(pk=thread.listing_id).update(currency="HKD")
    before = offer_state()

    with pytest.raises(ValidationFailed) as refused:
        offers.offer_make(thread_id=thread.pk, actor=buyer.user, terms=checked)

    assert refused.value.fields == {
        "currency": "Offers on this listing are in HKD, the listing's currency; CNY is not accepted."}
    assert offer_state() == before


def test_an_offer_of_a_kind_the_listing_does_not_offer_is_refused(thread: Thread, buyer: Member,
                                                                   owner: Member) -> None:
    Listing.objects.filter(pk=thread.listing_id).update(offer_kinds=["licence"])
    before = offer_state()

    status, body = post(buyer.client, f"/threads/{thread.pk}/offers", terms(kind="transfer", price_amount="1000"))

    assert (status, body["error"]["fields"]) == (400, {
        "kind": "This listing is offered as: Licence. An offer of another kind (Transfer (assignment)) is not "
                "accepted; ask the seller to change the listing first."})
    with pytest.raises(ValidationFailed) as refused:  # the seller's own offer alike
        offers.offer_make(thread_id=thread.pk, actor=owner.user, terms=offer_terms(kind="use_first", trial_months=6))
    assert set(refused.value.fields) == {"kind"}
    assert offer_state() == before


# --- The API reads its body into the terms once, after asking who may act ---------------------------

def post(client: Client, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    response = client.post(f"/api/v1{path}", data=json.dumps(body), content_type="application/json")
    return response.status_code, response.json()


def test_the_api_tells_who_may_offer_before_what_is_wrong(thread: Thread, buyer: Member, outsider: Member,
                                                          operator_client: Client) -> None:
    bad = terms(kind="licence", price_amount="1.234")
    before = offer_state()

    assert post(outsider.client, f"/threads/{thread.pk}/offers", bad)[0] == 404
    status, body = post(operator_client, f"/threads/{thread.pk}/offers", bad)
    assert (status, body["error"]["message"]) == (403, "Only the buyer, the seller or their agents may do this.")
    status, body = post(buyer.client, f"/threads/{thread.pk}/offers", bad)
    assert (status, body["error"]["code"]) == (400, "invalid")
    assert body["error"]["fields"] == {
        "price_amount": "CNY amounts have at most 2 decimal places.",
        "licence_exclusivity": "“” is not one of the allowed values: exclusive, sole, non_exclusive.",
        "licence_term_months": "The licence term is required."}
    assert offer_state() == before


def test_the_api_counters_with_checked_terms(thread: Thread, buyer: Member, owner: Member) -> None:
    offer = make_offer(thread, buyer)
    before = offer_state()

    status, body = post(buyer.client, f"/offers/{offer.pk}/counter", terms(currency="USD"))
    assert (status, body["error"]["code"]) == (403, "forbidden")  # the maker does not counter, whatever the terms
    status, body = post(owner.client, f"/offers/{offer.pk}/counter", terms(currency="USD"))
    assert (status, body["error"]["fields"]) == (400, {
        "currency": "Offers on this listing are in CNY, the listing's currency; USD is not accepted."})
    assert offer_state() == before

    status, body = post(owner.client, f"/offers/{offer.pk}/counter", terms(
        price_amount=120000, payment_structure="milestones",
        milestones=[{"title": "签约", "amount": 20000.5, "condition": "on_signing"},
                    {"title": "登记", "amount": "99999.50", "condition": "on_recordal"}]))
    assert status == 201
    assert (body["price_amount"], body["counter_to_id"], [m["amount"] for m in body["milestones"]]) == (
        "120000.00", offer.pk, ["20000.50", "99999.50"])
