"""Matches kept up to date by the domain events, in the background: a published demand
ranks the listings, a withdrawn listing leaves the lists, a closed demand loses its rows,
and both sides are told about a new match once — an anonymous poster stays unnamed."""

from __future__ import annotations

import json
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from ipx import events
from ipx.accounts.models import User
from ipx.listings import services as listing_services
from ipx.listings.inputs import ListingChanges
from ipx.listings.models import Listing
from ipx.matching.demands import services as demand_services
from ipx.matching.demands.inputs import DemandChanges
from ipx.matching.matches import handlers, index
from ipx.matching.matches.explain import ORDER
from ipx.matching.matches.services import matches_recompute
from ipx.matching.models import Demand, DemandMatch, DemandMatchRun
from ipx.matching.tests.demand_helpers import published
from ipx.matching.tests.match_helpers import (
    AIRCON,
    AIRCON_DEMAND,
    BATTERY,
    CONCRETE,
    SEWAGE,
    embedder,  # noqa: F401 - fixture
    offer,
)
from ipx.notifications.models import Notification
from ipx.tasks.models import Task
from ipx.testing.fixtures import Member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("embedder")]


def current(demand: Demand) -> list[int]:
    return list(DemandMatch.objects.filter(demand=demand, rank__isnull=False).order_by("rank")
                .values_list("listing_id", flat=True))


def notes(member: Member, verb: str) -> list[Notification]:
    return list(Notification.objects.filter(user=member.user, verb=verb).order_by("pk"))


@pytest.fixture
def aircon(owner: Member, operator: User, on_commit: Callable[..., Any]) -> list[Listing]:
    """The owner's air-conditioning listings, among listings of other fields."""
    with on_commit():
        listings = [offer(owner, operator, doc, ipc) for doc, ipc in AIRCON.items()]
        for doc, ipc in (CONCRETE | SEWAGE).items():
            offer(owner, operator, doc, ipc)
    return listings


def test_the_handlers_are_subscribed() -> None:
    subscriptions = events._subscriptions
    assert events.Subscription(handlers.on_demand_changed, True) in subscriptions["demand.changed"]
    assert events.Subscription(handlers.on_listing_changed, True) in subscriptions["listing.changed"]
    assert events.Subscription(handlers.on_asset_changed, False) in subscriptions["asset.changed"]
    assert events.Subscription(handlers.on_organisation_changed, False) in subscriptions["organisation.changed"]


def test_publishing_a_demand_ranks_and_notifies_both_sides_once(
        buyer: Member, owner: Member, operator: User, aircon: list[Listing], on_commit: Callable[..., Any]) -> None:
    mail.outbox.clear()
    with on_commit():
        demand = published(buyer, operator, **AIRCON_DEMAND)

    rows = current(demand)
    assert set(rows[:3]) == {listing.pk for listing in aircon}
    assert Task.objects.filter(name="ipx.matching.matches.handlers.on_demand_changed", status="done").count() == 1
    assert all(DemandMatch.objects.filter(demand=demand, rank__isnull=False).values_list("notified", flat=True))
    [to_buyer] = notes(buyer, "demand.match")
    assert to_buyer.title == f"{len(rows)} listings may solve your demand “{demand.title}”"
    assert to_buyer.url == f"/demands/{demand.pk}/#demand-matches"
    assert all(listing.title in to_buyer.body for listing in aircon)
    [to_seller] = notes(owner, "listing.match")
    assert to_seller.title == f"{len(rows)} of your listings match a demand: “{demand.title}”"
    assert to_seller.body.startswith(f"{buyer.organisation.name} is looking for “{demand.title}”.")
    assert to_seller.url == f"/demands/{demand.pk}/"
    sent_mail = {(m.to[0], m.subject) for m in mail.outbox}
    assert {(buyer.user.email, to_buyer.title), (owner.user.email, to_seller.title)} <= sent_mail

    # Ranking again, withdrawing and bringing a listing back: nobody is told twice.
    sent = Notification.objects.filter(verb__in=["demand.match", "listing.match"]).count()
    matches_recompute(demand_id=demand.pk)
    with on_commit():
        listing_services.listing_withdraw(listing_id=aircon[0].pk, actor=owner.user)
    assert aircon[0].pk not in current(demand)
    assert DemandMatch.objects.get(demand=demand, listing=aircon[0]).rank is None
    with on_commit():
        listing_services.listing_reopen(listing_id=aircon[0].pk, actor=owner.user)
        listing_services.listing_submit(listing_id=aircon[0].pk, actor=owner.user)
        listing_services.listing_approve(listing_id=aircon[0].pk, operator=operator)
    assert aircon[0].pk in current(demand)[:3]
    assert Notification.objects.filter(verb__in=["demand.match", "listing.match"]).count() == sent


