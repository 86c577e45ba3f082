"""Builds the retrieval evaluation slices (corpus.jsonl, queries.jsonl, qrels.tsv) for
``ipx eval retrieval`` and bench/retrieval_quality.py, from public data only, into
bench/out/ (outside git).

    .venv/bin/python bench/retrieval_sets.py [all | csl | titles-ipc | kppatent] [--out DIR] [--queries 500]

kppatent (dev = ../shared/data/patents-zh-kppatent, used as is, not copied) gives five slices:
  kppatent-noclaims: dev with the claims removed from every document of the corpus.
  kppatent-abstract-only: every other dev query (sorted ids, no randomness) with the claims
    removed from its relevant documents only; the other documents keep theirs. The
    relevant document then has a title and an abstract only, while the other half of the
    dev documents keep their claims (the rest of the corpus has none): the situation of a
    catalogue mixing full records with title-and-abstract records. (Only 32 dev queries have a relevant document without
    claims in the data itself: too few alone; they are the next slice.)
  kppatent-abstract-only-untitled: the same queries, their relevant documents reduced to the
    abstract (title and claims removed): a record as the corpus's other 3,024 are, the
    situation of a held-out set whose relevant documents have an abstract only.
  kppatent-abstract-only-natural: those dev queries whose relevant documents have no
    claims in the data itself, over the unchanged corpus.
  kppatent-s2tw: the dev queries converted to Traditional Chinese (OpenCC s2tw).
  kppatent-en: bench/data/kppatent_en's English queries (hand-translated from the
    Chinese queries, not from the documents) over the unchanged corpus.
csl: sci-abstracts-zh-csl/kg_dev.tsv — each row is (task, text, keywords joined by "_").
  The text (the abstract followed by the title) is the document; its keywords, joined by
  spaces, are the query; the one relevant document is its own row.
titles-ipc: patents-zh-titles-ipc — a fixed sample of ``--queries`` titles (every n-th
  row, no randomness) is taken out of the corpus and used as queries; every
  remaining title sharing at least one IPC subclass with the query is relevant. Report
  P@10 for this set (most queries have hundreds of relevant titles, so recall is low by
  construction).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import opencc

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
KPPATENT = DATA / "patents-zh-kppatent"
ENGLISH = ROOT / "bench" / "data" / "kppatent_en"
OUT = ROOT / "bench" / "out"


def _write(
    out: Path, corpus: list[dict[str, Any]], queries: list[dict[str, str]], qrels: list[tuple[str, str]]
) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with (out / "corpus.jsonl").open("w", encoding="utf-8") as handle:
        for doc in corpus:
            handle.write(json.dumps(doc, ensure_ascii=False) + "\n")
    with (out / "queries.jsonl").open("w", encoding="utf-8") as handle:
        for query in queries:
            handle.write(json.dumps(query, ensure_ascii=False) + "\n")
    with (out / "qrels.tsv").open("w", encoding="utf-8") as handle:
        handle.write("query_id\tdoc_id\trelevance\n")
        for query_id, doc_id in qrels:
            handle.write(f"{query_id}\t{doc_id}\t1\n")
    print(f"{out}: {len(corpus)} documents, {len(queries)} queries, {len(qrels)} judgements")


def convert_csl(source: Path, out: Path) -> None:
    corpus: list[dict[str, str]] = []
    queries: list[dict[str, str]] = []
    qrels: list[tuple[str, str]] = []
    with source.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 3:
                raise SystemExit(f"{source}:{number + 1}: expected 3 tab-separated columns")
            _task, text, keywords = parts
            doc_id, query_id = f"csl{number:04d}", f"q_csl{number:04d}"
            corpus.append({"id": doc_id, "abstract": text})
            queries.append({"id": query_id, "text": " ".join(k for k in keywords.split("_") if k)})
            qrels.append((query_id, doc_id))
    _write(out, corpus, queries, qrels)


def convert_titles_ipc(source: Path, out: Path, n_queries: int) -> None:
    rows: list[tuple[str, str, set[str]]] = []
    with source.open(encoding="utf-8") as handle:
        next(handle)
        for line in handle:
            number, title, joined = line.rstrip("\n").split("\t")
            rows.append((number, title, {s for s in joined.split("|") if s}))
    step = max(1, len(rows) // n_queries)
    query_rows = rows[::step][:n_queries]
    query_ids = {number for number, _, _ in query_rows}
    corpus_rows = [row for row in rows if row[0] not in query_ids]
    by_subclass: dict[str, list[str]] = {}
    for number, _, subclasses in corpus_rows:
        for subclass in subclasses:
            by_subclass.setdefault(subclass, []).append(number)
    qrels: list[tuple[str, str]] = []
    for number, _, subclasses in query_rows:
        relevant = sorted({doc for subclass in subclasses for doc in by_subclass.get(subclass, [])})
        qrels += [(f"q_{number}", doc) for doc in relevant]
    _write(
        out,
        [{"id": number, "title": title} for number, title, _ in corpus_rows],
        [{"id": f"q_{number}", "text": title} for number, title, _ in query_rows],
        qrels,
    )


def _read_json_lines(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _read_qrels(path: Path) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8") as handle:
        next(handle)
        return [(q, d) for q, d, grade in (line.rstrip("\n").split("\t") for line in handle) if int(grade) > 0]


def _without_claims(doc: dict[str, Any]) -> dict[str, Any]:
    return {**doc, "claims": ""}


def convert_kppatent(out: Path) -> None:
    corpus = _read_json_lines(KPPATENT / "corpus.jsonl")
    queries = _read_json_lines(KPPATENT / "queries.jsonl")
    qrels = _read_qrels(KPPATENT / "qrels.tsv")
    _write(out / "kppatent-noclaims", [_without_claims(doc) for doc in corpus], queries, qrels)

    chosen = {query["id"] for query in queries[::2]}
    stripped = {doc for query, doc in qrels if query in chosen}
    _write(
        out / "kppatent-abstract-only",
        [_without_claims(doc) if doc["id"] in stripped else doc for doc in corpus],
        [query for query in queries if query["id"] in chosen],
        [(query, doc) for query, doc in qrels if query in chosen],
    )

    _write(
        out / "kppatent-abstract-only-untitled",
        [{**doc, "title": "", "claims": ""} if doc["id"] in stripped else doc for doc in corpus],
        [query for query in queries if query["id"] in chosen],
        [(query, doc) for query, doc in qrels if query in chosen],
    )

    has_claims = {doc["id"] for doc in corpus if (doc.get("claims") or "").strip()}
    with_claims = {query for query, doc in qrels if doc in has_claims}
    natural = {query for query, _ in qrels if query not in with_claims}
    _write(
        out / "kppatent-abstract-only-natural",
        corpus,
        [query for query in queries if query["id"] in natural],
        [(query, doc) for query, doc in qrels if query in natural],
    )

    converter = opencc.OpenCC("s2tw")
    _write(out / "kppatent-s2tw", corpus, [{**q, "text": converter.convert(q["text"])} for q in queries], qrels)

    if (ENGLISH / "queries.jsonl").is_file():
        english = _read_json_lines(ENGLISH / "queries.jsonl")
        _write(out / "kppatent-en", corpus, english, _read_qrels(ENGLISH / "qrels.tsv"))
    else:
        print(f"{ENGLISH / 'queries.jsonl'} not found: kppatent-en not built")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("set", nargs="?", choices=("all", "csl", "titles-ipc", "kppatent"), default="all")
    parser.add_argument("--out", type=Path, default=OUT, help="the folder the sets are written under")
    parser.add_argument("--queries", type=int, default=500, help="titles-ipc: number of query titles")
    options = parser.parse_args()
    if options.set in ("all", "csl"):
        convert_csl(DATA / "sci-abstracts-zh-csl" / "kg_dev.tsv", options.out / "csl")
    if options.set in ("all", "titles-ipc"):
        convert_titles_ipc(
            DATA / "patents-zh-titles-ipc" / "titles_ipc_subclasses.tsv", options.out / "titles-ipc", options.queries
        )
    if options.set in ("all", "kppatent"):
        convert_kppatent(options.out)


if __name__ == "__main__":
    main()
