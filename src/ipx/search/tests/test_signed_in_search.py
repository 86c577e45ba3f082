"""Signed-in search: the answer kept for every reader is the one the database gives, with the
reader's own actions added; the work per search does not grow with the page size."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ipx.accounts.models import User
from ipx.accounts.tokens import TokenInput, api_token_create
from ipx.listings import services
from ipx.listings.models import Listing
from ipx.testing.factories import listing_with_patent
from ipx.testing.fixtures import Member

SEARCH = "/api/v1/search/listings?q=锂电池"
PAGE = "/search/?q=锂电池"


def token_client(user: User) -> Client:
    _token, key = api_token_create(user=user, token=TokenInput(name="search"))
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def publish(owner: Member, operator: User, count: int, on_commit: Any = None) -> list[Listing]:
    published = []
    for n in range(count):
        listing = listing_with_patent(owner.organisation, owner.user, title=f"锂电池隔膜专利 {n}")
        if on_commit is None:
            services.listing_submit(listing_id=listing.pk, actor=owner.user)
            published.append(services.listing_approve(listing_id=listing.pk, operator=operator))
        else:
            with on_commit():
                services.listing_submit(listing_id=listing.pk, actor=owner.user)
                published.append(services.listing_approve(listing_id=listing.pk, operator=operator))
    return published


def queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


@pytest.mark.django_db
def test_the_queries_of_a_search_do_not_grow_with_the_page_size(
        owner: Member, buyer: Member, operator: User, on_commit: Any) -> None:
    publish(owner, operator, 21, on_commit)
    # The seller has actions on every hit, another member on none; neither costs a query per hit.
    for user in (buyer.user, owner.user):
        api = token_client(user)
        assert len(api.get(f"{SEARCH}&size=20").json()["hits"]) == 20
        assert queries(api, f"{SEARCH}&size=5") == queries(api, f"{SEARCH}&size=20")
        page = Member(user, owner.organisation).client
        assert queries(page, f"{PAGE}&size=5") == queries(page, f"{PAGE}&size=20")


def _from_the_database(client: Client, path: str) -> bytes:
    # Inside a transaction nothing is kept or served: the answer is built from the rows.
    with transaction.atomic():
        return client.get(path).content


@pytest.mark.django_db(transaction=True)
def test_a_kept_answer_is_the_one_built_from_the_database_with_the_readers_own_actions(
        owner: Member, buyer: Member, operator: User) -> None:
    listings = publish(owner, operator, 3)
    seller, member = token_client(owner.user), token_client(buyer.user)
    # The member asks first: the answer kept then must not give the seller's hits no actions.
    for client in (member, seller, member):
        built = _from_the_database(client, SEARCH)
        assert client.get(SEARCH).content == built
        with CaptureQueriesContext(connection) as captured:
            kept = client.get(SEARCH).content
        assert kept == built
    assert not [q for q in captured if "listings_listing" in q["sql"]], "a kept answer reads no listing"
    hits = {hit["listing"]["id"]: hit["listing"]["allowed_actions"] for hit in seller.get(SEARCH).json()["hits"]}
    assert hits == {listing.pk: ["edit", "withdraw"] for listing in listings}
    assert {tuple(hit["listing"]["allowed_actions"]) for hit in member.get(SEARCH).json()["hits"]} == {()}
    # A withdrawn listing leaves the kept answers at once, for every reader.
    services.listing_withdraw(listing_id=listings[0].pk, actor=owner.user)
    for client in (member, seller):
        assert listings[0].pk not in [hit["listing"]["id"] for hit in client.get(SEARCH).json()["hits"]]
        assert client.get(SEARCH).content == _from_the_database(client, SEARCH)
    page = buyer.client
    assert page.get(PAGE).content.count(b'class="result"') == 2
