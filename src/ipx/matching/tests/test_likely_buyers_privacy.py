"""Business rule 4: "Likely buyers" shows a seller only what the seller may know — public
demands and its own negotiations by name, other organisations' negotiations and saved
searches only as anonymous counts of at least three organisations."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from ipx.accounts.models import User
from ipx.deals.models import Thread
from ipx.deals.negotiation import offers
from ipx.deals.negotiation.terms import OfferTerms
from ipx.deals.negotiation.threads import thread_open
from ipx.listings.models import Listing
from ipx.matching.matches.buyers import MIN_CROWD
from ipx.matching.matches.explain import ipc_text
from ipx.matching.saved_searches.alerts import saved_search_alerts_send
from ipx.matching.saved_searches.inputs import SavedSearchInput
from ipx.matching.saved_searches.services import saved_search_create
from ipx.matching.tests.match_helpers import embedder, offer  # noqa: F401 - fixture
from ipx.testing.factories import MembershipFactory
from ipx.testing.fixtures import Member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("embedder")]


def organisation(name: str, email: str) -> Member:
    membership = MembershipFactory.create(user__email=email, organisation__name=name)
    return Member(membership.user, membership.organisation)


def negotiate(listing: Listing, buyer: Member, *, with_offer: bool = False) -> Thread:
    thread = thread_open(listing_id=listing.pk, actor=buyer.user, organisation_id=buyer.organisation.pk,
                         message="请问能否独占许可？价格可谈。")
    if with_offer:
        terms = OfferTerms.parse({"kind": "transfer", "commitment": "concluded", "price_amount": "420000.00",
                                  "currency": "CNY", "payment_structure": "lump_sum"}, listing_currency="CNY")
        offers.offer_make(thread_id=thread.pk, actor=buyer.user, terms=terms)
    return thread


@pytest.fixture
def scene(owner: Member, operator: User, on_commit: Callable[..., Any]) -> tuple[Listing, Listing, Member]:
    """The owner's air-conditioning listing (F24F) and another seller's of the same subclass."""
    rival = organisation("珠海暖通技术有限公司", "rival@example.com")
    with on_commit():
        mine = offer(owner, operator, "test0057", "F24F11/88")
        theirs = offer(rival, operator, "test0373", "F24F11/64")
    return mine, theirs, rival


def likely_buyers_of(seller: Member, listing: Listing) -> tuple[dict[str, Any], str]:
    answer = seller.client.get(f"/api/v1/listings/{listing.pk}/likely-buyers", HTTP_ACCEPT_LANGUAGE="en").json()
    page = seller.client.get(reverse("matching:listing_matches", args=[listing.pk]),
                             HTTP_ACCEPT_LANGUAGE="en").content.decode()
    return answer, page


def test_rule4_an_unrelated_seller_sees_no_trace_of_a_negotiation_between_others(
        scene: tuple[Listing, Listing, Member], owner: Member) -> None:
    mine, theirs, _rival = scene
    secretive = organisation("深圳保密空调科技有限公司", "secret@example.com")
    negotiate(theirs, secretive, with_offer=True)

    answer, page = likely_buyers_of(owner, mine)

    assert answer == {"listing_id": mine.pk, "items": [], "market_interest": []}
    text = json.dumps(answer, ensure_ascii=False)
    for trace in (secretive.organisation.name, "past_negotiations", "Negotiated"):
        assert trace not in text and trace not in page
    assert "No likely buyer yet" in page and 'id="market-interest"' not in page


def test_rule4_the_sellers_own_negotiations_still_name_the_buyer(
        scene: tuple[Listing, Listing, Member], owner: Member, operator: User,
        on_commit: Callable[..., Any]) -> None:
    mine, theirs, _rival = scene
    with on_commit():
        other_of_mine = offer(owner, operator, "test0457", "F24F11/65")
    known = organisation("佛山家电制造有限公司", "known@example.com")
    stranger = organisation("东莞空调配件有限公司", "stranger@example.com")
    negotiate(other_of_mine, known)
    negotiate(theirs, stranger)

    answer, page = likely_buyers_of(owner, mine)

    assert [(item["organisation_id"], item["name"], item["score"]) for item in answer["items"]] == [
        (known.organisation.pk, known.organisation.name, 0.3)]
    assert answer["items"][0]["reasons"][0]["values"] == {"count": 1, "subclasses": ["F24F"]}
    assert stranger.organisation.name not in json.dumps(answer, ensure_ascii=False)
    assert known.organisation.name in page and stranger.organisation.name not in page


def test_rule4_negotiations_elsewhere_show_only_as_a_count_of_at_least_three(
        scene: tuple[Listing, Listing, Member], owner: Member) -> None:
    mine, theirs, _rival = scene
    buyers = [organisation(f"空调买方{n}有限公司", f"buyer{n}@example.com") for n in range(MIN_CROWD)]
    for buyer in buyers[:-1]:
        negotiate(theirs, buyer)
    # An old negotiation is not "lately".
    old = negotiate(theirs, buyers[-1])
    Thread.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))

    answer, page = likely_buyers_of(owner, mine)
    assert answer["market_interest"] == []  # two organisations lately: too few to name nobody

    Thread.objects.filter(pk=old.pk).update(created_at=timezone.now())
    answer, page = likely_buyers_of(owner, mine)

    with translation.override("en"):
        sentence = (f"3 organisations negotiated listings in IPC subclass {ipc_text(['F24F'])} with other sellers "
                    "in the last 30 days")
    assert answer == {"listing_id": mine.pk, "items": [], "market_interest": [
        {"code": "subclass_negotiations", "values": {"count": 3, "subclass": "F24F", "days": 30},
         "sentence": sentence}]}
    assert 'id="market-interest"' in page and "3 organisations negotiated listings" in page
    for buyer in buyers:
        assert buyer.organisation.name not in page


def test_rule4_saved_searches_show_only_as_a_count_of_at_least_three(
        scene: tuple[Listing, Listing, Member], owner: Member) -> None:
    mine, _theirs, _rival = scene
    searchers = [organisation(f"暖通研究所{n}", f"searcher{n}@example.com") for n in range(MIN_CROWD)]
    for searcher in searchers[:-1]:
        saved_search_create(user=searcher.user, search=SavedSearchInput.parse(name="空调", query="q=空调",
                                                                              alerts=True))
    # The seller's own member's search does not count.
    saved_search_create(user=owner.user, search=SavedSearchInput.parse(name="空调", query="q=空调", alerts=True))
    assert saved_search_alerts_send(listing_id=mine.pk) == 2

    answer, page = likely_buyers_of(owner, mine)
    assert (answer["items"], answer["market_interest"]) == ([], [])

    saved_search_create(user=searchers[-1].user, search=SavedSearchInput.parse(name="空调器", query="q=空调器",
                                                                               alerts=True))
    assert saved_search_alerts_send(listing_id=mine.pk) == 1
    answer, page = likely_buyers_of(owner, mine)

    assert (answer["items"], answer["market_interest"]) == ([], [
        {"code": "saved_searches", "values": {"count": 3},
         "sentence": "Saved searches of members of 3 organisations found this listing"}])
    assert "Saved searches of members of 3 organisations found this listing" in page
    for searcher in searchers:
        assert searcher.organisation.name not in page
