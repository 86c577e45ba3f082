"""Running a test set through the engine: the figures ``ipx eval retrieval`` prints.

Latency is measured per query around everything a live query costs: analysis, the
query's embedding (unless query vectors come from the cache, which the result says),
scoring, fusion and the top 100. ``baseline`` (``baseline.BaselineIndex``, plain BM25 over
the concatenated text) runs beside the engine's methods so every set shows the yardstick.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import opencc

from ipx.matching.retrieval.baseline import BaselineIndex
from ipx.matching.retrieval.embedding import Embedder, VectorCache
from ipx.matching.retrieval.engine import METHODS, EngineConfig, HybridEngine, Method
from ipx.matching.retrieval.evalset import EvalSet
from ipx.matching.retrieval.metrics import evaluate_run, percentile

CONVERSIONS = ("s2t", "s2tw", "s2twp", "t2s")
RUN_DEPTH = 100
EvalMethod = Literal["baseline", Method]
EVAL_METHODS: tuple[EvalMethod, ...] = ("baseline", *METHODS)


@dataclass
class EvalResult:
    metrics: dict[str, float]
    latencies_ms: list[float]
    run: dict[str, list[str]]
    index_seconds: float
    query_vectors_cached: bool = False
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[tuple[str, float | int]]:
        out: list[tuple[str, float | int]] = [(name, value) for name, value in self.metrics.items()]
        out.append(("latency_p50_ms", percentile(self.latencies_ms, 50)))
        out.append(("latency_p95_ms", percentile(self.latencies_ms, 95)))
        return out


def convert_queries(queries: dict[str, str], conversion: str) -> dict[str, str]:
    """Queries in another Chinese script (OpenCC), e.g. ``s2t`` for Traditional."""
    if conversion not in CONVERSIONS:
        raise ValueError(f"unknown conversion {conversion!r}; choose one of {', '.join(CONVERSIONS)}")
    converter = opencc.OpenCC(conversion)
    return {query_id: converter.convert(text) for query_id, text in queries.items()}


def evaluate(
    evalset: EvalSet,
    *,
    method: EvalMethod,
    embedder: Embedder | None,
    cache: VectorCache | None = None,
    config: EngineConfig | None = None,
    cache_queries: bool = False,
    progress: Callable[[str, int, int], Any] | None = None,
) -> EvalResult:
    """Indexes the set's corpus in memory, runs every query, scores the run.
    ``progress(stage, done, total)`` is called as indexing and querying advance."""
    documents = evalset.documents
    if method == "baseline":
        return _evaluate_baseline(evalset, progress)
    started = time.perf_counter()
    engine = HybridEngine.build(
        documents,
        embedder=embedder if method != "lexical" else None,
        cache=cache,
        config=config,
        progress=(lambda stage, done: progress(stage, done, len(documents))) if progress else None,
    )
    index_seconds = time.perf_counter() - started
    query_ids = list(evalset.queries)
    vectors = None
    if cache_queries and method != "lexical" and embedder is not None:
        vectors = engine.embed_queries([evalset.queries[q] for q in query_ids], cache=cache)
    run: dict[str, list[str]] = {}
    latencies: list[float] = []
    for n, query_id in enumerate(query_ids):
        text = evalset.queries[query_id]
        begin = time.perf_counter()
        matches = engine.search(
            text, RUN_DEPTH, method=method, query_vector=vectors[n] if vectors is not None else None
        )
        latencies.append((time.perf_counter() - begin) * 1000)
        run[query_id] = [m.doc_id for m in matches]
        if progress:
            progress("queries", n + 1, len(query_ids))
    result = EvalResult(evaluate_run(run, evalset.qrels), latencies, run, index_seconds, vectors is not None)
    if vectors is not None:
        result.notes.append("query vectors came from the cache: latency excludes query embedding")
    return result


def _evaluate_baseline(evalset: EvalSet, progress: Callable[[str, int, int], Any] | None) -> EvalResult:
    started = time.perf_counter()
    index = BaselineIndex(evalset.documents)
    index_seconds = time.perf_counter() - started
    run: dict[str, list[str]] = {}
    latencies: list[float] = []
    for n, (query_id, text) in enumerate(evalset.queries.items()):
        begin = time.perf_counter()
        run[query_id] = index.ranking(text, RUN_DEPTH)
        latencies.append((time.perf_counter() - begin) * 1000)
        if progress:
            progress("queries", n + 1, len(evalset.queries))
    return EvalResult(evaluate_run(run, evalset.qrels), latencies, run, index_seconds)
