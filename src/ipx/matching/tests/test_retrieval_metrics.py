"""Ranking metrics, each computed by hand for a small ranking."""

from __future__ import annotations

import math

import pytest

from ipx.matching.retrieval import metrics

RANKED = ["d3", "d1", "d2"]
RELEVANCE = {"d1": 1, "d2": 2, "d9": 1}


def test_reciprocal_rank_is_one_over_the_first_relevant_rank() -> None:
    assert metrics.reciprocal_rank(RANKED, RELEVANCE, 10) == 0.5
    assert metrics.reciprocal_rank(RANKED, RELEVANCE, 1) == 0.0
    assert metrics.reciprocal_rank(["d1"], {"d1": 0}, 10) == 0.0


def test_recall_counts_relevant_documents_found_over_all_relevant() -> None:
    assert metrics.recall(RANKED, RELEVANCE, 10) == pytest.approx(2 / 3)
    assert metrics.recall(RANKED, RELEVANCE, 2) == pytest.approx(1 / 3)
    assert metrics.recall(RANKED, RELEVANCE, 1) == 0.0


def test_ndcg_uses_linear_gain_and_log2_discount() -> None:
    dcg = 1 / math.log2(3) + 2 / math.log2(4)
    ideal = 2 / math.log2(2) + 1 / math.log2(3) + 1 / math.log2(4)
    assert metrics.ndcg(RANKED, RELEVANCE, 10) == pytest.approx(dcg / ideal)
    assert metrics.ndcg(["d2", "d1", "d9"], RELEVANCE, 10) == pytest.approx(1.0)


def test_precision_divides_by_k_even_for_short_rankings() -> None:
    assert metrics.precision(RANKED, RELEVANCE, 10) == pytest.approx(0.2)


def test_evaluate_run_averages_judged_queries_and_counts_missing_runs_as_zero() -> None:
    qrels = {"q1": {"d1": 1}, "q2": {"d2": 1}, "q3": {"d5": 0}}
    result = metrics.evaluate_run({"q1": ["d0", "d1"]}, qrels)
    assert result["MRR@10"] == pytest.approx(0.25)  # (1/2 + 0) / 2; q3 has nothing relevant
    assert result["Recall@10"] == pytest.approx(0.5)
    assert result["nDCG@10"] == pytest.approx((1 / math.log2(3)) / 2)


def test_percentile_interpolates() -> None:
    assert metrics.percentile([10.0, 20.0, 30.0, 40.0], 50) == 25.0
    assert metrics.percentile([1.0, 2.0, 3.0, 4.0, 5.0], 95) == pytest.approx(4.8)
