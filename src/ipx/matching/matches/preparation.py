"""How far meaning-based ranking is prepared: how many published listings have their vectors.

Until every listing has them the engine ranks by words and facts only, and a demand whose
words the listings do not share (one in English over Chinese patents) finds nothing yet. The
matches a demand's poster sees say so, with the count, instead of an empty list that would
read as "nothing on the exchange fits". The state is gone once every vector exists.

Counting reads every published listing (about a second for 2,600), so an answer is kept
while the listings' engine version, their number and the vector cache file stay as they were,
and for ``RECOUNT_SECONDS`` at most while the background work writes the cache.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ipx.catalog.importing.follow_ups import FollowUp
from ipx.catalog.models import Asset
from ipx.listings.models import Listing
from ipx.listings.selectors import listing_ids_offering, listings_for_index
from ipx.matching.demands.language import SIMPLIFIED, TRADITIONAL
from ipx.matching.matches import index
from ipx.matching.matches.documents import listing_document
from ipx.matching.models import Demand
from ipx.matching.retrieval.embedding import model_files_problem

RECOUNT_SECONDS = 15.0

_kept: dict[str, tuple[tuple[object, ...], float, tuple[int, int]]] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class Preparation:
    """Listings with every vector (``ready``) of all published ones, while some lack them."""

    ready: int
    total: int

    @property
    def sentence(self) -> str:
        return _("Meaning-based ranking is still being prepared: %(ready)s of %(total)s listings.") % {
            "ready": number_format(self.ready, force_grouping=True),
            "total": number_format(self.total, force_grouping=True)}


def listing_counts() -> tuple[int, int]:
    """(listings lacking a vector, all published listings), kept as the module says."""
    # A listing published since is counted at once (its handler raises the version only
    # after embedding it).
    published = Listing.objects.filter(status=Listing.Status.PUBLISHED).count()
    versions = (index.vector_model_name(), index.current_version(index.LISTINGS), published)
    now = time.monotonic()
    signature = index.cache_signature()
    with _lock:
        kept = _kept.get("listings")
        if kept is not None and kept[0][:3] == versions and (kept[0][3] == signature
                                                              or now - kept[1] < RECOUNT_SECONDS):
            return kept[2]
    counts = index.document_counts(index.LISTINGS)
    with _lock:
        _kept["listings"] = ((*versions, signature), now, counts)
    return counts


def forget() -> None:
    """Drop the kept count (tests; the versions and the cache file make it unnecessary otherwise)."""
    with _lock:
        _kept.clear()


def listing_preparation() -> Preparation | None:
    """The state while published listings lack vectors that the model will compute; None when
    every listing has them, when matching ranks without meaning by configuration, or when the
    model is missing (then nothing is being prepared: the health checks say why)."""
    if index.vector_model_name() is None or model_files_problem() is not None:
        return None
    try:
        lacking, total = listing_counts()
    except sqlite3.DatabaseError:
        return None  # an unreadable cache: the health check names it and the catch-up replaces it
    if not lacking:
        return None
    return Preparation(ready=total - lacking, total=total)


def awaiting_meaning(demand: Demand, shares_words: bool) -> str | None:
    """While vectors are prepared, what a demand none of whose kept matches shares words with
    it is told: its matches come by meaning, once the preparation finishes."""
    if shares_words:
        return None
    if demand.language not in (SIMPLIFIED, TRADITIONAL):
        return _("This demand is not in Chinese and shares no words with the listings, most of which are: its "
                 "matches come from meaning-based ranking and appear here when the preparation finishes.")
    return _("No listing shares enough words with this demand; matches by meaning appear here when the "
             "preparation finishes.")


@dataclass(frozen=True)
class MatchesState:
    """What a demand's list says beside its matches while meaning-based ranking is prepared."""

    preparation: Preparation | None = None
    awaiting_meaning: str | None = None


def matches_state(demand: Demand, matched_terms: list[list[str]], *, nothing_fits: bool = False) -> MatchesState:
    """The state of a published demand's list, given each kept match's shared words.
    ``nothing_fits``: its words were judged and no listing fits, so no match comes by meaning
    either, and the list is not said to be awaiting it."""
    if demand.status != Demand.Status.PUBLISHED:
        return MatchesState()
    preparation = listing_preparation()
    if preparation is None:
        return MatchesState()
    return MatchesState(preparation, None if nothing_fits else awaiting_meaning(demand, any(matched_terms)))


def import_preparation(asset_ids: QuerySet[Asset, int]) -> FollowUp | None:
    """For an import's page (registered with the catalog's import follow-ups): how many of the
    published listings offering the imported patents have their vectors. A re-import that
    changes their text has them embedded again in the background, chunk by chunk."""
    if index.vector_model_name() is None or model_files_problem() is not None:
        return None
    documents = [listing_document(listing) for listing in listings_for_index(listing_ids_offering(asset_ids))]
    if not documents:
        return FollowUp("matching", _("None of these patents is offered on a published listing yet; a listing is "
                                      "prepared for meaning-based matching when it is published."), finished=True)
    total = len(documents)
    lacking = len(index.lacking_vectors(documents))
    if lacking:
        return FollowUp("matching", _("Meaning-based matching is being prepared for the published listings offering "
                                      "these patents: %(ready)s of %(total)s ready.") % {
            "ready": number_format(total - lacking, force_grouping=True),
            "total": number_format(total, force_grouping=True)}, finished=False)
    return FollowUp("matching", ngettext(
        "The published listing offering these patents is ready for meaning-based matching.",
        "The %(total)s published listings offering these patents are ready for meaning-based matching.",
        total) % {"total": number_format(total, force_grouping=True)}, finished=True)
