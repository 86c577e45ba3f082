"""Alerts: when a listing is published, every saved search with alerts that finds it tells
its owner, once per saved search and listing.

The check runs the saved query against the new listing's own search document, with the
same tokens and the same rules as the search engines (every query word group needs one of
its tokens in the title or body terms; each filter needs one of its values; price bounds
need a price). That answers the same as the engine would, without depending on whether the
index has already taken the listing in.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.urls import reverse

from ipx.accounts.models import Membership
from ipx.core.errors import ValidationFailed
from ipx.listings.models import Listing
from ipx.listings.selectors import listings_for_index
from ipx.matching.models import SavedSearch, SavedSearchAlert
from ipx.matching.saved_searches.inputs import canonical_query
from ipx.notifications.services import notify
from ipx.search.documents import SearchDocument, document_for
from ipx.search.query import SearchQuery

logger = logging.getLogger(__name__)


def listing_matches(query: SearchQuery, document: SearchDocument) -> bool:
    """Whether the search engine would return the listing of ``document`` for ``query``."""
    if query.text and not query.groups:
        return False  # only function words: engines return nothing
    if query.groups:
        terms = set(document.title_terms.split()) | set(document.body_terms.split())
        if not all(any(token in terms for token in group) for group in query.groups):
            return False
    pairs = set(document.facet_values())
    for facet, values in query.filters.items():
        if values and not any((facet, value) in pairs for value in values):
            return False
    price = document.price_cny
    if query.price_min is not None and (price is None or price < query.price_min):
        return False
    return not (query.price_max is not None and (price is None or price > query.price_max))


def _notify_owner(saved: SavedSearch, listing: Listing) -> bool:
    """Record the alert and notify; False when this saved search already told of the listing."""
    with transaction.atomic():
        _alert, created = SavedSearchAlert.objects.get_or_create(saved_search=saved, listing=listing)
        if not created:
            return False
        notify(
            verb="saved_search.match",
            params={"name": saved.name, "title": listing.title, "seller": listing.organisation.name},
            url=reverse("listings:detail", args=[listing.pk]),
            users=[saved.user],
        )
    return True


def saved_search_alerts_send(*, listing_id: int) -> int:
    """Tell the owners of matching saved searches about a newly published listing; returns
    how many alerts went out."""
    listing = next(iter(listings_for_index([listing_id])), None)
    if listing is None:
        return 0  # no longer published by the time this runs
    document = document_for(listing)
    # The seller's own members are not told about their own listing.
    sellers = Membership.objects.filter(organisation_id=listing.organisation_id).values("user_id")
    candidates = (SavedSearch.objects.filter(alerts=True, user__is_active=True).exclude(user_id__in=sellers)
                  .exclude(alerts_sent__listing_id=listing_id).select_related("user").order_by("pk"))
    sent = 0
    for saved in candidates.iterator(chunk_size=1000):
        try:
            _canonical, query = canonical_query(saved.query_string)
        except ValidationFailed:
            # Saved under rules that have since changed (e.g. a filter value withdrawn).
            logger.warning("saved search %s no longer parses: %s", saved.pk, saved.query_string)
            continue
        if listing_matches(query, document) and _notify_owner(saved, listing):
            sent += 1
    return sent
