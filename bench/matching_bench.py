"""Matching benchmark: one demand → top-10 patents over a large catalogue (lexical + dense +
fusion), embedding throughput, index build time and memory.

    .venv/bin/python bench/matching_bench.py --size 100000
    .venv/bin/python bench/matching_bench.py --size 1000000

The catalogue is made of real texts recombined: every synthetic patent takes the title of
one real patent, the abstract of another and (for 18%, as in the real set) the claims of
a third, from patents-zh-kppatent, patents-zh-titles-ipc and sci-abstracts-zh-csl.
Recombination happens on the analysed tokens (each real field is analysed once), so the
index build time is split honestly into: analysis throughput, measured on the real texts
(docs/s, one core), and index construction from tokens, measured at full size.
Embedding 1M passages is out of reach here (about 4 passages/s on 2 cores), so the
vectors are recombined too: each synthetic vector is the normalised sum of two real
passage vectors (multilingual-e5-small), which keeps their distribution realistic.

With ``--changes N`` (default 10,000) it then measures changes without a rebuild: listings
followed one at a time (embedded with the real model, added, found), a delta of N, and
queries and one more change with it.

Demands are the first 150 characters of real abstracts (sentence-like) and the real
keyword queries of kppatent. A demand's vector is computed once when it is saved, so the
match latency takes it as given; its embedding time is reported apart.
Prints `NAME VALUE` lines.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipx.settings")

from ipx.matching.retrieval.analysis import dense_text, gram_tokens, word_tokens
from ipx.matching.retrieval.documents import Document, passage_text
from ipx.matching.retrieval.documents import passages as passage_texts
from ipx.matching.retrieval.embedding import E5Embedder, VectorCache, embed_cached
from ipx.matching.retrieval.engine import EngineConfig, HybridEngine
from ipx.matching.retrieval.incremental import apply_changes
from ipx.matching.retrieval.lexical import LexicalIndex
from ipx.matching.retrieval.metrics import percentile
from ipx.matching.retrieval.postings import BM25Params, Channel, TermCounts, count_terms, encode
from ipx.matching.retrieval.vectors import make_passage_index

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
CACHE = ROOT / "var" / "embeddings" / "vectors.sqlite3"


def rss_mb() -> tuple[float, float]:
    """Resident and peak resident memory of this process, MB."""
    values: dict[str, float] = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            name, amount = line.split(":")
            values[name] = int(amount.split()[0]) / 1024
    return values.get("VmRSS", 0.0), values.get("VmHWM", 0.0)


def line(name: str, value: float | int | str) -> None:
    if isinstance(value, float):
        value = f"{value:.3f}" if abs(value) < 100 else f"{value:.1f}"
    print(f"{name} {value}", flush=True)


def load_sources() -> tuple[list[Document], list[str], list[str], list[str]]:
    patents = []
    with (DATA / "patents-zh-kppatent" / "corpus.jsonl").open(encoding="utf-8") as handle:
        for row in map(json.loads, handle):
            patents.append(
                Document(row["id"], row.get("title") or "", row.get("abstract") or "", row.get("claims") or "")
            )
    titles = [p.title for p in patents if p.title]
    with (DATA / "patents-zh-titles-ipc" / "titles_ipc_subclasses.tsv").open(encoding="utf-8") as handle:
        next(handle)
        titles += [row.split("\t")[1] for row in handle]
    abstracts = [p.abstract for p in patents if p.abstract]
    with (DATA / "sci-abstracts-zh-csl" / "kg_dev.tsv").open(encoding="utf-8") as handle:
        abstracts += [row.split("\t")[1] for row in handle]
    claims = [p.claims for p in patents if p.claims]
    return patents, titles, abstracts, claims


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--demands", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--title-passages", action="store_true",
                        help="give every document a second passage vector, as its title alone (the engine's layout)")
    parser.add_argument("--changes", type=int, default=10_000,
                        help="documents in the delta when measuring changes without a rebuild (0: skip)")
    options = parser.parse_args()
    rng = random.Random(options.seed)
    line("size", options.size)

    patents, titles, abstracts, claims = load_sources()

    # 1. Analysis throughput on real patents (title + abstract + claims, both channels).
    sample = patents[:1000]
    started = time.perf_counter()
    for doc in sample:
        for text in (doc.title, doc.abstract, doc.claims):
            word_tokens(text)
            gram_tokens(text)
    analysis_rate = len(sample) / (time.perf_counter() - started)
    line("analysis_docs_per_s", analysis_rate)

    # 2. Embedding throughput (real passages in batches; single short queries; one demand).
    model = E5Embedder()
    passages = [passage_text(doc) for doc in patents[-48:]]
    started = time.perf_counter()
    model.embed_passages(passages)
    line("embed_passages_per_s", len(passages) / (time.perf_counter() - started))
    with (DATA / "patents-zh-kppatent" / "queries.jsonl").open(encoding="utf-8") as handle:
        queries = [json.loads(row)["text"] for row in handle]
    started = time.perf_counter()
    for text in queries[:50]:
        model.embed_queries([text])
    line("embed_queries_per_s", 50 / (time.perf_counter() - started))
    half = options.demands // 2
    demand_texts = [a[:150] for a in rng.sample(abstracts, half)] + rng.sample(queries, half)
    demand_ms = []
    for text in demand_texts[:20]:
        begin = time.perf_counter()
        model.embed_queries([text])
        demand_ms.append((time.perf_counter() - begin) * 1000)
    line("embed_demand150_p50_ms", percentile(demand_ms, 50))

    # 3. Real vectors (cached by ipx eval retrieval; the missing ones are embedded now).
    cache = VectorCache(CACHE)
    real = embed_cached(model, [passage_text(doc) for doc in patents], kind="passage", cache=cache)
    title_vectors = (embed_cached(model, [dense_text(doc.title) for doc in patents if doc.title.strip()],
                                  kind="passage", cache=cache) if options.title_passages else None)
    demand_vectors = embed_cached(model, demand_texts, kind="query", cache=cache)
    cache.close()

    # 4. Recombined catalogue: token ids per real field, then per synthetic document.
    words_vocab: dict[str, int] = {}
    grams_vocab: dict[str, int] = {}

    def ids(texts: list[str]) -> tuple[list[TermCounts], list[TermCounts]]:
        return (
            [count_terms(encode(word_tokens(t), words_vocab)) for t in texts],
            [count_terms(encode(gram_tokens(t), grams_vocab)) for t in texts],
        )

    title_ids, abstract_ids, claim_ids = ids(titles), ids(abstracts), ids(claims)
    n = options.size
    pick_title = [rng.randrange(len(titles)) for _ in range(n)]
    pick_abstract = [rng.randrange(len(abstracts)) for _ in range(n)]
    empty: TermCounts = (np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int64))
    pick_claims = [rng.randrange(len(claims)) if rng.random() < 0.18 else -1 for _ in range(n)]
    base_rss, _ = rss_mb()

    def field(source: tuple[list[TermCounts], list[TermCounts]], picks: list[int], channel: int) -> list[TermCounts]:
        return [source[channel][p] if p >= 0 else empty for p in picks]

    def body(channel: int) -> list[TermCounts]:
        """The lexical body field: the abstract's terms and the claims' (when any) together."""
        out: list[TermCounts] = []
        for a, c in zip(pick_abstract, pick_claims, strict=True):
            terms, counts = abstract_ids[channel][a]
            if c >= 0:
                claim_terms, claim_counts = claim_ids[channel][c]
                merged, where = np.unique(np.concatenate([terms, claim_terms]), return_inverse=True)
                summed = np.bincount(where, np.concatenate([counts, claim_counts])).astype(np.int64)
                terms, counts = merged.astype(np.int32, copy=False), summed
            out.append((terms, counts))
        return out

    params = BM25Params()
    started = time.perf_counter()
    words = Channel.from_ids(
        {
            "title": field(title_ids, pick_title, 0),
            "body": body(0),
        },
        words_vocab, n, params,
    )
    gc.collect()
    grams = Channel.from_ids(
        {
            "title": field(title_ids, pick_title, 1),
            "body": body(1),
        },
        grams_vocab, n, params,
    )
    lexical = LexicalIndex(words, grams, params, n)
    gc.collect()
    construction = time.perf_counter() - started
    line("lexical_build_from_tokens_s", construction)
    # Analysing n real texts on one core plus the construction measured above.
    line("lexical_build_estimate_1core_s", construction + n / analysis_rate)
    line("lexical_index_mb", lexical.nbytes / 2**20)
    line("lexical_postings", int(len(words.docs) + len(grams.docs)))

    started = time.perf_counter()
    # Each document's main passage, then (with --title-passages) its title's, each the sum of
    # two real ones.
    sources = [real] if title_vectors is None else [real, title_vectors]
    vectors = np.empty((n * len(sources), real.shape[1]), dtype=np.float32)
    nprng = np.random.default_rng(options.seed)
    for offset, source in enumerate(sources):
        for start in range(0, n, 100_000):
            stop = min(n, start + 100_000)
            a = nprng.integers(0, len(source), stop - start)
            b = nprng.integers(0, len(source), stop - start)
            block = source[a] + source[b]
            vectors[offset * n + start:offset * n + stop] = block / np.linalg.norm(block, axis=1, keepdims=True)
    index = make_passage_index(vectors, n, np.arange(n, dtype=np.intp) if title_vectors is not None else None)
    line("vector_build_s", time.perf_counter() - started)
    line("vector_index_mb", index.nbytes / 2**20)
    rss, peak = rss_mb()
    line("rss_mb", rss)
    line("rss_peak_mb", peak)
    line("rss_index_mb", rss - base_rss)

    if hasattr(index.rows, "nlist"):
        # How much of the exact dense top 100 the IVF candidates keep, and at what cost.
        line("ivf_nlist", int(index.rows.nlist))
        # A document's score is its best passage's.
        exact = [set(np.argpartition(-(vectors @ vector).reshape(len(sources), n).max(axis=0), 99)[:100].tolist())
                 for vector in demand_vectors[:50]]
        default = index.rows._index.nprobe
        for nprobe in (32, 64, 128, 256):
            index.rows._index.nprobe = nprobe
            overlap, times = [], []
            for vector, best in zip(demand_vectors[:50], exact, strict=True):
                begin = time.perf_counter()
                found = index.search(vector, 100)
                times.append((time.perf_counter() - begin) * 1000)
                overlap.append(len(best & set(found.tolist())) / 100)
            line(f"ivf_nprobe{nprobe}_recall_at_100", statistics.fmean(overlap))
            line(f"ivf_nprobe{nprobe}_p95_ms", percentile(times, 95))
        index.rows._index.nprobe = default

    documents = [Document(str(i)) for i in range(n)]
    engine = HybridEngine(documents, lexical, index, None, EngineConfig())

    # 5. Match latency for one demand, per stage and end to end (vector given).
    for method in ("lexical", "dense", "hybrid"):
        times = []
        for text, vector in zip(demand_texts, demand_vectors, strict=True):
            begin = time.perf_counter()
            engine.search(text, 10, method=method, query_vector=vector)
            times.append((time.perf_counter() - begin) * 1000)
        line(f"{method}_p50_ms", percentile(times, 50))
        line(f"{method}_p95_ms", percentile(times, 95))
        line(f"{method}_mean_ms", statistics.fmean(times))
    times = []
    for text, vector in list(zip(demand_texts, demand_vectors, strict=True))[:half]:
        begin = time.perf_counter()
        engine.search(text, 10, query_vector=vector, explain=True)
        times.append((time.perf_counter() - begin) * 1000)
    line("hybrid_explained_p95_ms", percentile(times, 95))
    if options.changes:
        measure_changes(engine, model, patents, real, demand_texts, demand_vectors, options.changes, nprng)


class PoolEmbedder:
    """Passage vectors computed beforehand (real ones for the documents followed one by
    one, recombined ones for the bulk), handed out as the cache hands them to the app."""

    name = "pool"

    def __init__(self, known: dict[str, np.ndarray], pool: np.ndarray, rng: np.random.Generator) -> None:
        self.known, self.pool, self.rng = known, pool, rng
        self.dim = pool.shape[1]

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return np.stack([self.known.get(t, self.pool[self.rng.integers(len(self.pool))]) for t in texts])

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self.embed_passages(texts)


def measure_changes(
    engine: HybridEngine, model: E5Embedder, patents: list[Document], real: np.ndarray,
    demand_texts: list[str], demand_vectors: np.ndarray, bulk: int, rng: np.random.Generator,
) -> None:
    """6. Changes without a rebuild (issue 16, gap 6): one new listing at a time, from its
    real text (embedded here with the real model, timed apart) to being ranked first for a
    demand made of its own title; then a delta of ``bulk`` documents (the compaction
    threshold at 1M is 1 %), and what queries and one more change cost with it."""
    followed = [doc for doc in patents if doc.title and doc.abstract][-50:]
    known: dict[str, np.ndarray] = {}
    embed_ms = []
    for doc in followed:
        texts = [dense_text(t) for t in passage_texts(doc)]
        begin = time.perf_counter()
        vectors = model.embed_passages(texts)
        embed_ms.append((time.perf_counter() - begin) * 1000)
        known.update(zip(texts, vectors, strict=True))
    line("change_embed_one_listing_p50_ms", percentile(embed_ms, 50))
    line("change_embed_one_listing_p95_ms", percentile(embed_ms, 95))
    pool = PoolEmbedder(known, real, rng)
    apply_ms, found = [], 0
    for n, doc in enumerate(followed):
        begin = time.perf_counter()
        engine = apply_changes(engine, [Document(f"new{n}", doc.title, doc.abstract, doc.claims)], embedder=pool)
        apply_ms.append((time.perf_counter() - begin) * 1000)
        vector = model.embed_queries([doc.title])[0]
        found += engine.search(doc.title, 10, query_vector=vector)[0].doc_id == f"new{n}"
    line("change_apply_one_p50_ms", percentile(apply_ms, 50))
    line("change_apply_one_p95_ms", percentile(apply_ms, 95))
    line("change_found_first_share", found / len(followed))
    # A delta of `bulk` documents: recombined texts of real fields, a tenth of them replacing
    # base documents (their old positions masked) and the rest new.
    sources = [doc for doc in patents if doc.title and doc.abstract]
    replaced = max(1, bulk // 10)
    batch = [Document(str(i) if i < replaced else f"bulk{i}", sources[i % len(sources)].title,
                      sources[(i * 7 + 3) % len(sources)].abstract) for i in range(bulk)]
    begin = time.perf_counter()
    for start in range(0, bulk, 1000):
        engine = apply_changes(engine, batch[start:start + 1000], embedder=pool)
    line(f"change_apply_{bulk}_in_batches_of_1000_s", time.perf_counter() - begin)
    apply_ms = []
    for n, doc in enumerate(followed[:20]):
        begin = time.perf_counter()
        engine = apply_changes(engine, [Document(f"late{n}", doc.title, doc.abstract)], embedder=pool)
        apply_ms.append((time.perf_counter() - begin) * 1000)
    line(f"change_apply_one_at_delta_{bulk}_p50_ms", percentile(apply_ms, 50))
    line(f"change_apply_one_at_delta_{bulk}_p95_ms", percentile(apply_ms, 95))
    times = []
    for text, vector in zip(demand_texts, demand_vectors, strict=True):
        begin = time.perf_counter()
        engine.search(text, 10, query_vector=vector)
        times.append((time.perf_counter() - begin) * 1000)
    line(f"hybrid_at_delta_{bulk}_p50_ms", percentile(times, 50))
    line(f"hybrid_at_delta_{bulk}_p95_ms", percentile(times, 95))
    rss, peak = rss_mb()
    line(f"rss_at_delta_{bulk}_mb", rss)
    line("rss_peak_mb", peak)


if __name__ == "__main__":
    main()
