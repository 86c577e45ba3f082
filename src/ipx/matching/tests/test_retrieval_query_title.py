"""A query's own title (a demand's, a listing's) states what is sought: its words weigh in the
lexical stage as a document title's words do, the description's words once."""

from __future__ import annotations

from ipx.matching.retrieval.documents import Document
from ipx.matching.retrieval.engine import HybridEngine
from ipx.matching.retrieval.lexical import QueryTerms

DOCS = [
    Document(id="cooling", title="一种电池冷却装置", abstract="电池包内设有冷却板，降低电池温度。"),
    Document(id="charger", title="机器人充电监控系统",
             abstract="监控机器人充电过程，充电时监控充电电流，监控系统报警。"),
    Document(id="pump", title="一种离心水泵", abstract="水泵叶轮采用不锈钢，降低噪声。"),
]
DEMAND = "电池冷却\n我们在充电时需要监控，监控充电过程和温度"


def test_the_titles_words_weigh_the_factor_more_once_each() -> None:
    terms = QueryTerms(["电池", "冷却", "电池", "充电"], ["电池"], {"冷却": 0.5})
    emphasised = terms.emphasised("电池冷却 水泵", 2.0)
    # Each word of the title the query holds, once however often it occurs; a translated
    # word keeps its share and is weighted on top; title words the query lacks add nothing.
    assert emphasised.word_weights == {"电池": 2.0, "冷却": 1.0}
    assert (emphasised.words, emphasised.grams) == (terms.words, terms.grams)
    assert terms.word_weights == {"冷却": 0.5}


def test_a_demand_whose_description_leans_elsewhere_finds_what_its_title_asks() -> None:
    engine = HybridEngine.build(DOCS)
    # The description's charging and monitoring, said twice, outweigh the title's battery
    # cooling when the title is one line among others.
    assert [m.doc_id for m in engine.search(DEMAND, 2, method="lexical")] == ["charger", "cooling"]
    found = engine.search(DEMAND, 2, method="lexical", title="电池冷却")
    assert [m.doc_id for m in found] == ["cooling", "charger"]
    # The weight is the documents' own title weight (BM25F), not a separate knob.
    assert engine.lexical.params.field_weights["title"] == 2.0


def test_an_english_title_weighs_through_its_bridge() -> None:
    engine = HybridEngine.build(DOCS)
    text = "Battery cooling\nWe monitor charging and temperature while charging"
    plain = {m.doc_id: m.lexical or 0.0 for m in engine.search(text, 3, method="lexical")}
    titled = {m.doc_id: m.lexical or 0.0 for m in engine.search(text, 3, method="lexical", title="Battery cooling")}
    assert titled["cooling"] > plain["cooling"] and titled["charger"] == plain["charger"]


def test_a_title_of_nothing_changes_nothing() -> None:
    engine = HybridEngine.build(DOCS)
    plain = [(m.doc_id, m.score) for m in engine.search(DEMAND, 3, method="lexical")]
    assert [(m.doc_id, m.score) for m in engine.search(DEMAND, 3, method="lexical", title=" ")] == plain
