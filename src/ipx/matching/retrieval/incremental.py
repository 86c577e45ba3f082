"""Changes to an engine without rebuilding it: the base it was built with, plus a delta.

Building an engine over a million documents takes minutes (analysis ~1 ms a document,
the IVF index ~90 s), so a catalogue that changes a few documents a second cannot be
rebuilt for each change. ``apply_changes`` returns a new engine that shares the base's
arrays and adds the changed documents as a small second segment (the delta):

* a new or changed document is appended at the next position (a changed one's old
  position is marked dead); a removed document's position is marked dead. Dead
  positions are masked out of every search, so they are never returned;
* the delta's postings are weighted with the **base's statistics** (its document count,
  average field lengths and the idf of every term the base knows; a term new to the base
  gets its idf from its count in the delta): the scores of the base's documents stay
  exactly what they were, and a new document scores as if it had been in the base when
  it was built. As in Lucene, whose statistics count deleted documents until segments
  merge, the statistics drift from a fresh build's as changes pile up; a compaction
  (a fresh build of the current documents) resets them, and the drift is measured in
  bench/matching_bench.py (``--changes``);
* a query reads a term's postings from both segments (the delta's shifted past the
  base; two lists, not joined, which would copy the base's on every query), and the
  dense stage asks both segments for their best and keeps the best.

Applying changes again rebuilds only the delta, from the analysed tokens it keeps (a
delta of tens of thousands of documents rebuilds in tens of milliseconds); the base is
never touched until the engine is compacted.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ipx.matching.retrieval.analysis import dense_text, gram_tokens, word_tokens
from ipx.matching.retrieval.documents import Document, passages
from ipx.matching.retrieval.embedding import Embedder, VectorCache, Vectors, embed_cached
from ipx.matching.retrieval.engine import EngineError, HybridEngine
from ipx.matching.retrieval.lexical import LEXICAL_FIELDS, LexicalIndex, lexical_fields
from ipx.matching.retrieval.postings import Channel, Postings, TermCounts, count_terms, encode
from ipx.matching.retrieval.signals import Facts
from ipx.matching.retrieval.vectors import PassageIndex, make_passage_index, top_k


class ExtendedChannel:
    """A base channel and the delta's, read as one; delta documents follow the base's."""

    def __init__(self, base: Channel, delta: Channel) -> None:
        self.base = base
        self.delta = delta
        self.offset = base.n_docs
        self.n_docs = base.n_docs + delta.n_docs

    def postings(self, terms: Iterable[str], scale: float) -> list[Postings]:
        out: list[Postings] = []
        for term in dict.fromkeys(terms):
            old, new = self.base.posting(term, scale), self.delta.posting(term, scale)
            if new is not None:
                new = Postings(new.docs + np.int32(self.offset), new.weights, scale, new.bound)
            if old is not None and new is not None:
                out.append(Postings(old.docs, old.weights, scale, max(old.bound, new.bound), more=new))
            elif old is not None:
                out.append(old)
            elif new is not None:
                out.append(new)
        return out

    def contains_many(self, term: str, docs: npt.NDArray[np.intp]) -> npt.NDArray[np.bool_]:
        in_base = docs < self.offset
        out = np.zeros(len(docs), dtype=bool)
        out[in_base] = self.base.contains_many(term, docs[in_base])
        out[~in_base] = self.delta.contains_many(term, docs[~in_base] - self.offset)
        return out

    def frequency(self, term: str) -> int:
        return self.base.frequency(term) + self.delta.frequency(term)

    def idf(self, term: str) -> float:
        """The idf the delta's weights use (``Channel.idf_of``): the base's, or the delta's
        count among the base's documents."""
        return float(self.base.idf_of({term: 0}, np.asarray([self.delta.frequency(term)]))[0])

    @property
    def nbytes(self) -> int:
        return self.base.nbytes + self.delta.nbytes


class ExtendedPassages:
    """The base's passage vectors and the delta's (exact: the delta is small)."""

    def __init__(self, base: PassageIndex, delta: PassageIndex) -> None:
        self.base = base
        self.delta = delta
        self.offset = len(base)

    def __len__(self) -> int:
        return self.offset + len(self.delta)

    def search(self, query: Vectors, k: int, mask: npt.NDArray[np.bool_] | None = None) -> npt.NDArray[np.intp]:
        base_mask, delta_mask = (None, None) if mask is None else (mask[: self.offset], mask[self.offset :])
        found = np.concatenate([self.base.search(query, k, base_mask),
                                self.delta.search(query, k, delta_mask) + self.offset])
        return found[top_k(self.score(query, found), k)]

    def score(self, query: Vectors, docs: npt.NDArray[np.intp]) -> npt.NDArray[np.float32]:
        out = np.zeros(len(docs), dtype=np.float32)
        in_base = docs < self.offset
        out[in_base] = self.base.score(query, docs[in_base])
        out[~in_base] = self.delta.score(query, docs[~in_base] - self.offset)
        return out

    @property
    def nbytes(self) -> int:
        return self.base.nbytes + self.delta.nbytes


@dataclass(frozen=True)
class Analysed:
    """One channel's analysed delta: per field, each delta document's term counts (ids in
    ``vocab``, the delta's own vocabulary)."""

    vocab: dict[str, int]
    fields: dict[str, list[TermCounts]]

    def plus(self, documents: Sequence[Document], tokenize: Callable[[str], list[str]]) -> Analysed:
        vocab = dict(self.vocab)  # the previous engine's delta keeps its own
        fields = {name: list(self.fields.get(name, [])) for name in LEXICAL_FIELDS}
        for document in documents:
            for name, text in lexical_fields(document).items():
                fields[name].append(count_terms(encode(tokenize(text), vocab)))
        return Analysed(vocab, fields)


