"""Matching quality that generalises: fair to documents without claims, the plain baseline
in the evaluation, an absolute confidence that says when nothing fits, and queries the
engine cannot rank (an empty result with a reason, never a crash)."""

from __future__ import annotations

import json
from itertools import islice
from pathlib import Path

import pytest

from ipx.matching.retrieval.confidence import GOOD_MATCH
from ipx.matching.retrieval.documents import Document
from ipx.matching.retrieval.engine import METHODS, HybridEngine, Method
from ipx.matching.retrieval.queries import (
    MAX_QUERY_CHARS,
    QUERY_TOO_LONG,
    QUERY_UNSUPPORTED_SCRIPT,
    QUERY_WITHOUT_TERMS,
)
from ipx.matching.tests.test_retrieval import DOCS, BigramEmbedder
from ipx.matching.tests.test_retrieval_command import run, write_set
from ipx.testing.shared_data import SHARED_DATA

KPPATENT = SHARED_DATA / "patents-zh-kppatent"
RECIPE = "番茄炒鸡蛋 做法：鸡蛋打散加盐，热锅倒油炒熟盛出，番茄切块炒出汁，加糖和鸡蛋翻炒出锅"


@pytest.fixture(scope="module")
def dev_sample() -> tuple[HybridEngine, dict[str, str], dict[str, str]]:
    """The first 60 dev queries, their relevant patents and 300 other patents of the corpus."""
    with (KPPATENT / "queries.jsonl").open(encoding="utf-8") as handle:
        queries = {row["id"]: row["text"] for row in map(json.loads, islice(handle, 60))}
    with (KPPATENT / "qrels.tsv").open(encoding="utf-8") as handle:
        next(handle)
        relevant = {q: d for q, d, _ in (line.rstrip("\n").split("\t") for line in handle) if q in queries}
    wanted = set(relevant.values())
    documents: list[Document] = []
    with (KPPATENT / "corpus.jsonl").open(encoding="utf-8") as handle:
        for row in map(json.loads, handle):
            if row["id"] in wanted or (row["id"].startswith("train") and len(documents) < 360):
                documents.append(Document(row["id"], row.get("title") or "", row.get("abstract") or "",
                                          row.get("claims") or ""))
    return HybridEngine.build(documents), queries, relevant


# --- fair to documents with fewer fields ---------------------------------------------------


def test_a_record_without_claims_is_not_outranked_for_the_same_evidence() -> None:
    abstract = "隔膜表面涂覆陶瓷涂层，提高耐热性。"
    claims = "1.一种电池，其特征在于包括正极、负极、电解液和隔膜，隔膜位于正极与负极之间，外壳为铝塑膜。"
    engine = HybridEngine.build([
        Document("full", "一种锂电池", abstract, claims),
        Document("short", "一种锂电池", abstract),
    ])
    scores = {m.doc_id: m.score for m in engine.search("锂电池 隔膜 涂层", 2, method="lexical")}
    # A separate claims field would add a second term frequency for 隔膜 that only the
    # full record can earn; one body normalised by its length does not.
    assert scores["short"] >= scores["full"]


def test_eval_command_runs_the_plain_baseline(tmp_path: Path) -> None:
    values, _ = run(write_set(tmp_path), "--method", "baseline")
    # Every query finds its document first: without the engine's title weight, q4 (电池)
    # ranks the shorter p3 above p1 (the engine's lexical stage puts p1 first: 0.875).
    assert values["MRR@10"] == 1.0
    assert values["Recall@10"] == 1.0


# --- absolute confidence -----------------------------------------------------------------


def test_real_queries_clear_the_good_match_threshold_for_their_relevant_patent(
    dev_sample: tuple[HybridEngine, dict[str, str], dict[str, str]],
) -> None:
    engine, queries, relevant = dev_sample
    cleared = [
        any(m.doc_id == relevant[q] and m.confidence >= GOOD_MATCH for m in engine.search(text, 10, method="lexical"))
        for q, text in queries.items()
    ]
    assert sum(cleared) / len(cleared) >= 0.75


def test_an_unrelated_query_gets_no_good_match(
    dev_sample: tuple[HybridEngine, dict[str, str], dict[str, str]],
) -> None:
    engine, _, _ = dev_sample
    matches = engine.search(RECIPE, 10, method="lexical")
    assert matches, "the nearest documents are still ranked"
    assert max(m.confidence for m in matches) < GOOD_MATCH


def test_confidence_is_in_unit_range_and_follows_the_evidence() -> None:
    engine = HybridEngine.build(DOCS, embedder=BigramEmbedder())
    matches = engine.search("锂电池 隔膜 涂层", 5)
    assert all(0.0 <= m.confidence <= 1.0 for m in matches)
    assert matches[0].doc_id == "sep" and matches[0].coverage == 1.0
    assert matches[0].confidence == max(m.confidence for m in matches)


# --- queries the engine cannot rank --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("的 和 与 the of and", QUERY_WITHOUT_TERMS),
        ("，。！？……——() ...", QUERY_WITHOUT_TERMS),
        ("", QUERY_WITHOUT_TERMS),
        ("Литий-ионный аккумулятор", QUERY_UNSUPPORTED_SCRIPT),
        ("🔋⚡🔋", QUERY_UNSUPPORTED_SCRIPT),
        ("锂电池隔膜" * 4000, QUERY_TOO_LONG),
    ],
)
@pytest.mark.parametrize("method", METHODS)
def test_a_query_that_cannot_be_ranked_gives_no_matches_and_a_reason(text: str, code: str, method: Method) -> None:
    engine = HybridEngine.build(DOCS, embedder=BigramEmbedder())
    matches = engine.search(text, 5, method=method)
    assert list(matches) == []
    assert matches.problem is not None and matches.problem.code == code
    if code == QUERY_TOO_LONG:
        assert matches.problem.values == {"length": 20_000, "limit": MAX_QUERY_CHARS}


def test_a_mixed_script_query_is_ranked_by_what_ipx_reads() -> None:
    matches = HybridEngine.build(DOCS).search("аккумулятор 锂电池", 3, method="lexical")
    assert matches.problem is None and matches[0].doc_id == "sep"


def test_the_evaluation_scores_an_unrankable_query_as_a_miss(tmp_path: Path) -> None:
    queries = [{"id": "q1", "text": "锂电池 隔膜"}, {"id": "q2", "text": "🔋🔋"}]
    qrels = "query_id\tdoc_id\trelevance\nq1\tp1\t1\nq2\tp1\t1\n"
    values, _ = run(write_set(tmp_path, queries=queries, qrels=qrels))
    assert values["MRR@10"] == 0.5
