"""A full load of the PostgreSQL engine builds a new table and puts it in the old one's place:
afterwards the table has every index and constraint its migrations gave it, the count sample is
still computed by the database, and upserts still find their rows by the primary key."""

from __future__ import annotations

import pytest
from django.db import connection

from ipx.search.backends.postgres import PostgresBackend
from ipx.search.documents import SearchDocument
from ipx.search.normalise import index_tokens
from ipx.search.query import SearchQuery
from ipx.testing.databases import ON_POSTGRES

pytestmark = pytest.mark.skipif(not ON_POSTGRES, reason="the PostgreSQL engine's own test")


def shape() -> tuple[set[tuple[str, str]], set[tuple[str, str]], str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'search_listingdoc'")
        indexes = set(cursor.fetchall())
        cursor.execute("SELECT conname, contype FROM pg_constraint WHERE conrelid = 'search_listingdoc'::regclass")
        constraints = set(cursor.fetchall())
        cursor.execute("SELECT generation_expression FROM information_schema.columns "
                       "WHERE table_name = 'search_listingdoc' AND column_name = 'sample'")
        return indexes, constraints, cursor.fetchone()[0]


def document(listing_id: int, title: str) -> SearchDocument:
    return SearchDocument(listing_id=listing_id, title_terms=" ".join(index_tokens(title)), body_terms="",
                          region="HK", published_at=listing_id)


def test_a_full_load_keeps_the_table_as_its_migrations_made_it(db: None) -> None:
    engine = PostgresBackend()
    before = shape()
    assert len(before[0]) >= 10 and ("search_listingdoc_pkey", "p") in before[1]

    engine.bulk_load([document(1, "电池"), document(2, "隔膜")])
    assert shape() == before
    engine.replace_all([document(2, "隔膜"), document(3, "电池")])
    assert shape() == before

    assert engine.listing_ids() == {2, 3}
    engine.upsert([document(3, "双极板")])
    assert engine.count() == 2
    assert engine.search(SearchQuery(text="双极板")).listing_ids == [3]
    with connection.cursor() as cursor:
        cursor.execute("SELECT sample = hashint8(listing_id) & 65535 FROM search_listingdoc")
        assert {row[0] for row in cursor.fetchall()} == {True}
