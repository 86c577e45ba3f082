"""Quality of the matching engine on every evaluation slice, beside the plain baseline.

    .venv/bin/python bench/retrieval_sets.py          # the slices, into bench/out/
    .venv/bin/python bench/retrieval_quality.py [--sets ...] [--configs baseline lexical dense hybrid ...]

Runs ``ipx eval retrieval``'s evaluation for each slice (see bench/retrieval_sets.py) and
each configuration: the plain baseline, the engine's lexical, dense and hybrid rankings,
and on request ablations (words only, all query terms, RRF fusion). Vectors come from the
embedding cache under var/ (the first run embeds the corpora: ~15 min for kppatent).
Query vectors come from the cache too, so the latency columns exclude query embedding
(``ipx eval retrieval`` without --cache-queries measures it). Prints one
``set config MRR@10 Recall@10 Recall@100 nDCG@10 P@10 p50 p95`` row per run.
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
from ipx.matching.retrieval.engine import EngineConfig
from ipx.matching.retrieval.evaluation import EvalMethod, evaluate
from ipx.matching.retrieval.metrics import percentile
from ipx.matching.retrieval.postings import BM25Params

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
OUT = ROOT / "bench" / "out"
SETS = {
    "kppatent": DATA / "patents-zh-kppatent",
    **{
        name: OUT / name
        for name in (
            "kppatent-noclaims", "kppatent-abstract-only", "kppatent-abstract-only-untitled",
            "kppatent-abstract-only-natural",
            "csl", "titles-ipc", "kppatent-s2tw", "kppatent-en",
        )
    },
}
DEFAULT = EngineConfig()
CONFIGS: list[tuple[str, EvalMethod, EngineConfig]] = [
    ("baseline", "baseline", DEFAULT),
    ("lexical", "lexical", DEFAULT),
    ("dense", "dense", DEFAULT),
    ("hybrid", "hybrid", DEFAULT),
    ("lexical-words-only", "lexical", replace(DEFAULT, bm25=BM25Params(gram_weight=0.0))),
    ("lexical-all-query-terms", "lexical", replace(DEFAULT, bm25=BM25Params(max_query_terms=0))),
    ("hybrid-rrf", "hybrid", replace(DEFAULT, fusion="rrf")),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", nargs="+", choices=tuple(SETS), default=list(SETS))
    parser.add_argument("--configs", nargs="+", default=["baseline", "lexical", "dense", "hybrid"])
    options = parser.parse_args()
    configs = [c for c in CONFIGS if c[0] in options.configs]
    needs_model = any(method in ("dense", "hybrid") for _, method, _ in configs)
    model = E5Embedder() if needs_model else None
    cache = VectorCache(ROOT / "var" / "embeddings" / "vectors.sqlite3") if needs_model else None
    print("set config MRR@10 Recall@10 Recall@100 nDCG@10 P@10 latency_p50_ms latency_p95_ms", flush=True)
    for set_name in options.sets:
        folder = SETS[set_name]
        data = evalset.load(folder / "corpus.jsonl", folder / "queries.jsonl", folder / "qrels.tsv")
        for name, method, config in configs:
            result = evaluate(data, method=method, embedder=model, cache=cache, config=config, cache_queries=True)
            m = result.metrics
            print(
                f"{set_name} {name} {m['MRR@10']:.4f} {m['Recall@10']:.4f} {m['Recall@100']:.4f} "
                f"{m['nDCG@10']:.4f} {m['P@10']:.4f} {percentile(result.latencies_ms, 50):.2f} "
                f"{percentile(result.latencies_ms, 95):.2f}",
                flush=True,
            )
    if cache is not None:
        cache.close()


if __name__ == "__main__":
    main()
