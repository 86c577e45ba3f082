"""Fixtures for negotiation tests: a published listing of the owner's, the buyer's thread
about it, an agency acting for the buyer, offer terms, and small real files (from the
listings tests)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from ipx.accounts.models import Membership, Organisation
from ipx.deals.models import Deal, Offer, OfferEvent, OfferMilestone, Thread, ThreadAgent
from ipx.deals.negotiation import offers, threads
from ipx.deals.negotiation.terms import OfferTerms
from ipx.listings.models import Listing
from ipx.listings.tests.files import pdf_bytes as pdf_bytes
from ipx.listings.tests.files import png_bytes as png_bytes
from ipx.listings.tests.files import published_listing as published_listing
from ipx.listings.tests.files import upload as upload
from ipx.testing.factories import MembershipFactory, OrganisationFactory, UserFactory
from ipx.testing.fixtures import Member


def terms(**changes: Any) -> dict[str, Any]:
    """A transfer for 100,000.00 CNY paid at once, a concluded contract, open for the default
    time: as the API receives it."""
    return {"kind": "transfer", "commitment": "concluded", "price_amount": "100000.00", "currency": "CNY",
            "payment_structure": "lump_sum", **changes}


def offer_terms(*, listing_currency: str = "CNY", **changes: Any) -> OfferTerms:
    """``terms`` read for an offer on a listing in ``listing_currency``, as the services take them."""
    return OfferTerms.parse(terms(**changes), listing_currency=listing_currency)


def offer_state() -> dict[str, Any]:
    """What an offer's step may change: offers, milestones, events, deals, listings."""
    return {
        "offers": list(Offer.objects.order_by("pk").values_list("pk", "status", "counter_to")),
        "milestones": OfferMilestone.objects.count(),
        "events": list(OfferEvent.objects.order_by("pk").values_list("offer", "from_status", "to_status")),
        "deals": Deal.objects.count(),
        "listings": list(Listing.objects.order_by("pk").values_list("pk", "status")),
    }


def make_offer(thread: Thread, member: Member, **changes: Any) -> Offer:
    """``member`` offers ``terms(**changes)``, read for the thread's listing."""
    return offers.offer_make(thread_id=thread.pk, actor=member.user,
                             terms=offer_terms(listing_currency=thread.listing.currency, **changes))


@pytest.fixture
def listing(owner: Member) -> Listing:
    # Offered every way a negotiation can end, so that each kind of offer may be tried on it.
    return published_listing(owner, offer_kinds=["transfer", "licence", "use_first"], trial_months=6,
                             after_trial_royalty_percent=Decimal("3.00"))


@pytest.fixture
def thread(listing: Listing, buyer: Member) -> Thread:
    return threads.thread_open(listing_id=listing.pk, actor=buyer.user, organisation_id=buyer.organisation.pk,
                                message="请问这项专利可以独占许可吗？")


@pytest.fixture
def agency(db: None) -> Member:
    membership = MembershipFactory.create(
        user=UserFactory.create(email="agent@example.com", full_name="Ada Agent"),
        organisation=OrganisationFactory.create(kind=Organisation.Kind.AGENCY, name="湾区知识产权代理事务所"),
        role=Membership.Role.ADMIN)
    return Member(membership.user, membership.organisation)


@pytest.fixture
def buyer_agent(thread: Thread, buyer: Member, agency: Member) -> Member:
    """The agency, acting for the buyer in ``thread``."""
    threads.thread_agent_add(thread_id=thread.pk, actor=buyer.user, organisation_id=agency.organisation.pk)
    assert ThreadAgent.objects.filter(thread=thread, organisation=agency.organisation, side="buyer").exists()
    return agency
