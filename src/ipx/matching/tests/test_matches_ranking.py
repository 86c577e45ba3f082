"""Matching both ways on real patent texts (the shared KPPatent set) with a stand-in model:
a demand's ranked listings and why, the listings' own organisation left out, a new listing
finding the demands it fits, and engines that never embed a whole catalogue."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from ipx.accounts.models import User
from ipx.listings.models import Listing
from ipx.matching.demands.inputs import MAX_DESCRIPTION
from ipx.matching.matches import index
from ipx.matching.matches.documents import demand_text
from ipx.matching.matches.services import TOP_N, matches_recompute
from ipx.matching.models import Demand, DemandMatch, DemandMatchRun
from ipx.matching.retrieval import MAX_QUERY_CHARS
from ipx.matching.tests.demand_helpers import published
from ipx.matching.tests.match_helpers import (
    AIRCON,
    AIRCON_DEMAND,
    BATTERY,
    BATTERY_DEMAND,
    CONCRETE,
    SEWAGE,
    HashEmbedder,
    embedder,  # noqa: F401 - fixture
    offer,
)
from ipx.testing.fixtures import Member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("embedder")]


def catalogue(owner: Member, outsider: Member, operator: User) -> dict[str, Listing]:
    """The owner (Guangdong) offers air-conditioning, battery, concrete and sewage patents;
    the outsider (Hong Kong) one more air-conditioning patent."""
    listings = {doc: offer(owner, operator, doc, ipc) for doc, ipc in
                (AIRCON | BATTERY | CONCRETE | SEWAGE).items() if doc != "test0457"}
    listings["test0457"] = offer(outsider, operator, "test0457", AIRCON["test0457"], price="400000",
                                 currency="HKD")
    return listings


def model() -> HashEmbedder:
    stand_in = index.current_embedder()
    assert isinstance(stand_in, HashEmbedder)
    return stand_in


def ranked(demand: Demand) -> list[DemandMatch]:
    return list(DemandMatch.objects.filter(demand=demand, rank__isnull=False).order_by("rank"))


def test_a_demand_ranks_the_listings_of_its_field_first_and_says_why(
        buyer: Member, owner: Member, outsider: Member, operator: User, on_commit: Callable[..., Any]) -> None:
    with on_commit():
        listings = catalogue(owner, outsider, operator)
        demand = published(buyer, operator, **AIRCON_DEMAND)

    rows = ranked(demand)
    aircon = {listings[doc].pk for doc in AIRCON}
    assert {row.listing_id for row in rows[:3]} == aircon
    assert [row.rank for row in rows] == list(range(1, len(rows) + 1))
    assert len(rows) <= TOP_N
    assert all(rows[i].score >= rows[i + 1].score for i in range(len(rows) - 1))
    best = rows[0]
    assert best.method == "hybrid" and best.dense_score is not None and (best.lexical_score or 0) > 0
    assert "空调" in best.explanation["terms"]
    assert best.explanation["ipc"] == ["F24F"] and best.explanation["ipc_level"] == "subclass"
    codes = {reason["code"] for reason in best.explanation["reasons"]}
    assert {"matched_terms", "semantic_similarity", "ipc_shared", "in_force", "price_within_budget"} <= codes
    # The Hong Kong seller's listing is from another region, priced in HKD within the CNY budget.
    hk = DemandMatch.objects.get(demand=demand, listing=listings["test0457"])
    hk_reasons = {reason["code"]: reason["values"] for reason in hk.explanation["reasons"]}
    assert hk_reasons["other_region"] == {"region": "HK", "other_region": "CN-44"}
    assert hk_reasons["price_within_budget"]["converted"] is True
    assert DemandMatchRun.objects.get(demand=demand).kept == len(rows)


def test_each_demand_gets_its_own_field(buyer: Member, owner: Member, outsider: Member, operator: User,
                                        on_commit: Callable[..., Any]) -> None:
    with on_commit():
        listings = catalogue(owner, outsider, operator)
        aircon = published(buyer, operator, **AIRCON_DEMAND)
        battery = published(buyer, operator, **BATTERY_DEMAND)

    battery_rows = ranked(battery)
    assert {row.listing_id for row in battery_rows[:2]} == {listings[doc].pk for doc in BATTERY}
    # A sewage patent shares no field with either demand.
    for demand in (aircon, battery):
        top = {row.listing_id for row in ranked(demand)[:3]}
        assert listings["test0117"].pk not in top


def test_a_demands_own_organisation_is_left_out(owner: Member, outsider: Member, operator: User,
                                                on_commit: Callable[..., Any]) -> None:
    with on_commit():
        listings = catalogue(owner, outsider, operator)
        demand = published(owner, operator, **AIRCON_DEMAND)

    rows = ranked(demand)
    assert [row.listing_id for row in rows] == [listings["test0457"].pk]
    assert not DemandMatch.objects.filter(demand=demand, listing__organisation=owner.organisation).exists()


def test_a_new_listing_finds_the_demands_it_fits(buyer: Member, owner: Member, outsider: Member, operator: User,
                                                 on_commit: Callable[..., Any]) -> None:
    with on_commit():
        catalogue(owner, outsider, operator)
        aircon = published(buyer, operator, **AIRCON_DEMAND)
        battery = published(buyer, operator, **BATTERY_DEMAND)
    before = {row.listing_id for row in ranked(aircon)}

    with on_commit():
        new = offer(outsider, operator, "test0277", "F24F1/00")  # 空调装置

    assert new.pk not in before
    assert new.pk in {row.listing_id for row in ranked(aircon)[:5]}
    assert new.pk not in {row.listing_id for row in ranked(battery)[:3]}


def test_engines_are_built_from_cached_vectors_only(buyer: Member, owner: Member, outsider: Member,
                                                    operator: User, on_commit: Callable[..., Any]) -> None:
    stand_in = model()
    with on_commit():
        catalogue(owner, outsider, operator)
        demand = published(buyer, operator, **AIRCON_DEMAND)
    embedded = stand_in.passages
    index.forget()
    index.raise_version(index.LISTINGS)

    engine = index.listing_catalogue()
    matches_recompute(demand_id=demand.pk)

    assert engine.dense and stand_in.passages == embedded  # every vector came from the cache
    assert ranked(demand)[0].method == "hybrid"


def test_listings_not_embedded_yet_are_ranked_by_words_and_facts(
        buyer: Member, owner: Member, outsider: Member, operator: User) -> None:
    stand_in = model()
    # Without events (as in the demo load) nothing was embedded.
    listings = catalogue(owner, outsider, operator)
    demand = published(buyer, operator, **AIRCON_DEMAND)

    outcome = matches_recompute(demand_id=demand.pk, notify_new=False)

    assert outcome.method == "lexical" and stand_in.passages == 0
    rows = ranked(demand)
    assert {row.listing_id for row in rows[:3]} == {listings[doc].pk for doc in AIRCON}
    assert all(row.method == "lexical" and row.dense_score is None for row in rows)


def test_a_demand_described_at_full_length_is_matched_by_its_opening(
        buyer: Member, owner: Member, outsider: Member, operator: User, on_commit: Callable[..., Any]) -> None:
    """20,000 characters are allowed, twice what the engine ranks: the head stands for the demand."""
    filler = "。补充说明：合作方式、交付周期和售后培训均可协商" * 1000
    description = (str(AIRCON_DEMAND["description"]) + filler)[:MAX_DESCRIPTION]
    assert len(description) == MAX_DESCRIPTION
    with on_commit():
        listings = catalogue(owner, outsider, operator)
        demand = published(buyer, operator, **(AIRCON_DEMAND | {"description": description}))

    assert len(demand_text(demand)) == MAX_QUERY_CHARS
    assert {row.listing_id for row in ranked(demand)[:3]} == {listings[doc].pk for doc in AIRCON}
