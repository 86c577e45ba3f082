"""Keeping the indexes in step with the listings: the configured engine's and, beside an
embedded engine, the database's own (``kept_engines``), which answers while the other's files
cannot."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

from ipx.listings.models import Listing
from ipx.listings.selectors import listing_status, listings_for_index
from ipx.search.backends import get_backend, kept_engines
from ipx.search.backends.base import Progress
from ipx.search.documents import SearchDocument, document_for

logger = logging.getLogger(__name__)


def index_listings(listing_ids: Iterable[int], engines: Sequence[str] = ()) -> None:
    """Index the published ones among ``listing_ids`` and drop the others, in ``engines``
    (every kept engine by default)."""
    ids = sorted(set(listing_ids))
    if not ids:
        return
    published = list(listings_for_index(ids))
    published_ids = {listing.pk for listing in published}
    gone = [listing_id for listing_id in ids if listing_id not in published_ids]
    documents = [document_for(listing) for listing in published]
    _apply(documents, gone, engines or kept_engines())


def index_listing(listing_id: int) -> None:
    if listing_status(listing_id) == Listing.Status.PUBLISHED:
        index_listings([listing_id])
    else:
        _apply([], [listing_id], kept_engines())


def _apply(documents: list[SearchDocument], gone: list[int], engines: Sequence[str]) -> None:
    failed: Exception | None = None
    for engine in engines:
        # One engine failing (damaged files) must not keep the change from the other: the
        # periodic repair rebuilds the damaged one, and the other answers meanwhile.
        try:
            backend = get_backend(engine)
            if gone:
                backend.delete(gone)
            if documents:
                backend.upsert(documents)
        except Exception as exc:
            logger.exception("the %s search index did not take the change", engine)
            failed = exc
    if failed is not None:
        raise failed


def rebuild_index(progress: Progress | None = None, engine: str = "") -> int:
    """Load every published listing into a new index of ``engine`` (every kept engine by
    default) and switch to it (the old one serves meanwhile; ``ipx.search.rebuild``). Returns
    the count of the configured engine's (or ``engine``'s)."""
    from ipx.search.rebuild import rebuild_full

    counts = [rebuild_full(progress, engine=name) for name in ([engine] if engine else kept_engines())]
    return counts[0]
