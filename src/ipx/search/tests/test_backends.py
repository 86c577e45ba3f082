"""The engine contract: every backend gives the same answers for the same documents."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ipx.search.backends import make_backend
from ipx.search.backends.base import SearchBackend
from ipx.search.documents import SearchDocument
from ipx.search.normalise import index_tokens
from ipx.search.query import SearchQuery
from ipx.testing.databases import ON_POSTGRES

# Each database's own engine is tested in its pass of `make test`.
ENGINES = ["tantivy", "sqlite-fts", "postgres" if ON_POSTGRES else "sqlite-db"]


def doc(listing_id: int, title: str, body: str = "", **fields: Any) -> SearchDocument:
    values: dict[str, Any] = {
        "ip_types": ["patent"], "offer_kinds": ["transfer"], "ipc_sections": ["H"], "ipc_classes": ["H01"],
        "region": "CN-44", "currency": "CNY", "price_cny": 100_000.0, "published_at": 1_700_000_000 + listing_id,
    }
    values.update(fields)
    return SearchDocument(listing_id=listing_id, title_terms=" ".join(index_tokens(title)),
                          body_terms=" ".join(index_tokens(body)),
                          **values)


DOCS = [
    doc(1, "锂电池隔膜及其制备方法", "一种高安全性的锂电池隔膜", price_cny=50_000.0),
    doc(2, "无人机机载多功能盒", "可挂载摄像头的无人机", ipc_sections=["B"], ipc_classes=["B64"],
        offer_kinds=["licence", "transfer"], region="HK", currency="HKD", price_cny=920_000.0),
    doc(3, "Battery separator for electric vehicles", "A separator improving battery safety",
        region="DE", currency="", price_cny=None),
    doc(4, "电池管理系统", "锂电池组的电池管理", ip_types=["patent", "trademark"], nice_classes=["9"],
        price_cny=6_000_000.0),
]


@pytest.fixture(params=ENGINES)
def backend(request: pytest.FixtureRequest, tmp_path: Path, db: None) -> Iterator[SearchBackend]:
    engine = make_backend(request.param, tmp_path)
    engine.bulk_load(DOCS)
    yield engine
    engine.close()


def ids(engine: SearchBackend, **query: Any) -> list[int]:
    return engine.search(SearchQuery(**query)).listing_ids


def test_relevance_ranks_title_matches_first(backend: SearchBackend) -> None:
    assert ids(backend, text="锂电池") == [1, 4]
    assert ids(backend, text="鋰電池 隔膜") == [1]
    assert ids(backend, text="battery") == [3]
    assert ids(backend, text="隔膜 battery") == []
    assert ids(backend, text="的") == []


def test_counts_and_facets(backend: SearchBackend) -> None:
    result = backend.search(SearchQuery(text="电池"))
    assert result.total == 2
    facets = {name: {v.value: v.count for v in values} for name, values in result.facets.items()}
    assert facets["ip_type"] == {"patent": 2, "trademark": 1}
    assert facets["nice_class"] == {"9": 1}
    assert facets["price"] == {"lt100k": 1, "gte5m": 1}
    everything = backend.search(SearchQuery())
    assert everything.total == 4
    facets = {name: {v.value: v.count for v in values} for name, values in everything.facets.items()}
    assert facets["region"] == {"CN-44": 2, "HK": 1, "DE": 1}
    assert facets["offer_kind"] == {"transfer": 4, "licence": 1}
    assert facets["price"] == {"lt100k": 1, "500k-1m": 1, "gte5m": 1, "negotiable": 1}
    assert facets["currency"] == {"CNY": 2, "HKD": 1}


def test_filters(backend: SearchBackend) -> None:
    assert ids(backend, filters={"region": ("HK", "DE")}, sort="newest") == [3, 2]
    assert ids(backend, filters={"offer_kind": ("licence",)}) == [2]
    assert ids(backend, filters={"ipc_class": ("B64",)}) == [2]
    assert ids(backend, filters={"price": ("negotiable",)}) == [3]
    assert ids(backend, filters={"price": ("lt100k", "gte5m")}, sort="price_asc") == [1, 4]
    assert ids(backend, price_min=60_000, price_max=1_000_000) == [2]
    assert ids(backend, price_min=50_000, price_max=920_000, sort="price_asc") == [1, 2]  # both ends included
    assert ids(backend, text="电池", filters={"ip_type": ("trademark",)}) == [4]


def test_sorting_and_paging(backend: SearchBackend) -> None:
    assert ids(backend, sort="newest") == [4, 3, 2, 1]
    assert ids(backend, sort="price_asc") == [1, 2, 4, 3]  # negotiable last
    assert ids(backend, sort="price_desc") == [4, 2, 1, 3]
    assert ids(backend, sort="newest", offset=1, limit=2) == [3, 2]


def test_upsert_replaces_and_delete_removes(backend: SearchBackend) -> None:
    backend.upsert([doc(1, "氢燃料电池双极板")])
    assert backend.count() == 4
    assert ids(backend, text="隔膜") == []
    assert ids(backend, text="双极板") == [1]
    backend.delete([1, 2])
    assert backend.count() == 2
    assert ids(backend, text="双极板") == []
    backend.clear()
    assert backend.count() == 0



@pytest.mark.skipif(ON_POSTGRES, reason="the sqlite-db engine keeps its index in an SQLite database")
def test_the_database_engine_logs_its_queries_and_takes_a_load_over_a_handler(tmp_path: Path, db: None) -> None:
    """With DEBUG on, Django's cursor logs each statement by formatting it: the engine must not
    hand it SQLite's own "?" style through that cursor. And a rebuild's load may meet a listing
    its handler has written meanwhile: the load replaces it."""
    from django.db import connection

    engine = make_backend("sqlite-db", tmp_path)
    connection.force_debug_cursor = True
    try:
        engine.bulk_load(DOCS)
        assert ids(engine, text="锂电池") == [1, 4]
        engine.bulk_load([doc(1, "氢燃料电池双极板")])
        assert engine.count() == 4
        assert ids(engine, text="双极板") == [1]
    finally:
        connection.force_debug_cursor = False
