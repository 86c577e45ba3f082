"""PostgreSQL full-text search, for when several app servers share one database.

The tokens are the same as the embedded engines see: the tsvector and tsquery are written
as literals (``'token':1A,2A``), so PostgreSQL's own parser and dictionaries never touch
them and the result does not depend on the server's locale or text-search configuration.
The table is created by the search app's migration 0001 (on PostgreSQL only).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, transaction

from ipx.search.backends.base import Progress, SearchBackend
from ipx.search.documents import SearchDocument
from ipx.search.query import KEYWORD_FACETS, PRICE_BUCKETS, FacetValue, SearchQuery, SearchResults, bucket_bounds

TABLE = "search_listingdoc"
MAX_POSITION = 16383  # PostgreSQL's largest tsvector position
_COLUMNS = {
    "ip_type": ("ip_types", True),
    "offer_kind": ("offer_kinds", True),
    "ipc_section": ("ipc_sections", True),
    "ipc_class": ("ipc_classes", True),
    "nice_class": ("nice_classes", True),
    "region": ("region", False),
    "currency": ("currency", False),
}



# What the matches keep for paging, counting and facets (not the large tsvector).
_KEPT = ("d.listing_id, d.ip_types, d.offer_kinds, d.ipc_sections, d.ipc_classes, d.nice_classes, d.region, "
         "d.currency, d.has_price, d.price_cny, d.price_asc, d.price_desc, d.published_at")


def _lexeme(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(title_tokens: Sequence[str], body_tokens: Sequence[str]) -> str:
    """Title words weigh A, the rest B; positions give ts_rank the term frequencies."""
    positions: dict[str, list[str]] = defaultdict(list)
    position = 0
    for weight, tokens in (("A", title_tokens), ("B", body_tokens)):
        for token in tokens:
            position = min(position + 1, MAX_POSITION)
            entry = positions[token]
            if len(entry) < 256:  # PostgreSQL keeps at most 256 positions per lexeme
                entry.append(f"{position}{weight}")
    return " ".join(f"{_lexeme(token)}:{','.join(marks)}" for token, marks in positions.items())


def tsquery_literal(groups: list[list[str]]) -> str:
    return " & ".join("(" + " | ".join(_lexeme(t) for t in group) + ")" for group in groups)


class PostgresBackend(SearchBackend):
    name = "postgres"

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
                f"INSERT INTO {TABLE} VALUES (%s, %s::tsvector, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
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
        """COPY into the (emptied) table, a batch at a time: an order of magnitude faster than
        INSERTs. Rows are gathered before each COPY opens, because ``documents`` may itself
        read the database over the same connection."""
        done = 0
        rows: list[tuple[Any, ...]] = []
        with transaction.atomic(), connection.cursor() as cursor:
            for document in documents:
                rows.append(self._row(document))
                if len(rows) >= batch:
                    done += self._copy(cursor, rows)
                    rows = []
                    if progress:
                        progress(done)
            done += self._copy(cursor, rows)
        if progress:
            progress(done)
        return done

    def replace_all(self, documents: Iterable[SearchDocument], progress: Progress | None = None) -> int:
        """Empty and reload the table in one transaction: readers see the old rows until it
        commits (DELETE, not TRUNCATE, whose exclusive lock would stall every search)."""
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {TABLE}")
            return self.bulk_load(documents, progress=progress)

    @staticmethod
    def _copy(cursor: Any, rows: list[tuple[Any, ...]]) -> int:
        if rows:
            with cursor.cursor.copy(f"COPY {TABLE} FROM STDIN") as copy:
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
            elif facet in _COLUMNS:
                column, multi = _COLUMNS[facet]
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
        groups = query.groups
        clauses, params = self._where(query)
        if groups:
            source = f"SELECT {_KEPT}, ts_rank(d.tsv, q) AS rank FROM {TABLE} d, CAST(%s AS tsquery) q WHERE d.tsv @@ q"
            params = [tsquery_literal(groups), *params]
        else:
            source = f"SELECT {_KEPT}, 0.0 AS rank FROM {TABLE} d WHERE true"
        if clauses:
            source += " AND " + " AND ".join(clauses)
        order = {
            "relevance": "rank DESC, listing_id ASC",
            "newest": "published_at DESC, listing_id DESC",
            "price_asc": "price_asc ASC, listing_id ASC",
            "price_desc": "price_desc DESC, listing_id DESC",
        }[query.effective_sort]
        # One statement: the matches are computed once (a materialised CTE) and read for the
        # page, the count and the facets; no temporary tables, so no DDL per search.
        page = (f"SELECT coalesce(array_agg(listing_id ORDER BY pos), '{{}}') FROM (SELECT listing_id, "
                f"row_number() OVER () AS pos FROM (SELECT listing_id FROM matched ORDER BY {order} "
                "LIMIT %s OFFSET %s) limited) numbered")
        facets_sql = f"({self._keyword_facets_sql()}), ({self._price_facets_sql()})" if query.with_facets \
            else "NULL, NULL"
        sql = (f"WITH matched AS MATERIALIZED ({source}) "
               f"SELECT ({page}), (SELECT count(*) FROM matched), {facets_sql}")
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, query.limit, query.offset])
            ids, total, keyword_rows, price_counts = cursor.fetchone()
        facets: dict[str, list[FacetValue]] = {}
        if query.with_facets:
            facets = {facet: [] for facet in KEYWORD_FACETS}
            for facet, value, n in keyword_rows or []:
                facets[facet].append(FacetValue(str(value), int(n)))
            keys = [key for key, _l, _h in PRICE_BUCKETS] + ["negotiable"]
            facets["price"] = [FacetValue(key, int(n)) for key, n in zip(keys, price_counts, strict=True) if n]
        return SearchResults(listing_ids=[int(i) for i in ids], total=int(total), facets=facets)

    @staticmethod
    def _keyword_facets_sql() -> str:
        parts = []
        for facet in KEYWORD_FACETS:
            column, multi = _COLUMNS[facet]
            value = f"unnest({column})" if multi else column
            parts.append(f"SELECT '{facet}' AS facet, v AS value, count(*) AS n "
                         f"FROM (SELECT {value} AS v FROM matched) s WHERE v <> '' GROUP BY v")
        rows = " UNION ALL ".join(parts)
        return (f"SELECT coalesce(json_agg(json_build_array(facet, value, n) ORDER BY n DESC, value), '[]') "
                f"FROM ({rows}) f")

    @staticmethod
    def _price_facets_sql() -> str:
        counts = []
        for _key, low, high in PRICE_BUCKETS:
            conditions = ["has_price"]
            if low is not None:
                conditions.append(f"price_cny >= {float(low)}")
            if high is not None:
                conditions.append(f"price_cny < {float(high)}")
            counts.append(f"count(*) FILTER (WHERE {' AND '.join(conditions)})")
        counts.append("count(*) FILTER (WHERE NOT has_price)")
        return f"SELECT json_build_array({', '.join(counts)}) FROM matched"
