"""The English → Chinese lexical bridge: phrase translation checked against a corpus,
Chinese left alone, bad input, bounds, and the dictionary's derived file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ipx.matching.retrieval import crosslingual
from ipx.matching.retrieval.crosslingual import Bridged, bridge_query, index_frequency
from ipx.matching.retrieval.crosslingual_dictionary import Dictionary, Sense, dictionary
from ipx.matching.retrieval.documents import Document
from ipx.matching.retrieval.engine import EngineConfig, HybridEngine
from ipx.matching.retrieval.lexical import LexicalIndex, QueryTerms
from ipx.matching.retrieval.postings import BM25Params
from ipx.matching.retrieval.signals import Facts
from ipx.matching.tests.test_retrieval import BigramEmbedder

CORPUS = [
    Document(id="hospital", title="一种医院废水氨氮去除装置",
             abstract="医院污水经生化处理后，氨氮和总氮达标排放，能耗低。"),
    Document(id="sewage", title="一种生活污水处理方法", abstract="污水经厌氧、好氧处理，去除氨氮。"),
    Document(id="battery", title="一种锂电池热管理系统",
             abstract="电池包内设冷却板，锂电池充放电时温度均匀，防止热失控。"),
    Document(id="separator", title="一种锂电池隔膜及其涂层方法", abstract="隔膜表面涂覆陶瓷涂层，提高耐热性。"),
    Document(id="vision", title="基于机器视觉的表面缺陷检测方法", abstract="相机采集端子图像，检测外观缺陷。"),
]


@pytest.fixture(scope="module")
def frequency() -> crosslingual.DocumentFrequency:
    return index_frequency(LexicalIndex.build(CORPUS))


def chinese_terms(bridged: Bridged) -> set[str]:
    return {term.term for term in bridged.terms}


def test_technical_phrases_become_the_corpus_terms(frequency: crosslingual.DocumentFrequency) -> None:
    bridged = bridge_query("Removing ammonia nitrogen from hospital wastewater", frequency)
    assert bridged.applied
    terms = chinese_terms(bridged)
    assert {"氨氮", "医院"} <= terms
    assert terms & {"废水", "污水"}
    assert "lithium" not in bridged.text
    # Every term says which English it came from.
    sources = {term.term: term.source for term in bridged.terms}
    assert sources["氨氮"] == "ammonia nitrogen"
    assert sources["医院"] == "hospital"


def test_plurals_inflections_and_hyphens_are_undone(frequency: crosslingual.DocumentFrequency) -> None:
    assert "锂电池" in chinese_terms(bridge_query("lithium batteries", frequency))
    assert "锂电池" in chinese_terms(bridge_query("Lithium-Battery", frequency))
    assert "去除" in chinese_terms(bridge_query("removing", frequency))
    assert "检测" in chinese_terms(bridge_query("detection of defects", frequency))


def test_candidates_absent_from_the_corpus_are_dropped(frequency: crosslingual.DocumentFrequency) -> None:
    known = dictionary()
    translations = {sense.headword for sense in known.lookup("battery")}
    assert {"电池", "蓄电池"} <= translations  # the dictionary offers both
    bridged = bridge_query("battery", frequency)
    assert chinese_terms(bridged) == {"电池"}  # the corpus only holds one
    bridged = bridge_query("thermal management of battery packs", frequency)
    assert bridged.terms
    assert all(frequency(term.term) > 0 for term in bridged.terms)


def test_a_phrase_with_synonyms_weighs_as_much_as_one_without(frequency: crosslingual.DocumentFrequency) -> None:
    bridged = bridge_query("wastewater hospital", frequency)
    weights: dict[str, float] = {}
    for term in bridged.terms:
        weights[term.source] = weights.get(term.source, 0.0) + term.weight
    assert weights == pytest.approx({"wastewater": 1.0, "hospital": 1.0})


def test_each_translation_scores_with_its_phrases_share(frequency: crosslingual.DocumentFrequency) -> None:
    bridged = bridge_query("hospital sewage", frequency)
    shares = {term.term: term.weight for term in bridged.terms}
    assert shares == pytest.approx({"医院": 1.0, "污水": 0.5, "废水": 0.5})  # sewage: two translations
    for term, weight in shares.items():
        assert bridged.word_weight(term) == pytest.approx(weight)
    assert bridged.word_weight("tesla") == 1.0  # nothing bridged holds it
    mixed = bridge_query("污水 sewage treatment", frequency)
    assert mixed.word_weight("污水") == 1.0  # the query's own Chinese
    assert bridge_query("医院废水", frequency).word_weight("废水") == 1.0  # not bridged at all


def test_a_weighted_word_adds_its_share_of_the_score() -> None:
    index = LexicalIndex.build(CORPUS, BM25Params(gram_weight=0.0))
    docs = np.arange(len(CORPUS), dtype=np.intp)
    whole = index.score_docs(QueryTerms.of("废水 医院"), docs)
    halved = index.score_docs(QueryTerms.of("废水 医院", lambda word: 0.5 if word == "废水" else 1.0), docs)
    alone = index.score_docs(QueryTerms.of("废水"), docs)
    assert np.allclose(whole - halved, alone / 2)
    # The engine reads a bridged query with those weights.
    engine = HybridEngine.build(CORPUS)
    terms, _problem = engine._analysed("hospital sewage")
    assert terms is not None and terms.word_weights == pytest.approx({"污水": 0.5, "废水": 0.5})


def test_without_frequencies_the_main_translations_are_kept() -> None:
    bridged = bridge_query("lithium battery")
    assert "锂电池" in chinese_terms(bridged)
    assert len(bridged.terms) <= crosslingual.MAX_CANDIDATES


def test_chinese_queries_are_untouched(frequency: crosslingual.DocumentFrequency) -> None:
    for text in ("锂电池 负极材料 硅碳", "锂电池隔膜 PVDF 涂层", "醫院廢水"):
        bridged = bridge_query(text, frequency)
        assert bridged == Bridged(text=text, applied=False)


def test_a_mixed_query_keeps_its_chinese_and_bridges_its_english(frequency: crosslingual.DocumentFrequency) -> None:
    bridged = bridge_query("锂电池 cooling coating", frequency)
    assert bridged.applied
    assert bridged.text.startswith("锂电池 ")
    assert {"冷却", "涂层"} <= chinese_terms(bridged)


def test_accents_and_full_width_letters_are_folded(frequency: crosslingual.DocumentFrequency) -> None:
    assert "医院" in chinese_terms(bridge_query("ｈｏｓｐｉｔａｌ wastewater", frequency))
    assert bridge_query("épuration hôpital", frequency).untranslated == ("epuration", "hopital")


def test_untranslated_words_are_kept_for_names_and_abbreviations(frequency: crosslingual.DocumentFrequency) -> None:
    bridged = bridge_query("Sorona wastewater", frequency)
    assert bridged.untranslated == ("sorona",)
    assert "sorona" in bridged.text.split()


@pytest.mark.parametrize("text", ["", "   ", "the of and with", "😀🔥🎉", "Очистка сточных вод", "123 456", "---"])
def test_nothing_to_bridge_gives_an_empty_bridge(text: str, frequency: crosslingual.DocumentFrequency) -> None:
    bridged = bridge_query(text, frequency)
    assert bridged.terms == ()
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in bridged.text)


def test_a_huge_query_is_bounded(frequency: crosslingual.DocumentFrequency) -> None:
    text = "hospital " * crosslingual.MAX_QUERY_WORDS + "lithium battery " * 1200
    assert len(text) > 20_000
    bridged = bridge_query(text, frequency)
    # Only the first MAX_QUERY_WORDS words are read: the battery comes after them.
    assert chinese_terms(bridged) == {"医院"}
    assert len(bridged.text) < 100


def test_the_engine_bridges_an_english_query_to_the_chinese_documents() -> None:
    english = "Removing ammonia nitrogen from hospital wastewater"
    unbridged = HybridEngine.build(CORPUS, config=EngineConfig(bridge_english=False))
    assert unbridged.search(english, 3, method="lexical") == []
    engine = HybridEngine.build(CORPUS)
    top = engine.search(english, 3, method="lexical", explain=True)
    assert top[0].doc_id == "hospital"
    assert "氨氮" in top[0].matched_terms and top[0].coverage > 0
    assert engine.search("Machine vision inspection of surface defects", 3, method="lexical")[0].doc_id == "vision"
    # A Chinese query is analysed as written.
    assert engine.lexical_text("医院废水 氨氮") == "医院废水 氨氮"


def test_an_english_querys_vector_is_the_mean_of_its_own_and_its_bridges() -> None:
    english = "Removing ammonia nitrogen from hospital wastewater"
    model = BigramEmbedder()  # character bigrams: English shares none with the Chinese documents
    engine = HybridEngine.build(CORPUS, embedder=model)
    mean = model.embed_queries([english])[0] + model.embed_queries([engine.lexical_text(english)])[0]
    assert np.allclose(engine.embed_query(english), mean / np.linalg.norm(mean), atol=1e-6)
    assert engine.search(english, 1, method="dense")[0].doc_id == "hospital"
    # A Chinese query, or any query with the bridge off, is embedded as written alone.
    assert np.allclose(engine.embed_query("医院废水 氨氮"), model.embed_queries(["医院废水 氨氮"])[0])
    unbridged = HybridEngine.build(CORPUS, embedder=model, config=EngineConfig(bridge_english=False))
    assert np.allclose(unbridged.embed_query(english), model.embed_queries([english])[0])


# "Cell" is 细胞 in biology and 电池 in electricity: the corpus as a whole writes 细胞 more.
FIELDS = (
    [Document(id=f"bio{n}", title=f"一种细胞培养方法{n}", abstract="细胞在培养液中增殖。") for n in range(6)]
    + [Document(id=f"power{n}", title=f"一种电池{n}", abstract="电池在充电时温度均匀。") for n in range(3)]
    + [Document(id="unclassed", title="一种电池外壳", abstract="外壳。")]
)
FIELD_FACTS = {**{f"bio{n}": Facts(ipc=("C12N 5/07",)) for n in range(6)},
               **{f"power{n}": Facts(ipc=("H01M10/052",)) for n in range(3)}}


def test_the_field_a_query_names_chooses_among_its_senses(monkeypatch: pytest.MonkeyPatch) -> None:
    index = LexicalIndex.build(FIELDS)
    frequency = index_frequency(index)
    power = np.zeros(len(FIELDS), dtype=bool)
    power[6:9] = True
    in_power = index_frequency(index, power)
    assert (frequency("细胞"), frequency("电池"), in_power("细胞"), in_power("电池")) == (6, 4, 0, 3)
    assert chinese_terms(bridge_query("cell", frequency)) == {"细胞", "电池"}  # the corpus's counts alone
    assert chinese_terms(bridge_query("cell", frequency, in_power)) == {"电池"}
    # A phrase none of whose senses the field holds is translated by the whole corpus.
    nothing = np.zeros(len(FIELDS), dtype=bool)
    assert chinese_terms(bridge_query("cell", frequency, index_frequency(index, nothing))) == {"细胞", "电池"}
    # Too few documents of the field say nothing of how it writes.
    assert crosslingual.field_frequency(index, power) is None
    monkeypatch.setattr(crosslingual, "MIN_FIELD_DOCUMENTS", 3)
    assert crosslingual.field_frequency(index, power) is not None


def test_the_engine_bridges_with_the_field_of_the_querys_facts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crosslingual, "MIN_FIELD_DOCUMENTS", 3)
    engine = HybridEngine.build(FIELDS, facts=FIELD_FACTS)
    assert set(engine.lexical_text("cell").split()) == {"细胞", "电池"}
    assert engine.lexical_text("cell", field=("H01M",)) == "电池"  # section H, as the documents' codes
    assert set(engine.lexical_text("cell", field=("F16K",)).split()) == {"细胞", "电池"}  # no document of F
    assert engine.lexical_text("细胞 cell culture", field=("H01M",)).startswith("细胞")  # its own Chinese stays
    top = engine.search("cell temperature", 4, method="lexical", facts=Facts(ipc=("H01M",)))
    assert {match.doc_id for match in top[:3]} <= {"power0", "power1", "power2", "unclassed"}
    model = BigramEmbedder()
    dense = HybridEngine.build(FIELDS, embedder=model, facts=FIELD_FACTS)
    mean = model.embed_queries(["cell"])[0] + model.embed_queries(["电池"])[0]
    assert np.allclose(dense.embed_query("cell", field=("H01M",)), mean / np.linalg.norm(mean), atol=1e-6)


def test_the_derived_file_round_trips_and_a_damaged_one_is_refused(tmp_path: Path) -> None:
    table = Dictionary.of({"waste water": [Sense("废水", 0)], "battery": [Sense("电池", 0), Sense("蓄电池", 1)]})
    path = tmp_path / "table.tsv"
    table.write(path)
    read = Dictionary.read(path)
    assert read is not None
    assert read.lookup("battery") == [Sense("电池", 0), Sense("蓄电池", 1)]
    assert read.lookup("waste water") == [Sense("废水", 0)]
    assert len(read) == 2
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")  # cut short
    assert Dictionary.read(path) is None
    path.write_bytes(b"\xff\xfe")
    assert Dictionary.read(path) is None
    assert Dictionary.read(tmp_path / "missing.tsv") is None


def test_the_dictionary_reads_cc_cedict_senses() -> None:
    known = dictionary()
    assert "锂电池" in {s.headword for s in known.lookup("lithium battery")}
    assert "废水" in {s.headword for s in known.lookup("waste water")}
    # Proper names (capitalised pinyin) are not translations of common words.
    assert all(s.headword != "中国" for s in known.lookup("china"))
