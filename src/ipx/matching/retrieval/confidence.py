"""An absolute confidence per match: how likely the document is what the query asks for.

A match's ``score`` is relative to the query's best candidate, so an unrelated demand still
gets "good" scores for its nearest listings. The confidence is comparable across queries:

    confidence = 1 / (1 + exp(−(a + b · coverage + c · cosine)))

* coverage: the share of the query's idf mass (distinct words and character grams) the
  document contains (``LexicalIndex.coverage_many``), in [0, 1];
* cosine: the dense similarity of the query and the document's best passage (e5 cosines
  sit in a narrow band, so the coefficient is large).

The coefficients are a logistic regression fitted once by bench/retrieval_confidence.py on
dev (the first 120 queries, with all 696 for the coverage-only fit: each query's relevant
documents against three documents drawn at random and its highest-ranked non-relevant
one, the two kinds weighted equally), and checked on the other slices; without vectors
(a lexical-only engine) the coverage-only fit applies. ``GOOD_MATCH`` is the one threshold
meaning "a good match".

A demand written as prose is judged by its title instead (``title_confidence``): a long
text's words are mostly the sentences around its need, so even its right listing holds a
small share of them (0.10–0.24 for the demo demands, no more than for unrelated ones). A
title is a keyword query, the kind the coefficients are fitted on, once the words of asking
(seek, introduce, technology) are left out; only its words count, since most character
grams of a short title are common characters that any long listing holds.
"""

from __future__ import annotations

import math

# Fitted by bench/retrieval_confidence.py (see BENCHMARKS.md, "Matching engine: retrieval quality").
WITH_DENSE = (-9.621, 7.001, 7.978)  # a, b (coverage), c (cosine)
LEXICAL_ONLY = (-2.688, 7.253)  # a, b (coverage)
TITLE_WORDS = (-2.136, 6.933)  # a, b (coverage of the query's words only: bench/retrieval_confidence.py --words-only)
GOOD_MATCH = 0.5


def confidence(coverage: float, cosine: float | None) -> float:
    """The match's confidence in [0, 1] from its lexical coverage and dense cosine."""
    if cosine is None:
        a, b = LEXICAL_ONLY
        z = a + b * coverage
    else:
        a, b, c = WITH_DENSE
        z = a + b * coverage + c * cosine
    return _logistic(z)


def judged_unfit(fit: float | None) -> bool:
    """Whether a judged confidence (None: not judged) falls below ``GOOD_MATCH``."""
    return fit is not None and fit < GOOD_MATCH


def title_confidence(word_coverage: float) -> float:
    """The confidence that a document is what a title asks for, from the share of the title's
    words it holds (``HybridEngine.word_coverage``)."""
    a, b = TITLE_WORDS
    return _logistic(a + b * word_coverage)


def _logistic(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))
