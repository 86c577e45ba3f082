"""How the embedded engine keeps facets: columns with exactly one value per listing, which
both the filters and the counts read.

tantivy reads a column with one value per listing in blocks; a column with several values
per listing goes through an index of each listing's value range, listing by listing. At a
million listings a common term's counts over one multi-valued field took 6.1 ms (p50;
19.9 ms p95) where one value per listing took 0.8 ms (2.6 ms), whatever the vocabulary
(BENCHMARKS.md, "Embedded engine: tantivy"). So each facet is written the way that keeps its
columns single-valued:

* a facet with a small vocabulary (IP type, offer kind, IPC section, region, currency, price
  bucket) as one value, the listing's whole set of values ("licence␟transfer"): a set's count
  adds to each of its members, so the counts are exact (at most 2ⁿ sets for n values);
* a facet with a large vocabulary (IPC classes, Nice classes), whose sets would be nearly
  as many as the listings, as the listing's first values, one column each ("slots"), and the
  rest in one multi-valued overflow column. A listing's values are distinct, so each is
  counted once, in whichever column holds it. Few listings have more values than slots, so
  the overflow column is cheap to read.

An absent value is written as the separator alone, which no facet value contains, so that
every column keeps one value per listing.

Filters: region, currency and price (one value at most) are looked up in their columns; a
slot facet's value in each of its columns; the other values as words ``name=value`` of one
indexed text field (``MEMBERS``) that no count reads. (A regular expression over the set
columns' few terms was tried instead: the union of the many sets' postings made a filtered
query slower, p95 15.6 against 12.7 ms at a million.)
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

import tantivy

from ipx.search.documents import SearchDocument
from ipx.search.query import FacetValue

SEPARATOR = "\x1f"  # ASCII unit separator: never part of a code, a region or a bucket key
# Neither in a facet value: the separator, nor white space (which separates the members).
_RESERVED = re.compile(r"[\s\x1f]")
SET_FACETS = ("ip_type", "offer_kind", "ipc_section", "region", "currency", "price")
# A listing has at most one of these: its set is the value itself.
SINGLE_VALUED = frozenset(("region", "currency", "price"))
MEMBERS = "facet_members"
# Slots per listing; beyond them, the overflow column (a package of patents often spans
# two IPC classes, rarely three; a trademark usually names one Nice class).
SLOT_FACETS = {"ipc_class": 2, "nice_class": 1}
FACETS = frozenset((*SET_FACETS, *SLOT_FACETS))
# More than the values any column can hold (about 650 IPC classes; 2⁸ sets of sections).
TERMS_PER_COLUMN = 5000

logger = logging.getLogger(__name__)


def _set_column(facet: str) -> str:
    return f"facet_{facet}"


def _slot_columns(facet: str) -> tuple[str, ...]:
    return tuple(f"facet_{facet}_{slot}" for slot in range(1, SLOT_FACETS[facet] + 1))


def _overflow_column(facet: str) -> str:
    return f"facet_{facet}_more"


def _columns_of(facet: str) -> tuple[str, ...]:
    if facet in SLOT_FACETS:
        return (*_slot_columns(facet), _overflow_column(facet))
    return (_set_column(facet),)


COLUMNS = tuple(column for facet in (*SET_FACETS, *SLOT_FACETS) for column in _columns_of(facet))
_FACET_OF_COLUMN = {column: facet for facet in FACETS for column in _columns_of(facet)}
_SETS = {facet: _set_column(facet) for facet in SET_FACETS}
_SLOTS = {facet: (_slot_columns(facet), _overflow_column(facet)) for facet in SLOT_FACETS}
_MEMBER_PREFIX = {facet: f"{facet}=" for facet in SET_FACETS if facet not in SINGLE_VALUED}


def add_columns(builder: tantivy.SchemaBuilder) -> None:
    for column in COLUMNS:
        builder.add_text_field(column, tokenizer_name="raw", fast=True, index_option="basic")
    builder.add_text_field(MEMBERS, tokenizer_name="whitespace", index_option="basic")


def column_values(document: SearchDocument) -> list[tuple[str, str]]:
    """The (column, value) pairs of the document. Written for speed (loops, no comprehensions):
    it runs for every listing a bulk load writes, and at a million listings each microsecond
    is a second."""
    sets = document.facet_sets()
    if _RESERVED.search("".join(map("".join, sets.values()))):
        raise ValueError(f"a facet value of listing {document.listing_id} holds white space or a separator")
    pairs = []
    members = []
    for facet, found in sets.items():
        ordered = sorted(set(found)) if len(found) > 1 else found
        slots = _SLOTS.get(facet)
        if slots is None:
            pairs.append((_SETS[facet], SEPARATOR.join(ordered) or SEPARATOR))
        else:
            columns, overflow = slots
            for slot, column in enumerate(columns):
                pairs.append((column, ordered[slot] if slot < len(ordered) else SEPARATOR))
            for value in ordered[len(columns):]:
                pairs.append((overflow, value))
        prefix = _MEMBER_PREFIX.get(facet)
        if prefix is not None:
            for value in found:
                members.append(prefix + value)
    pairs.append((MEMBERS, " ".join(members)))
    return pairs


def filter_query(schema: tantivy.Schema, facet: str, values: Sequence[str]) -> tantivy.Query:
    """Listings with any of ``values`` in ``facet``."""
    if facet in SINGLE_VALUED:
        return tantivy.Query.term_set_query(schema, _set_column(facet), list(values))
    if facet in SLOT_FACETS:
        return tantivy.Query.boolean_query([
            (tantivy.Occur.Should, tantivy.Query.term_set_query(schema, column, list(values)))
            for column in _columns_of(facet)
        ])
    return tantivy.Query.term_set_query(schema, MEMBERS, [_MEMBER_PREFIX[facet] + value for value in values])


# One aggregation reads every column, in one pass over the matches, in a thread beside the
# top-k search. Two groups in two threads were tried: a common term's counts came a little
# sooner (p95 13.9 against 15.9 ms at a million), but a filtered query's matching then ran
# three times on two cores (p95 23 against 12.6 ms).
AGGREGATION: dict[str, Any] = {column: {"terms": {"field": column, "size": TERMS_PER_COLUMN}} for column in COLUMNS}


def facet_counts(result: Mapping[str, Any]) -> dict[str, list[FacetValue]]:
    """The facets' counts from the aggregation's result: most frequent first, then by value."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for column, answer in result.items():
        facet = _FACET_OF_COLUMN[column]
        if answer.get("sum_other_doc_count"):
            logger.error("facet column %s holds more than %d values: its counts are cut", column, TERMS_PER_COLUMN)
        for bucket in answer.get("buckets", []):
            for value in str(bucket["key"]).split(SEPARATOR):
                if value:
                    counts[facet][value] += int(bucket["doc_count"])
    return {
        facet: [FacetValue(value, n) for value, n in sorted(found.items(), key=lambda item: (-item[1], item[0]))]
        for facet, found in counts.items()
    }
