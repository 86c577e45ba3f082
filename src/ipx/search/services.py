"""Keeping the index in step with the listings."""

from __future__ import annotations

from collections.abc import Iterable

from ipx.listings.models import Listing
from ipx.listings.selectors import listing_status, listings_for_index
from ipx.search.backends import get_backend
from ipx.search.backends.base import Progress
from ipx.search.documents import document_for


def index_listings(listing_ids: Iterable[int]) -> None:
    """Index the published ones among ``listing_ids`` and drop the others from the index."""
    ids = sorted(set(listing_ids))
    if not ids:
        return
    published = list(listings_for_index(ids))
    published_ids = {listing.pk for listing in published}
    backend = get_backend()
    gone = [listing_id for listing_id in ids if listing_id not in published_ids]
    if gone:
        backend.delete(gone)
    if published:
        backend.upsert([document_for(listing) for listing in published])


def index_listing(listing_id: int) -> None:
    if listing_status(listing_id) == Listing.Status.PUBLISHED:
        index_listings([listing_id])
    else:
        get_backend().delete([listing_id])


def rebuild_index(progress: Progress | None = None) -> int:
    """Load every published listing into a new index and switch to it (the old one serves
    meanwhile; ``ipx.search.rebuild``)."""
    from ipx.search.rebuild import rebuild_full

    return rebuild_full(progress)
