"""Business rule: accepting an offer commits the organisation it was made to, so only one of its
administrators or named signatories accepts; its other members still negotiate (write, offer,
counter, reject) and the refusal says who may accept, changing nothing."""

from __future__ import annotations

import pytest

from ipx.accounts.models import Membership, User
from ipx.core.errors import PermissionDenied
from ipx.deals.models import Deal, Thread
from ipx.deals.negotiation import messages, offers
from ipx.deals.negotiation.tests.conftest import make_offer as make
from ipx.deals.negotiation.tests.conftest import offer_state as state
from ipx.deals.negotiation.tests.conftest import offer_terms
from ipx.deals.negotiation.workflow import OFFER
from ipx.testing.factories import MembershipFactory, UserFactory
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db


def member_of(party: Member, *, signatory: bool = False) -> User:
    return MembershipFactory.create(user=UserFactory.create(), organisation=party.organisation,
                                    role=Membership.Role.MEMBER, is_signatory=signatory).user


def test_a_plain_member_negotiates_but_cannot_accept(thread: Thread, buyer: Member, owner: Member) -> None:
    seller_member = member_of(owner)
    offer = make(thread, buyer)
    assert OFFER.allowed_actions(offer, seller_member) == ["reject", "counter"]
    before = state()

    with pytest.raises(PermissionDenied) as refused:
        offers.offer_accept(offer_id=offer.pk, actor=seller_member)

    assert (refused.value.code, refused.value.message) == (
        "not_signatory", f"Only an administrator or a signatory of {owner.organisation.name} may accept this offer.")
    assert state() == before
    client = owner.client
    client.force_login(seller_member)
    response = client.post(f"/api/v1/offers/{offer.pk}/accept")
    assert (response.status_code, response.json()["error"]["code"]) == (403, "not_signatory")
    assert state() == before

    # Negotiating commits nobody: the member writes and counters.
    messages.message_post(thread_id=thread.pk, actor=seller_member, body="价格可以再谈")
    counter = offers.offer_counter(offer_id=offer.pk, actor=seller_member,
                                   terms=offer_terms(price_amount="120000.00"))
    assert (counter.status, counter.from_organisation, counter.created_by) == (
        "open", owner.organisation, seller_member)


def test_a_named_signatory_accepts(thread: Thread, buyer: Member, owner: Member) -> None:
    offer = make(thread, buyer)
    signatory = member_of(owner, signatory=True)
    assert OFFER.allowed_actions(offer, signatory) == ["reject", "counter", "accept"]
    deal = offers.offer_accept(offer_id=offer.pk, actor=signatory)
    assert Deal.objects.get(offer=offer) == deal