@dataclass(frozen=True)
class Delta:
    """What an engine with changes keeps to take more: its base's parts and every document
    added since (dead ones too: positions are never reused until a compaction)."""

    base_words: Channel
    base_grams: Channel
    base_vectors: PassageIndex | None
    documents: tuple[Document, ...]
    words: Analysed
    grams: Analysed
    vectors: tuple[Vectors, ...]  # each delta document's passage vectors (none without a dense stage)

    def __len__(self) -> int:
        return len(self.documents)


def delta_size(engine: HybridEngine) -> int:
    """How many documents were added to ``engine`` since it was built whole (0: never changed)."""
    return len(engine.delta) if engine.delta is not None else 0


def _start(engine: HybridEngine) -> Delta:
    """An engine built whole, seen as a base with an empty delta."""
    words, grams = engine.lexical.words, engine.lexical.grams
    if not isinstance(words, Channel) or not isinstance(grams, Channel):
        raise EngineError("an engine with changes keeps them in its delta")
    vectors = engine.vectors if isinstance(engine.vectors, PassageIndex) else None
    empty = Analysed({}, {name: [] for name in LEXICAL_FIELDS})
    return Delta(words, grams, vectors, (), empty, empty, ())


def _passage_vectors(
    documents: Sequence[Document], embedder: Embedder | None, cache: VectorCache | None
) -> list[Vectors]:
    if embedder is None:
        raise EngineError("this engine ranks by meaning: the changed documents need an embedding model")
    texts = [passages(document) for document in documents]
    flat = embed_cached(embedder, [dense_text(t) for group in texts for t in group], kind="passage", cache=cache)
    bounds = np.cumsum([0] + [len(group) for group in texts])
    return [flat[bounds[i] : bounds[i + 1]] for i in range(len(documents))]


def _delta_passages(vectors: Sequence[Vectors]) -> PassageIndex:
    """The delta documents' passages as one index: main passages first, then the others."""
    dim = vectors[0].shape[1]
    main = np.stack([rows[0] for rows in vectors]) if vectors else np.zeros((0, dim), dtype=np.float32)
    extra_docs = np.asarray([i for i, rows in enumerate(vectors) for _ in range(len(rows) - 1)], dtype=np.intp)
    extra = [row for rows in vectors for row in rows[1:]]
    matrix = np.vstack([main, np.asarray(extra, dtype=np.float32).reshape(-1, dim)])
    return make_passage_index(matrix, len(vectors), extra_docs)


def apply_changes(
    engine: HybridEngine,
    documents: Sequence[Document],
    removed: Collection[str] = (),
    *,
    facts: Mapping[str, Facts] | None = None,
    embedder: Embedder | None = None,
    cache: VectorCache | None = None,
) -> HybridEngine:
    """``engine`` with ``documents`` added or replaced (by id) and the ids in ``removed``
    dropped (unknown ids are ignored). ``facts`` of the changed documents; vectors of their
    passages come from ``embedder`` and ``cache`` as in ``HybridEngine.build``."""
    if len({document.id for document in documents}) != len(documents):
        raise EngineError("document ids must be unique")
    delta = engine.delta or _start(engine)
    added = delta.documents + tuple(documents)
    params = engine.config.bm25
    words, grams = delta.words.plus(documents, word_tokens), delta.grams.plus(documents, gram_tokens)
    lexical = LexicalIndex(
        ExtendedChannel(delta.base_words, Channel.from_ids(words.fields, words.vocab, len(added), params,
                                                           reference=delta.base_words)),
        ExtendedChannel(delta.base_grams, Channel.from_ids(grams.fields, grams.vocab, len(added), params,
                                                           reference=delta.base_grams)),
        params,
        delta.base_words.n_docs + len(added),
    )
    vectors: tuple[Vectors, ...] = ()
    passages_index: ExtendedPassages | None = None
    if delta.base_vectors is not None:
        vectors = delta.vectors + tuple(_passage_vectors(documents, embedder or engine.embedder, cache))
        passages_index = ExtendedPassages(delta.base_vectors, _delta_passages(vectors)) if vectors else None
    gone = {document.id for document in documents} | set(removed)
    alive = np.ones(len(engine.ids) + len(documents), dtype=bool)
    if engine.alive is not None:
        alive[: len(engine.ids)] = engine.alive
    alive[[engine.position[doc_id] for doc_id in gone if doc_id in engine.position]] = False
    # Copied whole and then edited: at a million documents a copy takes milliseconds, a
    # rebuild item by item a tenth of a second.
    position, kept_facts = dict(engine.position), dict(engine.facts)
    for doc_id in gone:
        position.pop(doc_id, None)
        kept_facts.pop(doc_id, None)
    position.update((document.id, len(engine.ids) + n) for n, document in enumerate(documents))
    given = facts or {}
    kept_facts.update(given)
    fields = None if engine.fields is None else engine.fields.changed(
        len(alive), [engine.position[doc_id] for doc_id in gone if doc_id in engine.position],
        {position[document.id]: given[document.id] for document in documents if document.id in given})
    return HybridEngine(
        [*engine.documents, *documents],
        lexical,
        passages_index or engine.vectors,
        embedder or engine.embedder,
        engine.config,
        kept_facts,
        alive=alive,
        position=position,
        delta=Delta(delta.base_words, delta.base_grams, delta.base_vectors, added, words, grams, vectors),
        fields=fields,
    )
