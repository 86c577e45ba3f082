"""Queries the engine cannot rank, and why (codes and values, which pages translate).

A query is refused, with an empty result carrying the reason (``Matches.problem``), when

* it is longer than ``MAX_QUERY_CHARS`` (``query_too_long``): a typed query; a record
  that serves as a query (a demand, a listing) is cut to its head first (``head_as_query``);
* it is in a script IPX does not index (``query_unsupported_script``): no Chinese
  character, no Latin letter or digit, but letters of another script or symbols
  (Cyrillic, emoji) — the lexical stage could match nothing, and the dense stage would
  return the nearest documents to a text nobody can judge;
* nothing is left once stop words and punctuation are dropped (``query_without_terms``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from ipx.matching.retrieval.lexical import QueryTerms
from ipx.search.normalise import simplify

# A demand described at length fits (some pages of text); a whole pasted document does not.
MAX_QUERY_CHARS = 10_000

QUERY_TOO_LONG = "query_too_long"
QUERY_UNSUPPORTED_SCRIPT = "query_unsupported_script"
QUERY_WITHOUT_TERMS = "query_without_terms"

_SUPPORTED_RE = re.compile(
    r"[0-9a-z\u00c0-\u024f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef]"
)


def head_as_query(title: str, body: str) -> str:
    """A record as a query: its title, then as much of its body as the limit leaves.

    A demand may be described in up to 20,000 characters and a listing package gathers many
    abstracts; their opening says what they are about, and refusing to match them for being
    thorough would punish the most careful members.
    """
    return f"{title}\n{body}"[:MAX_QUERY_CHARS]


@dataclass(frozen=True)
class QueryProblem:
    code: str
    values: dict[str, Any] = field(default_factory=dict)


def query_problem(text: str, terms: QueryTerms | None = None) -> QueryProblem | None:
    """Why ``text`` cannot be ranked, or None when it can (``terms``: its analysis, if known)."""
    if len(text) > MAX_QUERY_CHARS:
        return QueryProblem(QUERY_TOO_LONG, {"length": len(text), "limit": MAX_QUERY_CHARS})
    if not _SUPPORTED_RE.search(simplify(text)):
        if any(ch.isalpha() or unicodedata.category(ch) == "So" for ch in text):
            return QueryProblem(QUERY_UNSUPPORTED_SCRIPT)
        return QueryProblem(QUERY_WITHOUT_TERMS)
    terms = terms or QueryTerms.of(text)
    if not terms.words and not terms.grams:
        return QueryProblem(QUERY_WITHOUT_TERMS)
    return None
