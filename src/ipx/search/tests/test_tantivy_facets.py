"""The embedded engine's facets, kept in single-valued columns (sets and slots): its filters
and counts give exactly what checking the documents' values one by one gives."""

from __future__ import annotations

import logging
import random
from collections import Counter
from pathlib import Path

import pytest

from ipx.search.backends import tantivy_facets
from ipx.search.backends.tantivy_engine import TantivyBackend
from ipx.search.backends.tantivy_facets import COLUMNS, SEPARATOR, column_values, facet_counts
from ipx.search.documents import SearchDocument
from ipx.search.query import SearchQuery

WORDS = ["电池", "隔膜", "无人机", "涂层", "传感器", "催化剂"]
IP_TYPES = ["patent", "trademark", "copyright", "gi"]
OFFER_KINDS = ["transfer", "licence", "auction"]
IPC_CLASSES = ["A61", "B64", "C02", "G06", "H01", "H04"]
NICE_CLASSES = ["5", "9", "30", "42"]


def _some(rng: random.Random, values: list[str], most: int) -> list[str]:
    return rng.sample(values, rng.randint(0, most))


def _documents(count: int) -> list[SearchDocument]:
    rng = random.Random(5)
    documents = []
    for listing_id in range(1, count + 1):
        classes = _some(rng, IPC_CLASSES, 5)  # up to five: beyond the two slots, into the overflow
        documents.append(SearchDocument(
            listing_id=listing_id,
            title_terms=" ".join(rng.sample(WORDS, 2)),
            body_terms=" ".join(rng.sample(WORDS, 2)),
            ip_types=_some(rng, IP_TYPES, 2) or ["patent"],
            offer_kinds=_some(rng, OFFER_KINDS, 3),
            ipc_sections=sorted({c[0] for c in classes}),
            ipc_classes=classes,
            nice_classes=_some(rng, NICE_CLASSES, 3),
            region=rng.choice(["", "CN-44", "HK", "MO"]),
            currency=rng.choice(["", "CNY", "HKD"]),
            price_cny=rng.choice([None, 50_000.0, 700_000.0, 9_000_000.0]),
            published_at=1_700_000_000 + listing_id,
        ))
    return documents


def _matching(documents: list[SearchDocument], word: str,
              filters: dict[str, tuple[str, ...]]) -> list[SearchDocument]:
    """The documents holding ``word`` with, for each filtered facet, one of its wanted values."""
    found = []
    for document in documents:
        values = set(document.facet_values())
        if word in (document.title_terms + " " + document.body_terms).split() and all(
            any((facet, v) in values for v in wanted) for facet, wanted in filters.items()
        ):
            found.append(document)
    return found


def _expected(matching: list[SearchDocument]) -> dict[str, Counter]:
    """Each facet's values counted once per matching document."""
    counts: dict[str, Counter] = {}
    for document in matching:
        for facet, value in set(document.facet_values()):
            counts.setdefault(facet, Counter())[value] += 1
    return counts


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> tuple[TantivyBackend, list[SearchDocument]]:
    documents = _documents(600)
    engine = TantivyBackend(Path(tmp_path_factory.mktemp("tantivy-counts")))
    engine.bulk_load(documents[:400])
    engine.upsert(documents[400:])  # a second segment: counts are summed over segments
    return engine, documents


@pytest.mark.parametrize("filters", [
    {},
    {"region": ("HK",)},
    {"ipc_class": ("G06", "H04"), "offer_kind": ("licence",)},
    {"nice_class": ("9",), "ip_type": ("trademark", "gi")},
    {"region": ("CN-44",), "currency": ("HKD", "CNY"), "price": ("gte5m",)},
    {"ipc_section": ("B",)},
    {"region": ("CN-4",)},  # part of a value matches nothing
    {"ipc_class": ("H04",), "nice_class": ("none",)},
])
@pytest.mark.parametrize("word", WORDS[:3])
def test_counts_equal_counting_each_match(
    loaded: tuple[TantivyBackend, list[SearchDocument]], word: str, filters: dict[str, tuple[str, ...]]
) -> None:
    engine, documents = loaded
    result = engine.search(SearchQuery(text=word, filters=filters))
    matching = _matching(documents, word, filters)
    assert result.total == len(matching)
    assert {facet: Counter({v.value: v.count for v in values}) for facet, values in result.facets.items()} == \
        _expected(matching)
    for values in result.facets.values():  # most frequent first, then by value
        assert [(-v.count, v.value) for v in values] == sorted((-v.count, v.value) for v in values)



def test_every_column_has_one_value_per_document_except_the_overflow() -> None:
    for document in _documents(50):
        columns = Counter(column for column, _value in column_values(document))
        assert all(n == 1 for column, n in columns.items() if column in COLUMNS and not column.endswith("_more"))
        assert columns["facet_ipc_class_more"] == max(0, len(set(document.ipc_classes)) - 2)


def test_a_value_holding_the_separator_is_refused() -> None:
    document = _documents(1)[0]
    document.region = f"CN{SEPARATOR}44"
    with pytest.raises(ValueError, match="separator"):  # a set of values would be read back as another
        column_values(document)


def test_counts_cut_short_by_the_engine_are_reported(caplog: pytest.LogCaptureFixture) -> None:
    answer = {"facet_region": {"buckets": [{"key": "HK", "doc_count": 3}], "sum_other_doc_count": 2}}
    # The project's loggers do not propagate to the root, where caplog listens.
    logger = logging.getLogger(tantivy_facets.__name__)
    logger.addHandler(caplog.handler)
    try:
        assert facet_counts(answer)["region"][0].count == 3
    finally:
        logger.removeHandler(caplog.handler)
    assert "counts are cut" in caplog.text
