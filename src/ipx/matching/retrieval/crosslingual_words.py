"""English words as the English → Chinese bridge reads them: what a word is, which words
carry no meaning, and the forms an inflected word may come from."""

from __future__ import annotations

import re

from ipx.search.normalise import ENGLISH_STOPWORDS

# Latin words: ASCII letters and digits, apostrophes inside (hyphens split words).
LATIN_WORD_RE = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")

# Query words that carry no technical meaning, beyond search's stop words: pronouns and
# modal verbs of a demand's sentences ("we would license ...").
QUERY_STOPWORDS = ENGLISH_STOPWORDS | frozenset([
    "we", "our", "us", "you", "your", "they", "them", "he", "she", "i", "my", "me", "would", "should", "could",
    "can", "may", "might", "will", "shall", "do", "does", "did", "been", "being", "not", "these", "those",
    "such", "than", "then", "also", "very", "any", "all", "some", "each", "other", "etc", "e", "g", "ie", "eg",
])


_DERIVATIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ization", ("ize",)),
    ("isation", ("ise", "ize")),
    ("ation", ("ate", "e", "", "ize")),
    ("sion", ("de", "d")),
    ("ion", ("", "e")),
    ("ment", ("",)),
    ("al", ("e", "")),
    ("ance", ("", "e")),
    ("ence", ("", "e")),
    ("ive", ("", "e")),
    ("ant", ("", "e")),
    ("able", ("", "e")),
    ("ness", ("",)),
    ("ity", ("", "e")),
)


def deinflections(word: str) -> list[str]:
    """Forms the word may be an inflection of, most likely first (a light English lemmatiser)."""
    forms: list[str] = []
    if word.endswith("ies") and len(word) > 4:
        forms.append(word[:-3] + "y")
    if word.endswith(("sses", "shes", "ches", "xes", "zes")):
        forms.append(word[:-2])
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        forms.append(word[:-1])
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            stem = word[: -len(suffix)]
            forms += [stem, stem + "e"]
            if len(stem) > 2 and stem[-1] == stem[-2]:
                forms.append(stem[:-1])  # running → run, welded stays weld
            if suffix == "ed" and stem.endswith("i"):
                forms.append(stem[:-1] + "y")  # purified → purify
    # Derived nouns and adjectives → the verb: Chinese uses one word for both (氧化 is
    # to oxidise and oxidation, 分离 to separate and separation, 导电 to conduct and conductive).
    for suffix, replacements in _DERIVATIONS:
        if word.endswith(suffix) and len(word) > len(suffix) + 3:
            forms += [word[: -len(suffix)] + r for r in replacements]
    return forms
