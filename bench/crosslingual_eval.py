"""English queries for Chinese patents, with and without the English → Chinese bridge.

    .venv/bin/python bench/crosslingual_eval.py [--dense]

On the English slice of kppatent (bench/data/kppatent_en/: 150 English queries, the same
150 in Chinese, over the 3,720 Chinese patents of /work/shared/data/patents-zh-kppatent)
it ranks, with one engine over the corpus:

* en-raw: the English queries as they are;
* en-bridged: the English bridged to Chinese (``crosslingual.bridge_query`` with the
  corpus's document frequencies from the engine's own index) as the lexical text;
* zh: the same queries in Chinese.

``--sample N`` ranks among the relevant patents and N others only (seeded), for a dense
run before the whole corpus is embedded (absolute figures are then higher than over the
whole corpus; the English / Chinese ratios are what it measures).

Lexical for each (``--demo`` adds a second check: the English demo demands bridged over
the demo catalogue's patents, printing their Chinese terms and how many of each one's top
ten share its IPC section); with ``--dense`` also dense and hybrid, when every corpus passage has a
vector in var/embeddings/vectors.sqlite3 (else it says so and stops: embedding the corpus
takes about 15 minutes). In en-bridged hybrid, the lexical stage reads the bridged text
while the dense stage embeds the original English. Prints ``NAME VALUE`` lines:
``<queries>.<method>.<metric> value`` and the bridge's own costs.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipx.settings")

from ipx.matching.retrieval import crosslingual, evalset
from ipx.matching.retrieval.analysis import dense_text
from ipx.matching.retrieval.crosslingual_dictionary import Dictionary, cache_path, dictionary
from ipx.matching.retrieval.documents import passages
from ipx.matching.retrieval.embedding import E5Embedder, VectorCache, Vectors, model_name, text_key
from ipx.matching.retrieval.engine import HybridEngine, Method
from ipx.matching.retrieval.metrics import evaluate_run

ROOT = Path(__file__).resolve().parent.parent
SLICE = ROOT / "bench" / "data" / "kppatent_en"
CORPUS = ROOT.parent / "shared" / "data" / "patents-zh-kppatent" / "corpus.jsonl"
CACHE = ROOT / "var" / "embeddings" / "vectors.sqlite3"
METRICS = ("MRR@10", "Recall@10", "Recall@100", "nDCG@10")
DEPTH = 100


def read_queries(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8") as handle:
        return {row["id"]: row["text"] for row in map(json.loads, handle) if row}


def missing_vectors(documents: list[evalset.Document], cache_path: Path) -> int:
    """How many corpus passages have no cached vector (counted without loading the model)."""
    # A set: some patents share a passage (the same title and abstract), cached once.
    keys = list({text_key(dense_text(text)) for doc in documents for text in passages(doc)})
    if not cache_path.is_file():
        return len(keys)
    cache = VectorCache(cache_path)
    try:
        return len(keys) - len(cache.get_many(model_name(), "passage", keys))
    finally:
        cache.close()


def run(
    engine: HybridEngine,
    lexical_texts: dict[str, str],
    method: Method,
    vectors: dict[str, Vectors] | None = None,
) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for query_id, text in lexical_texts.items():
        vector = vectors[query_id] if vectors is not None else None
        matches = engine.search(text, DEPTH, method=method, query_vector=vector)
        out[query_id] = [m.doc_id for m in matches]
    return out


def report(name: str, ranking: dict[str, list[str]], qrels: dict[str, dict[str, int]]) -> dict[str, float]:
    metrics = evaluate_run(ranking, qrels)
    for metric in METRICS:
        print(f"{name}.{metric} {metrics[metric]:.4f}", flush=True)
    return metrics


def demo_check() -> None:
    """The English demo demands over the demo catalogue: their terms and top ten's sections."""
    import django

    django.setup()  # the demo's modules import the apps' models
    from ipx.demo.demands import DEMANDS
    from ipx.demo.patents import patent_records

    records = patent_records()
    documents = [
        evalset.Document(id=str(n), title=r.data.get("title") or "", abstract=r.data.get("abstract") or "",
                         claims=r.data.get("claims") or "")
        for n, r in enumerate(records)
    ]
    engine = HybridEngine.build(documents)
    frequency = crosslingual.index_frequency(engine.lexical)
    for spec in DEMANDS:
        text = f"{spec.title}\n{spec.description}"
        bridged = crosslingual.bridge_query(text, frequency)
        if not bridged.applied:
            continue
        sections = {code[:1] for code in spec.ipc_codes}
        top = engine.search(bridged.text, 10, method="lexical")
        agree = sum(records[int(m.doc_id)].ipc_section in sections for m in top)
        print(f"demo.{spec.org_key}.terms {' '.join(t.term for t in bridged.terms)}")
        print(f"demo.{spec.org_key}.untranslated {' '.join(bridged.untranslated)}")
        print(f"demo.{spec.org_key}.top10 {' | '.join(records[int(m.doc_id)].data['title'] for m in top[:5])}")
        print(f"demo.{spec.org_key}.top10_ipc_section_agrees {agree}/{len(top)}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dense", action="store_true", help="also dense and hybrid (needs the cached vectors)")
    parser.add_argument("--demo", action="store_true", help="also the English demo demands over the demo patents")
    parser.add_argument(
        "--sample", type=int, default=0,
        help="rank among the relevant patents and this many others (seeded); with --dense, embeds what is missing",
    )
    parser.add_argument("--cache", type=Path, default=CACHE, help=f"the vectors file (default {CACHE})")
    options = parser.parse_args()
    if options.demo:
        demo_check()
    data = evalset.load(CORPUS, SLICE / "queries.jsonl", SLICE / "qrels.tsv")
    if options.sample:
        relevant = {doc_id for judged in data.qrels.values() for doc_id in judged}
        others = sorted(doc.id for doc in data.documents if doc.id not in relevant)
        keep = relevant | set(random.Random(20).sample(others, min(options.sample, len(others))))
        data.documents = [doc for doc in data.documents if doc.id in keep]
        print(f"corpus.documents {len(data.documents)}")
    english = data.queries
    chinese = read_queries(SLICE / "queries_zh.jsonl")

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    known = dictionary()
    print(f"bridge.dictionary_first_use_seconds {time.perf_counter() - started:.3f}")
    print(f"bridge.dictionary_rss_mb {(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024:.1f}")
    print(f"bridge.dictionary_phrases {len(known)}")
    started = time.perf_counter()
    Dictionary.load()
    print(f"bridge.dictionary_parse_seconds {time.perf_counter() - started:.3f}")
    derived = cache_path()
    if derived is not None and derived.is_file():
        started = time.perf_counter()
        Dictionary.read(derived)
        print(f"bridge.dictionary_derived_read_seconds {time.perf_counter() - started:.3f}")

    embedder = None
    if options.dense:
        missing = missing_vectors(data.documents, options.cache)
        if missing and not options.sample:
            print(f"# dense skipped: {missing} corpus passages have no cached vector in {options.cache}", flush=True)
        else:
            embedder = E5Embedder()
    cache = VectorCache(options.cache) if embedder is not None else None
    engine = HybridEngine.build(data.documents, embedder=embedder, cache=cache)
    frequency = crosslingual.index_frequency(engine.lexical)

    started = time.perf_counter()
    bridged = {query_id: crosslingual.bridge_query(text, frequency) for query_id, text in english.items()}
    print(f"bridge.per_query_ms {(time.perf_counter() - started) * 1000 / len(english):.3f}")
    print(f"bridge.queries_applied {sum(b.applied for b in bridged.values())}")
    print(f"bridge.queries_with_terms {sum(bool(b.terms) for b in bridged.values())}")
    bridged_texts = {query_id: b.text for query_id, b in bridged.items()}

    scores: dict[str, float] = {}
    for name, texts in (("en-raw", english), ("en-bridged", bridged_texts), ("zh", chinese)):
        scores[f"{name}.lexical"] = report(f"{name}.lexical", run(engine, texts, "lexical"), data.qrels)["MRR@10"]
    if embedder is not None:
        english_vectors = dict(zip(english, engine.embed_queries(list(english.values()), cache=cache), strict=True))
        chinese_vectors = dict(zip(chinese, engine.embed_queries(list(chinese.values()), cache=cache), strict=True))
        for method in ("dense", "hybrid"):
            for name, texts, vectors in (
                ("en-raw", english, english_vectors),
                ("en-bridged", bridged_texts, english_vectors),
                ("zh", chinese, chinese_vectors),
            ):
                if method == "dense" and name == "en-bridged":
                    continue  # the dense stage reads the original English either way
                ranking = run(engine, texts, method, vectors)
                scores[f"{name}.{method}"] = report(f"{name}.{method}", ranking, data.qrels)["MRR@10"]
    for method in ("lexical", "hybrid"):
        if scores.get(f"zh.{method}"):
            print(f"en-bridged.{method}.MRR@10_vs_zh {scores[f'en-bridged.{method}'] / scores[f'zh.{method}']:.3f}")


if __name__ == "__main__":
    main()
