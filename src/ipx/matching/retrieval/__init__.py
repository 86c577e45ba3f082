"""The matching engine: ranks documents (patents, listings, demands) for a query text.

Interface for the rest of IPX (everything else in this package is internal)::

    from ipx.matching.retrieval import (
        GOOD_MATCH, MAX_QUERY_CHARS, Document, Facts, HybridEngine, EngineConfig, Match, Matches,
        QueryProblem, Reason, get_embedder, default_cache,
    )

    docs = [Document(id="listing:12", title=..., abstract=..., claims=...), ...]
    facts = {"listing:12": Facts(ipc=("H01M 10/052",), region="CN-44", legal_status="in_force",
                                 expires_on=date(2038, 5, 1), price=Decimal("300000"), currency="CNY")}
    engine = HybridEngine.build(docs, embedder=get_embedder(), cache=default_cache(), facts=facts)

    vector = engine.embed_query(demand_text)        # store it with the demand if you like
    matches = engine.search(demand_text, k=10, query_vector=vector,
                            facts=Facts(ipc=(...), region="CN-44", budget_max=Decimal("500000"), currency="CNY"),
                            exclude={"listing:7"}, explain=True)
    if matches.problem:                     # the query cannot be ranked: no matches, and why
        matches.problem.code, matches.problem.values   # QUERY_* codes in queries.py → a 400 / form error
    for m in matches:
        m.doc_id, m.score, m.matched_terms  # terms: Simplified tokens for ipx.search.highlight.highlight()
        m.reasons                           # Reason(code, values, weight); codes in signals.py
        m.confidence >= GOOD_MATCH          # absolute: is this a good match at all?

* ``score`` is relative (comparable within one query only): an unrelated demand still has
  a best listing. ``confidence`` (in [0, 1], ``confidence.py``) is absolute, from the share
  of the query's term weight the document contains and the dense cosine, calibrated on
  the evaluation slices; when no match reaches ``GOOD_MATCH``, say "no good match yet"
  rather than presenting the nearest documents as matches.
* Queries longer than ``MAX_QUERY_CHARS``, with no terms left (stop words, punctuation)
  or in a script IPX does not index (Cyrillic, emoji only) give an empty ``Matches`` with
  ``problem`` set; validate demand texts with the same limit before they are stored.

* Both directions use the same class: build one engine over listings (demand → listings)
  and one over demands (listing → demands; a demand is ``Document(id, title, abstract=description)``).
* An engine is immutable and cheap to rebuild (lexical ~1 ms per document; vectors come
  from the cache, so only new or changed texts are embedded, 0.02–0.06 s each on 2 cores);
  for a large catalogue ``incremental.apply_changes(engine, documents, removed)`` gives a
  new engine with the changes added and the base's arrays shared (0.1 s at a million).
* ``get_embedder()`` raises :class:`ModelUnavailable`; call ``checks.ensure_embedding_model()``
  at start-up (and register ``checks.check_embedding_model`` as a Django system check) so a
  missing model stops the server before any request.
* Reasons are codes plus values (never sentences): pages translate them in any language.
"""

from __future__ import annotations

from pathlib import Path

from ipx.matching.retrieval.confidence import GOOD_MATCH
from ipx.matching.retrieval.documents import Document
from ipx.matching.retrieval.embedding import E5Embedder, ModelUnavailable, VectorCache, get_embedder
from ipx.matching.retrieval.engine import EngineConfig, EngineError, HybridEngine
from ipx.matching.retrieval.queries import MAX_QUERY_CHARS, QueryProblem
from ipx.matching.retrieval.results import Match, Matches
from ipx.matching.retrieval.signals import Facts, Reason, SignalWeights


def default_cache_path() -> Path:
    """Where the embedding cache is, under the project's var/ directory (without opening it)."""
    from django.conf import settings

    return Path(settings.VAR_DIR) / "embeddings" / "vectors.sqlite3"


def default_cache() -> VectorCache:
    """The embedding cache under the project's var/ directory."""
    return VectorCache(default_cache_path())


__all__ = [
    "GOOD_MATCH",
    "MAX_QUERY_CHARS",
    "Document",
    "E5Embedder",
    "EngineConfig",
    "EngineError",
    "Facts",
    "HybridEngine",
    "Match",
    "Matches",
    "ModelUnavailable",
    "QueryProblem",
    "Reason",
    "SignalWeights",
    "VectorCache",
    "default_cache",
    "default_cache_path",
    "get_embedder",
]
