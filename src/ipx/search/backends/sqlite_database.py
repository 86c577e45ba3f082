"""SQLite FTS5 inside the main SQLite database: the index a copy of the database carries.

Beside an embedded engine (tantivy, or FTS5 in a file of its own) it is the fallback that
answers while that engine's files are missing, from another database or damaged — a new
server given only the database file searches correctly at once. The handlers write it with
the other engine, after each commit. The tables are made by the search app's migration 0003.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction

from ipx.search.backends.base import Progress
from ipx.search.backends.sqlite_fts import SqliteFtsBackend
from ipx.search.documents import SearchDocument

TEXT_TABLE = "search_listingdoc_text"
DOCS_TABLE = "search_listingdoc"
RELOAD_CHUNK = 500


class SqliteDatabaseBackend(SqliteFtsBackend):
    name = "sqlite-db"
    text_table = TEXT_TABLE
    docs_table = DOCS_TABLE

    def __init__(self) -> None:
        if connection.vendor != "sqlite":
            raise ValueError("the sqlite-db search engine keeps its index in an SQLite database")

    @contextmanager
    def _transaction(self, *, writing: bool) -> Iterator[Any]:
        # Django's connection and transaction: the same lock and busy timeout as every other
        # write, and a search inside a request sees that request's own writes. The driver's
        # own connection under it: the statements are in SQLite's "?" style, which Django's
        # cursor (in "%s" style) would misread when it logs them.
        with transaction.atomic():
            connection.ensure_connection()
            yield connection.connection

    def bulk_load(self, documents: Iterable[SearchDocument], *, batch: int = 5000,
                  progress: Progress | None = None) -> int:
        """Load in short transactions, replacing any document already there: a handler may
        write a listing while the load runs, and one long transaction would hold the
        database's only write lock (every other write on the site would wait)."""
        done = 0
        chunk: list[SearchDocument] = []
        for document in documents:
            chunk.append(document)
            if len(chunk) >= RELOAD_CHUNK:
                done += self._write(chunk, [d.listing_id for d in chunk])
                chunk = []
                if progress:
                    progress(done)
        done += self._write(chunk, [d.listing_id for d in chunk])
        if progress:
            progress(done)
        return done

    def replace_all(self, documents: Iterable[SearchDocument], progress: Progress | None = None) -> int:
        """Empty the tables and load ``documents``; the caller takes the stamp away first, so
        the half-filled tables are not trusted meanwhile."""
        self.clear()
        return self.bulk_load(documents, progress=progress)

    def close(self) -> None:
        """Django owns the connection."""
