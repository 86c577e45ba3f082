"""The hybrid engine: one object that ranks a fixed set of documents for a query text.

    engine = HybridEngine.build(documents, embedder=get_embedder(), cache=default_cache())
    matches = engine.search("锂电池 隔膜 涂层", k=10)                      # text only
    matches = engine.search(text, k=10, facts=demand_facts, explain=True)  # + structured stage

Stages (each measured alone and together by ``ipx eval retrieval``):
1. lexical — BM25F over words and character bigrams (``lexical``), exact; a mainly
   English query is first bridged to the corpus's Chinese words (``crosslingual``); the
   words of the query's own title (a demand's) weigh as a document title's;
2. dense — cosine of multilingual-e5-small vectors (``embedding``, ``vectors``; a mainly
   English query's vector is the mean of its own and its bridge's): exact,
   or (over 200k documents) candidates from an IVF index, scored exactly;
3. fusion — the two scores of every candidate in the pool (each ranker's top ``depth``)
   normalised and combined (``fusion``: convex by default, RRF as an option);
4. structured (optional, the app only) — ``signals`` blended into the fused score.

The engine is immutable: build a new one when the documents change (lexical indexing
costs about 1 ms per patent; vectors come from the cache, so only new texts are
embedded), or, for a large catalogue, one with the changes added to it
(``incremental.apply_changes``: the base's arrays shared, the changes a small second
segment). Documents are addressed by their ``id`` strings.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Literal

import numpy as np
import numpy.typing as npt

from ipx.matching.retrieval import crosslingual, fusion
from ipx.matching.retrieval.analysis import dense_text
from ipx.matching.retrieval.confidence import confidence
from ipx.matching.retrieval.crosslingual import Bridged, DocumentFrequency, bridge_query, index_frequency
from ipx.matching.retrieval.documents import Document, passages
from ipx.matching.retrieval.embedding import Embedder, VectorCache, Vectors, embed_cached
from ipx.matching.retrieval.fields import Fields, section_bits
from ipx.matching.retrieval.lexical import LexicalIndex, QueryTerms
from ipx.matching.retrieval.postings import BM25Params
from ipx.matching.retrieval.queries import MAX_QUERY_CHARS, QueryProblem, query_problem
from ipx.matching.retrieval.results import Match, Matches
from ipx.matching.retrieval.signals import MATCHED_TERMS, SEMANTIC, Facts, Reason, SignalWeights, structured_score
from ipx.matching.retrieval.vectors import DocumentVectors, PassageIndex, make_passage_index

if TYPE_CHECKING:
    from ipx.matching.retrieval.incremental import Delta

Method = Literal["lexical", "dense", "hybrid"]
METHODS: tuple[Method, ...] = ("lexical", "dense", "hybrid")


@dataclass(frozen=True)
class EngineConfig:
    """Every global parameter of the ranking (none is set per query or per document)."""

    bm25: BM25Params = field(default_factory=BM25Params)
    fusion: Literal["convex", "rrf"] = "convex"
    # Convex combination: weights of the normalised lexical and dense scores.
    lexical_weight: float = 0.5
    dense_weight: float = 0.5
    # Candidate pool: the union of each ranker's top `depth`.
    depth: int = 100
    rrf_k: float = 60.0
    signals: SignalWeights = field(default_factory=SignalWeights)
    # A mainly English query meets Chinese documents through the dictionary bridge
    # (``crosslingual``); switched off only to measure what the bridge adds.
    bridge_english: bool = True


class EngineError(ValueError):
    """A search the engine cannot run (e.g. dense ranking without vectors)."""


class HybridEngine:
    def __init__(
        self,
        documents: Sequence[Document],
        lexical: LexicalIndex,
        vectors: DocumentVectors | None,
        embedder: Embedder | None,
        config: EngineConfig,
        facts: Mapping[str, Facts] | None = None,
        *,
        alive: npt.NDArray[np.bool_] | None = None,
        position: dict[str, int] | None = None,
        delta: Delta | None = None,
        fields: Fields | None = None,
    ) -> None:
        """An engine with changes (``incremental``) also gives ``alive`` (False at the
        positions of documents replaced or removed since the engine was built whole: never
        returned), ``position`` (each live document's position) and the ``fields`` its
        base had found, if any (else found when first needed)."""
        self.documents = list(documents)
        self.ids = [doc.id for doc in self.documents]
        self.position = position if position is not None else {doc_id: i for i, doc_id in enumerate(self.ids)}
        self.alive = alive
        self.delta = delta
        self.lexical = lexical
        self.vectors = vectors
        self.embedder = embedder
        self.config = config
        self.facts = dict(facts or {})
        self._frequency: DocumentFrequency | None = None
        self.fields = fields
        self._in_field: dict[int, DocumentFrequency | None] = {}

    @classmethod
    def build(
        cls,
        documents: Sequence[Document],
        *,
        embedder: Embedder | None = None,
        cache: VectorCache | None = None,
        vectors: Vectors | None = None,
        passage_docs: npt.NDArray[np.intp] | None = None,
        config: EngineConfig | None = None,
        facts: Mapping[str, Facts] | None = None,
        progress: Callable[[str, int], None] | None = None,
    ) -> HybridEngine:
        """Indexes ``documents``. With an ``embedder`` (or precomputed ``vectors``: one row
        per document, optionally followed by extra passage rows whose document indices are
        ``passage_docs``) the dense stage is available; without, only ``lexical``.
        ``progress(stage, done)`` reports "lexical" and "dense" progress."""
        config = config or EngineConfig()
        if len({doc.id for doc in documents}) != len(documents):
            raise EngineError("document ids must be unique")
        lexical = LexicalIndex.build(
            documents, config.bm25, progress=(lambda done: progress("lexical", done)) if progress else None
        )
        index: PassageIndex | None = None
        if vectors is not None:
            extra = 0 if passage_docs is None else len(passage_docs)
            if vectors.shape[0] != len(documents) + extra:
                raise EngineError(f"{vectors.shape[0]} vectors for {len(documents)} documents and {extra} passages")
            index = make_passage_index(vectors, len(documents), passage_docs)
        elif embedder is not None:
            # Main passages first (row i = document i), then the extra ones.
            texts = [passages(doc) for doc in documents]
            extra_docs = np.asarray([i for i, t in enumerate(texts) for _ in t[1:]], dtype=np.intp)
            flat = [t[0] for t in texts] + [extra for t in texts for extra in t[1:]]
            matrix = embed_cached(
                embedder,
                [dense_text(text) for text in flat],
                kind="passage",
                cache=cache,
                progress=(lambda done: progress("dense", done)) if progress else None,
            )
            index = make_passage_index(matrix, len(documents), extra_docs)
        return cls(documents, lexical, index, embedder, config, facts)

    def __len__(self) -> int:
        """The documents the engine ranks (those replaced or removed since it was built whole left out)."""
        return len(self.position)

    def embed_query(self, text: str, field: Collection[str] = ()) -> Vectors:
        """The query's vector (callers may store it, e.g. with a demand, and pass it back)."""
        vector: Vectors = self.embed_queries([text], field=field)[0]
        return vector

    def embed_queries(self, texts: Sequence[str], cache: VectorCache | None = None,
                      field: Collection[str] = ()) -> Vectors:
        """The queries' vectors. A mainly English query's is the mean of the vectors of the
        text as written and of its Chinese bridge: e5-small reads English and Chinese in
        one space, but a query meets Chinese documents far better in their language (on the
        English slice, dense MRR@10 0.236 for the English alone, 0.442 with its bridge).
        ``field``: the IPC codes the queries name (the bridge's senses, ``crosslingual``)."""
        if self.embedder is None:
            raise EngineError("this engine has no embedding model: dense ranking is unavailable")
        vectors = embed_cached(self.embedder, [dense_text(t) for t in texts], kind="query", cache=cache)
        bridges = {row: bridge for row, text in enumerate(texts)
                   if (bridge := self._bridge(text, field)).applied and bridge.terms}
        if bridges:
            bridged = embed_cached(self.embedder, [dense_text(b.text) for b in bridges.values()], kind="query",
                                   cache=cache)
            for row, vector in zip(bridges, bridged, strict=True):
                mean = vectors[row] + vector
                vectors[row] = mean / max(float(np.linalg.norm(mean)), 1e-12)
        return vectors

    def lexical_text(self, text: str, field: Collection[str] = ()) -> str:
        """What the lexical stage analyses for ``text``: the text itself, or for a mainly
        English query its Chinese bridge chosen by this corpus's words, those of the
        ``field`` it names (IPC codes) first (``crosslingual``)."""
        return self._bridge(text, field).text

    def _bridge(self, text: str, field: Collection[str] = ()) -> Bridged:
        if not self.config.bridge_english:
            return Bridged(text=text, applied=False)
        if self._frequency is None:
            self._frequency = index_frequency(self.lexical)
        return bridge_query(text, self._frequency, self._field_frequency(field))

    def _field_frequency(self, ipc_codes: Collection[str]) -> DocumentFrequency | None:
        """How many of the documents sharing an IPC section with ``ipc_codes`` hold a term;
        None for no codes or too few such documents to say how the field writes."""
        key = section_bits(ipc_codes)
        if key and key not in self._in_field:
            if self.fields is None:
                self.fields = Fields.of(self.position, self.facts, len(self.ids))
            among = self.fields.among(ipc_codes)
            self._in_field[key] = None if among is None else crosslingual.field_frequency(self.lexical, among)
        return self._in_field.get(key)

    def _analysed(self, text: str, field: Collection[str] = (),
                  title: str = "") -> tuple[QueryTerms | None, QueryProblem | None]:
        """The query's lexical terms (none over the length limit), its ``title``'s words weighing
        as a document title's do, and why it cannot be ranked."""
        if len(text) > MAX_QUERY_CHARS:
            return None, query_problem(text, None)
        bridged = self._bridge(text, field)
        terms = QueryTerms.of(bridged.text, bridged.word_weight)
        if title.strip():
            weight = self.lexical.params.field_weights.get("title", 1.0)
            terms = terms.emphasised(self._bridge(title, field).text, weight)
        return terms, query_problem(text, terms)

    def word_coverage(self, text: str, doc_ids: Sequence[str], ignore: Collection[str] = ()) -> list[float] | None:
        """For each document: the share of the idf mass of ``text``'s words (``ignore`` left
        out; no character grams) that it contains, 0 for an unknown id. None when the text
        has no such word or cannot be ranked."""
        terms, problem = self._analysed(text)
        if terms is None or problem is not None:
            return None
        words = QueryTerms([word for word in terms.words if word not in ignore], [])
        if not words.words:
            return None
        known = [d for d in doc_ids if d in self.position]
        found = self.lexical.coverage_many(words, np.asarray([self.position[d] for d in known], dtype=np.intp))
        by_id = dict(zip(known, found.tolist(), strict=True))
        return [by_id.get(d, 0.0) for d in doc_ids]

    def search(
        self,
        text: str,
        k: int = 10,
        *,
        method: Method = "hybrid",
        query_vector: Vectors | None = None,
        facts: Facts | None = None,
        only: Collection[str] | None = None,
        exclude: Collection[str] = (),
        explain: bool = False,
        today: date | None = None,
        title: str = "",
    ) -> Matches:
        """The top ``k`` documents for ``text``.

        method: "lexical", "dense" or "hybrid" ("hybrid" falls back to "lexical" when the
        engine has no vectors). query_vector: the query's embedding when already known
        (e.g. stored with a demand), else it is computed here. facts: the query's
        structured facts; with them, the structured stage re-ranks the fused pool using
        the candidates' facts given at build time. only / exclude: document ids to keep
        or drop. explain: fill ``Match.reasons`` (matched terms, similarity, signals).
        A query that cannot be ranked gives no matches and ``Matches.problem``. title: the
        query's own title (a demand's, a listing's), whose words weigh more in the lexical stage.
        """
        if method not in METHODS:
            raise EngineError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
        if method == "dense" and self.vectors is None:
            raise EngineError("this engine has no vectors: dense ranking is unavailable")
        field = facts.ipc if facts is not None else ()
        terms, problem = self._analysed(text, field, title)
        if problem is not None or terms is None:
            return Matches(problem=problem)
        if k <= 0 or not self.position:
            return Matches()
        use_dense = method != "lexical" and self.vectors is not None
        use_lexical = method != "dense"
        mask = self._mask(only, exclude)
        vector: Vectors | None = None
        if use_dense:
            vector = query_vector if query_vector is not None else self.embed_query(text, field)
        pool, lexical, dense = self._candidates(terms if use_lexical else None, vector, mask, k)
        fused = self._fuse(lexical, dense)
        structured: list[tuple[float | None, list[Reason]]] = []
        if facts is not None and self.facts:
            structured = [
                structured_score(facts, self.facts.get(self.ids[i], Facts()), self.config.signals, today) for i in pool
            ]
            blend = self.config.signals.blend
            text_part = fusion.theoretical_minmax(fused, 0.0)
            fused = np.asarray(
                [
                    (1 - blend) * text + (blend * value if value is not None else 0.0)
                    for text, (value, _) in zip(text_part, structured, strict=True)
                ],
                dtype=np.float64,
            )
        order = np.lexsort((pool, -fused))[:k]
        matched = self.lexical.matched_terms_many(terms, pool[order]) if explain else []
        coverage = self.lexical.coverage_many(terms, pool[order])
        matches = Matches()
        for rank, position in enumerate(order):
            i = int(pool[position])
            reasons: list[Reason] = []
            if explain:
                if matched[rank]:
                    reasons.append(Reason(MATCHED_TERMS, {"terms": matched[rank]}))
                if dense is not None:
                    reasons.append(Reason(SEMANTIC, {"similarity": round(float(dense[position]), 3)}))
                if structured:
                    reasons += structured[position][1]
            matches.append(
                Match(
                    doc_id=self.ids[i],
                    score=float(fused[position]),
                    lexical=float(lexical[position]) if lexical is not None else None,
                    dense=float(dense[position]) if dense is not None else None,
                    structured=structured[position][0] if structured else None,
                    reasons=tuple(reasons),
                    coverage=float(coverage[rank]),
                    confidence=confidence(
                        float(coverage[rank]), float(dense[position]) if dense is not None else None
                    ),
                )
            )
        return matches

    def _mask(self, only: Collection[str] | None, exclude: Collection[str]) -> npt.NDArray[np.bool_] | None:
        if only is None and not exclude:
            return self.alive
        mask = np.ones(len(self.ids), dtype=bool) if self.alive is None else self.alive.copy()
        if only is not None:
            mask[:] = False
            mask[[self.position[d] for d in only if d in self.position]] = True
        for doc_id in exclude:
            if doc_id in self.position:
                mask[self.position[doc_id]] = False
        return mask

    def _candidates(
        self,
        terms: QueryTerms | None,
        vector: Vectors | None,
        mask: npt.NDArray[np.bool_] | None,
        k: int,
    ) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.float64] | None, npt.NDArray[np.float32] | None]:
        """The candidate pool (ascending document order) and each ranker's exact score there."""
        depth = max(k, self.config.depth) if terms is not None and vector is not None else k
        found: list[npt.NDArray[np.intp]] = []
        if terms is not None:
            # Only documents sharing a term are lexical candidates.
            best, _ = self.lexical.top(terms, depth, mask)
            found.append(best)
        if vector is not None:
            assert self.vectors is not None
            found.append(self.vectors.search(vector, depth, mask))
        pool = np.unique(np.concatenate(found)) if found else np.zeros(0, dtype=np.intp)
        lexical = self.lexical.score_docs(terms, pool) if terms is not None else None
        dense = self.vectors.score(vector, pool) if vector is not None and self.vectors is not None else None
        return pool, lexical, dense

    def _fuse(
        self, lexical: npt.NDArray[np.float64] | None, dense: npt.NDArray[np.float32] | None
    ) -> npt.NDArray[np.float64]:
        """Fused scores of the pool (one ranker alone: its own score)."""
        if dense is None:
            return np.asarray(lexical, dtype=np.float64)
        if lexical is None:
            return np.asarray(dense, dtype=np.float64)
        config = self.config
        weights = (config.lexical_weight, config.dense_weight)
        if config.fusion == "rrf":
            return fusion.rrf([lexical, dense], weights, config.rrf_k)
        # BM25 has a true zero (no shared term); cosines of e5 sit in a narrow band, so
        # the dense scores are spread over the pool (min → 0, max → 1).
        return fusion.convex([lexical, dense], weights, floors=(0.0, None))
