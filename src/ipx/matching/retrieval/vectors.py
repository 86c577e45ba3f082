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


class DocumentVectors(Protocol):
    """What the engine's dense stage reads: documents' best-passage top-k and scores
    (``PassageIndex``, or a base with the changes since, ``incremental.ExtendedPassages``)."""

    def __len__(self) -> int: ...

    def search(
        self, query: Vectors, k: int, mask: npt.NDArray[np.bool_] | None = None
    ) -> npt.NDArray[np.intp]: ...

    def score(self, query: Vectors, docs: npt.NDArray[np.intp]) -> npt.NDArray[np.float32]: ...

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

    def __init__(self, vectors: Vectors, *, nlist: int | None = None, nprobe: int = 128, seed: int = 1) -> None:
        import faiss

        super().__init__(vectors)
        n, dim = self.vectors.shape
        # ~4·√n cells (faiss' rule of thumb), trained on a sample of 64 vectors per cell; a
        # query scans 128 cells (3% of 4,000 at 1M): measured, 32 keep only ~70% of the
        # exact top 100 for ~2 ms, 128 keep more for a few ms (bench/matching_bench.py).
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
        # The index is untyped; its ids are read as a typed array here.
        found: npt.NDArray[np.intp] = np.asarray(rows[0][rows[0] >= 0], dtype=np.intp)
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


class PassageIndex:
    """Documents with one or more passage vectors; a document scores its best passage.

    Rows 0..n-1 are the documents' main passages; further rows belong to ``extra_docs``.
    """

    def __init__(self, rows: ExactIndex, n_docs: int, extra_docs: npt.NDArray[np.intp]) -> None:
        if len(rows) != n_docs + len(extra_docs):
            raise ValueError(f"{len(rows)} passage vectors for {n_docs} documents and {len(extra_docs)} extra passages")
        self.rows = rows
        self.n_docs = n_docs
        self.row_doc = np.concatenate([np.arange(n_docs, dtype=np.intp), np.asarray(extra_docs, dtype=np.intp)])
        order = np.argsort(self.row_doc[n_docs:], kind="stable")
        self._extra_sorted_docs = self.row_doc[n_docs:][order]
        self._extra_sorted_rows = (order + n_docs).astype(np.intp)

    def __len__(self) -> int:
        return self.n_docs

    @property
    def vectors(self) -> Vectors:
        return self.rows.vectors

    def _row_mask(self, mask: npt.NDArray[np.bool_] | None) -> npt.NDArray[np.bool_] | None:
        return None if mask is None else mask[self.row_doc]

    def search(self, query: Vectors, k: int, mask: npt.NDArray[np.bool_] | None = None) -> npt.NDArray[np.intp]:
        """The k documents with the best passages, best first."""
        if type(self.rows) is ExactIndex:
            scores = self.rows.scores(query)
            best = scores[: self.n_docs].copy()
            np.maximum.at(best, self.row_doc[self.n_docs :], scores[self.n_docs :])
            if mask is not None:
                best = np.where(mask, best, -np.inf).astype(np.float32)
                k = min(k, int(mask.sum()))
            return top_k(best, k)
        extra = len(self.row_doc) - self.n_docs
        rows = self.rows.search(query, k + min(extra, k), self._row_mask(mask))
        docs = self.row_doc[rows]
        _, first = np.unique(docs, return_index=True)
        return docs[np.sort(first)][:k]

    def score(self, query: Vectors, docs: npt.NDArray[np.intp]) -> npt.NDArray[np.float32]:
        """Each document's best passage cosine."""
        best = self.rows.score(query, docs)
        if len(self._extra_sorted_docs):
            low = np.searchsorted(self._extra_sorted_docs, docs, side="left")
            high = np.searchsorted(self._extra_sorted_docs, docs, side="right")
            for position in np.flatnonzero(high > low):
                rows = self._extra_sorted_rows[low[position] : high[position]]
                best[position] = max(float(best[position]), float(self.rows.score(query, rows).max()))
        return best

    @property
    def nbytes(self) -> int:
        return self.rows.nbytes + int(self.row_doc.nbytes) * 2


def make_passage_index(
    vectors: Vectors, n_docs: int, extra_docs: npt.NDArray[np.intp] | None = None, *, ann_threshold: int = ANN_THRESHOLD
) -> PassageIndex:
    extra = np.zeros(0, dtype=np.intp) if extra_docs is None else extra_docs
    return PassageIndex(make_vector_index(vectors, ann_threshold=ann_threshold), n_docs, extra)
