"""A deal whose listing was taken off the market (withdrawn by the exchange, e.g. for a right the
registry revoked) is neither funded nor completed; refused, nothing changes."""

from __future__ import annotations

import pytest

from ipx.accounts.models import User
from ipx.core.errors import Conflict
from ipx.deals.contracts import services
from ipx.deals.contracts.tests.helpers import TWO_STEPS, deposit, make_deal, sign_both, snapshot
from ipx.listings.services import listing_withdraw
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db


def test_no_funding_once_the_listing_is_withdrawn(owner: Member, buyer: Member, operator: User) -> None:
    deal = sign_both(make_deal(owner, buyer, payment_structure="milestones", milestones=TWO_STEPS), owner, buyer)
    deposit(buyer, "500000")
    listing_withdraw(listing_id=deal.listing_id, actor=operator, reason="登记被撤销")
    before = snapshot(deal)
    with pytest.raises(Conflict) as refused:
        services.milestone_fund(deal_id=deal.pk, position=1, actor=buyer.user)
    assert refused.value.code == "listing_off_market"
    assert snapshot(deal) == before


def test_no_completion_once_the_listing_is_withdrawn(owner: Member, buyer: Member, operator: User) -> None:
    deal = sign_both(make_deal(owner, buyer), owner, buyer)
    services.deal_submit_recordal(deal_id=deal.pk, actor=owner.user, recordal_number="2023990000123")
    listing_withdraw(listing_id=deal.listing_id, actor=operator, reason="登记被撤销")
    before = snapshot(deal)
    with pytest.raises(Conflict):
        services.deal_check_recordal(deal_id=deal.pk, operator=operator, approve=True)
    assert snapshot(deal) == before


def test_a_deal_that_reserved_its_listing_goes_on(owner: Member, buyer: Member, operator: User) -> None:
    deal = sign_both(make_deal(owner, buyer), owner, buyer)
    deposit(buyer, "500000")
    services.milestone_fund(deal_id=deal.pk, position=1, actor=buyer.user)
    services.deal_submit_recordal(deal_id=deal.pk, actor=owner.user, recordal_number="2023990000123")
    assert services.deal_check_recordal(deal_id=deal.pk, operator=operator, approve=True).status == "completed"
