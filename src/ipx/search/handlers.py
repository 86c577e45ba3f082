"""Follow-up work on domain events from lower apps (subscribed in SearchConfig.ready)."""

from __future__ import annotations

from ipx.listings.selectors import listing_ids_offering, published_listing_ids_of
from ipx.search.services import index_listing, index_listings


def on_listing_changed(*, listing_id: int) -> None:
    index_listing(listing_id)


def on_organisation_changed(*, organisation_id: int) -> None:
    index_listings(published_listing_ids_of(organisation_id))


def on_asset_changed(*, asset_ids: list[int]) -> None:
    listing_ids = listing_ids_offering(asset_ids)
    if listing_ids:
        index_listings(listing_ids)
