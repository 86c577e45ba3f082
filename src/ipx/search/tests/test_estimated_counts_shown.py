"""When the engine estimates the counts (many matches on PostgreSQL), the page and the API say
so: "About 440,000 listings found", a note over the filters, and ``total_estimated``."""

from __future__ import annotations

import pytest
from django.test import Client

from ipx.search import selectors
from ipx.search.query import FacetValue, SearchQuery, SearchResults


@pytest.fixture
def estimating(monkeypatch: pytest.MonkeyPatch) -> None:
    def results(query: SearchQuery) -> SearchResults:
        return SearchResults(listing_ids=[], total=440_000 if query.text == "估计" else 7,
                             facets={"region": [FacetValue("HK", 12_000)]}, estimated=query.text == "估计")

    monkeypatch.setattr(selectors, "_results", results)


@pytest.mark.django_db
def test_the_page_says_the_counts_are_estimates(estimating: None) -> None:
    page = Client().get("/search/?q=估计", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "About 440,000 listings found" in page
    assert "Counts are estimated from a sample of the matches." in page

    exact = Client().get("/search/?q=确切", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "7 listings found" in exact and "About" not in exact and "Counts are estimated" not in exact

    chinese = Client().get("/search/?q=估计", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "找到约 440,000 个挂牌项目" in chinese and "估计值" in chinese


@pytest.mark.django_db
def test_the_api_says_the_counts_are_estimates(estimating: None) -> None:
    assert Client().get("/api/v1/search/listings?q=估计").json()["total_estimated"] is True
    answer = Client().get("/api/v1/search/listings?q=确切").json()
    assert answer["total"] == 7 and answer["total_estimated"] is False
