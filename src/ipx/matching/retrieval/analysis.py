"""Text → the two lexical features the engine scores.

* words: the tokens of ``ipx.search.normalise.index_tokens`` (the same as search:
  Traditional → Simplified, jieba search mode, stemmed English, stop words dropped);
* grams: the characters and overlapping character bigrams of every Chinese run — the
  classic robust indexing of Chinese text (unigrams + bigrams). A new compound the
  segmenter does not know (硅氧 inside 预锂化硅氧负极, cut as 化硅/氧) still shares its
  bigrams with the documents that contain it, and a one-character query word (滤, 锰)
  still meets the longer words it appears in (过滤, 锰钢).

Documents and queries go through the same analysis, so both sides always meet.
"""

from __future__ import annotations

import threading

import opencc

from ipx.search.normalise import CHINESE_STOPWORDS, CJK_RUN_RE, index_tokens, simplify


def word_tokens(text: str) -> list[str]:
    return index_tokens(text)


def gram_tokens(text: str) -> list[str]:
    """Characters and overlapping character bigrams of the Chinese runs (Simplified),
    repeats kept; one-character function words (的, 和, ...) are left out."""
    if not text:
        return []
    out: list[str] = []
    for run in CJK_RUN_RE.findall(simplify(text)):
        out.extend(ch for ch in run if ch not in CHINESE_STOPWORDS)
        out.extend(run[i : i + 2] for i in range(len(run) - 1))
    return out


_local = threading.local()


def dense_text(text: str) -> str:
    """What the embedding model reads: the text in Simplified script (case and punctuation
    kept, which the model understands). The model knows Traditional too, but meeting the
    documents in one script makes a Traditional query score exactly like a Simplified one."""
    converter = getattr(_local, "opencc", None)
    if converter is None:
        converter = _local.opencc = opencc.OpenCC("t2s")
    return str(converter.convert(text))
