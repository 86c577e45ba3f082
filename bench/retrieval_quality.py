"""Quality of the matching engine, part by part, on the shared retrieval sets.

    .venv/bin/python bench/retrieval_quality.py [--sets kppatent csl titles-ipc] [--traditional]

Runs ``ipx eval retrieval``'s evaluation for each set and each configuration: lexical
ablations (words only, bigrams only, no claims), dense alone, hybrid with convex or RRF
fusion, and optionally the kppatent queries in Traditional Chinese. Vectors come from the
embedding cache under var/ (the first run embeds the corpora: ~15 min for kppatent).
Query vectors come from the cache too, so the latency columns exclude query embedding
(``ipx eval retrieval`` without --cache-queries measures it). Prints one
``set config MRR@10 Recall@10 Recall@100 nDCG@10 P@10 p50 p95`` row per run.
csl and titles-ipc are made by bench/retrieval_sets.py (run it first).
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipx.settings")

from ipx.matching.retrieval import evalset
from ipx.matching.retrieval.embedding import E5Embedder, VectorCache
from ipx.matching.retrieval.engine import EngineConfig, Method
from ipx.matching.retrieval.evaluation import convert_queries, evaluate
from ipx.matching.retrieval.lexical import BM25Params
from ipx.matching.retrieval.metrics import percentile

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
SETS = {
    "kppatent": DATA / "patents-zh-kppatent",
    "csl": ROOT / "bench" / "out" / "csl",
    "titles-ipc": ROOT / "bench" / "out" / "titles-ipc",
}
DEFAULT = EngineConfig()
CONFIGS: list[tuple[str, Method, EngineConfig]] = [
    ("lexical", "lexical", DEFAULT),
    ("lexical-words-only", "lexical", replace(DEFAULT, bm25=BM25Params(gram_weight=0.0))),
    (
        "lexical-no-claims", "lexical",
        replace(DEFAULT, bm25=BM25Params(field_weights={"title": 2.0, "abstract": 1.0, "claims": 0.0})),
    ),
    ("lexical-all-query-terms", "lexical", replace(DEFAULT, bm25=BM25Params(max_query_terms=0))),
    ("dense", "dense", DEFAULT),
    ("hybrid-convex", "hybrid", DEFAULT),
    ("hybrid-rrf", "hybrid", replace(DEFAULT, fusion="rrf")),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", nargs="+", choices=tuple(SETS), default=list(SETS))
    parser.add_argument("--configs", nargs="+", default=[name for name, _, _ in CONFIGS])
    parser.add_argument("--traditional", action="store_true", help="also run kppatent's queries converted with s2t")
    options = parser.parse_args()
    model = E5Embedder()
    cache = VectorCache(ROOT / "var" / "embeddings" / "vectors.sqlite3")
    print("set config MRR@10 Recall@10 Recall@100 nDCG@10 P@10 latency_p50_ms latency_p95_ms", flush=True)
    for set_name in options.sets:
        folder = SETS[set_name]
        data = evalset.load(folder / "corpus.jsonl", folder / "queries.jsonl", folder / "qrels.tsv")
        variants = [("", data.queries)]
        if options.traditional and set_name == "kppatent":
            variants.append(("-traditional", convert_queries(data.queries, "s2t")))
        for suffix, queries in variants:
            data.queries = queries
            for name, method, config in CONFIGS:
                if name not in options.configs:
                    continue
                result = evaluate(data, method=method, embedder=model, cache=cache, config=config, cache_queries=True)
                m = result.metrics
                print(
                    f"{set_name}{suffix} {name} {m['MRR@10']:.4f} {m['Recall@10']:.4f} {m['Recall@100']:.4f} "
                    f"{m['nDCG@10']:.4f} {m['P@10']:.4f} {percentile(result.latencies_ms, 50):.2f} "
                    f"{percentile(result.latencies_ms, 95):.2f}",
                    flush=True,
                )
    cache.close()


if __name__ == "__main__":
    main()
