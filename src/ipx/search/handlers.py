"""Follow-up work on domain events from lower apps (subscribed in SearchConfig.ready)."""

from __future__ import annotations

from ipx.listings.selectors import listing_ids_offering
from ipx.search.services import index_listing, index_listings


def on_listing_changed(*, listing_id: int) -> None:
    index_listing(listing_id)


def on_asset_changed(*, asset_id: int) -> None:
    listing_ids = listing_ids_offering(asset_id)
    if listing_ids:
        index_listings(listing_ids)
