"""What a search answers: its matches, best first, each with its scores and reasons."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ipx.matching.retrieval.queries import QueryProblem
from ipx.matching.retrieval.signals import MATCHED_TERMS, Reason


@dataclass(frozen=True)
class Match:
    """One ranked document. ``score`` is the final score (comparable within one query);
    ``lexical`` is the raw BM25F score, ``dense`` the cosine (None when not computed);
    ``coverage`` the share of the query's term weight the document contains;
    ``confidence`` an absolute confidence in [0, 1], comparable across queries
    (``confidence.GOOD_MATCH`` and above: a good match); ``reasons`` (with
    ``explain=True``) say why, as codes and values."""

    doc_id: str
    score: float
    lexical: float | None = None
    dense: float | None = None
    structured: float | None = None
    reasons: tuple[Reason, ...] = ()
    coverage: float = 0.0
    confidence: float = 0.0

    @property
    def matched_terms(self) -> list[str]:
        for reason in self.reasons:
            if reason.code == MATCHED_TERMS:
                return list(reason.values["terms"])
        return []


class Matches(list[Match]):
    """A search's matches, best first; ``problem`` says why the list is empty when the
    query itself cannot be ranked (``queries``: too long, no terms, unsupported script)."""

    def __init__(self, matches: Sequence[Match] = (), problem: QueryProblem | None = None) -> None:
        super().__init__(matches)
        self.problem = problem
