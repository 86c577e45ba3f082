"""The PostgreSQL engine ranks as the embedded one does: over the demo's 3,111 real patents,
the first 20 results of each of 90 searches share at least 85 % of their listings on average
with tantivy's (measured: 89 %; ts_rank, the ranking before RUM, agreed 89 % too).

The searches are drawn, with a fixed seed, from the words of the patents themselves: one or
two words, each in at least 10 listings and at most a third of them."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest

from ipx.demo.patents import patent_records
from ipx.search.backends import make_backend
from ipx.search.documents import MAX_CLAIMS_CHARS, SearchDocument
from ipx.search.normalise import index_tokens
from ipx.search.query import SearchQuery
from ipx.testing.databases import ON_POSTGRES

pytestmark = pytest.mark.skipif(not ON_POSTGRES, reason="the PostgreSQL engine's own test")

AGREEMENT = 0.85
TOP = 20


def demo_patents() -> list[SearchDocument]:
    documents = []
    for number, record in enumerate(patent_records(), start=1):
        body = "\n".join(str(record.data.get(part) or "") for part in ("abstract", "claims"))[:MAX_CLAIMS_CHARS]
        documents.append(SearchDocument(
            listing_id=number, title_terms=" ".join(index_tokens(str(record.data.get("title") or ""))),
            body_terms=" ".join(index_tokens(body)), ip_types=["patent"], offer_kinds=["transfer"],
            region="CN-44", currency="CNY", published_at=number))
    return documents


def searches(documents: list[SearchDocument]) -> list[str]:
    found_in: Counter[str] = Counter()
    for document in documents:
        found_in.update(set(f"{document.title_terms} {document.body_terms}".split()))
    words = sorted(word for word, count in found_in.items()
                   if 10 <= count <= len(documents) // 3 and len(word) >= 2 and not word.isdigit())
    rng = random.Random(5)
    return rng.sample(words, 60) + [f"{a} {b}" for a, b in zip(rng.sample(words, 30), rng.sample(words, 30),
                                                                 strict=True)]


def test_the_first_results_agree_with_the_embedded_engine(db: None, tmp_path: Path) -> None:
    documents = demo_patents()
    embedded, database = make_backend("tantivy", tmp_path), make_backend("postgres")
    embedded.bulk_load(documents)
    database.bulk_load(documents)
    shares = []
    for text in searches(documents):
        query = SearchQuery(text=text, limit=TOP, with_facets=False)
        expected = embedded.search(query).listing_ids
        if expected:
            shares.append(len(set(expected) & set(database.search(query).listing_ids)) / len(expected))
    embedded.close()
    database.clear()

    assert len(shares) >= 60
    assert sum(shares) / len(shares) >= AGREEMENT
