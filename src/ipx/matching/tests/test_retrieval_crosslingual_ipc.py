"""Technical words the bridge learns from the IPC's English and Chinese titles."""

from __future__ import annotations

from pathlib import Path

import pytest

from ipx.matching.retrieval import crosslingual
from ipx.matching.retrieval.crosslingual import bridge_query, index_frequency
from ipx.matching.retrieval.crosslingual_dictionary import dictionary
from ipx.matching.retrieval.crosslingual_ipc import _chinese_code, ipc_translations
from ipx.matching.retrieval.documents import Document
from ipx.matching.retrieval.lexical import LexicalIndex


@pytest.mark.parametrize(("english", "chinese"), [
    ("C", "C"), ("C09", "C09"), ("C09B", "C09B"), ("C09B0047000000", "C09B47/00"),
    ("C09B0047040000", "C09B47/04"), ("A01B0001022000", "A01B1/022"), ("H01M0010052500", "H01M10/0525"),
    ("  –", None), ("C09B47", None), ("", None),
])
def test_codes_are_read_the_way_the_chinese_table_writes_them(english: str, chinese: str | None) -> None:
    assert _chinese_code(english) == chinese


def _titles(tmp_path: Path, rows: list[tuple[str, str, str]]) -> tuple[Path, Path]:
    english = tmp_path / "all_ipc.csv"
    chinese = tmp_path / "ipc_zh.tsv"
    english.write_text("".join(f"{code}\t{en}\n" for code, en, _zh in rows), encoding="utf-8")
    chinese.write_text("code\tlevel\ttitle_zh\n" + "".join(
        f"{code[:4]}{int(code[4:8])}/{code[8:].rstrip('0').ljust(2, '0')}\tsubgroup\t{zh}\n" for code, _en, zh in rows
    ), encoding="utf-8")
    return english, chinese


def test_words_sharing_titles_translate_each_other(tmp_path: Path) -> None:
    english, chinese = _titles(tmp_path, [
        ("C09B0047040000", "Phthalocyanines; Dyes (by oxidation C09B0001000000)", "酞菁；染料（氧化入C09B1/00）"),
        ("C09B0047080000", "Preparation from other phthalocyanine compounds", "由其他酞菁化合物制备"),
        ("C09B0047100000", "Metal phthalocyanines", "金属酞菁"),
        ("C09B0049000000", "Sulfur dyes", "硫化染料"),
        ("C09B0051000000", "Nitro dyes", "硝基染料"),
        ("H01F0001340000", "Ferrites", "铁氧体"),
    ])
    found = ipc_translations(english, chinese)
    assert found["phthalocyanine"][0] == "酞菁"  # counted with the plural it de-inflects from
    assert found["dyes"] == ["染料"]
    assert "ferrites" not in found  # one shared title is not evidence enough
    assert all("氧化" not in words for words in found.values())  # a parenthesised reference is left out


def test_the_ipc_teaches_the_bridge_words_cc_cedict_lacks() -> None:
    found = ipc_translations()
    assert found["phthalocyanine"] == ["酞菁"]
    assert found["ferrite"] == ["铁氧体"]
    assert "热塑性" in found["thermoplastic"]
    known = dictionary()
    assert "酞菁" in {sense.headword for sense in known.lookup("phthalocyanine")}
    assert "催化剂" in {sense.headword for sense in known.lookup("catalyst")}  # CC-CEDICT's sense kept


def test_an_english_query_finds_a_patent_by_a_word_only_the_ipc_translates() -> None:
    corpus = [
        Document(id="pigment", title="一种酞菁颜料的制备方法", abstract="以铜酞菁为原料，得到蓝色颜料。"),
        Document(id="magnet", title="一种铁氧体磁芯", abstract="锰锌铁氧体，低损耗。"),
        Document(id="coating", title="一种防腐涂料", abstract="环氧树脂涂料。"),
    ]
    frequency: crosslingual.DocumentFrequency = index_frequency(LexicalIndex.build(corpus))
    assert "酞菁" in {term.term for term in bridge_query("copper phthalocyanine pigment", frequency).terms}
    assert "铁氧体" in {term.term for term in bridge_query("low-loss ferrite cores", frequency).terms}
