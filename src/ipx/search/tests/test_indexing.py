"""The index follows every publish, edit and withdrawal, and search works across scripts."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from ipx.accounts.models import User
from ipx.catalog.inputs import AssetValues
from ipx.catalog.services import asset_update
from ipx.listings import services
from ipx.listings.inputs import ListingChanges
from ipx.listings.models import Listing
from ipx.search.query import SearchQuery
from ipx.search.selectors import SearchUnavailable, search_listings
from ipx.testing.factories import listing_with_patent
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db


def found(text: str, **filters: tuple[str, ...]) -> list[int]:
    return [hit.listing.pk for hit in search_listings(SearchQuery(text=text, filters=filters)).hits]


def publish(owner: Member, operator: User, on_commit: Any, **fields: Any) -> Listing:
    listing = listing_with_patent(owner.organisation, owner.user, **fields)
    with on_commit():
        services.listing_submit(listing_id=listing.pk, actor=owner.user)
        services.listing_approve(listing_id=listing.pk, operator=operator)
    return listing


def test_published_listing_is_found_in_traditional_simplified_and_by_number(
        owner: Member, operator: User, on_commit: Any) -> None:
    listing = publish(owner, operator, on_commit, title="高安全性锂电池隔膜专利转让")
    assert found("鋰電池 隔膜") == [listing.pk]
    assert found("锂电池 隔膜") == [listing.pk]
    number = listing.assets.get().patent.application_number
    assert number is not None
    assert found(number) == [listing.pk]
    assert found("鋰電池", region=("CN-44",)) == [listing.pk]
    assert found("鋰電池", region=("HK",)) == []


def test_drafts_and_submitted_listings_are_not_found(owner: Member, on_commit: Any) -> None:
    listing = listing_with_patent(owner.organisation, owner.user, title="独特的石墨烯散热膜")
    with on_commit():
        services.listing_submit(listing_id=listing.pk, actor=owner.user)
    assert found("石墨烯") == []


def test_withdrawal_edit_and_asset_change_follow_into_the_index(
        owner: Member, operator: User, on_commit: Any) -> None:
    listing = publish(owner, operator, on_commit, title="氢燃料电池双极板")
    with on_commit():
        services.listing_update(listing_id=listing.pk, actor=owner.user, changes=ListingChanges(title="固态电池电解质"))
    assert found("双极板") == []
    assert found("固態電池") == [listing.pk]
    asset = listing.assets.get()
    with on_commit():
        asset_update(asset_id=asset.pk, actor=owner.user, changes=AssetValues(abstract="采用硫化物电解质的全固态电池"))
    assert found("硫化物") == [listing.pk]
    with on_commit():
        services.listing_withdraw(listing_id=listing.pk, actor=owner.user)
    assert found("固态电池") == []


def test_results_are_highlighted_in_the_readers_script(owner: Member, operator: User, on_commit: Any) -> None:
    publish(owner, operator, on_commit, title="鋰電池隔膜（繁體標題）")
    page = search_listings(SearchQuery(text="锂电池"))
    assert str(page.hits[0].title_html) == "<mark>鋰電池</mark>隔膜（繁體標題）"


def test_search_page_and_api(owner: Member, operator: User, on_commit: Any, client: Client) -> None:
    listing = publish(owner, operator, on_commit, title="锂电池隔膜")
    page = client.get("/search/", {"q": "鋰電池", "offer_kind": "transfer"})
    assert page.status_code == 200
    assert f'href="/listings/{listing.pk}/"' in page.content.decode()
    fragment = client.get("/search/", {"q": "鋰電池"}, HTTP_HX_REQUEST="true")
    assert b"<html" not in fragment.content
    api = client.get("/api/v1/search/listings", {"q": "鋰電池", "ip_type": "patent"})
    body = api.json()
    assert (api.status_code, body["total"], body["hits"][0]["listing"]["id"]) == (200, 1, listing.pk)
    facet_names = [facet["name"] for facet in body["facets"]]
    assert facet_names == ["ip_type", "offer_kind", "ipc_section", "ipc_class", "region", "currency", "price"]


@pytest.mark.parametrize(
    ("params", "field"),
    [({"sort": "cheapest"}, "sort"), ({"ip_type": "car"}, "ip_type"), ({"q": "x" * 201}, "q"),
     ({"price_min": "5", "price_max": "1"}, "price_max"), ({"page": "999", "size": "100"}, "page"),
     ({"region": "CN-99"}, "region"), ({"price": "cheap"}, "price")],
)
def test_bad_search_parameters_get_a_clear_400(client: Client, params: dict[str, str], field: str) -> None:
    api = client.get("/api/v1/search/listings", params)
    assert api.status_code == 400
    assert field in api.json()["error"]["fields"]
    page = client.get("/search/", params)
    assert page.status_code == 400
    assert b'class="errorlist"' in page.content


def test_rebuild_reads_listings_while_it_writes(owner: Member, operator: User, on_commit: Any) -> None:
    """The engine's bulk load consumes a generator that queries the database as it goes."""
    from ipx.search.backends import database_engine, get_backend, kept_engines
    from ipx.search.services import rebuild_index

    first = publish(owner, operator, on_commit, title="石墨烯导热膜")
    second = publish(owner, operator, on_commit, title="钠离子电池正极")
    get_backend().clear()
    # An index that lost its documents leaves the searches to the database's own, never
    # answering "nothing matches"; without that one too, search says so.
    if len(kept_engines()) > 1:
        assert found("石墨烯") == [first.pk]
        get_backend(database_engine()).clear()
    with pytest.raises(SearchUnavailable):
        found("石墨烯")
    assert rebuild_index() == 2
    assert found("石墨烯") == [first.pk]
    assert found("钠离子") == [second.pk]
