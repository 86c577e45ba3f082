"""A revoked registration leaves the market with the revocation: its published listing is
withdrawn (one in review recalled to draft) by the revoking operator with the revocation's
reason, in the same transaction; nobody inquires on it any more and it is not listed again."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from ipx.accounts.models import User
from ipx.core.errors import Conflict, NotFound
from ipx.dataip.models import DataProduct
from ipx.dataip.services import certificates
from ipx.dataip.tests.scenes import granted
from ipx.dataip.tests.test_market import drafted_listing, published
from ipx.deals.negotiation import threads
from ipx.listings.models import Listing
from ipx.listings.services import listing_reopen, listing_submit
from ipx.testing.fixtures import Member, signed_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("registry_key")]

REASON = "数据来源不合法"


def test_revoking_through_the_api_withdraws_the_published_listing(
        owner: Member, buyer: Member, operator: User, on_commit: Callable[..., Any]) -> None:
    product = granted(owner, operator)
    with on_commit():
        listing = published(owner, operator, product)
    # An inquiry made while it stood stays open; the listing itself must leave the market.
    threads.thread_open(listing_id=listing.pk, actor=buyer.user, organisation_id=buyer.organisation.pk,
                        message="我们希望取得该数据产品的使用许可。")
    with on_commit():
        response = signed_in(operator).post(f"/api/v1/dataip/products/{product.pk}/revoke",
                                            json.dumps({"reason": REASON}), content_type="application/json")
    assert response.status_code == 200, response.content
    listing.refresh_from_db()
    assert listing.status == Listing.Status.WITHDRAWN
    event = listing.events.order_by("-pk").first()
    assert event is not None
    assert (event.verb, event.actor_id, event.note) == ("withdraw", operator.pk, REASON)
    # Withdrawn, it is not even found by other organisations.
    with pytest.raises(NotFound):
        threads.thread_open(listing_id=listing.pk, actor=buyer.user, organisation_id=buyer.organisation.pk,
                            message="还可以谈吗？")
    # Reopened by its seller, it is not offered again.
    listing_reopen(listing_id=listing.pk, actor=owner.user)
    with pytest.raises(Conflict, match="no longer registered"):
        listing_submit(listing_id=listing.pk, actor=owner.user)
    listing.refresh_from_db()
    assert listing.status == Listing.Status.DRAFT


def test_a_listing_in_review_goes_back_to_draft_and_others_stay(owner: Member, operator: User) -> None:
    product = granted(owner, operator)
    other = granted(owner, operator, name="城市停车位实时数据")
    in_review = drafted_listing(owner, product)
    listing_submit(listing_id=in_review.pk, actor=owner.user)
    untouched = published(owner, operator, other)
    certificates.revoke(operator=operator, product_id=product.pk, reason=REASON)
    in_review.refresh_from_db()
    untouched.refresh_from_db()
    assert (in_review.status, untouched.status) == (Listing.Status.DRAFT, Listing.Status.PUBLISHED)
    event = in_review.events.order_by("-pk").first()
    assert event is not None and (event.verb, event.note) == ("recall", REASON)


def test_the_revocation_and_the_withdrawal_are_one_transaction(
        owner: Member, operator: User, monkeypatch: pytest.MonkeyPatch) -> None:
    product = granted(owner, operator)
    listing = published(owner, operator, product)

    def failing(**kwargs: Any) -> Listing:
        raise Conflict("withdrawal failed")

    monkeypatch.setattr(certificates, "listing_withdraw", failing)
    with pytest.raises(Conflict, match="withdrawal failed"):
        certificates.revoke(operator=operator, product_id=product.pk, reason=REASON)
    product.refresh_from_db()
    listing.refresh_from_db()
    assert (product.status, product.certificates.get().status) == (DataProduct.Status.GRANTED, "valid")
    assert listing.status == Listing.Status.PUBLISHED
