"""What a listing's answers share between readers: nothing of the seller's side. Everyone but
the seller's members and operators has no action in any status (the rule that lets their
answers be kept for all), drafts are never kept, and a kept answer is the database's."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client

from ipx.accounts.models import User
from ipx.accounts.tokens import TokenInput, api_token_create
from ipx.listings import services
from ipx.listings.models import Listing
from ipx.listings.shared import acts_on, allowed_actions_of, member_organisation_ids
from ipx.listings.tests.helpers import STATES, draft, published
from ipx.listings.workflow import LISTING
from ipx.testing.fixtures import Member


@pytest.mark.django_db
@pytest.mark.parametrize("state", sorted(STATES))
def test_only_the_sellers_members_and_operators_may_act_on_a_listing_in_any_status(
        state: str, owner: Member, buyer: Member, outsider: Member, operator: User) -> None:
    listing = STATES[state](owner, operator)
    for reader in (buyer.user, outsider.user):
        assert not acts_on(reader, listing.organisation_id, member_organisation_ids(reader))
        assert LISTING.allowed_actions(listing, reader) == []
    # Read once for many listings, the seller's side's actions are the table's.
    for reader in (owner.user, operator):
        member_of = member_organisation_ids(reader)
        assert acts_on(reader, listing.organisation_id, member_of)
        assert allowed_actions_of(reader, [listing], member_of) == {
            listing.pk: LISTING.allowed_actions(listing, reader)}


def token_client(user: User) -> Client:
    _token, key = api_token_create(user=user, token=TokenInput(name="listings"))
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def _from_the_database(client: Client, path: str) -> bytes:
    # Inside a transaction nothing is kept or served: the answer is built from the rows.
    with transaction.atomic():
        return client.get(path).content


@pytest.mark.django_db(transaction=True)
def test_kept_listing_answers_hold_nothing_of_the_sellers_side(owner: Member, buyer: Member, operator: User) -> None:
    listing = published(owner, operator)
    unpublished = draft(owner, operator)
    Listing.objects.filter(pk=listing.pk).update(review_note="价格可再议")
    seller_api, member_api = token_client(owner.user), token_client(buyer.user)
    seller_page, member_page = owner.client, buyer.client
    api, page = f"/api/v1/listings/{listing.pk}", f"/listings/{listing.pk}/"
    # Each reader twice, in both orders: the second answers come from what the first kept.
    for client in (member_api, seller_api, member_api, seller_api):
        assert client.get(api).content == _from_the_database(client, api)
    assert member_api.get(api).json()["allowed_actions"] == []
    assert seller_api.get(api).json()["allowed_actions"] == ["edit", "withdraw"]
    for _round in range(2):
        member_html, seller_html = member_page.get(page).content, seller_page.get(page).content
        assert b'id="listing-actions"' not in member_html and "价格可再议".encode() not in member_html
        assert b'id="listing-actions"' in seller_html and "价格可再议".encode() in seller_html
    # Another organisation's draft: the seller reads it, nobody else, whoever asked first.
    for _round in range(2):
        assert seller_api.get(f"/api/v1/listings/{unpublished.pk}").status_code == 200
        assert member_api.get(f"/api/v1/listings/{unpublished.pk}").status_code == 404
        assert member_page.get(f"/listings/{unpublished.pk}/").status_code == 404
    # Withdrawn, the listing is gone from every kept answer at once.
    services.listing_withdraw(listing_id=listing.pk, actor=owner.user)
    assert member_api.get(api).status_code == 404
    assert member_page.get(page).status_code == 404
    assert seller_api.get(api).json()["status"] == "withdrawn"
