"""Ranking metrics, per query; the evaluation averages them over the judged queries.

Conventions (the usual ones, as in trec_eval): ranks start at 1; a document is relevant
when its relevance is > 0; nDCG uses linear gain (gain = relevance) and log2(rank + 1)
discount, normalised by the best possible order of the judged documents.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence


def reciprocal_rank(ranked: Sequence[str], relevance: Mapping[str, int], k: int = 10) -> float:
    for rank, doc in enumerate(ranked[:k], 1):
        if relevance.get(doc, 0) > 0:
            return 1.0 / rank
    return 0.0


def recall(ranked: Sequence[str], relevance: Mapping[str, int], k: int) -> float:
    relevant = {doc for doc, grade in relevance.items() if grade > 0}
    if not relevant:
        return 0.0
    return len(relevant.intersection(ranked[:k])) / len(relevant)


def precision(ranked: Sequence[str], relevance: Mapping[str, int], k: int) -> float:
    """Relevant among the first k, over k (a shorter ranking still divides by k)."""
    return sum(1 for doc in ranked[:k] if relevance.get(doc, 0) > 0) / k


def ndcg(ranked: Sequence[str], relevance: Mapping[str, int], k: int = 10) -> float:
    gains = [(rank, relevance.get(doc, 0)) for rank, doc in enumerate(ranked[:k], 1)]
    dcg = sum(gain / math.log2(rank + 1) for rank, gain in gains if gain > 0)
    ideal_grades = sorted((grade for grade in relevance.values() if grade > 0), reverse=True)[:k]
    ideal = sum(grade / math.log2(rank + 1) for rank, grade in enumerate(ideal_grades, 1))
    return dcg / ideal if ideal else 0.0


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0–100) with linear interpolation between closest ranks."""
    if not values:
        return 0.0
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def evaluate_run(
    run: Mapping[str, Sequence[str]], qrels: Mapping[str, Mapping[str, int]]
) -> dict[str, float]:
    """Mean metrics over the queries of ``qrels`` that have a relevant document; a judged
    query missing from ``run`` counts as retrieving nothing."""
    judged = [q for q, rel in qrels.items() if any(grade > 0 for grade in rel.values())]
    if not judged:
        return {}
    totals = {"MRR@10": 0.0, "Recall@10": 0.0, "Recall@100": 0.0, "nDCG@10": 0.0, "P@10": 0.0}
    for query in judged:
        ranked, relevance = run.get(query, ()), qrels[query]
        totals["MRR@10"] += reciprocal_rank(ranked, relevance, 10)
        totals["Recall@10"] += recall(ranked, relevance, 10)
        totals["Recall@100"] += recall(ranked, relevance, 100)
        totals["nDCG@10"] += ndcg(ranked, relevance, 10)
        totals["P@10"] += precision(ranked, relevance, 10)
    return {name: total / len(judged) for name, total in totals.items()}
