"""Vectors are part of publishing: a listing published or edited has its passages embedded by
the background task its event queues, before anyone opens a match page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from ipx.accounts.models import User
from ipx.listings import services as listing_services
from ipx.listings.inputs import ListingChanges
from ipx.listings.selectors import listings_for_index
from ipx.matching.matches import index
from ipx.matching.matches.documents import listing_document
from ipx.matching.retrieval import default_cache
from ipx.matching.tests.match_helpers import (
    AIRCON,
    HashEmbedder,
    embedder,  # noqa: F401 - fixture
    offer,
)
from ipx.tasks.models import Task
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db

LISTING_TASK = "ipx.matching.matches.handlers.on_listing_changed"


def cached_passages(model: HashEmbedder, listing_id: int) -> int:
    listing = next(iter(listings_for_index([listing_id])))
    keys = index.passage_keys([listing_document(listing)])
    cache = default_cache()
    try:
        return len(cache.get_many(model.name, "passage", keys))
    finally:
        cache.close()


def test_a_published_listing_gets_its_vectors_without_anyone_opening_matches(
        embedder: HashEmbedder, owner: Member, operator: User,  # noqa: F811 - the fixture
        on_commit: Callable[..., Any]) -> None:
    with on_commit():
        listing = offer(owner, operator, "test0057", AIRCON["test0057"])

    assert Task.objects.filter(name=LISTING_TASK, status="done").count() == 1
    assert cached_passages(embedder, listing.pk) == 2  # its text and its title alone
    assert index.lacking_vectors(index.load_listings()[0]) == []
    assert index.listing_catalogue().dense  # ranked by meaning from the first demand on

    # An edit of its text: the new text is embedded by the next task, too.
    with on_commit():
        listing_services.listing_update(listing_id=listing.pk, actor=owner.user,
                                        changes=ListingChanges(description="适用于家用及商用空调器的智能控制。"))

    assert Task.objects.filter(name=LISTING_TASK, status="done").count() == 2
    assert cached_passages(embedder, listing.pk) == 2
    assert index.lacking_vectors(index.load_listings()[0]) == []
