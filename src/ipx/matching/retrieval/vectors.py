"""The vector index: exact inner-product top-k over a float32 matrix (numpy / BLAS).

Exact search keeps the dense stage free of recall loss and of build-time tuning; it is
measured fast enough for the exchange's catalogue (see bench/matching_bench.py for the
figures at 100k and 1M documents). Vectors are L2-normalised, so scores are cosines.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ipx.matching.retrieval.embedding import Vectors


def top_k(scores: npt.NDArray[np.floating], k: int) -> npt.NDArray[np.intp]:
    """Indices of the k highest scores, best first (ties: lower index first)."""
    k = min(k, len(scores))
    if k <= 0:
        return np.zeros(0, dtype=np.intp)
    candidates = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
    order = np.lexsort((candidates, -scores[candidates]))
    return candidates[order]


class VectorIndex:
    """Row i is the vector of document i."""

    def __init__(self, vectors: Vectors) -> None:
        if vectors.ndim != 2:
            raise ValueError("vectors must be a 2-d matrix")
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1])

    def __len__(self) -> int:
        return int(self.vectors.shape[0])

    def scores(self, query: Vectors) -> npt.NDArray[np.float32]:
        """Cosine of every document with the query vector."""
        return self.vectors @ np.asarray(query, dtype=np.float32)

    def search(self, query: Vectors, k: int) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.float32]]:
        scores = self.scores(query)
        best = top_k(scores, k)
        return best, scores[best]

    @property
    def nbytes(self) -> int:
        return int(self.vectors.nbytes)
