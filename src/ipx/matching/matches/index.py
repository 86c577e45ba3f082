"""The engines a process keeps: one over published listings, one over published demands.

Each is built lazily and kept with the version counter (``MatchingVersion``) it was built
at; background handlers raise the counter after every change, naming what changed, so on
its next use every process adds those documents to its engine, or builds it whole when the
change named nothing (``versions``, ``refresh``). Building is cheap (the lexical index is
about 1 ms per document) because vectors are read from the on-disk cache: a build never
embeds. Vectors are computed by background tasks — one document when it is published or
changed (``embed_documents``), or everything missing at once (``handlers.matches_catch_up``,
e.g. after the demo load, which skips events). An engine built while some vectors are
missing ranks by words and facts only (``Catalogue.dense`` is False) until the missing
ones are there.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Protocol

import numpy as np
from django.conf import settings

from ipx.listings.selectors import listings_for_index
from ipx.matching.demands.selectors import published_demands
from ipx.matching.matches import refresh
from ipx.matching.matches.documents import (
    DEMAND,
    LISTING,
    demand_document,
    demand_facts,
    doc_id,
    listing_document,
    listing_facts,
)
from ipx.matching.matches.refresh import Catalogue, Compactions, Loaded, with_changes
from ipx.matching.matches.versions import Key, changed_between, current_version, raise_version
from ipx.matching.retrieval import (
    Document,
    EngineError,
    Facts,
    HybridEngine,
    ModelUnavailable,
    VectorCache,
    default_cache,
    default_cache_path,
    get_embedder,
)
from ipx.matching.retrieval.analysis import dense_text
from ipx.matching.retrieval.documents import passages
from ipx.matching.retrieval.embedding import loaded_embedder, model_name, text_key

logger = logging.getLogger(__name__)

LISTINGS = "listings"
DEMANDS = "demands"
EMBED_CHUNK = 64

Vectors = np.ndarray


class Embedder(Protocol):
    name: str
    dim: int

    def embed_queries(self, texts: Sequence[str]) -> Vectors: ...

    def embed_passages(self, texts: Sequence[str]) -> Vectors: ...


def current_embedder() -> Embedder | None:
    """The embedding model, or None when it cannot be loaded (the start-up check stops the
    server in that case; here matching then ranks by words and facts) or is switched off
    (``IPX_MATCHING_DENSE = False``: the test suite, except the tests of the model itself)."""
    if not settings.IPX_MATCHING_DENSE:
        return None
    try:
        return get_embedder()
    except ModelUnavailable as exc:
        logger.warning("matching without the embedding model: %s", exc)
        return None


def cache_path() -> Path:
    return default_cache_path()


# --- Building without embedding ---------------------------------------------------------------

class _CachedVectorsOnly:
    """Stands in for the model while an engine is built: passages come from the cache, and
    a passage the cache lacks is counted (its zero row is never used: such an engine ranks
    by words only). Queries — one text at a time — go to the real model."""

    def __init__(self, model: Embedder) -> None:
        self.model = model
        self.name = model.name
        self.dim = model.dim
        self.missing = 0

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        self.missing += len(texts)
        return np.zeros((len(texts), self.dim), dtype=np.float32)

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        return self.model.embed_queries(texts)


class _ReadOnlyCache(VectorCache):
    """The vector cache without writes, so that the stand-in's zero rows are never kept."""

    def put_many(self, model: str, kind: str, items: Sequence[tuple[bytes, Vectors]]) -> None:
        return None


@contextmanager
def _cached_vectors_only() -> Iterator[tuple[_CachedVectorsOnly, VectorCache] | None]:
    """The model's stand-in and the cache it reads, for building or changing an engine
    (closed afterwards); None when matching ranks without the model."""
    model = current_embedder()
    if model is None:
        yield None
        return
    cache = _ReadOnlyCache(cache_path())
    try:
        yield _CachedVectorsOnly(model), cache
    finally:
        cache.close()


