"""``ipx eval retrieval``: measures the matching engine on any retrieval test set.

    ipx eval retrieval --corpus C.jsonl --queries Q.jsonl --qrels R.tsv [--method baseline|lexical|dense|hybrid]
                       [--convert s2t|s2tw] [--cache PATH | --no-cache] [--fusion convex|rrf]

Indexes the corpus in memory (never the live database or index), runs every judged
query and prints ``NAME VALUE`` lines on stdout (MRR@10, Recall@10, Recall@100, nDCG@10,
P@10, latency_p50_ms, latency_p95_ms, ...); progress and warnings go to stderr.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from ipx.matching.retrieval import evalset
from ipx.matching.retrieval.embedding import E5Embedder, ModelUnavailable, VectorCache
from ipx.matching.retrieval.engine import EngineConfig
from ipx.matching.retrieval.evaluation import CONVERSIONS, EVAL_METHODS, convert_queries, evaluate


def default_cache_path() -> Path:
    return Path(settings.VAR_DIR) / "embeddings" / "vectors.sqlite3"


class Command(BaseCommand):
    help = "Evaluate the matching engine: 'ipx eval retrieval --corpus C.jsonl --queries Q.jsonl --qrels R.tsv'."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="retrieval")
        retrieval = sub.add_parser("retrieval", help="rank a corpus for a set of queries and score the ranking")
        retrieval.add_argument("--corpus", type=Path, required=True, help="JSON lines: id, title, abstract, claims")
        retrieval.add_argument("--queries", type=Path, required=True, help="JSON lines: id, text")
        retrieval.add_argument("--qrels", type=Path, required=True, help="TSV: query_id, doc_id, relevance")
        retrieval.add_argument(
            "--method", choices=EVAL_METHODS, default="hybrid",
            help="baseline: plain BM25 over the concatenated text (words + character bigrams), the yardstick",
        )
        retrieval.add_argument("--fusion", choices=("convex", "rrf"), default=None, help="how hybrid combines scores")
        retrieval.add_argument(
            "--convert", choices=CONVERSIONS, default=None,
            help="convert the queries with OpenCC first (s2t / s2tw: to Traditional Chinese)",
        )
        retrieval.add_argument(
            "--cache", type=Path, default=None, help="embedding cache file (default: var/embeddings/vectors.sqlite3)"
        )
        retrieval.add_argument("--no-cache", action="store_true", help="compute every embedding afresh, store none")
        retrieval.add_argument(
            "--cache-queries", action="store_true",
            help="take query vectors from the cache too (faster reruns; latency then excludes query embedding)",
        )
        retrieval.add_argument("--run", type=Path, default=None, help="also write the ranking (TREC run format)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] != "retrieval":
            raise CommandError("unknown subcommand; use 'ipx eval retrieval'")
        try:
            data = evalset.load(options["corpus"], options["queries"], options["qrels"])
        except evalset.EvalSetError as exc:
            raise CommandError(str(exc)) from exc
        for warning in data.warnings:
            self.stderr.write(f"warning: {warning}")
        if options["convert"]:
            data.queries = convert_queries(data.queries, options["convert"])

        method = options["method"]
        embedder = None
        cache = None
        if method in ("dense", "hybrid"):
            try:
                embedder = E5Embedder()
            except ModelUnavailable as exc:
                raise CommandError(f"the embedding model is unavailable: {exc}") from exc
            if not options["no_cache"]:
                cache = VectorCache(options["cache"] or default_cache_path())
        config = EngineConfig()
        if options["fusion"]:
            config = replace(config, fusion=options["fusion"])

        bars: dict[str, tqdm[Any]] = {}

        def progress(stage: str, done: int, total: int) -> None:
            bar = bars.get(stage)
            if bar is None:
                unit = "query" if stage == "queries" else "doc"
                bar = bars[stage] = tqdm(total=total, desc=stage, unit=unit, file=sys.stderr, leave=False)
            bar.update(done - bar.n)

        try:
            result = evaluate(
                data, method=method, embedder=embedder, cache=cache, config=config,
                cache_queries=options["cache_queries"], progress=progress,
            )
        finally:
            for bar in bars.values():
                bar.close()
            if cache is not None:
                cache.close()
        for note in result.notes:
            self.stderr.write(f"note: {note}")
        self.stdout.write(f"method {method}")
        self.stdout.write(f"documents {len(data.documents)}")
        self.stdout.write(f"queries {len(data.queries)}")
        for name, value in result.lines():
            self.stdout.write(f"{name} {value:.3f}" if name.startswith("latency") else f"{name} {value:.4f}")
        self.stdout.write(f"index_seconds {result.index_seconds:.1f}")
        if options["run"]:
            with options["run"].open("w", encoding="utf-8") as handle:
                for query_id, ranked in result.run.items():
                    for rank, doc_id in enumerate(ranked, 1):
                        handle.write(f"{query_id}\tQ0\t{doc_id}\t{rank}\t{1.0 / rank:.6f}\tipx-{method}\n")
