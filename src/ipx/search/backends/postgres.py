"""PostgreSQL full-text search, for when several app servers share one database.

The tokens are the same as the embedded engines see: the tsvector and tsquery are written
as literals (``'token':1A,2A``), so PostgreSQL's own parser and dictionaries never touch
them and the result does not depend on the server's locale or text-search configuration.
The table is created by the search app's migration 0001 (on PostgreSQL only); 0004 adds the
RUM index the ranking reads and the sample the counts read (``postgres_counts``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, transaction

from ipx.search.backends.base import FACET_COLUMNS, Progress, SearchBackend
from ipx.search.backends.postgres_bands import WEIGHTS, band_of, band_word, bands_from, descending, word_score
from ipx.search.backends.postgres_counts import (
    COUNTED,
    MIN_SAMPLE,
    SAMPLE_LEVELS,
    SAMPLE_SPACE,
    Counts,
    counts_sql,
    read_counts,
)
from ipx.search.documents import SearchDocument
from ipx.search.query import SearchQuery, SearchResults, bucket_bounds

# The documents' layout: an index written with another one is rebuilt (ipx.search.state).
# 2: score bands (postgres_bands).
SCHEMA_VERSION = "2"
TABLE = "search_listingdoc"
_BUILD = f"{TABLE}_build"  # a full load's new table, until it takes the place of TABLE
MAX_POSITION = 16383  # PostgreSQL's largest tsvector position
# The columns a write gives (``sample`` is computed by the database from the listing id).
_WRITTEN = ("listing_id, tsv, ip_types, offer_kinds, ipc_sections, ipc_classes, nice_classes, region, currency, "
            "has_price, price_cny, price_asc, price_desc, published_at")
# Below this many matches ranking them all costs a millisecond or two, less than the tries.
BANDED_FROM = 5000
_ORDER = {
    "newest": "published_at DESC, listing_id DESC",
    "price_asc": "price_asc ASC, listing_id ASC",
    "price_desc": "price_desc DESC, listing_id DESC",
}


def _lexeme(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(title_tokens: Sequence[str], body_tokens: Sequence[str]) -> str:
    """Title words weigh A, the rest B; positions give the ranking the term frequencies. A word
    that scores in a band (``postgres_bands``) is written a second time as its band's lexeme,
    with the same weights in the same order."""
    marks: dict[str, list[str]] = defaultdict(list)
    position = 0
    for weight, tokens in (("A", title_tokens), ("B", body_tokens)):
        for token in tokens:
            position = min(position + 1, MAX_POSITION)
            entry = marks[token]
            # PostgreSQL keeps at most 256 positions per lexeme, and each position once (words
            # past the last position all share it).
            if len(entry) < 256 and not (entry and entry[-1][:-1] == str(position)):
                entry.append(f"{position}{weight}")
    lexemes = []
    for token, entry in marks.items():
        lexemes.append(f"{_lexeme(token)}:{','.join(entry)}")
        band = band_of(word_score([WEIGHTS[mark[-1]] for mark in entry]))
        if band:
            # A one-word score reads the weights in the order of their positions, not the
            # positions themselves: 1, 2, 3 ... keep it and take a byte each in the index.
            compact = ",".join(f"{n}{mark[-1]}" for n, mark in enumerate(entry, 1))
            lexemes.append(f"{_lexeme(band_word(token, band))}:{compact}")
    return " ".join(lexemes)


def tsquery_literal(groups: list[list[str]]) -> str:
    return " & ".join("(" + " | ".join(_lexeme(t) for t in group) + ")" for group in groups)


class PostgresBackend(SearchBackend):
    """``min_sample`` and ``sample_levels``: when counts turn to estimates (postgres_counts);
    ``banded_from``: the matches from which a word's score bands are read first."""

    name = "postgres"

    def __init__(self, *, min_sample: int = MIN_SAMPLE, sample_levels: tuple[int, ...] = SAMPLE_LEVELS,
                 banded_from: int = BANDED_FROM) -> None:
        self.min_sample = min_sample
        self.sample_levels = sample_levels
        self.banded_from = banded_from

    def _row(self, document: SearchDocument) -> tuple[Any, ...]:
        return (
            document.listing_id, tsvector_literal(document.title_terms.split(), document.body_terms.split()),
            document.ip_types, document.offer_kinds, document.ipc_sections, document.ipc_classes,
            document.nice_classes, document.region, document.currency, document.price_cny is not None,
            document.price_cny, document.price_sort_key,
            -1.0 if document.price_cny is None else document.price_cny, document.published_at,
        )

    def _insert(self, cursor: Any, rows: list[tuple[Any, ...]]) -> None:
        if rows:
            cursor.executemany(
                f"INSERT INTO {TABLE} ({_WRITTEN}) "
                "VALUES (%s, %s::tsvector, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
                "ON CONFLICT (listing_id) DO UPDATE SET tsv = EXCLUDED.tsv, ip_types = EXCLUDED.ip_types, "
                "offer_kinds = EXCLUDED.offer_kinds, ipc_sections = EXCLUDED.ipc_sections, "
                "ipc_classes = EXCLUDED.ipc_classes, nice_classes = EXCLUDED.nice_classes, "
                "region = EXCLUDED.region, currency = EXCLUDED.currency, has_price = EXCLUDED.has_price, "
                "price_cny = EXCLUDED.price_cny, price_asc = EXCLUDED.price_asc, "
                "price_desc = EXCLUDED.price_desc, published_at = EXCLUDED.published_at",
                rows,
            )

    def upsert(self, documents: Sequence[SearchDocument]) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            self._insert(cursor, [self._row(d) for d in documents])

    def delete(self, listing_ids: Sequence[int]) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE} WHERE listing_id = ANY(%s)", [list(map(int, listing_ids))])

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {TABLE}")

    def bulk_load(self, documents: Iterable[SearchDocument], *, batch: int = 5000,
                  progress: Progress | None = None) -> int:
        """Replace the whole index with ``documents``, in one transaction that readers never see
        half done: COPY into a new table without indexes, build them over all its rows, and put
        it in the table's place. Built whole, the indexes cost a tenth of what keeping them up
        row by row does (the RUM index most of all: 100,000 listings in 32 s instead of 131 s,
        BENCHMARKS.md). Rows are gathered before each COPY opens, because ``documents`` may
        itself read the database over the same connection."""
        done = 0
        rows: list[tuple[Any, ...]] = []
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {_BUILD}")
            cursor.execute(f"CREATE TABLE {_BUILD} (LIKE {TABLE} INCLUDING DEFAULTS INCLUDING GENERATED)")
            for document in documents:
                rows.append(self._row(document))
                if len(rows) >= batch:
                    done += self._copy(cursor, rows)
                    rows = []
                    if progress:
                        progress(done)
            done += self._copy(cursor, rows)
            self._index_and_swap(cursor)
        if progress:
            progress(done)
        return done

    def replace_all(self, documents: Iterable[SearchDocument], progress: Progress | None = None) -> int:
        return self.bulk_load(documents, progress=progress)

    @staticmethod
    def _index_and_swap(cursor: Any) -> None:
        """Give the new table the indexes the table has (as its migrations made them), its
        statistics, and its place; searches wait only for the last step, a rename."""
        cursor.execute("SELECT c.relname, pg_get_indexdef(i.indexrelid), i.indisprimary FROM pg_index i "
                       "JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = %s::regclass", [TABLE])
        indexes = cursor.fetchall()
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for name, definition, _primary in indexes:
            built = re.sub(rf"INDEX {name} ON (\S+\.)?{TABLE} ", f"INDEX {name}_build ON {_BUILD} ", definition)
            cursor.execute(built)
        cursor.execute(f"ANALYZE {_BUILD}")
        cursor.execute(f"LOCK TABLE {TABLE} IN ACCESS EXCLUSIVE MODE")
        cursor.execute(f"DROP TABLE {TABLE}")
        cursor.execute(f"ALTER TABLE {_BUILD} RENAME TO {TABLE}")
        for name, _definition, primary in indexes:
            cursor.execute(f"ALTER INDEX {name}_build RENAME TO {name}")
            if primary:
                cursor.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {name} PRIMARY KEY USING INDEX {name}")

    @staticmethod
    def _copy(cursor: Any, rows: list[tuple[Any, ...]]) -> int:
        if rows:
            with cursor.cursor.copy(f"COPY {_BUILD} ({_WRITTEN}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return len(rows)

    def count(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {TABLE}")
            return int(cursor.fetchone()[0])

    def listing_ids(self) -> set[int]:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT listing_id FROM {TABLE}")
            return {int(row[0]) for row in cursor.fetchall()}

    def _where(self, query: SearchQuery) -> tuple[list[str], list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        for facet, values in query.filters.items():
            if not values:
                continue
            if facet == "price":
                options = []
                for key in values:
                    if key == "negotiable":
                        options.append("NOT has_price")
                        continue
                    low, high = bucket_bounds(key)
                    parts = ["has_price"]
                    if low is not None:
                        parts.append("price_cny >= %s")
                        params.append(low)
                    if high is not None:
                        parts.append("price_cny < %s")
                        params.append(high)
                    options.append("(" + " AND ".join(parts) + ")")
                clauses.append("(" + " OR ".join(options) + ")")
            elif facet in FACET_COLUMNS:
                column, multi = FACET_COLUMNS[facet]
                clauses.append(f"{column} && %s" if multi else f"{column} = ANY(%s)")
                params.append(list(values))
        if query.price_min is not None:
            clauses.append("price_cny >= %s")
            params.append(query.price_min)
        if query.price_max is not None:
            clauses.append("price_cny <= %s")
            params.append(query.price_max)
        return clauses, params

    def _search(self, query: SearchQuery) -> SearchResults:
        clauses, params = self._where(query)
        if query.groups:
            clauses.insert(0, "tsv @@ %s::tsquery")
            params.insert(0, tsquery_literal(query.groups))
        where = " AND ".join(clauses) or "true"
        with connection.cursor() as cursor:
            counts = self._counts(cursor, where, params, query.with_facets)
            ids = self._page(cursor, where, params, query, counts.total) if counts.total else []
        return SearchResults(listing_ids=ids, total=counts.total, facets=counts.facets, estimated=counts.estimated)

    def _counts(self, cursor: Any, where: str, params: list[Any], with_facets: bool) -> Counts:
        for level in self.sample_levels:
            cursor.execute(counts_sql(f"SELECT {COUNTED} FROM {TABLE} WHERE {where} AND sample < {int(level)}",
                                      with_facets), params)
            row = cursor.fetchone()
            if row[0] >= self.min_sample:
                return read_counts(row, with_facets, SAMPLE_SPACE / level)
        cursor.execute(counts_sql(f"SELECT {COUNTED} FROM {TABLE} WHERE {where}", with_facets), params)
        return read_counts(cursor.fetchone(), with_facets, None)

    def _page(self, cursor: Any, where: str, params: list[Any], query: SearchQuery, total: int) -> list[int]:
        sort = query.effective_sort
        if sort != "relevance":
            cursor.execute(f"SELECT listing_id FROM {TABLE} WHERE {where} ORDER BY {_ORDER[sort]} LIMIT %s OFFSET %s",
                           [*params, query.limit, query.offset])
            return [int(row[0]) for row in cursor.fetchall()]
        wanted = query.offset + query.limit
        groups = query.groups
        if total >= self.banded_from and len(groups) == 1 and len(groups[0]) == 1:
            # One word: its highest bands first (postgres_bands); a try that fills the page is
            # the page. Listings with several of a query's words rank by how near the words
            # stand, which no score of one word bounds, so those queries rank every match.
            for lowest in descending():
                banded = tsquery_literal([bands_from(lowest, groups[0][0])])
                ids = self._ranked(cursor, where, [banded, *params[1:]], wanted)
                if len(ids) == wanted:
                    return ids[query.offset:]
        return self._ranked(cursor, where, params, wanted)[query.offset:]

    @staticmethod
    def _ranked(cursor: Any, where: str, params: list[Any], wanted: int) -> list[int]:
        """The ``wanted`` nearest matches, nearest first; ``params[0]`` is the ranked tsquery.
        The RUM index hands matches over nearest first without reading the rows: ranking reads
        no tsvector. Its order alone decides which rows reach the page, so among matches as
        near as the page's last one, which are on it is the index's choice."""
        ranked = params[0]
        cursor.execute(f"SELECT listing_id FROM (SELECT listing_id, tsv <=> %s::tsquery AS distance FROM {TABLE} "
                       f"WHERE {where} ORDER BY tsv <=> %s::tsquery LIMIT %s) ranked ORDER BY distance, listing_id",
                       [ranked, *params, ranked, wanted])
        return [int(row[0]) for row in cursor.fetchall()]
