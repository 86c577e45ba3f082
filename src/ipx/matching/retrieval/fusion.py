"""Combining rankers: reciprocal-rank fusion and a normalised convex combination.

Both work on a candidate pool (the union of each ranker's top ``depth``), with every
ranker's exact score known for every candidate: arguments are per-pool score arrays, the
pool in ascending document order (ties go to the lower document index).

* ``rrf``: Σ_r weight_r / (k + rank_r(d)) (Cormack et al. 2009; k = 60). Uses ranks only.
* ``convex``: Σ_r weight_r · norm_r(score_r(d)), where norm maps the ranker's theoretical
  minimum (0 for BM25 and for a cosine floor of 0) to 0 and the best score of the query to
  1 ("TM2C2", Bruch et al. 2023, *An Analysis of Fusion Functions for Hybrid Retrieval*,
  which found it more accurate and more stable than RRF). Keeping the floor fixed instead
  of taking the pool's minimum keeps a query's weak lexical evidence weak.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.floating]


def rank_positions(scores: FloatArray) -> npt.NDArray[np.float64]:
    """1-based rank of every pool member by its score (ties: earlier member first)."""
    order = np.lexsort((np.arange(len(scores)), -np.asarray(scores)))
    ranks = np.empty(len(scores), dtype=np.float64)
    ranks[order] = np.arange(1, len(scores) + 1)
    return ranks


def rrf(score_lists: Sequence[FloatArray], weights: Sequence[float], k: float = 60.0) -> npt.NDArray[np.float64]:
    fused = np.zeros(len(score_lists[0]), dtype=np.float64)
    for scores, weight in zip(score_lists, weights, strict=True):
        if weight:
            fused += weight / (k + rank_positions(scores))
    return fused


def theoretical_minmax(values: FloatArray, floor: float | None = 0.0) -> npt.NDArray[np.float64]:
    """Maps ``floor`` → 0 and the highest value → 1; values below the floor → 0. A ``None``
    floor is the lowest of the values (plain min-max)."""
    values = np.asarray(values, dtype=np.float64)
    if not len(values):
        return np.zeros(0, dtype=np.float64)
    if floor is None:
        floor = float(values.min())
    top = float(values.max())
    if top <= floor:
        return np.zeros(len(values), dtype=np.float64)
    return np.clip((values - floor) / (top - floor), 0.0, None)


def convex(
    score_lists: Sequence[FloatArray], weights: Sequence[float], floors: Sequence[float | None]
) -> npt.NDArray[np.float64]:
    fused = np.zeros(len(score_lists[0]), dtype=np.float64)
    for scores, weight, floor in zip(score_lists, weights, floors, strict=True):
        if weight:
            fused += weight * theoretical_minmax(scores, floor)
    return fused