def test_one_new_listing_is_named_to_both_sides(buyer: Member, owner: Member, outsider: Member, operator: User,
                                                aircon: list[Listing], on_commit: Callable[..., Any]) -> None:
    with on_commit():
        demand = published(buyer, operator, **AIRCON_DEMAND)
    Notification.objects.all().delete()

    with on_commit():
        new = offer(outsider, operator, "test0277", "F24F1/00")

    assert new.pk in current(demand)
    [to_buyer] = notes(buyer, "demand.match")
    assert to_buyer.title == f"A listing may solve your demand “{demand.title}”"
    assert to_buyer.body.startswith(f"“{new.title}” from {outsider.organisation.name}.")
    assert "Why: " in to_buyer.body and to_buyer.url == f"/listings/{new.pk}/"
    # Stored as what happened, put into words when read: the reasons as codes and values.
    assert to_buyer.params is not None and (to_buyer.stored_title, to_buyer.stored_body) == ("", "")
    assert (to_buyer.params["n"], to_buyer.params["listing"], to_buyer.params["seller"]) == (
        1, new.title, outsider.organisation.name)
    assert {reason["code"] for reason in to_buyer.params["reasons"]} <= set(ORDER)
    [to_seller] = notes(outsider, "listing.match")
    assert to_seller.title == f"Your listing matches a demand: “{demand.title}”"
    assert to_seller.body.startswith(
        f"{buyer.organisation.name} is looking for “{demand.title}”; your listing “{new.title}” may solve it.")
    assert notes(owner, "listing.match") == []


def test_an_anonymous_demands_poster_is_not_named_to_sellers(
        buyer: Member, owner: Member, operator: User, aircon: list[Listing], on_commit: Callable[..., Any]) -> None:
    with on_commit():
        demand = published(buyer, operator, visibility="anonymous", **AIRCON_DEMAND)

    [to_seller] = notes(owner, "listing.match")
    assert buyer.organisation.name not in to_seller.title + to_seller.body
    # Not even in what is stored for the seller to read later.
    assert to_seller.params is not None and to_seller.params["poster"] is None
    assert buyer.organisation.name not in json.dumps(to_seller.params, ensure_ascii=False)
    assert to_seller.body.startswith(f"An organisation that chose not to be named is looking for “{demand.title}”.")
    [to_buyer] = notes(buyer, "demand.match")
    assert demand.title in to_buyer.title


def test_editing_a_demand_ranks_again_and_closing_it_removes_its_matches(
        buyer: Member, owner: Member, operator: User, aircon: list[Listing], on_commit: Callable[..., Any]) -> None:
    with on_commit():
        battery = [offer(owner, operator, doc, ipc) for doc, ipc in BATTERY.items()]
        demand = published(buyer, operator, **AIRCON_DEMAND)
    assert set(current(demand)[:3]) == {listing.pk for listing in aircon}

    with on_commit():
        demand_services.demand_update(demand_id=demand.pk, actor=buyer.user, changes=DemandChanges.parse({
            "title": "高容量锂电池正极材料", "ipc_codes": ["H01M"],
            "description": "寻求富锂锰基或高镍正极活性材料及其制备方法，提高锂离子电池的容量和循环寿命。"}))
    assert set(current(demand)[:2]) == {listing.pk for listing in battery}

    with on_commit():
        demand_services.demand_close(demand_id=demand.pk, actor=buyer.user, note="", solved=True)
    assert not DemandMatch.objects.filter(demand=demand).exists()
    assert not DemandMatchRun.objects.filter(demand=demand).exists()


