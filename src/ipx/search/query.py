"""A search request and its results, independent of the engine that answers it."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

from ipx.search.normalise import query_groups

Sort = Literal["relevance", "newest", "price_asc", "price_desc"]
SORTS: tuple[Sort, ...] = ("relevance", "newest", "price_asc", "price_desc")

# Facets over multi- or single-valued keyword fields of the document.
KEYWORD_FACETS = ("ip_type", "offer_kind", "ipc_section", "ipc_class", "nice_class", "region", "currency")

# Price buckets (CNY at indicative rates): label key → [low, high).
PRICE_BUCKETS: tuple[tuple[str, float | None, float | None], ...] = (
    ("lt100k", None, 100_000),
    ("100k-500k", 100_000, 500_000),
    ("500k-1m", 500_000, 1_000_000),
    ("1m-5m", 1_000_000, 5_000_000),
    ("gte5m", 5_000_000, None),
)
PRICE_BUCKET_KEYS = tuple(key for key, _low, _high in PRICE_BUCKETS)


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    price_min: float | None = None
    price_max: float | None = None
    sort: Sort = "relevance"
    offset: int = 0
    limit: int = 20
    with_facets: bool = True

    @cached_property
    def groups(self) -> list[list[str]]:
        """The normalised query words (segmentation runs once per query)."""
        return query_groups(self.text)

    @property
    def key(self) -> tuple[object, ...]:
        """Everything the answer depends on, hashable (the filters are a dict)."""
        return (self.text, tuple(sorted(self.filters.items())), self.price_min, self.price_max, self.sort,
                self.offset, self.limit, self.with_facets)

    @property
    def effective_sort(self) -> Sort:
        """Relevance means nothing without words to match; such lists show newest first."""
        return "newest" if self.sort == "relevance" and not self.groups else self.sort


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int


@dataclass
class SearchResults:
    listing_ids: list[int]
    total: int
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    # The total and the facet counts are estimates (from a sample of the matches, rounded).
    estimated: bool = False


def price_bucket(price_cny: float | None) -> str:
    """The price facet value of a price: a bucket key, or "negotiable" without a price."""
    if price_cny is None:
        return "negotiable"
    for key, low, high in PRICE_BUCKETS:
        if (low is None or price_cny >= low) and (high is None or price_cny < high):
            return key
    raise ValueError(price_cny)


def bucket_bounds(key: str) -> tuple[float | None, float | None]:
    for bucket, low, high in PRICE_BUCKETS:
        if bucket == key:
            return low, high
    raise KeyError(key)
