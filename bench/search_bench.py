"""Search benchmark: segmentation speed, index build rate and query latency per engine.

    .venv/bin/python bench/search_bench.py --sizes 100000 1000000 --engines tantivy sqlite-fts
    DATABASE_URL=postgres://… .venv/bin/python bench/search_bench.py --engines postgres
    DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python bench/search_bench.py --engines sqlite-db

Listings are real texts recombined (bench/corpus.py). Three query kinds, each a pool of
different queries so caches do not flatter the figures:
  rare    — one term found in ≤ 0.05% of listings
  common  — one term found in ≥ 10% of listings
  compound — one Chinese word the segmenter also splits (锂电池 → 锂电池 | 锂电 | 电池), so the
            query is a group of alternatives, found in ≥ 1% of listings: what most searches are
  facets  — two terms plus a region and an offer-kind filter, with all facet counts
Prints `NAME VALUE` lines (milliseconds, listings per second, MB per second).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipx.settings")

import django

django.setup()

from corpus import RawListing, generate, load_texts  # noqa: E402

from ipx.search.backends import make_backend  # noqa: E402
from ipx.search.backends.base import SearchBackend  # noqa: E402
from ipx.search.documents import SearchDocument  # noqa: E402
from ipx.search.normalise import index_tokens, query_groups  # noqa: E402
from ipx.search.query import SearchQuery  # noqa: E402


def to_document(raw: RawListing) -> SearchDocument:
    return SearchDocument(
        listing_id=raw.listing_id, title_terms=" ".join(index_tokens(raw.title)),
        body_terms=" ".join(index_tokens(raw.body)),
        ip_types=raw.ip_types, offer_kinds=raw.offer_kinds,
        ipc_sections=sorted({c[:1] for c in raw.ipc_codes}), ipc_classes=sorted({c[:3] for c in raw.ipc_codes}),
        nice_classes=raw.nice_classes, region=raw.region, currency=raw.currency, price_cny=raw.price_cny,
        published_at=raw.published_at,
    )


def documents(count: int, workers: int) -> Iterator[SearchDocument]:
    """Normalised documents, tokenised in ``workers`` processes (segmentation is CPU-bound)."""
    if workers <= 1:
        yield from map(to_document, generate(count))
        return
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        yield from pool.imap(to_document, generate(count), chunksize=500)


def measure_segmentation() -> float:
    titles, abstracts, _ipc = load_texts()
    text = "\n".join(abstracts[:3000] + titles[:3000])
    megabytes = len(text.encode("utf-8")) / 1e6
    started = time.perf_counter()
    for chunk in text.split("\n"):
        index_tokens(chunk)
    return megabytes / (time.perf_counter() - started)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def term_pools(engine: SearchBackend, size: int, sample: int = 20000) -> tuple[list[str], list[str], list[str]]:
    """Rare and common single-token terms and common compound words, measured on the index."""
    counts: Counter[str] = Counter()
    for raw in generate(min(sample, size), seed=7):
        # Sorted: a set's order follows the process's string hashing, and the pools would
        # differ from one run to the next.
        counts.update(sorted(set(index_tokens(raw.title + " " + raw.body))))
    candidates = [t for t, _n in counts.most_common() if len(t) >= 2 and not t.isdigit()]
    common, rare = [], []
    rng = random.Random(3)
    for term in candidates[:200]:
        total = engine.search(SearchQuery(text=term, limit=1, with_facets=False)).total
        if total >= 0.10 * size:
            common.append(term)
    tail = [t for t, n in counts.items() if n == 1 and len(t) >= 2 and not t.isascii()]
    rng.shuffle(tail)
    for term in tail[:400]:
        total = engine.search(SearchQuery(text=term, limit=1, with_facets=False)).total
        if 0 < total <= max(1, 0.0005 * size):
            rare.append(term)
        if len(rare) >= 100:
            break
    compound = []
    for term in candidates[:3000]:
        groups = query_groups(term)
        split = len(groups) == 1 and len(groups[0]) > 1 and not term.isascii()
        if split and engine.search(SearchQuery(text=term, limit=1, with_facets=False)).total >= 0.01 * size:
            compound.append(term)
        if len(compound) >= 50:
            break
    return rare, common, compound


def run_queries(engine: SearchBackend, queries: list[SearchQuery]) -> list[float]:
    for query in queries[:5]:
        engine.search(query)  # warm-up
    times = []
    for query in queries:
        started = time.perf_counter()
        engine.search(query)
        times.append((time.perf_counter() - started) * 1000)
    return times


def bench_engine(name: str, size: int, workers: int, per_kind: int, keep: bool) -> None:
    location = Path(tempfile.mkdtemp(prefix="ipx-bench-"))
    try:
        engine = make_backend(name, location)
        if keep and name in ("postgres", "sqlite-db") and engine.count() == size:
            print(f"{name}.{size}.index_kept_from_an_earlier_run 1")
        else:
            engine.clear()
            started = time.perf_counter()
            loaded = engine.bulk_load(documents(size, workers))
            build = time.perf_counter() - started
            print(f"{name}.{size}.index_build_seconds {build:.1f}")
            print(f"{name}.{size}.index_rate_listings_per_s {loaded / build:.0f}")
        if name not in ("postgres", "sqlite-db"):
            disk = sum(f.stat().st_size for f in location.rglob("*") if f.is_file())
            print(f"{name}.{size}.index_mb {disk / 1e6:.0f}")
        rare, common, compound = term_pools(engine, size)
        rng = random.Random(11)
        kinds = {
            "rare": [SearchQuery(text=rng.choice(rare)) for _ in range(per_kind)],
            "common": [SearchQuery(text=rng.choice(common)) for _ in range(per_kind)],
            "facets": [
                SearchQuery(text=f"{rng.choice(common)} {rng.choice(common)}",
                            filters={"region": ("CN-44", "HK"), "offer_kind": ("licence", "transfer")})
                for _ in range(per_kind)
            ],
            # Drawn last, so the other kinds' queries stay the ones measured before it existed.
            "compound": [SearchQuery(text=rng.choice(compound)) for _ in range(per_kind)],
        }
        for kind, queries in kinds.items():
            times = run_queries(engine, queries)
            matched = statistics.mean(engine.search(q).total for q in queries[:20])
            print(f"{name}.{size}.{kind}.p50_ms {percentile(times, 0.5):.2f}")
            print(f"{name}.{size}.{kind}.p95_ms {percentile(times, 0.95):.2f}")
            print(f"{name}.{size}.{kind}.mean_matches {matched:.0f}")
        if not keep:
            engine.clear()
        engine.close()
    finally:
        shutil.rmtree(location, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--engines", nargs="+", default=["tantivy", "sqlite-fts"])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--queries", type=int, default=200, help="queries per kind")
    parser.add_argument("--keep", action="store_true",
                        help="database engines: leave the index loaded, and reuse one of the same size")
    options = parser.parse_args()
    if {"postgres", "sqlite-db"} & set(options.engines):
        from django.core.management import call_command

        call_command("migrate", verbosity=0)  # the engines' tables come with the search app's migrations
    print(f"segmentation_mb_per_s {measure_segmentation():.1f}")
    started = time.perf_counter()
    count = sum(1 for _ in documents(20_000, options.workers))
    print(f"normalise_listings_per_s {count / (time.perf_counter() - started):.0f}")
    for size in options.sizes:
        for name in options.engines:
            bench_engine(name, size, options.workers, options.queries, options.keep)
            sys.stdout.flush()


if __name__ == "__main__":
    main()
