"""Query words that name one thing score as one: a document is not rewarded for holding a
concept in several of its forms (``lexical.word_groups``, ``postings.Alternatives``)."""

from __future__ import annotations

import numpy as np
import pytest

from ipx.matching.retrieval.documents import Document
from ipx.matching.retrieval.engine import EngineConfig, HybridEngine
from ipx.matching.retrieval.incremental import apply_changes
from ipx.matching.retrieval.lexical import LexicalIndex, QueryTerms, word_groups
from ipx.matching.retrieval.postings import Alternatives, BM25Params

WORDS_ONLY = BM25Params(gram_weight=0.0)
DOCS = [
    Document(id="one-concept", title="聚乙烯", abstract="聚乙烯由乙烯聚合制得，乙烯聚合。"),
    Document(id="two-concepts", title="包装袋", abstract="聚乙烯薄膜袋。"),
    Document(id="ethylene", title="乙烯", abstract="乙烯的精制方法。"),
    Document(id="film", title="薄膜", abstract="一种光学薄膜。"),
    Document(id="capacitor", title="薄膜电容", abstract="薄膜电容器。"),
    Document(id="other", title="水泵", abstract="一种离心水泵。"),
]
QUERY = "聚乙烯 乙烯 薄膜"


def test_a_compound_and_the_words_inside_it_are_one_group() -> None:
    assert word_groups(["锂电", "电池", "锂电池", "隔膜", "方法"]) == [["锂电", "电池", "锂电池"], ["隔膜"], ["方法"]]
    assert word_groups(["烯", "乙烯", "聚乙烯"]) == [["烯", "乙烯", "聚乙烯"]]


def test_a_word_inside_two_compounds_joins_neither() -> None:
    # 材料 would make nano-materials and building materials one thing
    assert word_groups(["纳米材料", "材料", "建筑材料"]) == [["纳米材料"], ["材料"], ["建筑材料"]]
    assert word_groups(["丝杆", "导轨", "螺杆", "杆"]) == [["丝杆"], ["导轨"], ["螺杆"], ["杆"]]


def test_latin_words_and_numbers_stay_apart() -> None:
    assert word_groups(["cell", "cellulos", "电池"]) == [["cell"], ["cellulos"], ["电池"]]
    assert word_groups(["5g", "5", "g"]) == [["5g"], ["5"], ["g"]]
    assert word_groups([]) == []


def test_a_group_scores_its_best_member_in_each_document() -> None:
    index = LexicalIndex.build(DOCS, WORDS_ONLY)
    docs = np.arange(len(DOCS), dtype=np.intp)
    grouped = index.score_docs("聚乙烯 乙烯", docs)
    assert np.allclose(grouped, np.maximum(index.score_docs("聚乙烯", docs), index.score_docs("乙烯", docs)))
    assert grouped[-1] == 0.0
    # the whole list and the few documents asked for agree
    assert np.allclose(index.scores(QUERY), index.score_docs(QUERY, docs))


def test_two_concepts_outrank_one_concept_in_many_forms() -> None:
    index = LexicalIndex.build(DOCS, WORDS_ONLY)
    docs = np.arange(len(DOCS), dtype=np.intp)
    summed = sum(index.score_docs(word, docs) for word in ("聚乙烯", "乙烯", "薄膜"))
    assert DOCS[int(np.argmax(summed))].id == "one-concept"  # what the sum ranked first
    found, _ = index.top(QUERY, 3)
    assert DOCS[int(found[0])].id == "two-concepts"
    assert sum(isinstance(p, Alternatives) for p in index.query_postings(QUERY)) == 1


def test_a_group_keeps_the_weights_of_its_members() -> None:
    index = LexicalIndex.build(DOCS, WORDS_ONLY)
    docs = np.arange(len(DOCS), dtype=np.intp)
    halved = QueryTerms.of("聚乙烯 乙烯", lambda word: 0.5)
    assert np.allclose(index.score_docs(halved, docs), 0.5 * index.score_docs("聚乙烯 乙烯", docs))


def test_groups_score_alike_in_an_engine_with_changes() -> None:
    engine = HybridEngine.build(DOCS[:4], config=EngineConfig(bm25=WORDS_ONLY))
    new = Document(id="new", title="乙烯聚合", abstract="聚乙烯的制备。")
    changed = apply_changes(engine, [new, *DOCS[4:]], [])
    everyone = np.arange(len(changed), dtype=np.intp)
    for query in ("聚乙烯 乙烯", QUERY + " 水泵"):
        assert np.allclose(changed.lexical.scores(query), changed.lexical.score_docs(query, everyone))
    at = np.asarray([changed.position["new"]], dtype=np.intp)
    each = [changed.lexical.score_docs(word, at)[0] for word in ("聚乙烯", "乙烯")]
    assert min(each) > 0
    assert changed.lexical.scores("聚乙烯 乙烯")[at[0]] == pytest.approx(max(each), rel=1e-6)
