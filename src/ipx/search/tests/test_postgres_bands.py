"""A one-word search on PostgreSQL reads the word's highest score bands first
(ipx.search.backends.postgres_bands); its page must be the page that ranking every match gives.

The bands are only sound while this module's score is RUM's own, so that is checked against
the server's ``<=>`` for words with every mix of title and body occurrences."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ipx.search.backends.postgres import PostgresBackend, tsquery_literal, tsvector_literal
from ipx.search.backends.postgres_bands import FLOORS, band_of, bands_from, word_score
from ipx.search.documents import SearchDocument
from ipx.search.normalise import index_tokens
from ipx.search.query import SearchQuery
from ipx.testing.databases import ON_POSTGRES

WORDS = ("alpha", "gamma", "delta", "omega", "sigma")
REGIONS = ("CN-44", "HK", "MO")


def test_a_word_once_in_the_title_outranks_any_number_of_times_in_the_body() -> None:
    assert word_score([0.4] * 256) < 0.4 < FLOORS[4] - 0.01 < word_score([1.0])
    assert band_of(word_score([0.4] * 4)) == 0
    assert band_of(word_score([0.4] * 5)) == 1
    assert band_of(word_score([1.0] * 40)) == len(FLOORS)
    scores = [word_score([1.0] * title + [0.4] * body) for title in range(3) for body in range(12)]
    bands = [band_of(score) for score in scores]
    assert sorted(bands) == [band_of(score) for score in sorted(scores)]  # bands follow the score


def test_a_banded_word_is_written_twice_with_the_same_weights() -> None:
    literal = tsvector_literal(["alpha"], ["alpha", "beta", "alpha"])
    assert literal == "'alpha':1A,2B,4B 'alpha#6':1A,2B,3B 'beta':3B"  # the weights in their order
    # Words past PostgreSQL's last position share it, and are written once there.
    assert tsvector_literal([], ["y"] * 16390 + ["x"] * 3).endswith(" 'x':16383B")


def document(listing_id: int, rng: random.Random) -> SearchDocument:
    title, body = ["filler"], ["padding"] * rng.randint(0, 3)
    for word in WORDS:
        if rng.random() < 0.2:
            title.append(word)
        body.extend([word] * rng.choice((0, 0, 1, 1, 2, 3, 5, 8, 13)))
        body.extend(["padding"] * rng.randint(0, 2))
    return SearchDocument(
        listing_id=listing_id, title_terms=" ".join(index_tokens(" ".join(title))),
        body_terms=" ".join(index_tokens(" ".join(body))), ip_types=["patent"], offer_kinds=["transfer"],
        ipc_sections=["H"], ipc_classes=["H01"], region=REGIONS[listing_id % 3], currency="CNY",
        price_cny=None, published_at=1_700_000_000 + listing_id)


@pytest.fixture
def loaded(db: None) -> Iterator[list[SearchDocument]]:
    if not ON_POSTGRES:
        pytest.skip("the PostgreSQL engine's own test")
    rng = random.Random(5)
    documents = [document(i, rng) for i in range(1, 801)]
    PostgresBackend().bulk_load(documents)
    yield documents
    PostgresBackend().clear()


def distances(word: str, *, bands_from_lowest: int | None = None) -> dict[int, float]:
    """Each matching listing's distance from ``word``, or from its bands if one is given."""
    lexemes = [word] if bands_from_lowest is None else bands_from(bands_from_lowest, word)
    tsquery = tsquery_literal([lexemes])
    with connection.cursor() as cursor:
        cursor.execute("SELECT listing_id, tsv <=> %s::tsquery FROM search_listingdoc WHERE tsv @@ %s::tsquery",
                       [tsquery, tsquery])
        return {row[0]: row[1] for row in cursor.fetchall()}


def test_the_score_is_the_one_postgresql_ranks_by(loaded: list[SearchDocument]) -> None:
    for word in WORDS:
        server = distances(word)
        banded = distances(word, bands_from_lowest=1)
        assert 0 < len(banded) < len(server)
        assert all(banded[i] == server[i] for i in banded)  # a band's lexeme ranks as its word does
        for doc in loaded:
            weights = [1.0] * doc.title_terms.split().count(word) + [0.4] * doc.body_terms.split().count(word)
            if weights:
                assert server[doc.listing_id] == pytest.approx(1 / word_score(weights), rel=1e-5)
            else:
                assert doc.listing_id not in server


def assert_same_page(banded: list[int], everything: list[int], word: str) -> None:
    """The same distances in the same order; among listings as near as the page's last, which
    are on it is the index's choice (it may differ from one run to the next)."""
    near = distances(word)
    assert len(banded) == len(everything)
    assert [near[i] for i in banded] == [near[i] for i in everything]
    last = near[everything[-1]]
    assert {i for i in banded if near[i] < last} == {i for i in everything if near[i] < last}


@pytest.mark.parametrize("query", [
    *(SearchQuery(text=word) for word in WORDS),
    SearchQuery(text="gamma", offset=40),
    SearchQuery(text="delta", limit=50, offset=100),
    SearchQuery(text="omega", filters={"region": ("MO",)}),
    SearchQuery(text="sigma", filters={"region": ("HK", "MO")}, offset=20),
])
def test_a_page_read_from_the_bands_is_the_page_of_all_matches(
        loaded: list[SearchDocument], query: SearchQuery) -> None:
    everything = PostgresBackend(banded_from=10**9).search(query).listing_ids
    with CaptureQueriesContext(connection) as queries:
        banded = PostgresBackend(banded_from=0).search(query).listing_ids
    word = query.groups[0][0]
    assert_same_page(banded, everything, word)
    assert f"'{word}#" in queries.captured_queries[-1]["sql"]  # the page came from the bands


def test_a_page_the_bands_cannot_fill_ranks_every_match(loaded: list[SearchDocument]) -> None:
    in_bands = len([i for i, d in distances("alpha").items() if 1 / d >= FLOORS[0] - 0.001])
    assert len(distances("alpha")) > in_bands + 20  # listings with "alpha" once or twice, in the body
    query = SearchQuery(text="alpha", limit=20, offset=in_bands - 10)
    with CaptureQueriesContext(connection) as queries:
        banded = PostgresBackend(banded_from=0).search(query).listing_ids
    assert_same_page(banded, PostgresBackend(banded_from=10**9).search(query).listing_ids, "alpha")
    assert "'alpha#" not in queries.captured_queries[-1]["sql"]
