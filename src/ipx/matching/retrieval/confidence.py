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
meaning "a good match": below it, pages say there is no good match yet.
"""

from __future__ import annotations

import math

# Fitted by bench/retrieval_confidence.py (see BENCHMARKS.md, "Matching engine: retrieval quality").
WITH_DENSE = (-9.621, 7.001, 7.978)  # a, b (coverage), c (cosine)
LEXICAL_ONLY = (-2.688, 7.253)  # a, b (coverage)
GOOD_MATCH = 0.5


def confidence(coverage: float, cosine: float | None) -> float:
    """The match's confidence in [0, 1] from its lexical coverage and dense cosine."""
    if cosine is None:
        a, b = LEXICAL_ONLY
        z = a + b * coverage
    else:
        a, b, c = WITH_DENSE
        z = a + b * coverage + c * cosine
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))
