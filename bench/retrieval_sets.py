"""Converts two shared data sets into the retrieval evaluation format (corpus.jsonl,
queries.jsonl, qrels.tsv) for ``ipx eval retrieval``.

    .venv/bin/python bench/retrieval_sets.py csl        [--out bench/out/csl]
    .venv/bin/python bench/retrieval_sets.py titles-ipc [--out bench/out/titles-ipc] [--queries 500]

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

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


def _write(
    out: Path, corpus: list[dict[str, str]], queries: list[dict[str, str]], qrels: list[tuple[str, str]]
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
            number, title, subclasses = line.rstrip("\n").split("\t")
            rows.append((number, title, {s for s in subclasses.split("|") if s}))
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("set", choices=("csl", "titles-ipc"))
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--queries", type=int, default=500, help="titles-ipc: number of query titles")
    options = parser.parse_args()
    out = options.out or Path(__file__).resolve().parent / "out" / options.set
    if options.set == "csl":
        convert_csl(DATA / "sci-abstracts-zh-csl" / "kg_dev.tsv", out)
    else:
        convert_titles_ipc(DATA / "patents-zh-titles-ipc" / "titles_ipc_subclasses.tsv", out, options.queries)


if __name__ == "__main__":
    main()
