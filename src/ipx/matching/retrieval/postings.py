"""Term-major postings: one list per term of the documents holding it, each with its
precomputed BM25F weight (the formula is in ``lexical``), and how a query reads them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import numpy.typing as npt
from scipy import sparse


@dataclass(frozen=True)
class BM25Params:
    """The few global parameters of the lexical stage (the usual BM25 defaults)."""

    k1: float = 1.2
    b: float = 0.75
    field_weights: dict[str, float] = field(default_factory=lambda: {"title": 2.0, "body": 1.0})
    # The character channel counts as much as the word channel.
    gram_weight: float = 1.0
    # A query is scored with at most this many terms, those of highest weight (0: all).
    max_query_terms: int = 64


class TermChannel(Protocol):
    """What the lexical index reads from a channel (``Channel``, or a base with the
    changes since, ``incremental.ExtendedChannel``)."""

    n_docs: int

    def postings(self, terms: Iterable[str], scale: float) -> list[Postings]: ...

    def contains_many(self, term: str, docs: npt.NDArray[np.intp]) -> npt.NDArray[np.bool_]: ...

    def frequency(self, term: str) -> int: ...

    def idf(self, term: str) -> float: ...

    @property
    def nbytes(self) -> int: ...


def bm25_idf(df: npt.NDArray[np.int64], n_docs: int) -> npt.NDArray[np.float64]:
    return np.log1p((n_docs - df + 0.5) / (df + 0.5))


class Channel:
    """Term-major postings of one feature over a fixed set of documents."""

    def __init__(
        self,
        vocab: dict[str, int],
        indptr: np.ndarray,
        docs: np.ndarray,
        weights: np.ndarray,
        n_docs: int,
        averages: dict[str, float] | None = None,
    ):
        self.vocab = vocab
        self.indptr = indptr
        self.docs = docs
        self.weights = weights
        self.n_docs = n_docs
        # Each field's average length in tokens (the BM25 length normalisation's reference).
        self.averages = averages or {}
        # Each term's highest weight: the most it can add to any document (for pruning).
        self.max_weight = np.zeros(len(indptr) - 1, dtype=np.float32)
        nonempty = np.flatnonzero(np.diff(indptr) > 0)
        if len(nonempty):
            self.max_weight[nonempty] = np.maximum.reduceat(weights, indptr[nonempty])

    def postings(self, terms: Iterable[str], scale: float) -> list[Postings]:
        """The postings of the (distinct) query terms known to this channel."""
        return [found for term in dict.fromkeys(terms) if (found := self.posting(term, scale)) is not None]

    def posting(self, term: str, scale: float) -> Postings | None:
        term_id = self.vocab.get(term)
        if term_id is None:
            return None
        start, end = int(self.indptr[term_id]), int(self.indptr[term_id + 1])
        if end == start:
            return None
        bound = scale * float(self.max_weight[term_id])
        return Postings(self.docs[start:end], self.weights[start:end], scale, bound)

    @classmethod
    def build(
        cls,
        per_field: Mapping[str, Sequence[list[str]]],
        n_docs: int,
        params: BM25Params,
    ) -> Channel:
        vocab: dict[str, int] = {}
        ids = {name: [encode(tokens, vocab) for tokens in lists] for name, lists in per_field.items()}
        return cls.from_ids(ids, vocab, n_docs, params)

    @classmethod
    def from_ids(
        cls,
        per_field: Mapping[str, Sequence[npt.NDArray[np.int32] | TermCounts]],
        vocab: dict[str, int],
        n_docs: int,
        params: BM25Params,
        reference: Channel | None = None,
    ) -> Channel:
        """Builds from token ids (``encode``): per field, one entry per document, either the
        ids with repeats or (distinct ids, counts) from ``count_terms``. With a ``reference``
        channel, documents are weighted with its statistics (its average field lengths, its
        document count and the idf of every term it knows): the changes to an index are
        scored as if they had been in it when it was built (``incremental``)."""
        rows: list[np.ndarray] = []
        cols: list[np.ndarray] = []
        vals: list[np.ndarray] = []
        averages: dict[str, float] = {}
        for name, entries in per_field.items():
            weight = params.field_weights.get(name, 1.0)
            counted = [entry if isinstance(entry, tuple) else count_terms(entry) for entry in entries]
            lengths = np.fromiter((int(c.sum()) for _, c in counted), dtype=np.int64, count=n_docs)
            present = lengths > 0
            if weight <= 0 or not present.any():
                continue
            average = float(lengths[present].mean())
            if reference is not None:
                average = reference.averages.get(name, average)
            averages[name] = average
            scale = (weight / (1 - params.b + params.b * lengths / average)).astype(np.float32)
            distinct = np.fromiter((len(ids) for ids, _ in counted), dtype=np.int64, count=n_docs)
            doc_array = np.repeat(np.arange(n_docs, dtype=np.int32), distinct)
            cols.append(np.concatenate([ids for ids, _ in counted]).astype(np.int32, copy=False))
            field_tf = np.concatenate([c for _, c in counted]).astype(np.float32)
            field_tf *= scale[doc_array]
            rows.append(doc_array)
            vals.append(field_tf)
            del counted
        if not rows:
            empty = np.zeros(0, dtype=np.int32)
            return cls(vocab, np.zeros(len(vocab) + 1, dtype=np.int64), empty, empty.astype(np.float32), n_docs,
                       averages)
        # Term-major (CSC): summing duplicates adds up a term's weighted counts across fields.
        data, row, col = np.concatenate(vals), np.concatenate(rows), np.concatenate(cols)
        del vals, rows, cols
        matrix = sparse.csc_matrix((data, (row, col)), shape=(n_docs, len(vocab)))
        del data, row, col
        matrix.sum_duplicates()
        matrix.sort_indices()
        # Weights in float32 and in place: at a million documents these arrays are GBs.
        df = np.diff(matrix.indptr)
        idf = (bm25_idf(df, n_docs) if reference is None else reference.idf_of(vocab, df)).astype(np.float32)
        weights = np.asarray(matrix.data, dtype=np.float32)
        denominator = weights + np.float32(params.k1)
        weights *= np.float32(params.k1 + 1)
        weights /= denominator
        del denominator
        weights *= np.repeat(idf, df)
        return cls(vocab, matrix.indptr.astype(np.int64), matrix.indices.astype(np.int32, copy=False), weights, n_docs,
                   averages)

    def idf_of(self, vocab: dict[str, int], df: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        """The idf of another vocabulary's terms (``df``: their counts there) by this
        channel's statistics: its own for the terms it knows, else from ``df`` among this
        channel's documents."""
        known = np.full(len(df), -1, dtype=np.int64)
        for term, term_id in vocab.items():
            if term_id < len(df):
                known[term_id] = self.vocab.get(term, -1)
        own = np.diff(self.indptr)
        counts = np.where(known >= 0, own[np.maximum(known, 0)] if len(own) else 0, df)
        return bm25_idf(counts, self.n_docs)

    def contains_many(self, term: str, docs: npt.NDArray[np.intp]) -> npt.NDArray[np.bool_]:
        """Whether each of ``docs`` contains ``term``."""
        term_id = self.vocab.get(term)
        if term_id is None:
            return np.zeros(len(docs), dtype=bool)
        postings = self.docs[self.indptr[term_id] : self.indptr[term_id + 1]]
        if not len(postings):
            return np.zeros(len(docs), dtype=bool)
        position = np.minimum(np.searchsorted(postings, docs), len(postings) - 1)
        return np.asarray(postings[position] == docs)

    def frequency(self, term: str) -> int:
        """How many documents hold the term."""
        term_id = self.vocab.get(term)
        return int(self.indptr[term_id + 1] - self.indptr[term_id]) if term_id is not None else 0

    def idf(self, term: str) -> float:
        """The term's BM25 idf here; a term no document contains gets the highest idf."""
        return float(bm25_idf(np.asarray([self.frequency(term)]), self.n_docs)[0])

    @property
    def nbytes(self) -> int:
        return int(self.indptr.nbytes + self.docs.nbytes + self.weights.nbytes)


