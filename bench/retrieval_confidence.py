"""Fits the match confidence (``ipx.matching.retrieval.confidence``) and checks it on the slices.

    .venv/bin/python bench/retrieval_confidence.py [--fit kppatent] [--check kppatent-abstract-only ...]
                                                   [--lexical-only]

Pairs per query: its relevant documents (positives); three documents drawn at random
(seeded) and the highest-ranked non-relevant document (negatives). A logistic regression
(Newton's method, small L2, positives and negatives weighted equally in total) is fitted
on the --fit set; every set then prints the share of each kind of pair whose confidence
clears ``GOOD_MATCH`` with the constants shipped in ``confidence`` (paste the fit there):
``set pairs relevant_cleared random_cleared top_nonrelevant_cleared`` lines and the
fitted ``coefficients``. Vectors come from the embedding cache under var/.
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
from ipx.matching.retrieval.confidence import GOOD_MATCH, confidence
from ipx.matching.retrieval.embedding import E5Embedder, VectorCache
from ipx.matching.retrieval.engine import HybridEngine, Method

ROOT = Path(__file__).resolve().parent.parent
SETS = {"kppatent": ROOT.parent / "shared" / "data" / "patents-zh-kppatent"} | {
    name: ROOT / "bench" / "out" / name
    for name in ("kppatent-noclaims", "kppatent-abstract-only", "csl", "kppatent-s2tw", "kppatent-en")
}
RANDOM_PER_QUERY = 3

Pairs = dict[str, list[tuple[float, float | None]]]  # kind → (coverage, cosine) per pair


def pairs(engine: HybridEngine, data: evalset.EvalSet, dense: bool, cache: VectorCache | None) -> Pairs:
    rng = random.Random(17)
    out: Pairs = {"relevant": [], "random": [], "top_nonrelevant": []}
    method: Method = "hybrid" if dense else "lexical"
    query_ids = list(data.queries)
    vectors = engine.embed_queries([data.queries[q] for q in query_ids], cache=cache) if dense else None
    for n, query_id in enumerate(query_ids):
        text = data.queries[query_id]
        vector = vectors[n] if vectors is not None else None
        relevant = {doc for doc, grade in data.qrels[query_id].items() if grade > 0}
        drawn = {engine.ids[rng.randrange(len(engine))] for _ in range(RANDOM_PER_QUERY)} - relevant
        found = {m.doc_id: m for m in engine.search(text, 100, method=method, query_vector=vector,
                                                    only=relevant | drawn)}
        for kind, docs in (("relevant", relevant), ("random", drawn)):
            for doc in docs:
                match = found.get(doc)
                out[kind].append((match.coverage, match.dense) if match else (0.0, None if not dense else 0.0))
        ranked = engine.search(text, 20, method=method, query_vector=vector)
        top = next((m for m in ranked if m.doc_id not in relevant), None)
        if top is not None:
            out["top_nonrelevant"].append((top.coverage, top.dense))
    return out


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


def cleared(rows: list[tuple[float, float | None]], dense: bool) -> float:
    """The share of pairs the shipped constants (``confidence``) put at GOOD_MATCH or above."""
    if not rows:
        return float("nan")
    return float(np.mean([confidence(c, (d or 0.0) if dense else None) >= GOOD_MATCH for c, d in rows]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fit", choices=tuple(SETS), default="kppatent")
    parser.add_argument("--check", nargs="*", choices=tuple(SETS), default=[s for s in SETS if s != "kppatent"])
    parser.add_argument("--lexical-only", action="store_true", help="fit the coefficients of an engine without vectors")
    options = parser.parse_args()
    dense = not options.lexical_only
    model = E5Embedder() if dense else None
    cache = VectorCache(ROOT / "var" / "embeddings" / "vectors.sqlite3") if dense else None
    beta: npt.NDArray[np.float64] | None = None
    for set_name in [options.fit, *options.check]:
        folder = SETS[set_name]
        data = evalset.load(folder / "corpus.jsonl", folder / "queries.jsonl", folder / "qrels.tsv")
        engine = HybridEngine.build(data.documents, embedder=model, cache=cache)
        found = pairs(engine, data, dense, cache)
        if beta is None:
            beta = fit(found, dense)
            print("coefficients " + " ".join(f"{b:.3f}" for b in beta), flush=True)
        print(
            f"{set_name} {sum(len(v) for v in found.values())} {cleared(found['relevant'], dense):.3f} "
            f"{cleared(found['random'], dense):.3f} {cleared(found['top_nonrelevant'], dense):.3f}",
            flush=True,
        )
    if cache is not None:
        cache.close()


if __name__ == "__main__":
    main()
