""""No good match yet": a demand in Chinese that no listing fits — judged by the words of its
title, the words of asking left out — keeps no match, is told so on its page and in the API,
and nobody is notified; a demand the listings serve keeps its list. A demand in English meets
the listings through the dictionary and is not judged. (The catalogues here are small, so the
size from which demands are judged is lowered; the demo's own demands and unrelated ones are
judged in demo/tests/test_loader.py.)"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from ipx.accounts.models import User
from ipx.matching.matches import services
from ipx.matching.models import Demand, DemandMatch, DemandMatchRun
from ipx.matching.retrieval import GOOD_MATCH
from ipx.matching.tests.demand_helpers import published
from ipx.matching.tests.match_helpers import (
    AIRCON,
    AIRCON_DEMAND,
    BATTERY,
    CONCRETE,
    SEWAGE,
    demand_matches_api,
    embedder,  # noqa: F401 - fixture
    offer,
)
from ipx.notifications.models import Notification
from ipx.testing.fixtures import Member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("embedder")]

NO_GOOD_MATCH = "No good match yet: no listing on the exchange holds enough of what this demand&#x27;s title asks for."
UNRELATED = AIRCON_DEMAND | {
    "title": "寻找婚纱摄影后期修图与相册排版服务",
    "description": "影楼需要外包后期人像精修、调色和相册设计，希望找到长期合作的团队。",
    "ipc_codes": [],
}


@pytest.fixture(autouse=True)
def judged_from_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services, "JUDGED_FROM", 1)


def page(member: Member, demand: Demand) -> str:
    return member.client.get(reverse("matching:demand_matches", args=[demand.pk])).content.decode()


def test_a_demand_no_listing_fits_keeps_nothing_and_is_told_so(
        buyer: Member, owner: Member, operator: User, on_commit: Callable[..., Any]) -> None:
    with on_commit():
        for doc, ipc in (AIRCON | BATTERY | CONCRETE | SEWAGE).items():
            offer(owner, operator, doc, ipc)
        unrelated = published(buyer, operator, **UNRELATED)
        aircon = published(buyer, operator, **AIRCON_DEMAND)

    run = DemandMatchRun.objects.get(demand=unrelated)
    assert run.kept == 0 and run.fit is not None and run.fit < GOOD_MATCH
    assert not DemandMatch.objects.filter(demand=unrelated, rank__isnull=False).exists()
    html = page(buyer, unrelated)
    assert 'id="matches-no-good-match"' in html and NO_GOOD_MATCH in html
    assert "No listing matches this demand yet" not in html
    body = demand_matches_api(buyer, unrelated)
    assert body["items"] == [] and body["fit"] == pytest.approx(run.fit)
    assert body["good_match_threshold"] == GOOD_MATCH and body["no_good_match"].startswith("No good match yet")
    # Nobody is told of matches that are not there.
    assert not Notification.objects.filter(verb="demand.match", params__demand=unrelated.title).exists()
    assert not Notification.objects.filter(verb="listing.match", params__demand=unrelated.title).exists()

    # The air-conditioning demand's title words are in its listings: it keeps them, unchanged.
    run = DemandMatchRun.objects.get(demand=aircon)
    assert run.fit is not None and run.fit >= GOOD_MATCH and run.kept > 0
    top = list(DemandMatch.objects.filter(demand=aircon, rank__isnull=False).order_by("rank")
               .values_list("listing__title", flat=True)[:3])
    assert len(top) == 3 and all("空调" in title for title in top)
    assert "matches-no-good-match" not in page(buyer, aircon)
    assert demand_matches_api(buyer, aircon)["no_good_match"] is None


def test_the_words_of_asking_do_not_count_and_traditional_titles_are_judged_alike(
        buyer: Member, owner: Member, operator: User, on_commit: Callable[..., Any]) -> None:
    with on_commit():
        for doc, ipc in (AIRCON | SEWAGE).items():
            offer(owner, operator, doc, ipc)
        asking = published(buyer, operator, **UNRELATED | {"title": "寻求合作：希望引进相关技术与服务方案"})
        traditional = published(buyer, operator, **AIRCON_DEMAND | {
            "title": "尋求空調器智能控制與節能運行技術"})

    # A title of nothing but asking names no need: it is not judged.
    assert DemandMatchRun.objects.get(demand=asking).fit is None
    run = DemandMatchRun.objects.get(demand=traditional)
    assert run.fit is not None and run.fit >= GOOD_MATCH and run.kept > 0


def test_a_demand_in_english_is_not_judged_and_small_catalogues_neither(
        buyer: Member, owner: Member, operator: User, on_commit: Callable[..., Any],
        monkeypatch: pytest.MonkeyPatch) -> None:
    with on_commit():
        for doc, ipc in (AIRCON | CONCRETE).items():
            offer(owner, operator, doc, ipc)
        english = published(buyer, operator, **UNRELATED | {
            "title": "Wedding photo retouching and album layout",
            "description": "A studio looks for a team to retouch portraits and design albums."})
    assert DemandMatchRun.objects.get(demand=english).fit is None
    assert demand_matches_api(buyer, english)["no_good_match"] is None

    monkeypatch.setattr(services, "JUDGED_FROM", 1000)
    with on_commit():
        unrelated = published(buyer, operator, **UNRELATED)
    assert DemandMatchRun.objects.get(demand=unrelated).fit is None
    assert "matches-no-good-match" not in page(buyer, unrelated)