TermCounts = tuple[npt.NDArray[np.int32], npt.NDArray[np.int64]]


def count_terms(ids: npt.NDArray[np.int32]) -> TermCounts:
    """Distinct token ids of one field and how often each occurs."""
    distinct, counts = np.unique(ids, return_counts=True)
    return distinct.astype(np.int32, copy=False), counts


@dataclass(frozen=True)
class Postings:
    """One query term's posting list (documents ascending) and its bound; a term of an
    engine with changes has a second list, the delta's (``more``: documents after the
    base's), kept apart because joining them would copy the base's list on every query."""

    docs: npt.NDArray[np.int32]
    weights: npt.NDArray[np.float32]
    scale: float
    bound: float  # the most this term can add to one document's score
    more: Postings | None = None

    def __len__(self) -> int:
        return len(self.docs) + (len(self.more) if self.more is not None else 0)

    def parts(self) -> list[Postings]:
        return [self] if self.more is None else [self, *self.more.parts()]

    @property
    def scaled_weights(self) -> npt.NDArray[np.float32]:
        """This list's weights times the term's scale (the list itself when the scale is 1)."""
        return self.weights * np.float32(self.scale) if self.scale != 1 else self.weights

    def lookup(self, docs: npt.NDArray[np.intp]) -> npt.NDArray[np.float64]:
        """This term's contribution to each of ``docs`` (0 where absent)."""
        found = np.zeros(len(docs), dtype=np.float64)
        for part in self.parts():
            if not len(part.docs):
                continue
            position = np.searchsorted(part.docs, docs)
            position[position == len(part.docs)] = 0
            hit = part.docs[position] == docs
            found += np.where(hit, part.weights[position].astype(np.float64) * part.scale, 0.0)
        return found


