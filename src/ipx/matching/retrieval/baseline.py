"""The plain baseline every evaluation slice shows beside the engine.

BM25 (k1 1.2, b 0.75) over one bag of tokens per document: the title, abstract and claims
concatenated, cut by jieba in search mode (rjieba, as search does) plus the overlapping
character bigrams of every Chinese run — the baseline the shared kppatent data names
(0.834 MRR@10 / 0.927 Recall@10 there). No OpenCC, stop words, stemming, fields or query
reduction: it is the yardstick the engine must beat on every slice, not a ranker IPX uses.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import rjieba

from ipx.matching.retrieval.documents import FIELDS, Document
from ipx.matching.retrieval.postings import BM25Params, Channel
from ipx.matching.retrieval.vectors import top_k
from ipx.search.normalise import CJK_RUN_RE

_PARAMS = BM25Params(k1=1.2, b=0.75, field_weights={"text": 1.0}, gram_weight=0.0, max_query_terms=0)


def baseline_tokens(text: str) -> list[str]:
    """jieba search-mode words (blank and punctuation-only pieces dropped) and the
    character bigrams of each Chinese run, lower case."""
    lowered = text.lower()
    words = [w for w in rjieba.cut_for_search(lowered) if any(ch.isalnum() for ch in w)]
    bigrams = [run[i : i + 2] for run in CJK_RUN_RE.findall(lowered) for i in range(len(run) - 1)]
    return words + bigrams


class BaselineIndex:
    def __init__(self, documents: Sequence[Document]) -> None:
        self.ids = [doc.id for doc in documents]
        texts = ["\n".join(doc.field(name) for name in FIELDS) for doc in documents]
        self.channel = Channel.build({"text": [baseline_tokens(t) for t in texts]}, len(texts), _PARAMS)

    def ranking(self, text: str, k: int) -> list[str]:
        """The ids of the ``k`` best documents sharing a token with ``text``, best first."""
        postings = self.channel.postings(baseline_tokens(text), 1.0)
        scores: npt.NDArray[np.float64] = np.zeros(len(self.ids), dtype=np.float64)
        for term in postings:
            scores[term.docs] += term.weights
        best = top_k(scores, min(k, len(self.ids)))
        return [self.ids[i] for i in best if scores[i] > 0]
