"""The embedded default: tantivy (Rust, Lucene-like) in a directory under var/.

Why tantivy and not SQLite FTS5: its top-k collector skips blocks that cannot reach the
current top scores (block-max WAND), so a query on a term in half the corpus costs about as
much as a rare one; FTS5 has to score every match. BENCHMARKS.md has the figures.

Tokens come pre-normalised (``ipx.search.normalise``) and are joined by spaces, so the
index uses tantivy's whitespace tokenizer and never re-tokenises. Facets, price buckets
included, are columns with one value per listing (``tantivy_facets``), which the filters
look up and a thread beside the top-k search counts. One writer at a time may
hold an index: writes take a process-local lock and retry while another process holds the
directory's lock. Readers follow commits on their own (tantivy watches meta.json).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import tantivy

from ipx.search.backends import tantivy_facets
from ipx.search.backends.base import Progress, SearchBackend
from ipx.search.documents import SearchDocument
from ipx.search.query import SearchQuery, SearchResults

TITLE_BOOST = 2.0
WRITER_HEAP = 128 * 1024 * 1024
LOCK_WAIT_SECONDS = 30.0
# Written into the index directory; an index of another layout is rebuilt, not misread.
SCHEMA_VERSION = "4"
# One counting thread for each of a server process's request threads (``ipx serve``: two).
_counting = ThreadPoolExecutor(max_workers=2, thread_name_prefix="ipx-facets")


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_unsigned_field("listing_id", indexed=True, fast=True)
    builder.add_text_field("title", tokenizer_name="whitespace", index_option="freq")
    builder.add_text_field("body", tokenizer_name="whitespace", index_option="freq")
    tantivy_facets.add_columns(builder)
    builder.add_float_field("price_cny", indexed=True, fast=True)
    builder.add_float_field("price_asc", fast=True)
    builder.add_float_field("price_desc", fast=True)
    builder.add_integer_field("published_at", indexed=True, fast=True)
    return builder.build()


class TantivyBackend(SearchBackend):
    name = "tantivy"

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        version = self.directory / "ipx-schema-version"
        layout = version.read_text().strip() if version.exists() else None
        if layout == "":
            # Truncated: the other files may be too; refusing lets the state check see it.
            raise ValueError(f"the search index in {self.directory} is damaged (empty schema version)")
        if layout != SCHEMA_VERSION:
            # An index of an older layout (or none): start empty; `ipx reindex` fills it.
            for path in self.directory.iterdir():
                if path.is_file():
                    path.unlink()
            version.write_text(SCHEMA_VERSION)
        self.schema = _schema()
        self._index: tantivy.Index | None = tantivy.Index(self.schema, path=str(self.directory), reuse=True)
        self._write_lock = threading.Lock()

    @property
    def index(self) -> tantivy.Index:
        if self._index is None:
            raise RuntimeError("this search engine was closed")
        return self._index

    # --- writing ------------------------------------------------------------------------------

    def _tantivy_document(self, document: SearchDocument) -> tantivy.Document:
        doc = tantivy.Document()
        doc.add_unsigned("listing_id", document.listing_id)
        doc.add_text("title", document.title_terms)
        doc.add_text("body", document.body_terms)
        for column, value in tantivy_facets.column_values(document):
            doc.add_text(column, value)
        if document.price_cny is not None:
            doc.add_float("price_cny", document.price_cny)
        doc.add_float("price_asc", document.price_sort_key)
        doc.add_float("price_desc", -1.0 if document.price_cny is None else document.price_cny)
        doc.add_integer("published_at", document.published_at)
        return doc

    def _writer(self, heap: int = WRITER_HEAP, threads: int = 0) -> tantivy.IndexWriter:
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        while True:
            try:
                return self.index.writer(heap, threads)
            except ValueError as exc:  # another process holds the index's writer lock
                if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def _write(self, documents: Iterable[SearchDocument], delete_ids: Sequence[int],
               progress: Progress | None = None, *, heap: int = WRITER_HEAP, threads: int = 0) -> int:
        with self._write_lock:
            writer = self._writer(heap, threads)
            try:
                if delete_ids:
                    # A schema-typed query: a bare Python int would be taken as i64, not u64.
                    writer.delete_documents_by_query(tantivy.Query.term_set_query(
                        self.schema, "listing_id", [int(i) for i in delete_ids]))
                done = 0
                for document in documents:
                    writer.add_document(self._tantivy_document(document))
                    done += 1
                    if progress and done % 5000 == 0:
                        progress(done)
                writer.commit()
                if progress:
                    progress(done)
            except BaseException:
                writer.rollback()
                raise
            finally:
                # Releases the directory lock so other processes can write.
                writer.wait_merging_threads()
        self.index.reload()
        return done

    def upsert(self, documents: Sequence[SearchDocument]) -> None:
        self._write(documents, [d.listing_id for d in documents])

    def delete(self, listing_ids: Sequence[int]) -> None:
        self._write([], listing_ids)

    def clear(self) -> None:
        with self._write_lock:
            writer = self._writer()
            try:
                writer.delete_all_documents()
                writer.commit()
            finally:
                writer.wait_merging_threads()
        self.index.reload()

    def bulk_load(self, documents: Iterable[SearchDocument], *, batch: int = 5000,
                  progress: Progress | None = None) -> int:
        # One writer and one commit for the whole load; tantivy flushes segments as it goes.
        return self._write(documents, [], progress, heap=512 * 1024 * 1024)

    def count(self) -> int:
        return int(self.index.searcher().num_docs)

    def listing_ids(self) -> set[int]:
        searcher = self.index.searcher()
        total = int(searcher.num_docs)
        if not total:
            return set()
        result = searcher.search(tantivy.Query.all_query(), limit=total)
        addresses = [address for _score, address in result.hits]
        return {int(v or 0) for v in searcher.fast_field_values("listing_id", addresses)}

    # --- reading ------------------------------------------------------------------------------

    def _text_query(self, groups: list[list[str]]) -> tantivy.Query:
        must = []
        for group in groups:
            should = []
            for token in group:
                should.append((tantivy.Occur.Should, tantivy.Query.boost_query(
                    tantivy.Query.term_query(self.schema, "title", token), TITLE_BOOST)))
                should.append((tantivy.Occur.Should, tantivy.Query.term_query(self.schema, "body", token)))
            must.append((tantivy.Occur.Must, tantivy.Query.boolean_query(should)))
        return tantivy.Query.boolean_query(must)

    def _price_query(self, low: float | None, high: float | None) -> tantivy.Query:
        return tantivy.Query.range_query(self.schema, "price_cny", tantivy.FieldType.Float, low, high,
                                         include_lower=True, include_upper=True)

    def _filters(self, query: SearchQuery) -> list[tuple[Any, tantivy.Query]]:
        clauses: list[tuple[Any, tantivy.Query]] = []
        for facet, values in query.filters.items():
            if values and facet in tantivy_facets.FACETS:
                clauses.append((tantivy.Occur.Must, tantivy_facets.filter_query(self.schema, facet, values)))
        if query.price_min is not None or query.price_max is not None:
            clauses.append((tantivy.Occur.Must, self._price_query(query.price_min, query.price_max)))
        return clauses

    def _query(self, query: SearchQuery) -> tantivy.Query:
        groups = query.groups
        clauses = self._filters(query)
        if groups:
            clauses.insert(0, (tantivy.Occur.Must, self._text_query(groups)))
        elif not clauses:
            return tantivy.Query.all_query()
        else:
            clauses.insert(0, (tantivy.Occur.Must, tantivy.Query.all_query()))
        # Filters must not add to the score: wrap them as constant-score clauses.
        scored = [clauses[0]] + [
            (occur, tantivy.Query.const_score_query(q, 0.0)) for occur, q in clauses[1:]
        ]
        return tantivy.Query.boolean_query(scored)

    def _search(self, query: SearchQuery) -> SearchResults:
        searcher = self.index.searcher()
        tantivy_query = self._query(query)
        sort = query.effective_sort
        order_options: dict[str, Any] = {}
        if sort == "newest":
            order_options = {"order_by_field": "published_at", "order": tantivy.Order.Desc}
        elif sort == "price_asc":
            order_options = {"order_by_field": "price_asc", "order": tantivy.Order.Asc}
        elif sort == "price_desc":
            order_options = {"order_by_field": "price_desc", "order": tantivy.Order.Desc}
        counting = _counting.submit(searcher.aggregate, tantivy_query, tantivy_facets.AGGREGATION) \
            if query.with_facets else None
        result = searcher.search(tantivy_query, limit=query.limit, count=True, offset=query.offset,
                                 **order_options)
        addresses = [address for _key, address in result.hits]
        ids = [int(v or 0) for v in searcher.fast_field_values("listing_id", addresses)] if addresses else []
        facets = tantivy_facets.facet_counts(counting.result()) if counting is not None else {}
        return SearchResults(listing_ids=ids, total=int(getattr(result, "count", 0) or 0), facets=facets)

    def close(self) -> None:
        self._index = None  # releases the index's files
