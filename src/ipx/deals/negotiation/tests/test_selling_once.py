"""The same right is not sold twice, nor licensed exclusively twice: accepting an offer and
concluding an intended agreement are refused, changing nothing, while another deal has taken
the rights (``ipx.deals.rights``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from ipx.core.errors import Conflict, ValidationFailed
from ipx.deals.contracts import services as contracts
from ipx.deals.models import Deal, Offer, Thread
from ipx.deals.negotiation import offers, threads
from ipx.deals.negotiation.tests.conftest import make_offer, offer_state
from ipx.deals.rights import overlaps
from ipx.listings.models import Listing
from ipx.testing.fixtures import Member, _member

pytestmark = pytest.mark.django_db

LICENCE: dict[str, Any] = {"kind": "licence", "licence_territory": "中国大陆", "licence_field": "",
                           "licence_term_months": 24}


@pytest.fixture
def rival(db: None) -> Member:
    return _member("rival@example.com", "Rita Rival", name="深圳竞争者科技有限公司")


@pytest.fixture
def rival_thread(listing: Listing, rival: Member) -> Thread:
    return threads.thread_open(listing_id=listing.pk, actor=rival.user, organisation_id=rival.organisation.pk,
                                message="我们也想谈谈。")


def accepted(thread: Thread, buyer: Member, owner: Member, **terms: Any) -> Deal:
    offer = make_offer(thread, buyer, **terms)
    return offers.offer_accept(offer_id=offer.pk, actor=owner.user)


def refused_accept(thread: Thread, buyer: Member, owner: Member, **terms: Any) -> Conflict:
    offer = make_offer(thread, buyer, **terms)
    before = offer_state()
    with pytest.raises(Conflict) as refused:
        offers.offer_accept(offer_id=offer.pk, actor=owner.user)
    assert offer_state() == before
    assert Offer.objects.get(pk=offer.pk).status == Offer.Status.OPEN
    return refused.value


# --- Transfers ---------------------------------------------------------------------------------

def test_an_intended_transfer_is_not_concluded_once_another_transfer_is(
        thread: Thread, rival_thread: Thread, buyer: Member, rival: Member, owner: Member, listing: Listing) -> None:
    intended = accepted(thread, buyer, owner, commitment="intended")
    concluded = accepted(rival_thread, rival, owner)
    assert Listing.objects.get(pk=listing.pk).status == Listing.Status.RESERVED
    with pytest.raises(Conflict):
        contracts.deal_conclude(deal_id=intended.pk, actor=buyer.user)
    intended.refresh_from_db()
    assert intended.commitment == "intended"
    assert Deal.objects.filter(listing=listing, commitment="concluded", kind="transfer").count() == 1
    assert "conclude" not in contracts_allowed(intended, buyer)
    assert concluded.status == Deal.Status.AWAITING_SIGNATURES


def contracts_allowed(deal: Deal, member: Member) -> list[str]:
    from ipx.deals.contracts.workflow import DEAL

    return DEAL.allowed_actions(Deal.objects.get(pk=deal.pk), member.user)


def test_an_intended_agreement_is_concluded_when_nothing_is_in_the_way(
        thread: Thread, buyer: Member, owner: Member, listing: Listing) -> None:
    intended = accepted(thread, buyer, owner, commitment="intended")
    contracts.deal_conclude(deal_id=intended.pk, actor=buyer.user)
    assert Listing.objects.get(pk=listing.pk).status == Listing.Status.RESERVED


def test_a_transfer_is_refused_while_an_exclusive_licence_lasts(
        thread: Thread, rival_thread: Thread, buyer: Member, rival: Member, owner: Member) -> None:
    accepted(thread, buyer, owner, **LICENCE, licence_exclusivity="exclusive")
    refusal = refused_accept(rival_thread, rival, owner)
    assert refusal.code == "rights_taken"
    assert buyer.organisation.name in refusal.message


def test_the_exclusive_licensee_itself_may_buy_the_rights(thread: Thread, buyer: Member, owner: Member) -> None:
    accepted(thread, buyer, owner, **LICENCE, licence_exclusivity="exclusive")
    assert accepted(thread, buyer, owner).kind == "transfer"


# --- Exclusive and sole licences ---------------------------------------------------------------

@pytest.mark.parametrize("first,second", [("sole", "sole"), ("exclusive", "exclusive"), ("exclusive", "sole"),
                                          ("sole", "non_exclusive")])
def test_no_second_licence_overlapping_an_exclusive_or_sole_one(
        thread: Thread, rival_thread: Thread, buyer: Member, rival: Member, owner: Member, first: str,
        second: str) -> None:
    accepted(thread, buyer, owner, **LICENCE, licence_exclusivity=first)
    refused_accept(rival_thread, rival, owner, **LICENCE, licence_exclusivity=second)


def test_exclusive_licences_in_territories_apart_are_both_granted(
        thread: Thread, rival_thread: Thread, buyer: Member, rival: Member, owner: Member) -> None:
    accepted(thread, buyer, owner, **{**LICENCE, "licence_territory": "Germany"}, licence_exclusivity="exclusive")
    deal = accepted(rival_thread, rival, owner, **{**LICENCE, "licence_territory": "France"},
                    licence_exclusivity="exclusive")
    assert deal.licence_territory == "France"


def test_non_exclusive_licences_are_granted_again(
        thread: Thread, rival_thread: Thread, buyer: Member, rival: Member, owner: Member) -> None:
    accepted(thread, buyer, owner, **LICENCE, licence_exclusivity="non_exclusive")
    accepted(rival_thread, rival, owner, **LICENCE, licence_exclusivity="non_exclusive")


def test_an_exclusive_licence_whose_term_has_ended_no_longer_blocks(
        thread: Thread, rival_thread: Thread, buyer: Member, rival: Member, owner: Member) -> None:
    first = accepted(thread, buyer, owner, **LICENCE, licence_exclusivity="exclusive")
    Deal.objects.filter(pk=first.pk).update(status=Deal.Status.COMPLETED,
                                            completed_at=timezone.now() - timedelta(days=800))
    accepted(rival_thread, rival, owner, **LICENCE, licence_exclusivity="exclusive")
    # Completed and still in its term, it blocks.
    Deal.objects.filter(pk=first.pk).update(completed_at=timezone.now() - timedelta(days=30))
    refused_accept(rival_thread, rival, owner, **{**LICENCE, "licence_territory": ""},
                   licence_exclusivity="non_exclusive")


def test_a_cancelled_exclusive_licence_no_longer_blocks(
        thread: Thread, rival_thread: Thread, buyer: Member, rival: Member, owner: Member) -> None:
    first = accepted(thread, buyer, owner, **LICENCE, licence_exclusivity="exclusive")
    contracts.deal_cancel(deal_id=first.pk, actor=owner.user, reason="双方协商取消")
    accepted(rival_thread, rival, owner, **LICENCE, licence_exclusivity="exclusive")


def test_no_licence_more_exclusive_than_the_listing_advertises(
        thread: Thread, buyer: Member, owner: Member, listing: Listing) -> None:
    Listing.objects.filter(pk=listing.pk).update(licence_exclusivity="non_exclusive")
    before = offer_state()
    with pytest.raises(ValidationFailed) as refused:
        make_offer(thread, buyer, **LICENCE, licence_exclusivity="exclusive")
    assert "licence_exclusivity" in refused.value.fields
    assert offer_state() == before
    # An offer made before the listing said so is not accepted either.
    Listing.objects.filter(pk=listing.pk).update(licence_exclusivity="")
    offer = make_offer(thread, buyer, **LICENCE, licence_exclusivity="sole")
    Listing.objects.filter(pk=listing.pk).update(licence_exclusivity="non_exclusive")
    with pytest.raises(Conflict):
        offers.offer_accept(offer_id=offer.pk, actor=owner.user)
    assert Offer.objects.get(pk=offer.pk).status == Offer.Status.OPEN


def test_overlap_of_free_text_territories() -> None:
    assert overlaps("", "Germany") and overlaps("全球", "中国") and overlaps("China", "china (mainland)")
    assert overlaps("中国 大陆", "中国大陆") and not overlaps("Germany", "France")


# --- The listing off the market ------------------------------------------------------------------

def test_no_acceptance_once_the_registry_took_the_listing_down(
        thread: Thread, buyer: Member, owner: Member, listing: Listing, operator: Any) -> None:
    offer = make_offer(thread, buyer)
    from ipx.listings.services import listing_withdraw

    listing_withdraw(listing_id=listing.pk, actor=operator, reason="数据知识产权登记被撤销")
    before = offer_state()
    with pytest.raises(Conflict):
        offers.offer_accept(offer_id=offer.pk, actor=owner.user)
    assert offer_state() == before
