"""The PostgreSQL engine counts few matches exactly and estimates many from its fixed sample
(ipx.search.backends.postgres_counts), and says which; the page of results is the same either way.

The real thresholds need thousands of matches; these tests give the engine small ones (its
constructor takes them) over a few hundred listings, whose place in the sample is fixed by
their ids, so every figure below is the same on every run."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator

import pytest
from django.db import connection

from ipx.search.backends.postgres import PostgresBackend
from ipx.search.backends.postgres_counts import SAMPLE_SPACE, significant
from ipx.search.documents import SearchDocument
from ipx.search.normalise import index_tokens
from ipx.search.query import FacetValue, SearchQuery
from ipx.testing.databases import ON_POSTGRES

REGIONS = ("CN-44", "HK", "MO")


def test_estimates_keep_two_significant_digits() -> None:
    assert [significant(v) for v in (0, 0.2, 1, 7.4, 12, 99.6, 123, 1250, 444_447)] == \
        [0, 1, 1, 7, 12, 100, 120, 1200, 440_000]


def listing(listing_id: int) -> SearchDocument:
    # Every listing says 电池; one in three also 隔膜; one in a hundred 双极板.
    words = ["电池"] + (["隔膜"] if listing_id % 3 == 0 else []) + (["双极板"] if listing_id % 100 == 0 else [])
    return SearchDocument(
        listing_id=listing_id, title_terms=" ".join(index_tokens(" ".join(words[:2]))),
        body_terms=" ".join(index_tokens(" ".join(words * (1 + listing_id % 4)))),
        ip_types=["patent"], offer_kinds=["transfer"], ipc_sections=["H"], ipc_classes=["H01"],
        region=REGIONS[listing_id % 3], currency="CNY", price_cny=None if listing_id % 5 == 0 else 90_000.0,
        published_at=1_700_000_000 + listing_id)


LISTINGS = [listing(i) for i in range(1, 601)]
LEVELS = (SAMPLE_SPACE // 10, SAMPLE_SPACE // 2)  # a tenth of the listings, then half
MIN_SAMPLE = 40


@pytest.fixture
def engines(db: None) -> Iterator[tuple[PostgresBackend, PostgresBackend]]:
    if not ON_POSTGRES:
        pytest.skip("the PostgreSQL engine's own test")
    exact = PostgresBackend()
    exact.bulk_load(LISTINGS)
    yield exact, PostgresBackend(min_sample=MIN_SAMPLE, sample_levels=LEVELS)
    exact.clear()


def counts(facets: dict[str, list[FacetValue]]) -> dict[str, dict[str, int]]:
    return {name: {v.value: v.count for v in values} for name, values in facets.items() if values}


def sampled_below(level: int) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT listing_id FROM search_listingdoc WHERE sample < %s", [level])
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.parametrize(("query", "matches"), [
    (SearchQuery(text="电池"), lambda d: True),
    (SearchQuery(text="电池", sort="newest", offset=20), lambda d: True),
    (SearchQuery(text="隔膜"), lambda d: d.listing_id % 3 == 0),
    (SearchQuery(filters={"region": ("HK", "MO")}, sort="newest"), lambda d: d.region in ("HK", "MO")),
])
def test_many_matches_are_estimated_from_the_sample_and_the_page_stays_exact(
        engines: tuple[PostgresBackend, PostgresBackend], query: SearchQuery,
        matches: Callable[[SearchDocument], bool]) -> None:
    exact, sampling = engines
    truth, estimate = exact.search(query), sampling.search(query)
    matching = [d for d in LISTINGS if matches(d)]
    in_level = {level: sampled_below(level) for level in LEVELS}
    level = next(level for level in LEVELS if sum(d.listing_id in in_level[level] for d in matching) >= MIN_SAMPLE)
    sampled = [d for d in matching if d.listing_id in in_level[level]]
    scale = SAMPLE_SPACE / level

    assert not truth.estimated and truth.total == len(matching)
    assert estimate.estimated
    assert estimate.listing_ids == truth.listing_ids
    assert estimate.total == significant(len(sampled) * scale)
    assert abs(estimate.total - truth.total) <= 0.25 * truth.total  # the sample is a fair one
    regions = Counter(d.region for d in sampled)
    assert counts(estimate.facets)["region"] == {region: significant(n * scale) for region, n in regions.items()}
    assert set(counts(estimate.facets)["price"]) == set(counts(truth.facets)["price"])


def test_few_matches_are_counted_exactly(engines: tuple[PostgresBackend, PostgresBackend]) -> None:
    _exact, sampling = engines
    result = sampling.search(SearchQuery(text="双极板"))
    assert not result.estimated
    assert result.total == 6
    assert counts(result.facets)["region"] == {"CN-44": 2, "HK": 2, "MO": 2}


def test_without_facets_the_total_is_still_estimated(engines: tuple[PostgresBackend, PostgresBackend]) -> None:
    _exact, sampling = engines
    result = sampling.search(SearchQuery(text="电池", with_facets=False))
    assert result.estimated and result.facets == {}
    assert abs(result.total - 600) <= 150
