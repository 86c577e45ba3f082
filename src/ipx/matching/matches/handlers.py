"""Background follow-up of the changes matching depends on (subscribed in MatchingConfig.ready).

Each handler first computes the vectors of what changed (one document: a fraction of a
second), then raises the engine's version naming what changed, so every process adds those
documents to its engine (``refresh``), then recomputes the matches concerned. When an
engine still lacks vectors (e.g. after the demo load, which skips events) one catch-up
task embeds everything missing and recomputes every demand.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.utils import timezone

from ipx.listings.selectors import listing_ids_offering, listings_for_index, published_listing_ids_of
from ipx.matching.demands.selectors import published_demand_ids, published_demands_by_ids
from ipx.matching.matches import index
from ipx.matching.matches.documents import demand_document, listing_document
from ipx.matching.matches.services import matches_follow_listing, matches_recompute
from ipx.matching.models import DemandMatch
from ipx.tasks.models import Task
from ipx.tasks.runner import enqueue, enqueue_once, task_name

logger = logging.getLogger(__name__)

# A catch-up "running" for longer than this was left by a process that died.
CATCH_UP_STALE = timedelta(hours=2)


def on_demand_changed(*, demand_id: int) -> None:
    demand = published_demands_by_ids([demand_id]).get(demand_id)
    if demand is not None:
        index.embed_documents([demand_document(demand)])
    index.raise_version(index.DEMANDS, [demand_id])
    matches_recompute(demand_id=demand_id)
    if demand is not None:
        schedule_catch_up_if_needed()


def follow_listings(*, listing_ids: list[int]) -> None:
    """Background: embed the listings still published, bring the engines up to date, and follow each one."""
    published = list(listings_for_index(listing_ids))
    if published:
        index.embed_documents([listing_document(listing) for listing in published])
    index.raise_version(index.LISTINGS, listing_ids)
    for listing_id in listing_ids:
        matches_follow_listing(listing_id=listing_id)
    schedule_catch_up_if_needed()


def on_listing_changed(*, listing_id: int) -> None:
    """Background. Published, edited, withdrawn, reserved, sold or expired: the listing's
    text or its place in the catalogue changed."""
    follow_listings(listing_ids=[listing_id])


def on_asset_changed(*, asset_ids: list[int]) -> None:
    """Inline (most assets are on no published listing): assets' text, IPC codes or legal
    status changed (one, or an import's chunk), and so did the published listings offering
    them."""
    published = [listing.pk for listing in listings_for_index(listing_ids_offering(asset_ids))]
    if published:
        enqueue(follow_listings, listing_ids=published)


def rerank_organisation(*, organisation_id: int) -> None:
    """Background: a seller's region is one of its listings' facts; rebuild, and rank again
    the demands that list them."""
    listing_ids = published_listing_ids_of(organisation_id)
    index.raise_version(index.LISTINGS, listing_ids)
    demand_ids = sorted(set(DemandMatch.objects.filter(listing_id__in=listing_ids, rank__isnull=False)
                            .values_list("demand_id", flat=True)))
    for demand_id in demand_ids:
        matches_recompute(demand_id=demand_id)


def on_organisation_changed(*, organisation_id: int) -> None:
    """Inline: only an organisation with listings on offer concerns matching."""
    if published_listing_ids_of(organisation_id):
        enqueue(rerank_organisation, organisation_id=organisation_id)


# --- Catch-up ---------------------------------------------------------------------------------

def matches_catch_up() -> int:
    """Embed every published listing and demand the cache lacks, then rank every published
    demand again (pairs new to a list are notified). Returns how many demands were ranked."""
    listings, _facts, _owners = index.load_listings()
    index.embed_documents(listings)
    index.raise_version(index.LISTINGS)
    demands, _facts, _owners = index.load_demands()
    index.embed_documents(demands)
    index.raise_version(index.DEMANDS)
    demand_ids = published_demand_ids()
    for demand_id in demand_ids:
        matches_recompute(demand_id=demand_id)
    return len(demand_ids)


WAITING = [Task.Status.QUEUED, Task.Status.RUNNING, Task.Status.RETRYING]
# One catch-up at a time across servers: the key is held by the queued or running task.
CATCH_UP_KEY = "matching-embed-catalogue"


def catch_up_pending() -> bool:
    recent = timezone.now() - CATCH_UP_STALE
    return Task.objects.filter(name=task_name(matches_catch_up), status__in=WAITING, created_at__gte=recent).exists()


def queue_catch_up() -> bool:
    """Queue the catch-up unless one is queued or running; True when queued. Two servers
    asking at once queue one: the second's row would repeat the key."""
    if catch_up_pending():
        return False
    # The key stays on finished rows; freeing it from them makes it mean "one queued or running".
    Task.objects.filter(key=CATCH_UP_KEY).exclude(status__in=WAITING).update(key=None)
    return enqueue_once(CATCH_UP_KEY, matches_catch_up) is not None


def schedule_catch_up_if_needed() -> bool:
    """Queue the catch-up when an engine ranks without meaning for want of vectors (and the
    model is there to compute them), unless one is queued or running."""
    if index.current_embedder() is None:
        return False
    if index.listing_catalogue().dense and index.demand_catalogue().dense:
        return False
    queued = queue_catch_up()
    if queued:
        logger.info("matching: vectors missing; catch-up queued")
    return queued
