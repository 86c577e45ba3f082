"""Reading a retrieval test set in the project's evaluation format.

* corpus: JSON lines ``{"id", "title"?, "abstract"?, "claims"?}`` (missing or null fields allowed);
* queries: JSON lines ``{"id", "text"}``;
* qrels: tab-separated with the header ``query_id doc_id relevance``; relevance > 0 is relevant.

Broken input stops with :class:`EvalSetError` naming the file and line; judgements that
point at unknown ids are skipped with a warning (sets are often cut from larger ones).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ipx.matching.retrieval.documents import FIELDS, Document


class EvalSetError(Exception):
    """A test-set file is missing or malformed."""


@dataclass
class EvalSet:
    documents: list[Document]
    queries: dict[str, str]
    qrels: dict[str, dict[str, int]]
    warnings: list[str] = field(default_factory=list)


def _json_lines(path: Path, what: str) -> Iterator[tuple[int, dict[str, Any]]]:
    if not path.is_file():
        raise EvalSetError(f"{what} file not found: {path}")
    try:
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    value = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise EvalSetError(f"{path}:{number}: not valid JSON ({exc.msg})") from exc
                if not isinstance(value, dict):
                    raise EvalSetError(f"{path}:{number}: expected a JSON object, got {type(value).__name__}")
                yield number, value
    except UnicodeDecodeError as exc:
        raise EvalSetError(f"{path}: not UTF-8 text ({exc.reason})") from exc


def _id(value: dict[str, Any], path: Path, number: int) -> str:
    raw = value.get("id")
    if raw is None or (isinstance(raw, str) and not raw.strip()) or isinstance(raw, (dict, list, bool)):
        raise EvalSetError(f"{path}:{number}: missing or invalid \"id\"")
    return str(raw)


def _text(value: Any, path: Path, number: int, name: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise EvalSetError(f"{path}:{number}: \"{name}\" must be a string or null")
    return value


def read_corpus(path: Path) -> list[Document]:
    documents: list[Document] = []
    seen: set[str] = set()
    for number, value in _json_lines(path, "corpus"):
        doc_id = _id(value, path, number)
        if doc_id in seen:
            raise EvalSetError(f"{path}:{number}: duplicate document id {doc_id!r}")
        seen.add(doc_id)
        fields = {name: _text(value.get(name), path, number, name) for name in FIELDS}
        documents.append(Document(id=doc_id, **fields))
    if not documents:
        raise EvalSetError(f"corpus is empty: {path}")
    return documents


def read_queries(path: Path) -> dict[str, str]:
    queries: dict[str, str] = {}
    for number, value in _json_lines(path, "queries"):
        query_id = _id(value, path, number)
        if query_id in queries:
            raise EvalSetError(f"{path}:{number}: duplicate query id {query_id!r}")
        if "text" not in value:
            raise EvalSetError(f"{path}:{number}: missing \"text\"")
        queries[query_id] = _text(value["text"], path, number, "text")
    if not queries:
        raise EvalSetError(f"no queries in {path}")
    return queries


def read_qrels(path: Path) -> dict[str, dict[str, int]]:
    if not path.is_file():
        raise EvalSetError(f"qrels file not found: {path}")
    qrels: dict[str, dict[str, int]] = {}
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            parts = line.rstrip("\r\n").split("\t")
            if number == 1 and parts[:2] == ["query_id", "doc_id"]:
                continue
            if not line.strip():
                continue
            if len(parts) != 3:
                raise EvalSetError(f"{path}:{number}: expected 3 tab-separated columns query_id, doc_id, relevance")
            query_id, doc_id, grade = parts
            try:
                relevance = int(float(grade))
            except ValueError as exc:
                raise EvalSetError(f"{path}:{number}: relevance {grade!r} is not a number") from exc
            qrels.setdefault(query_id, {})[doc_id] = relevance
    if not qrels:
        raise EvalSetError(f"no judgements in {path}")
    return qrels


def load(corpus: Path, queries: Path, qrels: Path) -> EvalSet:
    """The three files, with judgements on unknown ids dropped (and reported in ``warnings``)."""
    documents = read_corpus(corpus)
    query_texts = read_queries(queries)
    judgements = read_qrels(qrels)
    doc_ids = {doc.id for doc in documents}
    warnings: list[str] = []
    unknown_queries = sorted(q for q in judgements if q not in query_texts)
    if unknown_queries:
        warnings.append(
            f"{len(unknown_queries)} judged query id(s) not in the queries file, skipped: {_few(unknown_queries)}"
        )
    unknown_docs = sorted({d for q, rel in judgements.items() for d in rel if d not in doc_ids})
    if unknown_docs:
        warnings.append(f"{len(unknown_docs)} judged document id(s) not in the corpus, skipped: {_few(unknown_docs)}")
    kept: dict[str, dict[str, int]] = {}
    for query_id, rel in judgements.items():
        if query_id not in query_texts:
            continue
        known = {d: grade for d, grade in rel.items() if d in doc_ids}
        if any(grade > 0 for grade in known.values()):
            kept[query_id] = known
    unjudged = len(judgements) - len(unknown_queries) - len(kept)
    if unjudged:
        warnings.append(f"{unjudged} query(ies) have no relevant document left in the corpus, skipped")
    if not kept:
        raise EvalSetError("no query has a relevant document in the corpus: check that the three files belong together")
    return EvalSet(documents, {q: query_texts[q] for q in kept}, kept, warnings)


def _few(ids: list[str], limit: int = 5) -> str:
    return ", ".join(ids[:limit]) + (" ..." if len(ids) > limit else "")