def build_engine(documents: Sequence[Document], facts: dict[str, Facts]) -> tuple[HybridEngine, bool]:
    """An engine over ``documents`` with the vectors the cache holds; True when all were there."""
    if not documents:  # nothing is missing, unless there is no model to rank by meaning
        return HybridEngine.build(documents, facts=facts), current_embedder() is not None
    with _cached_vectors_only() as reading:
        if reading is None:
            return HybridEngine.build(documents, facts=facts), False
        stand_in, cache = reading
        engine = HybridEngine.build(documents, embedder=stand_in, cache=cache, facts=facts)
    if stand_in.missing:
        logger.info("matching engine over %d documents: %d passages not embedded yet; ranking by words and facts",
                    len(documents), stand_in.missing)
    return engine, stand_in.missing == 0


def embed_documents(documents: Sequence[Document], progress: Callable[[int], None] | None = None) -> bool:
    """Compute and cache the vectors of ``documents`` that the cache lacks (background work:
    0.02–0.06 s per passage on 2 cores). False when the model is unavailable."""
    model = current_embedder()
    if model is None:
        return False
    done = 0
    for start in range(0, len(documents), EMBED_CHUNK):
        chunk = documents[start:start + EMBED_CHUNK]
        cache = default_cache()
        try:
            # Building an engine embeds exactly the passages a full build would look up.
            HybridEngine.build(chunk, embedder=model, cache=cache)
        finally:
            cache.close()
        done += len(chunk)
        if progress:
            progress(done)
    return True


def query_vector(engine: HybridEngine, text: str, field: Collection[str] = ()) -> Vectors:
    """The query's vector, from the cache or computed once (one text) and cached; ``field``:
    the IPC codes the query names (an English query's bridge reads them)."""
    cache = default_cache()
    try:
        vector: Vectors = engine.embed_queries([text], cache=cache, field=field)[0]
        return vector
    finally:
        cache.close()


# --- The kept engines -------------------------------------------------------------------------

def load_listings(ids: Iterable[int] | None = None) -> Loaded:
    documents: list[Document] = []
    facts: dict[str, Facts] = {}
    owners: dict[str, int] = {}
    for listing in listings_for_index(ids):
        document = listing_document(listing)
        documents.append(document)
        facts[document.id] = listing_facts(listing)
        owners[document.id] = listing.organisation_id
    return documents, facts, owners


def load_demands(ids: Iterable[int] | None = None) -> Loaded:
    demands = published_demands().order_by("pk")
    if ids is not None:
        demands = demands.filter(pk__in=list(ids))
    documents: list[Document] = []
    facts: dict[str, Facts] = {}
    owners: dict[str, int] = {}
    for demand in demands:
        document = demand_document(demand)
        documents.append(document)
        facts[document.id] = demand_facts(demand)
        owners[document.id] = demand.organisation_id
    return documents, facts, owners


_LOADERS: dict[str, Callable[..., Loaded]] = {LISTINGS: load_listings, DEMANDS: load_demands}
_KINDS = {LISTINGS: LISTING, DEMANDS: DEMAND}
_locks = {name: threading.Lock() for name in _LOADERS}
_kept: dict[str, Catalogue] = {}
compactions = Compactions()


def _build(name: str, key: Key) -> Catalogue:
    documents, facts, owners = _LOADERS[name]()
    engine, dense = build_engine(documents, facts)
    return Catalogue(key=key, engine=engine, built_dense=dense, owners=owners)


def _changed(name: str, kept: Catalogue, key: Key) -> Catalogue | None:
    """``kept`` with what changed up to ``key`` added; None when a build is needed instead."""
    object_ids = changed_between(name, kept.key, key)
    if object_ids is None:
        return None
    if not object_ids:
        return replace(kept, key=key)
    loaded = _LOADERS[name](sorted(object_ids))
    changed_ids = {doc_id(_KINDS[name], pk) for pk in object_ids}
    with _cached_vectors_only() as reading:
        stand_in, cache = reading if reading is not None else (None, None)
        try:
            return with_changes(kept, key, loaded, changed_ids, stand_in, cache)
        except EngineError as exc:  # e.g. vectors to add and the model gone: build whole
            logger.info("matching: %s engine built whole: %s", name, exc)
            return None


