"""Fits the match confidence (``ipx.matching.retrieval.confidence``) and checks it on the slices.

    .venv/bin/python bench/retrieval_confidence.py [--fit kppatent] [--check SET ...] [--sample N]
                                                   [--lexical-only] [--cached-only] [--words-only]

Pairs per query: its relevant documents (positives); three documents drawn at random
(seeded) and the lexical stage's highest-ranked non-relevant document (negatives). Each
pair's features: the lexical coverage (from the engine over the whole corpus) and the
cosine of the query and the document's main passage (title + abstract; the engine takes
the best of that and the claims' start, so its cosines can only be higher). A logistic
regression (Newton's method, small L2, positives and negatives weighted equally in total)
is fitted on the --fit set; every set then prints the share of each kind of pair that
clears ``GOOD_MATCH`` with the constants shipped in ``confidence`` (paste the fit there):
``set pairs relevant_cleared random_cleared top_nonrelevant_cleared`` and the fitted
``coefficients``. Vectors come from the embedding cache under var/; --cached-only skips
pairs whose passage is not cached yet rather than embedding it. --words-only fits the
title model (``title_confidence``): the coverage of the query's words alone, no vectors.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from pathlib import Path

import numpy as np
import numpy.typing as npt

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipx.settings")

from ipx.matching.retrieval import evalset
from ipx.matching.retrieval.analysis import dense_text
from ipx.matching.retrieval.confidence import GOOD_MATCH, confidence, title_confidence
from ipx.matching.retrieval.documents import passage_text
from ipx.matching.retrieval.embedding import E5Embedder, VectorCache, embed_cached, text_key
from ipx.matching.retrieval.engine import HybridEngine

ROOT = Path(__file__).resolve().parent.parent
SETS = {"kppatent": ROOT.parent / "shared" / "data" / "patents-zh-kppatent"} | {
    name: ROOT / "bench" / "out" / name
    for name in ("kppatent-noclaims", "kppatent-abstract-only", "csl", "kppatent-s2tw", "kppatent-en")
}
RANDOM_PER_QUERY = 3

Pairs = dict[str, list[tuple[float, float | None]]]  # kind → (coverage, cosine) per pair


def pairs(
    engine: HybridEngine, data: evalset.EvalSet, model: E5Embedder | None, cache: VectorCache | None,
    cached_only: bool, words_only: bool = False,
) -> Pairs:
    rng = random.Random(17)
    wanted: dict[str, list[tuple[str, str]]] = {"relevant": [], "random": [], "top_nonrelevant": []}
    coverage: dict[tuple[str, str], float] = {}
    for query_id, text in data.queries.items():
        relevant = {doc for doc, grade in data.qrels[query_id].items() if grade > 0}
        drawn = {engine.ids[rng.randrange(len(engine))] for _ in range(RANDOM_PER_QUERY)} - relevant
        found = {m.doc_id: m for m in engine.search(text, 100, method="lexical", only=relevant | drawn)}
        top = next((m for m in engine.search(text, 20, method="lexical") if m.doc_id not in relevant), None)
        nearest = {top.doc_id} if top else set()
        kinds = (("relevant", relevant), ("random", drawn), ("top_nonrelevant", nearest))
        for kind, docs in kinds:
            for doc in docs:
                wanted[kind].append((query_id, doc))
                match = found.get(doc) or (top if top and top.doc_id == doc else None)
                coverage[query_id, doc] = match.coverage if match else 0.0
        if words_only:
            docs = sorted({doc for _, kind_docs in kinds for doc in kind_docs})
            shares = engine.word_coverage(text, docs) or [0.0] * len(docs)
            coverage |= {(query_id, doc): share for doc, share in zip(docs, shares, strict=True)}
    if model is None:
        return {kind: [(coverage[pair], None) for pair in rows] for kind, rows in wanted.items()}
    documents = {doc.id: doc for doc in engine.documents}
    needed = sorted({doc for rows in wanted.values() for _, doc in rows})
    texts = {doc: dense_text(passage_text(documents[doc])) for doc in needed}
    if cached_only and cache is not None:
        have = cache.get_many(model.name, "passage", [text_key(t) for t in texts.values()])
        needed = [doc for doc in needed if text_key(texts[doc]) in have]
    doc_vectors = dict(zip(needed, embed_cached(model, [texts[d] for d in needed], kind="passage", cache=cache),
                           strict=True))
    query_ids = list(data.queries)
    query_vectors = dict(zip(query_ids, embed_cached(model, [dense_text(data.queries[q]) for q in query_ids],
                                                     kind="query", cache=cache), strict=True))
    return {
        kind: [(coverage[q, d], float(query_vectors[q] @ doc_vectors[d])) for q, d in rows if d in doc_vectors]
        for kind, rows in wanted.items()
    }


def features(rows: list[tuple[float, float | None]], dense: bool) -> npt.NDArray[np.float64]:
    return np.asarray([[1.0, c] + ([d or 0.0] if dense else []) for c, d in rows], dtype=np.float64)


def fit(found: Pairs, dense: bool) -> npt.NDArray[np.float64]:
    positive = features(found["relevant"], dense)
    negative = features(found["random"] + found["top_nonrelevant"], dense)
    x = np.vstack([positive, negative])
    y = np.concatenate([np.ones(len(positive)), np.zeros(len(negative))])
    weight = np.where(y == 1, 0.5 / len(positive), 0.5 / len(negative))
    beta = np.zeros(x.shape[1])
    for _ in range(50):
        p = 1 / (1 + np.exp(-(x @ beta)))
        gradient = x.T @ (weight * (p - y)) + 1e-4 * beta
        hessian = (x * (weight * p * (1 - p))[:, None]).T @ x + 1e-4 * np.eye(x.shape[1])
        beta -= np.linalg.solve(hessian, gradient)
    return beta


def cleared(rows: list[tuple[float, float | None]], dense: bool, words_only: bool = False) -> float:
    """The share of pairs the shipped constants (``confidence``) put at GOOD_MATCH or above."""
    if not rows:
        return float("nan")
    if words_only:
        return float(np.mean([title_confidence(c) >= GOOD_MATCH for c, _ in rows]))
    return float(np.mean([confidence(c, (d or 0.0) if dense else None) >= GOOD_MATCH for c, d in rows]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fit", choices=tuple(SETS), default="kppatent")
    parser.add_argument("--check", nargs="*", choices=tuple(SETS), default=[s for s in SETS if s != "kppatent"])
    parser.add_argument("--sample", type=int, default=0, help="only the first N queries of each set (0: all)")
    parser.add_argument("--lexical-only", action="store_true", help="fit the coefficients of an engine without vectors")
    parser.add_argument("--cached-only", action="store_true", help="leave out pairs whose passage is not cached")
    parser.add_argument("--words-only", action="store_true", help="fit the title model: the query's words, no vectors")
    options = parser.parse_args()
    dense = not (options.lexical_only or options.words_only)
    model = E5Embedder() if dense else None
    cache = VectorCache(ROOT / "var" / "embeddings" / "vectors.sqlite3") if dense else None
    fitted = False
    for set_name in [options.fit, *options.check]:
        folder = SETS[set_name]
        data = evalset.load(folder / "corpus.jsonl", folder / "queries.jsonl", folder / "qrels.tsv")
        if options.sample:
            data.queries = dict(list(data.queries.items())[: options.sample])
        found = pairs(HybridEngine.build(data.documents), data, model, cache, options.cached_only, options.words_only)
        if not fitted:
            print("coefficients " + " ".join(f"{b:.3f}" for b in fit(found, dense)), flush=True)
            fitted = True
        print(
            f"{set_name} {sum(len(v) for v in found.values())} "
            + " ".join(f"{cleared(found[kind], dense, options.words_only):.3f}"
                       for kind in ("relevant", "random", "top_nonrelevant")),
            flush=True,
        )
    if cache is not None:
        cache.close()


if __name__ == "__main__":
    main()
