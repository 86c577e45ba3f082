"""Honest states on a demand's matches: while listings lack vectors the page and the API say how
many are ready, and a demand sharing no words with the listings (English over Chinese patents)
is told its matches come by meaning when the preparation finishes — not shown an empty list
that reads as "nothing fits". Both go once every vector exists."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from ipx.accounts.models import User
from ipx.core.errors import ValidationFailed
from ipx.matching.demands.inputs import DemandInput
from ipx.matching.matches import handlers, preparation
from ipx.matching.matches.services import matches_recompute
from ipx.matching.models import Demand, DemandMatchRun
from ipx.matching.tests.demand_helpers import published
from ipx.matching.tests.match_helpers import (
    AIRCON,
    AIRCON_DEMAND,
    CONCRETE,
    demand_matches_api,
    embedder,  # noqa: F401 - fixture
    offer,
)
from ipx.testing.fixtures import Member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("embedder")]

# No listing of the tests below is about wastewater: neither its words nor their Chinese
# translations (the engine bridges English queries to the catalogue's terms) are in them.
ENGLISH_DEMAND = {
    "title": "Removing ammonia nitrogen from hospital wastewater",
    "description": "Ammonia nitrogen removal for hospital wastewater.",
    "ipc_codes": ["C02F"],
}


@pytest.fixture(autouse=True)
def _fresh_counts() -> None:
    preparation.forget()


def page(member: Member, demand: Demand) -> str:
    return member.client.get(reverse("matching:demand_matches", args=[demand.pk]), HTTP_HX_REQUEST="true"
                             ).content.decode()


def test_the_preparation_state_shows_while_listings_lack_vectors_and_goes_when_they_exist(
        buyer: Member, owner: Member, operator: User) -> None:
    # As after a load that skipped the events: nothing is embedded yet.
    for doc, ipc in (AIRCON | CONCRETE).items():
        offer(owner, operator, doc, ipc)
    chinese = published(buyer, operator, **AIRCON_DEMAND)
    english = published(buyer, operator, **ENGLISH_DEMAND)
    matches_recompute(demand_id=chinese.pk, notify_new=False)
    matches_recompute(demand_id=english.pk, notify_new=False)

    html = page(buyer, chinese)
    assert "Meaning-based ranking is still being prepared: 0 of 5 listings." in html
    assert 'id="matches-awaiting-meaning"' not in html  # its words found its listings
    html = page(buyer, english)
    assert "Meaning-based ranking is still being prepared: 0 of 5 listings." in html
    assert ("This demand is not in Chinese and shares no words with the listings, most of which are: its matches "
            "come from meaning-based ranking and appear here when the preparation finishes.") in html
    assert "No listing matches this demand yet" not in html
    body = demand_matches_api(buyer, english)
    assert body["items"] == []
    assert body["preparation"] == {
        "listings_ready": 0, "listings_total": 5,
        "sentence": "Meaning-based ranking is still being prepared: 0 of 5 listings.",
        "awaiting_meaning": "This demand is not in Chinese and shares no words with the listings, most of which "
                            "are: its matches come from meaning-based ranking and appear here when the "
                            "preparation finishes."}
    assert demand_matches_api(buyer, chinese)["preparation"]["awaiting_meaning"] is None

    # The page queued the background catch-up (it runs after this test's commit, which never
    # comes); run it here: it embeds what is missing, then ranks every demand again.
    handlers.matches_catch_up()

    for demand in (chinese, english):
        html = page(buyer, demand)
        assert 'id="matches-preparing"' not in html and 'id="matches-awaiting-meaning"' not in html
        assert demand_matches_api(buyer, demand)["preparation"] is None
    assert DemandMatchRun.objects.get(demand=english).method == "hybrid"


def test_the_state_counts_listings_as_their_vectors_arrive(
        buyer: Member, owner: Member, operator: User, on_commit: Callable[..., Any]) -> None:
    with on_commit():  # published through the events: embedded in the background
        for doc, ipc in AIRCON.items():
            offer(owner, operator, doc, ipc)
    demand = published(buyer, operator, **AIRCON_DEMAND)
    assert preparation.listing_preparation() is None

    for doc, ipc in CONCRETE.items():  # two more, their events dropped
        offer(owner, operator, doc, ipc)

    state = preparation.listing_preparation()
    assert state is not None and (state.ready, state.total) == (3, 5)
    assert demand_matches_api(buyer, demand)["preparation"]["listings_ready"] == 3


def test_without_meaning_by_configuration_no_state_is_shown(
        settings: Any, buyer: Member, owner: Member, operator: User, monkeypatch: pytest.MonkeyPatch) -> None:
    from ipx.matching.matches import index

    monkeypatch.setattr(index, "vector_model_name", lambda: None)
    offer(owner, operator, "test0057", AIRCON["test0057"])
    demand = published(buyer, operator, **ENGLISH_DEMAND)

    assert demand_matches_api(buyer, demand)["preparation"] is None
    assert 'id="matches-preparing"' not in page(buyer, demand)


def test_a_demand_in_an_unsupported_script_is_refused_with_the_reason() -> None:
    with pytest.raises(ValidationFailed) as refused:
        DemandInput.parse({"title": "Поиск технологии очистки сточных вод",
                           "description": "Ищем способ удаления аммонийного азота из больничных сточных вод.",
                           "deadline": "2030-01-01"})
    assert "a language the exchange cannot match" in str(refused.value.fields)
