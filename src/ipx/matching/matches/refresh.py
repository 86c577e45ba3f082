"""A kept engine brought up to date: the changed documents added, or a compaction.

A process whose engine is a few counts behind (``versions``) loads just the listings or
demands changed since and adds them (``incremental.apply_changes``: tens of milliseconds
at a million documents, against minutes for a build). The engine's delta grows with every
change, and queries and the next changes cost more with it, so it is compacted — built
whole again from the database — when it holds more than ``COMPACT_SHARE`` of the base's
documents (at least ``COMPACT_MIN``), or when it has held any for ``COMPACT_AGE``. A small
catalogue is compacted in place; a large one (``BACKGROUND_FROM`` documents) in a thread
while the process goes on ranking with its engine and the changes after it, then the new
base takes its place and the changes made during the build are added to it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
from django.db import connection

from ipx.matching.matches.versions import Key
from ipx.matching.retrieval import Document, Facts, HybridEngine
from ipx.matching.retrieval.embedding import Embedder, VectorCache
from ipx.matching.retrieval.incremental import apply_changes, delta_size

logger = logging.getLogger(__name__)

COMPACT_SHARE = 0.01
COMPACT_MIN = 1_000
COMPACT_AGE = 24 * 3600.0  # seconds
BACKGROUND_FROM = 20_000  # documents: a build of about 20 s and more runs in a thread


@dataclass(frozen=True)
class Catalogue:
    """An engine with what matching needs beside it."""

    key: Key
    engine: HybridEngine
    built_dense: bool  # every vector was cached when the engine was built whole
    owners: dict[str, int] = field(default_factory=dict)  # document id → organisation id
    # Documents added since the build whose vectors were not cached yet (they rank by words).
    lacking: frozenset[str] = frozenset()
    built_at: float = field(default_factory=time.monotonic)

    @property
    def dense(self) -> bool:
        """Every vector is there: rank by words, meaning and facts."""
        return self.built_dense and not self.lacking

    @property
    def method(self) -> str:
        return "hybrid" if self.dense else "lexical"

    def ids_of(self, organisation_id: int) -> set[str]:
        return {doc for doc, owner in self.owners.items() if owner == organisation_id}

    def __len__(self) -> int:
        return len(self.engine)

    @property
    def changed(self) -> int:
        """Documents added since the engine was built whole."""
        return delta_size(self.engine)

    def compaction_due(self) -> bool:
        if not self.changed:
            return False
        base = len(self.engine.ids) - self.changed
        old = time.monotonic() - self.built_at >= COMPACT_AGE
        return old or self.changed > max(COMPACT_MIN, COMPACT_SHARE * base)


Loaded = tuple[list[Document], dict[str, Facts], dict[str, int]]  # documents, facts, owners


def with_changes(
    kept: Catalogue,
    key: Key,
    loaded: Loaded,
    changed_ids: set[str],
    embedder: Embedder | None,
    cache: VectorCache | None,
) -> Catalogue:
    """``kept`` with the documents ``changed_ids`` as ``loaded`` now (those not loaded:
    withdrawn, closed or deleted). ``embedder`` stands in for the model (cached vectors
    only, as a build): a document whose vectors are not cached yet ranks by words."""
    documents, facts, owners = loaded
    removed = changed_ids - {document.id for document in documents}
    engine = apply_changes(kept.engine, documents, removed, facts=facts, embedder=embedder, cache=cache)
    lacking = set(kept.lacking) - changed_ids
    if engine.delta is not None and engine.delta.vectors and documents:
        fresh = engine.delta.vectors[-len(documents):]
        lacking |= {doc.id for doc, rows in zip(documents, fresh, strict=True)
                    if not bool(np.all(np.linalg.norm(rows, axis=1) > 0))}
    kept_owners = dict(kept.owners)
    for doc_id in changed_ids:
        kept_owners.pop(doc_id, None)
    kept_owners.update(owners)
    return replace(kept, key=key, engine=engine, owners=kept_owners, lacking=frozenset(lacking))


class Compactions:
    """Builds run in threads, one per engine at a time; a finished one is taken once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: dict[str, threading.Thread] = {}
        self._done: dict[str, Catalogue] = {}

    def start(self, name: str, build: Callable[[], Catalogue]) -> bool:
        """Start building ``name`` unless a build of it runs; True when started."""
        with self._lock:
            if name in self._running:
                return False
            thread = threading.Thread(target=self._run, args=(name, build), name=f"matching-compact-{name}",
                                      daemon=True)
            self._running[name] = thread
        thread.start()
        return True

    def _run(self, name: str, build: Callable[[], Catalogue]) -> None:
        try:
            built = build()
        except Exception:
            logger.exception("matching: compacting the %s engine failed; it keeps its changes", name)
        else:
            with self._lock:
                self._done[name] = built
        finally:
            connection.close()  # the thread's own database connection
            with self._lock:
                self._running.pop(name, None)

    def take(self, name: str) -> Catalogue | None:
        with self._lock:
            return self._done.pop(name, None)

    def join(self, timeout: float | None = None) -> None:
        """Wait for the running builds (tests, the benchmark)."""
        with self._lock:
            threads = list(self._running.values())
        for thread in threads:
            thread.join(timeout)

    def forget(self) -> None:
        self.join()
        with self._lock:
            self._done.clear()
