"""SQLite FTS5: in its own file (``sqlite-fts``, the engine with nothing to install, kept to
measure against: its ``bm25()`` ranking scores every matching row, so common terms are slow),
or inside the main SQLite database (``sqlite-db``, ``ipx.search.backends.sqlite_database``)."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ipx.search.backends.base import FACET_COLUMNS, Progress, SearchBackend
from ipx.search.documents import SearchDocument
from ipx.search.query import KEYWORD_FACETS, PRICE_BUCKETS, FacetValue, SearchQuery, SearchResults, bucket_bounds

TITLE_WEIGHT = 2.0



def schema(text_table: str, docs_table: str) -> str:
    """The two tables: the words (FTS5, rowid = listing id) and the facets of each listing."""
    return f"""
CREATE VIRTUAL TABLE IF NOT EXISTS {text_table} USING fts5(title, body, detail=column);
CREATE TABLE IF NOT EXISTS {docs_table} (
    listing_id INTEGER PRIMARY KEY,
    ip_types TEXT NOT NULL, offer_kinds TEXT NOT NULL, ipc_sections TEXT NOT NULL,
    ipc_classes TEXT NOT NULL, nice_classes TEXT NOT NULL, region TEXT NOT NULL, currency TEXT NOT NULL,
    has_price INTEGER NOT NULL, price_cny REAL, price_asc REAL NOT NULL, price_desc REAL NOT NULL,
    published_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS {docs_table}_published ON {docs_table}(published_at);
CREATE INDEX IF NOT EXISTS {docs_table}_price ON {docs_table}(price_asc);
"""


def _fts_phrase(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


class SqliteFtsBackend(SearchBackend):
    name = "sqlite-fts"
    text_table = "doc_text"
    docs_table = "docs"

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        with self._connect() as connection:
            connection.executescript(schema(self.text_table, self.docs_table))

    @contextmanager
    def _transaction(self, *, writing: bool) -> Iterator[sqlite3.Connection]:
        """One transaction on this thread's connection; a writer takes the lock at once, so two
        writers queue rather than fail halfway."""
        connection = self._connect()
        connection.execute("BEGIN IMMEDIATE" if writing else "BEGIN")
        try:
            yield connection
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")

    def _connect(self) -> sqlite3.Connection:
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            self._local.connection = connection
        return connection

    # --- writing ------------------------------------------------------------------------------

    @staticmethod
    def _rows(document: SearchDocument) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
        text = (document.listing_id, document.title_terms, document.body_terms)
        facets = (
            document.listing_id, json.dumps(document.ip_types), json.dumps(document.offer_kinds),
            json.dumps(document.ipc_sections), json.dumps(document.ipc_classes),
            json.dumps(document.nice_classes), document.region, document.currency,
            0 if document.price_cny is None else 1, document.price_cny, document.price_sort_key,
            -1.0 if document.price_cny is None else document.price_cny, document.published_at,
        )
        return text, facets

    def _write(self, documents: Iterable[SearchDocument], delete_ids: Sequence[int],
               progress: Progress | None = None) -> int:
        done = 0
        with self._transaction(writing=True) as connection:
            if delete_ids:
                ids = [(int(i),) for i in delete_ids]
                connection.executemany(f"DELETE FROM {self.text_table} WHERE rowid = ?", ids)
                connection.executemany(f"DELETE FROM {self.docs_table} WHERE listing_id = ?", ids)
            texts, facets = [], []
            for document in documents:
                text, facet = self._rows(document)
                texts.append(text)
                facets.append(facet)
                done += 1
                if len(texts) >= 2000:
                    self._insert(connection, texts, facets)
                    texts, facets = [], []
                    if progress:
                        progress(done)
            self._insert(connection, texts, facets)
        if progress:
            progress(done)
        return done

    def _insert(self, connection: sqlite3.Connection, texts: list[tuple[Any, ...]],
                facets: list[tuple[Any, ...]]) -> None:
        if texts:
            connection.executemany(f"INSERT INTO {self.text_table}(rowid, title, body) VALUES (?, ?, ?)", texts)
            connection.executemany(f"INSERT INTO {self.docs_table} VALUES ({', '.join('?' * 13)})", facets)

    def upsert(self, documents: Sequence[SearchDocument]) -> None:
        self._write(documents, [d.listing_id for d in documents])

    def delete(self, listing_ids: Sequence[int]) -> None:
        self._write([], listing_ids)

    def clear(self) -> None:
        with self._transaction(writing=True) as connection:
            connection.execute(f"DELETE FROM {self.text_table}")
            connection.execute(f"DELETE FROM {self.docs_table}")

    def bulk_load(self, documents: Iterable[SearchDocument], *, batch: int = 5000,
                  progress: Progress | None = None) -> int:
        return self._write(documents, [], progress)

    def count(self) -> int:
        with self._transaction(writing=False) as connection:
            return int(connection.execute(f"SELECT count(*) FROM {self.docs_table}").fetchone()[0])

    def listing_ids(self) -> set[int]:
        with self._transaction(writing=False) as connection:
            return {int(row[0]) for row in connection.execute(f"SELECT listing_id FROM {self.docs_table}")}

    # --- reading ------------------------------------------------------------------------------

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
                        options.append("d.has_price = 0")
                    else:
                        low, high = bucket_bounds(key)
                        parts = []
                        if low is not None:
                            parts.append("d.price_cny >= ?")
                            params.append(low)
                        if high is not None:
                            parts.append("d.price_cny < ?")
                            params.append(high)
                        options.append("(" + " AND ".join(parts) + ")")
                clauses.append("(" + " OR ".join(options) + ")")
            elif facet in FACET_COLUMNS:
                column, multi = FACET_COLUMNS[facet]
                marks = ", ".join("?" * len(values))
                if multi:
                    clauses.append(f"EXISTS (SELECT 1 FROM json_each(d.{column}) WHERE value IN ({marks}))")
                else:
                    clauses.append(f"d.{column} IN ({marks})")
                params.extend(values)
        if query.price_min is not None:
            clauses.append("d.price_cny >= ?")
            params.append(query.price_min)
        if query.price_max is not None:
            clauses.append("d.price_cny <= ?")
            params.append(query.price_max)
        return clauses, params

    def _search(self, query: SearchQuery) -> SearchResults:
        groups = query.groups
        clauses, params = self._where(query)
        if groups:
            match = " AND ".join("(" + " OR ".join(_fts_phrase(t) for t in group) + ")" for group in groups)
            words = self.text_table
            source = (f"SELECT d.*, bm25({words}, {TITLE_WEIGHT}, 1.0) AS rank FROM {words} "
                      f"JOIN {self.docs_table} d ON d.listing_id = {words}.rowid WHERE {words} MATCH ?")
            params = [match, *params]
        else:
            source = f"SELECT d.*, 0.0 AS rank FROM {self.docs_table} d WHERE 1"
        if clauses:
            source += " AND " + " AND ".join(clauses)
        order = {
            "relevance": "rank ASC, listing_id ASC",  # bm25() is lower for better matches
            "newest": "published_at DESC, listing_id DESC",
            "price_asc": "price_asc ASC, listing_id ASC",
            "price_desc": "price_desc DESC, listing_id DESC",
        }[query.effective_sort]
        with self._transaction(writing=False) as connection:
            connection.execute("DROP TABLE IF EXISTS temp.matched")
            connection.execute(f"CREATE TEMP TABLE matched AS {source}", params)
            ids = [row[0] for row in connection.execute(
                f"SELECT listing_id FROM temp.matched ORDER BY {order} LIMIT ? OFFSET ?",
                (query.limit, query.offset))]
            total = int(connection.execute("SELECT count(*) FROM temp.matched").fetchone()[0])
            facets = self._facets(connection) if query.with_facets else {}
            connection.execute("DROP TABLE temp.matched")
        return SearchResults(listing_ids=ids, total=total, facets=facets)

    def _facets(self, connection: sqlite3.Connection) -> dict[str, list[FacetValue]]:
        facets: dict[str, list[FacetValue]] = {}
        for facet in KEYWORD_FACETS:
            column, multi = FACET_COLUMNS[facet]
            if multi:
                sql = (f"SELECT j.value, count(*) FROM temp.matched m, json_each(m.{column}) j "
                       "GROUP BY j.value ORDER BY count(*) DESC, j.value")
            else:
                sql = (f"SELECT {column}, count(*) FROM temp.matched WHERE {column} != '' "
                       f"GROUP BY {column} ORDER BY count(*) DESC, {column}")
            facets[facet] = [FacetValue(str(value), int(n)) for value, n in connection.execute(sql)]
        price: list[FacetValue] = []
        for key, low, high in PRICE_BUCKETS:
            conditions, params = ["has_price = 1"], []
            if low is not None:
                conditions.append("price_cny >= ?")
                params.append(low)
            if high is not None:
                conditions.append("price_cny < ?")
                params.append(high)
            n = connection.execute(
                f"SELECT count(*) FROM temp.matched WHERE {' AND '.join(conditions)}", params
            ).fetchone()[0]
            if n:
                price.append(FacetValue(key, int(n)))
        negotiable = connection.execute("SELECT count(*) FROM temp.matched WHERE has_price = 0").fetchone()[0]
        if negotiable:
            price.append(FacetValue("negotiable", int(negotiable)))
        facets["price"] = price
        return facets

    def close(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None
