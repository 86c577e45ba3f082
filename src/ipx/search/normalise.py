"""Text → tokens, the same for documents and queries and for every engine.

1. Unicode NFKC on compatibility characters (full-width Ａ１ → A1, ² → 2, ① → 1) and lower case;
2. Traditional → Simplified Chinese with OpenCC (``t2s``), so 繁體 and 简体 meet;
3. Chinese runs segmented with jieba (rjieba, the Rust port): search mode for documents
   (long words and the shorter words inside them), precise mode for queries;
4. other words split on non-word characters and stemmed with Snowball (English).

Each query word becomes a group of alternatives (the word and the shorter words inside it);
a document must match every group. That keeps 锂电池 matching a document segmented as
磷酸铁/锂/电池 while ranking exact matches first.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache

import opencc
import rjieba
import Stemmer

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef"
_RUN_RE = re.compile(rf"([{_CJK}]+)|([^\W_{_CJK}]+)")
# Runs of Chinese characters (matching's analysis reads Chinese text with the same runs).
CJK_RUN_RE = re.compile(rf"[{_CJK}]+")
_OTHER_WORD_RE = re.compile(rf"[^\W_{_CJK}]+")
# Characters NFKC changes in ways that matter for matching (full-width letters and digits,
# super- and subscripts, circled numbers, unit squares). NFKC over a whole text costs more
# than segmenting it, and full-width punctuation, its main other change, is dropped anyway.
_COMPATIBILITY_RE = re.compile(
    "[\u00b2\u00b3\u00b9\u00bc-\u00be\u2070-\u209f\u2150-\u218f\u2460-\u24ff\u3251-\u325f"
    "\u32b1-\u32bf\u3300-\u33ff\ufb00-\ufb06\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]+"
)

# Function words that carry no meaning for search; dropped from documents and queries.
CHINESE_STOPWORDS = frozenset([
    "的", "了", "和", "与", "及", "或", "在", "是", "其", "该", "等", "并", "对", "于", "以", "为", "由", "中", "上",
    "所述", "一种", "一个", "本发明", "本实用新型",
])
ENGLISH_STOPWORDS = frozenset([
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in", "into", "is", "it", "its",
    "of", "on", "or", "that", "the", "their", "this", "to", "was", "were", "which", "with",
])

_local = threading.local()


def _converter() -> opencc.OpenCC:
    # One converter per thread: the binding keeps state per object.
    converter = getattr(_local, "opencc", None)
    if converter is None:
        converter = _local.opencc = opencc.OpenCC("t2s")
    return converter


def _stemmer() -> Stemmer.Stemmer:
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = Stemmer.Stemmer("english")
    return stemmer


def _nfkc(match: re.Match[str]) -> str:
    return unicodedata.normalize("NFKC", match.group())


def simplify(text: str) -> str:
    """Compatibility forms folded, Traditional → Simplified, lower case."""
    converted: str = _converter().convert(_COMPATIBILITY_RE.sub(_nfkc, text))
    return converted.lower()


def _latin(word: str) -> str | None:
    if word in ENGLISH_STOPWORDS:
        return None
    if word.isdigit() or not word.isascii():
        return word
    return str(_stemmer().stemWord(word))


def index_tokens(text: str) -> list[str]:
    """Tokens of a document (repeats kept: term frequency matters). Chinese runs go to the
    segmenter in one call, joined by line breaks it never joins across."""
    if not text:
        return []
    simple = simplify(text)
    cjk = "\n".join(CJK_RUN_RE.findall(simple))
    out = [t for t in rjieba.cut_for_search(cjk) if t != "\n" and t not in CHINESE_STOPWORDS] if cjk else []
    for word in _OTHER_WORD_RE.findall(simple):
        token = _latin(word)
        if token:
            out.append(token)
    return out


@lru_cache(maxsize=2048)
def _word_alternatives(word: str) -> tuple[str, ...]:
    """The word and the shorter dictionary words inside it (锂电池 → 锂电池, 电池)."""
    parts = [t for t in rjieba.cut_for_search(word) if t not in CHINESE_STOPWORDS]
    ordered = [word] + [t for t in parts if t != word]
    return tuple(dict.fromkeys(ordered))


def query_groups(text: str) -> list[list[str]]:
    """Groups of alternative tokens; a match needs one token of every group."""
    groups: list[list[str]] = []
    seen: set[tuple[str, ...]] = set()
    for cjk, other in _RUN_RE.findall(simplify(text or "")):
        if cjk:
            for word in rjieba.cut(cjk):
                if word in CHINESE_STOPWORDS:
                    continue
                alternatives = _word_alternatives(word)
                if alternatives and alternatives not in seen:
                    seen.add(alternatives)
                    groups.append(list(alternatives))
        else:
            token = _latin(other)
            if token and (token,) not in seen:
                seen.add((token,))
                groups.append([token])
    return groups


def query_tokens(text: str) -> list[str]:
    return [token for group in query_groups(text) for token in group]