def catalogue(name: str) -> Catalogue:
    """The engine ``name`` ("listings" or "demands") as of its current version: the kept
    one, with the changes since added when they are known, else built whole (``refresh``)."""
    key = current_version(name)
    with _locks[name]:
        compacted = compactions.take(name)
        kept = compacted if compacted is not None else _kept.get(name)
        if kept is not None and kept.key != key:
            kept = _changed(name, kept, key)
        if kept is None:
            kept = _build(name, key)
        _kept[name] = kept
        if kept.compaction_due():
            if len(kept.engine.ids) < refresh.BACKGROUND_FROM:
                kept = _kept[name] = _build(name, key)
            else:
                # Changes committed while it loads are added again on top: adding is idempotent.
                compactions.start(name, lambda: _build(name, key))
        return kept


def listing_catalogue() -> Catalogue:
    return catalogue(LISTINGS)


def demand_catalogue() -> Catalogue:
    return catalogue(DEMANDS)


def forget() -> None:
    """Drop the kept engines (tests; the version counters make this unnecessary otherwise)."""
    compactions.forget()
    _kept.clear()


def vector_model_name() -> str | None:
    """The model name vectors are cached under, known without loading the model; None when
    matching ranks without meaning (``IPX_MATCHING_DENSE`` off)."""
    if not settings.IPX_MATCHING_DENSE:
        return None
    loaded = loaded_embedder()
    return loaded.name if loaded is not None else model_name()


def passage_keys(documents: Sequence[Document]) -> list[bytes]:
    """The cache keys of every passage an engine over ``documents`` looks up (as ``HybridEngine.build``)."""
    return [text_key(dense_text(text)) for document in documents for text in passages(document)]


def passage_counts(name: str) -> tuple[int, int]:
    """(passages without a cached vector, all passages) of the engine ``name``; (0, 0) when
    matching ranks without meaning. Reads the documents and the cache; never loads the model
    nor builds an engine. Raises ``sqlite3.DatabaseError`` when the cache file is unreadable."""
    model = vector_model_name()
    if model is None:
        return 0, 0
    documents, _facts, _owners = _LOADERS[name]()
    keys = passage_keys(documents)
    if not cache_path().exists():
        return len(keys), len(keys)  # not even an empty cache is made by counting
    cache = _ReadOnlyCache(cache_path())
    try:
        found = cache.get_many(model, "passage", keys)
    finally:
        cache.close()
    return sum(1 for key in keys if key not in found), len(keys)


def cache_signature() -> tuple[object, ...]:
    """What changes whenever the vector cache is written, replaced or deleted: each write
    goes through the write-ahead log, a deleted file changes (or loses) its inode."""
    signature: list[object] = []
    path = cache_path()
    for file in (path, path.with_name(path.name + "-wal")):
        try:
            stat = os.stat(file)
        except FileNotFoundError:
            signature.append(None)
        else:
            signature.append((stat.st_ino, stat.st_size, stat.st_mtime_ns))
    return tuple(signature)


def lacking_vectors(documents: Sequence[Document]) -> list[Document]:
    """The documents with a passage the cache has no vector for (all of them when matching
    ranks without meaning: nothing can be looked up)."""
    model = vector_model_name()
    if model is None or not cache_path().exists():
        return list(documents)
    cache = _ReadOnlyCache(cache_path())
    try:
        found = cache.get_many(model, "passage", passage_keys(documents))
    finally:
        cache.close()
    return [document for document in documents if any(key not in found for key in passage_keys([document]))]


def document_counts(name: str) -> tuple[int, int]:
    """(documents with a passage the cache has no vector for, all documents) of the engine
    ``name``, as :func:`passage_counts` reads them; (0, 0) when matching ranks without meaning."""
    if vector_model_name() is None:
        return 0, 0
    documents, _facts, _owners = _LOADERS[name]()
    return len(lacking_vectors(documents)), len(documents)


def missing_passages(name: str) -> int:
    """How many passages of the engine ``name`` have no cached vector (0 when matching ranks without meaning)."""
    return passage_counts(name)[0]


__all__ = [
    "DEMAND",
    "DEMANDS",
    "LISTING",
    "LISTINGS",
    "Catalogue",
    "build_engine",
    "cache_signature",
    "catalogue",
    "current_embedder",
    "current_version",
    "demand_catalogue",
    "document_counts",
    "embed_documents",
    "forget",
    "lacking_vectors",
    "listing_catalogue",
    "load_demands",
    "load_listings",
    "missing_passages",
    "passage_counts",
    "passage_keys",
    "query_vector",
    "raise_version",
    "vector_model_name",
]
