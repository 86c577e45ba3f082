"""Follow-up work on domain events from lower apps (subscribed in MatchingConfig.ready)."""

from __future__ import annotations

from ipx.matching.saved_searches.alerts import saved_search_alerts_send


def on_listing_published(*, listing_id: int) -> None:
    saved_search_alerts_send(listing_id=listing_id)
