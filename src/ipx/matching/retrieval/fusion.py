"""Combining rankers: reciprocal-rank fusion and a normalised convex combination.

Both work on a candidate pool (the union of each ranker's top ``depth``), with every
ranker's exact score known for every candidate: arguments are per-pool score arrays, the
pool in ascending document order (ties go to the lower document index).

* ``rrf``: Σ_r weight_r / (k + rank_r(d)) (Cormack et al. 2009; k = 60). Uses ranks only.
* ``convex``: Σ_r weight_r · norm_r(score_r(d)), where norm maps a floor to 0 and the
  query's best score to 1 (Bruch et al. 2023, *An Analysis of Fusion Functions for Hybrid
  Retrieval*, found this convex combination more accurate and more stable than RRF). BM25
  has a true floor, 0 (no shared term), so a query's weak lexical evidence stays weak;
  e5's cosines sit in a narrow band (about 0.7–0.9) with no usable theoretical floor, so
  its floor is the pool's lowest score (plain min-max).
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
