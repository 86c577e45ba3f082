"""The vector index: top-k by inner product (= cosine: vectors are L2-normalised).

Two implementations behind one interface, chosen by size (``make_vector_index``):

* :class:`ExactIndex` — a float32 matrix, one BLAS matrix-vector product per query. No
  recall loss and no training; fast enough up to a few hundred thousand documents.
* :class:`IVFIndex` — faiss ``IndexIVFFlat``: k-means cells, a query scans the ``nprobe``
  nearest cells only. Measured on 1M recombined patent vectors (bench/matching_bench.py),
  the exact scan costs ~0.2–0.5 s per query on 2 cores, far over the 100 ms goal.

Both keep the full matrix, so a candidate's exact cosine is always available
(``score``): fusion compares exact scores, only the dense candidate list is approximate.
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from ipx.matching.retrieval.embedding import Vectors

# Above this many documents the dense stage switches to the IVF index.
ANN_THRESHOLD = 200_000


def top_k(scores: npt.NDArray[np.floating], k: int) -> npt.NDArray[np.intp]:
    """Indices of the k highest scores, best first (ties: lower index first)."""
    k = min(k, len(scores))
    if k <= 0:
        return np.zeros(0, dtype=np.intp)
    candidates = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
    order = np.lexsort((candidates, -scores[candidates]))
    return candidates[order]


class VectorIndex(Protocol):
    vectors: Vectors

    def __len__(self) -> int: ...

    def search(
        self, query: Vectors, k: int, mask: npt.NDArray[np.bool_] | None = None
    ) -> npt.NDArray[np.intp]: ...

    def score(self, query: Vectors, rows: npt.NDArray[np.intp]) -> npt.NDArray[np.float32]: ...

    @property
    def nbytes(self) -> int: ...


class ExactIndex:
    """Row i is the vector of document i; exact top-k."""

    def __init__(self, vectors: Vectors) -> None:
        if vectors.ndim != 2:
            raise ValueError("vectors must be a 2-d matrix")
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)

    def __len__(self) -> int:
        return int(self.vectors.shape[0])

    def scores(self, query: Vectors) -> npt.NDArray[np.float32]:
        """Cosine of every document with the query vector."""
        return self.vectors @ np.asarray(query, dtype=np.float32)

    def search(self, query: Vectors, k: int, mask: npt.NDArray[np.bool_] | None = None) -> npt.NDArray[np.intp]:
        scores = self.scores(query)
        if mask is not None:
            scores = np.where(mask, scores, -np.inf).astype(np.float32)
            k = min(k, int(mask.sum()))
        return top_k(scores, k)

    def score(self, query: Vectors, rows: npt.NDArray[np.intp]) -> npt.NDArray[np.float32]:
        return self.vectors[rows] @ np.asarray(query, dtype=np.float32)

    @property
    def nbytes(self) -> int:
        return int(self.vectors.nbytes)


class IVFIndex(ExactIndex):
    """faiss IVF-Flat over the same matrix: approximate candidates, exact scores."""

    def __init__(self, vectors: Vectors, *, nlist: int | None = None, nprobe: int = 32, seed: int = 1) -> None:
        import faiss

        super().__init__(vectors)
        n, dim = self.vectors.shape
        # ~4·√n cells (faiss' rule of thumb), trained on a sample of 64 vectors per cell.
        self.nlist = nlist or max(16, int(4 * np.sqrt(n)))
        quantizer = faiss.IndexFlatIP(dim)
        self._index: Any = faiss.IndexIVFFlat(quantizer, dim, self.nlist, faiss.METRIC_INNER_PRODUCT)
        rng = np.random.default_rng(seed)
        sample = self.vectors[rng.choice(n, size=min(n, 64 * self.nlist), replace=False)]
        self._index.train(sample)
        self._index.add(self.vectors)
        self._index.nprobe = nprobe

    def search(self, query: Vectors, k: int, mask: npt.NDArray[np.bool_] | None = None) -> npt.NDArray[np.intp]:
        if mask is not None and mask.sum() <= ANN_THRESHOLD:
            # A small allowed subset: scan it exactly.
            allowed = np.flatnonzero(mask)
            return allowed[top_k(self.score(query, allowed), k)]
        # With a large allowed set, over-fetch and drop the excluded rows.
        fetch = k if mask is None else min(len(self), k * 4)
        _, rows = self._index.search(np.asarray(query, dtype=np.float32).reshape(1, -1), fetch)
        found = rows[0][rows[0] >= 0].astype(np.intp)
        if mask is not None:
            found = found[mask[found]]
        return found[:k]

    @property
    def nbytes(self) -> int:
        # The inverted lists hold a second copy of the vectors plus their ids.
        return int(self.vectors.nbytes * 2 + len(self) * 8)


def make_vector_index(vectors: Vectors, *, ann_threshold: int = ANN_THRESHOLD) -> ExactIndex:
    """Exact up to ``ann_threshold`` documents, IVF above."""
    if len(vectors) > ann_threshold:
        return IVFIndex(vectors)
    return ExactIndex(vectors)
