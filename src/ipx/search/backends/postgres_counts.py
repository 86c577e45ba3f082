"""The PostgreSQL engine's totals and facet counts: exact for a few thousand matches, estimated
from a fixed sample of the listings above that.

Counting a term found in 400,000 of a million listings reads 400,000 rows (0.6 s, BENCHMARKS.md
→ "PostgreSQL full-text"), and its facets more. Every row carries ``sample``, a hash of its
listing id in [0, SAMPLE_SPACE) stored with it, and the table has a GIN index over the rows of
each sampling level below, so a level's matches cost a read of that level's few rows. The
counts start at the smallest level and climb until one holds ``MIN_SAMPLE`` matches, then are
scaled up and labelled estimated (as large search sites show "about 440,000"); a query that
no level samples well enough has too few matches to be worth estimating, and is counted
exactly. The sample is the same whatever is searched, so two searches' estimates agree with
each other, and a listing's place in it never changes. An estimate means some 10,000 matches
or more (1,000 in a tenth of the listings), beyond the 2,000 results a reader can page through,
so no page the estimated total offers is empty.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from ipx.search.backends.base import FACET_COLUMNS
from ipx.search.query import KEYWORD_FACETS, PRICE_BUCKETS, FacetValue

SAMPLE_SPACE = 65536
# From a thousandth to a tenth of the listings, each level about three times the last, so a
# count reads at most some three times MIN_SAMPLE rows; the migrations index each level.
SAMPLE_LEVELS = (66, 218, 655, 2185, 6554)
# Matches a level needs for its estimate: a total within about 3 %, a facet value with a
# tenth of the matches within about 10 %.
MIN_SAMPLE = 1000

# What a count reads of a match (not the large tsvector).
COUNTED = "listing_id, ip_types, offer_kinds, ipc_sections, ipc_classes, nice_classes, region, currency, " \
          "has_price, price_cny"


@dataclass(frozen=True)
class Counts:
    total: int
    facets: dict[str, list[FacetValue]]
    estimated: bool


def significant(value: float, digits: int = 2) -> int:
    """An estimate shown with the precision it has: 444,447 → 440,000; never 0 when seen."""
    if value < 1:
        return 1 if value > 0 else 0
    step: int = 10 ** max(0, math.floor(math.log10(value)) + 1 - digits)
    return max(1, round(value / step) * step)


def counts_sql(matched: str, with_facets: bool) -> str:
    """One statement counting the rows of ``matched`` (a query) and, if asked, their facets."""
    facets = f"({_keyword_facets_sql()}), ({_price_facets_sql()})" if with_facets else "NULL, NULL"
    return f"WITH matched AS MATERIALIZED ({matched}) SELECT (SELECT count(*) FROM matched), {facets}"


def read_counts(row: tuple[Any, ...], with_facets: bool, scale: float | None) -> Counts:
    """The counts of ``counts_sql``'s row; ``scale`` (sampled rows to all) makes them estimates."""
    total, keyword_rows, price_counts = row

    def shown(count: int) -> int:
        return int(count) if scale is None else significant(count * scale)

    facets: dict[str, list[FacetValue]] = {}
    if with_facets:
        facets = {facet: [] for facet in KEYWORD_FACETS}
        for facet, value, count in keyword_rows or []:
            facets[facet].append(FacetValue(str(value), shown(count)))
        keys = [key for key, _low, _high in PRICE_BUCKETS] + ["negotiable"]
        facets["price"] = [FacetValue(key, shown(count)) for key, count in zip(keys, price_counts, strict=True)
                           if count]
    return Counts(total=shown(total), facets=facets, estimated=scale is not None)


def _keyword_facets_sql() -> str:
    parts = []
    for facet in KEYWORD_FACETS:
        column, multi = FACET_COLUMNS[facet]
        value = f"unnest({column})" if multi else column
        parts.append(f"SELECT '{facet}' AS facet, v AS value, count(*) AS n "
                     f"FROM (SELECT {value} AS v FROM matched) s WHERE v <> '' GROUP BY v")
    rows = " UNION ALL ".join(parts)
    return (f"SELECT coalesce(json_agg(json_build_array(facet, value, n) ORDER BY n DESC, value), '[]') "
            f"FROM ({rows}) f")


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
