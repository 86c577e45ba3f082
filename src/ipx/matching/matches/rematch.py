"""Ranking again what changed (``ipx rematch``), or everything (``--full``).

The background handlers follow each change as it happens; this catches up with what they
missed (a worker that was down, rows changed by a script or a restore, vectors lost with
``var/``). An incremental run ranks again only the demands concerned by what changed since
the last run's watermark: demands edited, published or closed; demands that listed, or may
now list, a changed listing (its text, its assets, its seller); and demands ranked by words
alone while the engine can now rank by meaning. Every step is idempotent and each demand is
ranked in its own transaction, so a run can overlap the site's own work and be repeated.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from ipx.listings.models import Listing
from ipx.listings.selectors import listings_for_index
from ipx.matching.demands.selectors import published_demand_ids
from ipx.matching.matches import index
from ipx.matching.matches.services import Outcome, candidate_demands, matches_recompute
from ipx.matching.models import Demand, DemandMatch, DemandMatchRun, MatchingWatermark

WATERMARK = "rematch"
# Changes are looked for from this long before the last run started: clocks of several
# servers disagree a little, and a transaction that began before that run may commit
# after it read the changes (its rows then carry the earlier time). Ranking twice is harmless.
SAFETY_MARGIN = timedelta(minutes=5)

Progress = Callable[[int], None]


@dataclass
class Changes:
    """What an incremental run found changed (``since`` None: no run before, so everything)."""

    since: datetime | None
    listing_ids: list[int] = field(default_factory=list)
    demand_ids: list[int] = field(default_factory=list)


@dataclass
class RematchResult:
    full: bool
    changes: Changes
    embedded: int = 0  # documents whose vectors were computed
    outcomes: list[Outcome] = field(default_factory=list)


def watermark() -> MatchingWatermark | None:
    return MatchingWatermark.objects.filter(pk=WATERMARK).first()


def changed_since(since: datetime) -> Changes:
    """Listings whose text, assets or seller changed since ``since`` (published or not: a
    withdrawn one must leave the lists it was on), and demands changed since then."""
    listing_ids = set(Listing.objects.filter(
        Q(updated_at__gte=since) | Q(assets__updated_at__gte=since) | Q(organisation__updated_at__gte=since),
    ).values_list("pk", flat=True))
    demand_ids = set(Demand.objects.filter(updated_at__gte=since).values_list("pk", flat=True))
    return Changes(since=since, listing_ids=sorted(listing_ids), demand_ids=sorted(demand_ids))


def demands_concerned(changes: Changes, method: str) -> list[int]:
    """The demands an incremental run ranks again (see the module), in id order."""
    concerned = set(changes.demand_ids)
    concerned |= set(DemandMatch.objects.filter(listing_id__in=changes.listing_ids, rank__isnull=False)
                     .values_list("demand_id", flat=True))
    if changes.listing_ids:
        demands = index.demand_catalogue()
        for listing in listings_for_index(changes.listing_ids):
            concerned |= candidate_demands(listing, demands)
    published = published_demand_ids()
    ranked_by = dict(DemandMatchRun.objects.filter(demand_id__in=published).values_list("demand_id", "method"))
    for demand_id in published:
        last = ranked_by.get(demand_id)
        # Never ranked, or ranked by words only while the vectors were missing; a ranking by
        # meaning is not replaced by one by words (the vectors will come back).
        if last is None or (method == "hybrid" and last != "hybrid"):
            concerned.add(demand_id)
    return sorted(concerned)


def embed_missing(name: str, progress_for: Callable[[str, int], Progress | None]) -> int:
    """Compute the vectors the engine ``name`` lacks; returns how many documents needed some."""
    if index.vector_model_name() is None:
        return 0
    documents, _facts, _owners = index.load_listings() if name == index.LISTINGS else index.load_demands()
    lacking = index.lacking_vectors(documents)
    if lacking:
        index.embed_documents(lacking, progress_for(name, len(lacking)))
    return len(lacking)


def rematch(*, full: bool = False, embed: bool = True, notify_new: bool = True,
            progress_for: Callable[[str, int], Progress | None] = lambda stage, total: None,
            ranked: Callable[[Iterable[int]], Iterable[int]] = lambda ids: ids) -> RematchResult:
    """One run. ``progress_for(stage, total)`` gives a callback advanced with the documents
    embedded so far; ``ranked`` wraps the demand ids as they are ranked (a progress bar)."""
    started = timezone.now()
    mark = None if full else watermark()
    full = mark is None  # without a watermark every demand is concerned anyway
    changes = Changes(since=None) if mark is None else changed_since(mark.changes_until - SAFETY_MARGIN)
    result = RematchResult(full=full, changes=changes)
    if embed:
        result.embedded = sum(embed_missing(name, progress_for) for name in (index.LISTINGS, index.DEMANDS))
    # Each process adds what changed behind the handlers' back to its engines, or builds them
    # whole after a full run or when vectors were added; otherwise it keeps the ones it has.
    rebuild = full or bool(result.embedded)
    if rebuild or changes.listing_ids:
        index.raise_version(index.LISTINGS, None if rebuild else changes.listing_ids)
    if rebuild or changes.demand_ids:
        index.raise_version(index.DEMANDS, None if rebuild else changes.demand_ids)
    demand_ids = published_demand_ids() if full else demands_concerned(changes, index.listing_catalogue().method)
    result.outcomes = [matches_recompute(demand_id=demand_id, notify_new=notify_new)
                       for demand_id in ranked(demand_ids)]
    MatchingWatermark.objects.update_or_create(pk=WATERMARK, defaults={
        "changes_until": started, "finished_at": timezone.now(), "full": full})
    return result
