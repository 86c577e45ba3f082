"""Who sees matches: a demand's listings are for the members of the organisation that
posted it (and operators); a listing's demands and likely buyers are for the seller's
members (and operators). Everyone else gets nothing — and a seller never learns who posted
an anonymous demand."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from ipx.accounts.models import User
from ipx.deals.negotiation.threads import thread_open
from ipx.listings.models import Listing
from ipx.matching.models import Demand, DemandMatch
from ipx.matching.saved_searches.alerts import saved_search_alerts_send
from ipx.matching.saved_searches.inputs import SavedSearchInput
from ipx.matching.saved_searches.services import saved_search_create
from ipx.matching.tests.demand_helpers import draft, published
from ipx.matching.tests.match_helpers import AIRCON, AIRCON_DEMAND, embedder, offer  # noqa: F401 - fixture
from ipx.tasks.models import Task
from ipx.testing.factories import MembershipFactory, OrganisationFactory, UserFactory, listing_with_patent
from ipx.testing.fixtures import Member

pytestmark = [pytest.mark.django_db, pytest.mark.once, pytest.mark.usefixtures("embedder")]

ROLES = ("anonymous", "outsider", "poster", "seller", "operator")


@dataclass
class World:
    clients: dict[str, Client]
    buyer: Member
    owner: Member
    demand: Demand
    anonymous: Demand
    draft: Demand
    listing: Listing
    draft_listing: Listing

    def ids(self) -> dict[str, int]:
        return {"demand": self.demand.pk, "anonymous": self.anonymous.pk, "draft": self.draft.pk,
                "listing": self.listing.pk, "draft_listing": self.draft_listing.pk}


@pytest.fixture
def world(buyer: Member, owner: Member, outsider: Member, operator: User, operator_client: Client,
          on_commit: Callable[..., Any]) -> World:
    with on_commit():
        listings = [offer(owner, operator, doc, ipc) for doc, ipc in AIRCON.items()]
        demand = published(buyer, operator, **AIRCON_DEMAND)
        anonymous = published(buyer, operator, visibility="anonymous",
                              **(AIRCON_DEMAND | {"title": "匿名：空调器节能控制技术"}))
    return World(
        clients={"anonymous": Client(), "outsider": outsider.client, "poster": buyer.client, "seller": owner.client,
                 "operator": operator_client},
        buyer=buyer, owner=owner, demand=demand, anonymous=anonymous, draft=draft(buyer), listing=listings[0],
        draft_listing=listing_with_patent(owner.organisation, owner.user),
    )


def expect(anonymous: int, outsider: int, poster: int, seller: int, operator: int) -> dict[str, int]:
    return dict(zip(ROLES, (anonymous, outsider, poster, seller, operator), strict=True))


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    path: str
    expected: dict[str, int]


API = [
    Case("a demand's matches", "get", "/demands/{demand}/matches", expect(401, 403, 200, 403, 200)),
    Case("a draft's matches", "get", "/demands/{draft}/matches", expect(401, 404, 200, 404, 200)),
    Case("refresh a demand's matches", "post", "/demands/{demand}/matches/refresh", expect(401, 403, 202, 403, 403)),
    Case("a listing's demands", "get", "/listings/{listing}/matching-demands", expect(401, 403, 403, 200, 200)),
    Case("a draft listing's demands", "get", "/listings/{draft_listing}/matching-demands",
         expect(401, 404, 404, 200, 200)),
    Case("a listing's likely buyers", "get", "/listings/{listing}/likely-buyers", expect(401, 403, 403, 200, 200)),
    Case("a missing listing's buyers", "get", "/listings/999999/likely-buyers", expect(401, 404, 404, 404, 404)),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", API, ids=[case.name for case in API])
def test_api_access(world: World, case: Case, role: str) -> None:
    path = "/api/v1" + case.path.format(**world.ids())
    client = world.clients[role]
    response = client.get(path) if case.method == "get" else client.post(path, content_type="application/json")

    assert response.status_code == case.expected[role], response.content[:300]
    if response.status_code >= 400:
        assert set(response.json()["error"]) == {"code", "message", "fields"}


PAGES = [
    Case("a demand's matches", "get", "matching:demand_matches {demand}", expect(302, 403, 200, 403, 200)),
    Case("refresh", "post", "matching:matches_refresh {demand}", expect(302, 403, 302, 403, 403)),
    Case("a listing's demands and buyers", "get", "matching:listing_matches {listing}",
         expect(302, 403, 403, 200, 200)),
    Case("a draft listing's", "get", "matching:listing_matches {draft_listing}", expect(302, 404, 404, 200, 200)),
]


def _url(spec: str, world: World) -> str:
    name, arg = spec.split(" ")
    return reverse(name, args=[arg.format(**world.ids())])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", PAGES, ids=[case.name for case in PAGES])
def test_page_access(world: World, case: Case, role: str) -> None:
    client = world.clients[role]
    url = _url(case.path, world)
    response = client.get(url) if case.method == "get" else client.post(url)

    assert response.status_code == case.expected[role]
    if response.status_code == 302 and role == "anonymous":
        assert response["Location"].startswith(reverse("accounts:login"))


def test_refused_refreshes_change_nothing(world: World) -> None:
    tasks = Task.objects.count()
    rows = list(DemandMatch.objects.order_by("pk").values_list("pk", "rank", "score", "computed_at"))
    for role in ("anonymous", "outsider", "seller", "operator"):
        world.clients[role].post(f"/api/v1/demands/{world.demand.pk}/matches/refresh")
        world.clients[role].post(reverse("matching:matches_refresh", args=[world.demand.pk]))
    assert Task.objects.count() == tasks
    assert list(DemandMatch.objects.order_by("pk").values_list("pk", "rank", "score", "computed_at")) == rows


def test_the_demand_page_loads_matches_for_insiders_only(world: World) -> None:
    fragment = f'hx-get="{reverse("matching:demand_matches", args=[world.demand.pk])}"'
    for role in ROLES:
        page = world.clients[role].get(reverse("matching:detail", args=[world.demand.pk])).content.decode()
        assert (fragment in page) == (role in ("poster", "operator")), role


def test_the_listing_page_loads_its_demands_for_the_seller_only(world: World) -> None:
    fragment = f'hx-get="{reverse("matching:listing_matches", args=[world.listing.pk])}"'
    for role in ROLES:
        page = world.clients[role].get(reverse("listings:detail", args=[world.listing.pk])).content.decode()
        assert (fragment in page) == (role in ("seller", "operator")), role


def test_the_poster_reads_ranked_explained_matches(world: World) -> None:
    answer = world.clients["poster"].get(f"/api/v1/demands/{world.demand.pk}/matches",
                                         HTTP_ACCEPT_LANGUAGE="en").json()

    assert answer["demand_id"] == world.demand.pk and answer["status"] == "published"
    first = answer["items"][0]
    assert [item["rank"] for item in answer["items"]] == list(range(1, len(answer["items"]) + 1))
    assert first["method"] == "hybrid" and set(first["scores"]) == {"score", "lexical", "dense", "structured"}
    assert first["listing"]["seller_id"] == world.owner.organisation.pk
    assert first["ipc_shared"][0]["code"] == "F24F" and first["ipc_shared"][0]["title"].startswith("Air-conditioning")
    reasons = {reason["code"]: reason for reason in first["reasons"]}
    assert reasons["same_region"]["values"] == {"region": "CN-44"}
    assert reasons["same_region"]["sentence"] == "Same region: Guangdong"
    assert reasons["price_within_budget"]["sentence"] == "Within your budget: CN¥500,000.00"
    assert "空调" in first["matched_terms"]

    page = world.clients["poster"].get(reverse("matching:demand_matches", args=[world.demand.pk]),
                                       HTTP_HX_REQUEST="true").content.decode()
    assert page.startswith('<section id="demand-matches"')
    assert "<mark>空调</mark>" in page and "Same region: Guangdong" in page


def test_the_seller_sees_demands_and_buyers_but_never_an_anonymous_poster(
        world: World, outsider: Member, operator: User, on_commit: Callable[..., Any]) -> None:
    # Past interest: a member of another organisation negotiated another listing of this
    # seller's in the same subclass, and a saved search of a third found this one (private:
    # it names nobody, and one organisation is too few for an anonymous count).
    interested = Member(UserFactory.create(email="lin@example.com"),
                        OrganisationFactory.create(name="深圳冷暖设备有限公司"))
    MembershipFactory.create(user=interested.user, organisation=interested.organisation)
    other = Listing.objects.filter(organisation=world.owner.organisation).exclude(pk=world.listing.pk).first()
    assert other is not None
    thread_open(listing_id=other.pk, actor=interested.user, organisation_id=interested.organisation.pk,
                message="请问是否可以独占许可？")
    saved_search_create(user=outsider.user, search=SavedSearchInput.parse(name="空调", query="q=空调", alerts=True))
    assert saved_search_alerts_send(listing_id=world.listing.pk) == 1

    seller = world.clients["seller"]
    demands = seller.get(f"/api/v1/listings/{world.listing.pk}/matching-demands", HTTP_ACCEPT_LANGUAGE="en").json()
    by_id = {item["demand"]["id"]: item for item in demands["items"]}
    assert set(by_id) == {world.demand.pk, world.anonymous.pk}
    assert by_id[world.demand.pk]["demand"]["organisation_name"] == world.buyer.organisation.name
    assert (by_id[world.anonymous.pk]["demand"]["organisation_id"],
            by_id[world.anonymous.pk]["demand"]["organisation_name"]) == (None, None)
    reasons = {r["code"]: r["sentence"] for r in by_id[world.demand.pk]["reasons"]}
    assert reasons["price_within_budget"] == "Your price CN¥500,000.00 is within the demand's budget"

    buyers = seller.get(f"/api/v1/listings/{world.listing.pk}/likely-buyers", HTTP_ACCEPT_LANGUAGE="en").json()
    entries = {(item["organisation_id"], item["name"]): item for item in buyers["items"]}
    named = entries[(world.buyer.organisation.pk, world.buyer.organisation.name)]
    assert [r["code"] for r in named["reasons"]] == ["demand_match"]
    assert named["reasons"][0]["sentence"] == (
        f"Posted the demand “{world.demand.title}”, which your listing may solve")
    hidden = entries[(None, "An organisation that chose not to be named")]
    assert hidden["reasons"][0]["values"]["demand_id"] == world.anonymous.pk
    negotiator = entries[(interested.organisation.pk, interested.organisation.name)]
    assert negotiator["reasons"][0]["code"] == "past_negotiations"
    assert negotiator["reasons"][0]["values"] == {"count": 1, "subclasses": ["F24F"]}
    assert negotiator["score"] == 0.3
    assert outsider.organisation.pk not in {organisation_id for organisation_id, _name in entries}
    assert buyers["market_interest"] == []
    assert [item["score"] for item in buyers["items"]] == sorted((i["score"] for i in buyers["items"]), reverse=True)
    text = json.dumps(demands, ensure_ascii=False) + json.dumps(buyers, ensure_ascii=False)
    assert text.count(world.buyer.organisation.name) == 2  # the public demand and its poster's entry
    assert outsider.organisation.name not in text and "saved_search" not in text

    page = seller.get(reverse("matching:listing_matches", args=[world.listing.pk])).content.decode()
    assert "Demands this may solve" in page and "Likely buyers" in page
    assert page.count(world.buyer.organisation.name) == 2
    assert outsider.organisation.name not in page
    assert "An organisation that chose not to be named" in page

    as_operator = world.clients["operator"].get(f"/api/v1/listings/{world.listing.pk}/likely-buyers").json()
    assert all(item["organisation_id"] is not None for item in as_operator["items"])