@dataclass(frozen=True)
class Alternatives:
    """Query words that name one thing (``lexical.word_groups``): a document scores the best
    of them, not their sum."""

    members: tuple[Postings, ...]

    @property
    def bound(self) -> float:
        return max(member.bound for member in self.members)

    def lookup(self, docs: npt.NDArray[np.intp]) -> npt.NDArray[np.float64]:
        best = self.members[0].lookup(docs)
        for member in self.members[1:]:
            np.maximum(best, member.lookup(docs), out=best)
        return best

    def add_to(self, scores: npt.NDArray[np.float64], scratch: npt.NDArray[np.float32]) -> None:
        """Adds each document's best member weight to ``scores``. ``scratch``: zeros as long
        as ``scores``, left zero again, so a query's groups cost their postings, not the
        corpus's length each."""
        parts = [part for member in self.members for part in member.parts()]
        for part in parts:
            # A list holds each document once, so the gather and scatter never collide.
            scratch[part.docs] = np.maximum(scratch[part.docs], part.scaled_weights)
        for part in parts:  # the first list to reach a document adds its best, then clears it
            scores[part.docs] += scratch[part.docs]
            scratch[part.docs] = 0.0


QueryTerm = Postings | Alternatives


def accumulate(terms: Sequence[QueryTerm], n_docs: int) -> npt.NDArray[np.float64]:
    parts = [part for term in terms if isinstance(term, Postings) for part in term.parts()]
    if parts:
        docs = np.concatenate([t.docs for t in parts])
        weights = np.concatenate([t.scaled_weights for t in parts])
        scores = np.bincount(docs, weights, minlength=n_docs).astype(np.float64, copy=False)
    else:
        scores = np.zeros(n_docs, dtype=np.float64)
    groups = [term for term in terms if isinstance(term, Alternatives)]
    if groups:
        scratch = np.zeros(n_docs, dtype=np.float32)
        for group in groups:
            group.add_to(scores, scratch)
    return scores


def encode(tokens: Sequence[str], vocab: dict[str, int]) -> npt.NDArray[np.int32]:
    """Token ids, adding new tokens to ``vocab``."""
    return np.fromiter((vocab.setdefault(t, len(vocab)) for t in tokens), dtype=np.int32, count=len(tokens))