def test_an_edited_listing_is_ranked_on_its_new_text(
        buyer: Member, owner: Member, operator: User, aircon: list[Listing], on_commit: Callable[..., Any]) -> None:
    with on_commit():
        battery = offer(owner, operator, "test0208", BATTERY["test0208"])
        demand = published(buyer, operator, **AIRCON_DEMAND)
    assert battery.pk not in current(demand)[:3]

    with on_commit():
        listing_services.listing_update(listing_id=battery.pk, actor=owner.user, changes=ListingChanges(
            title="空调器智能控制方法：根据用户使用习惯自动调节运行模式，变频节能",
            description="空调器、新风空调一体机的智能控制与节能运行技术。"))

    assert battery.pk in current(demand)[:4]


def test_a_sellers_new_region_is_followed(buyer: Member, owner: Member, operator: User, aircon: list[Listing],
                                          on_commit: Callable[..., Any]) -> None:
    with on_commit():
        demand = published(buyer, operator, **AIRCON_DEMAND)
    before = index.current_version(index.LISTINGS)[1]

    with on_commit():
        handlers.on_organisation_changed(organisation_id=owner.organisation.pk)

    assert index.current_version(index.LISTINGS)[1] == before + 1
    assert Task.objects.filter(name="ipx.matching.matches.handlers.rerank_organisation", status="done").exists()
    assert set(current(demand)[:3]) == {listing.pk for listing in aircon}
    # An organisation without listings on offer queues nothing.
    handlers.on_organisation_changed(organisation_id=buyer.organisation.pk)
    assert Task.objects.filter(name="ipx.matching.matches.handlers.rerank_organisation").count() == 1


def test_matches_ranked_before_the_vectors_existed_are_upgraded_in_the_background(
        buyer: Member, owner: Member, operator: User, on_commit: Callable[..., Any]) -> None:
    # As after the demo load: no event ran, so nothing was embedded.
    listings = [offer(owner, operator, doc, ipc) for doc, ipc in (AIRCON | CONCRETE).items()]
    demand = published(buyer, operator, **AIRCON_DEMAND)
    assert matches_recompute(demand_id=demand.pk, notify_new=False).method == "lexical"

    with on_commit():
        page = buyer.client.get(reverse("matching:demand_matches", args=[demand.pk]), HTTP_HX_REQUEST="true")

    assert 'id="matches-words-only"' in page.content.decode()
    assert Task.objects.get(name="ipx.matching.matches.handlers.matches_catch_up").status == "done"
    assert DemandMatchRun.objects.get(demand=demand).method == "hybrid"
    rows = DemandMatch.objects.filter(demand=demand, rank__isnull=False)
    assert {row.method for row in rows} == {"hybrid"}
    assert set(current(demand)[:3]) == {listing.pk for listing in listings[:3]}
    # The pairs first ranked quietly are told now, once.
    assert len(notes(buyer, "demand.match")) == 1
    again = buyer.client.get(reverse("matching:demand_matches", args=[demand.pk]), HTTP_HX_REQUEST="true")
    assert 'id="matches-words-only"' not in again.content.decode()


def test_the_rematch_command_embeds_and_ranks_every_demand(buyer: Member, owner: Member, operator: User) -> None:
    [offer(owner, operator, doc, ipc) for doc, ipc in AIRCON.items()]
    demand = published(buyer, operator, **AIRCON_DEMAND)
    out = StringIO()

    call_command("rematch", "--quiet-notifications", verbosity=0, stdout=out)

    kept = DemandMatch.objects.filter(demand=demand, rank__isnull=False).count()
    assert out.getvalue().strip() == (f"full run; embedded 4 document(s); ranked 1 demand(s): {kept} match(es) kept, "
                                      f"{kept} new, 0 demand(s) with no good match; 1 by hybrid")
    assert kept >= 3 and notes(buyer, "demand.match") == []
