"""Which language a demand is written in: Simplified or Traditional Chinese, or English.

Character counts are enough for the three languages the exchange works in: Chinese
ideographs against Latin words decide Chinese or English, and OpenCC decides the script (a
character that Traditional→Simplified conversion changes is Traditional; one that the
reverse changes is Simplified). Text mostly in another script (Cyrillic, Arabic, kana,
Hangul, ...) is not supported: search and matching could not read it.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from dataclasses import dataclass

import opencc

SIMPLIFIED, TRADITIONAL, ENGLISH = "zh-hans", "zh-hant", "en"

_CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef]")
_LATIN_WORD_RE = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff\uff21-\uff3a\uff41-\uff5a]+")
# A few words in another script (a Russian trade name, a Japanese term) are fine; a text
# mostly in one is not.
MAX_OTHER_SHARE = 0.3

_local = threading.local()


def _converters() -> tuple[opencc.OpenCC, opencc.OpenCC]:
    # One pair per thread: the binding keeps state per object.
    pair = getattr(_local, "pair", None)
    if pair is None:
        pair = _local.pair = (opencc.OpenCC("t2s"), opencc.OpenCC("s2t"))
    return pair


@dataclass(frozen=True, slots=True)
class Detected:
    language: str | None  # None: not a language the exchange supports
    has_words: bool


def _is_latin(ch: str) -> bool:
    return ch.isascii() or "\u00c0" <= ch <= "\u024f" or "\u1e00" <= ch <= "\u1eff" or "\uff21" <= ch <= "\uff5a"


def chinese_script(text: str) -> str:
    """zh-hant when Traditional-only characters outnumber Simplified-only ones, else zh-hans."""
    counts = Counter(_CJK_RE.findall(text))
    to_simplified, to_traditional = _converters()
    traditional = simplified = 0
    for ch, n in counts.items():
        if to_simplified.convert(ch) != ch:
            traditional += n
        if to_traditional.convert(ch) != ch:
            simplified += n
    # Some characters (台, 后, 里) are both a Simplified form and a Traditional character in
    # their own right; a tie therefore goes to Traditional once any Traditional-only one is seen.
    return TRADITIONAL if traditional and traditional >= simplified else SIMPLIFIED


def detect_language(text: str) -> Detected:
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return Detected(None, has_words=False)
    cjk = sum(1 for ch in letters if _CJK_RE.match(ch))
    latin = sum(1 for ch in letters if _is_latin(ch))
    other = len(letters) - cjk - latin
    if other > MAX_OTHER_SHARE * len(letters):
        return Detected(None, has_words=True)
    # A Chinese character carries about as much as a Latin word: compare those.
    latin_words = len(_LATIN_WORD_RE.findall(text))
    if cjk and cjk >= latin_words:
        return Detected(chinese_script(text), has_words=True)
    return Detected(ENGLISH, has_words=True)
