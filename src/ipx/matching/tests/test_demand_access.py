"""Who may use which demand endpoint and page, and who sees an anonymous demand's poster.

The cast: an anonymous visitor, the outsider (a verified member of an unrelated
organisation), the member (of the organisation that posts the demands) and the operator
(who belongs to no organisation). Demands never published do not exist for outsiders (404);
published ones may be read by all and changed only by the poster's members (403 for others).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from ipx.accounts.models import User
from ipx.matching.models import Demand
from ipx.matching.tests.demand_helpers import demand_data, draft, in_days, published, submitted
from ipx.testing.fixtures import Member

pytestmark = [pytest.mark.django_db, pytest.mark.once]

ROLES = ("anonymous", "outsider", "member", "operator")


@dataclass
class World:
    clients: dict[str, Client]
    owner: Member
    draft: Demand
    submitted: Demand
    published: Demand
    anonymous: Demand

    def ids(self) -> dict[str, int]:
        return {"draft": self.draft.pk, "submitted": self.submitted.pk, "published": self.published.pk,
                "anonymous": self.anonymous.pk, "org": self.owner.organisation.pk}


@pytest.fixture
def world(owner: Member, outsider: Member, operator: User, operator_client: Client) -> World:
    return World(
        clients={"anonymous": Client(), "outsider": outsider.client, "member": owner.client,
                 "operator": operator_client},
        owner=owner,
        draft=draft(owner),
        submitted=submitted(owner),
        published=published(owner, operator),
        anonymous=published(owner, operator, visibility="anonymous", title="匿名寻找电池回收技术"),
    )


def expect(anonymous: int, outsider: int, member: int, operator: int) -> dict[str, int]:
    return dict(zip(ROLES, (anonymous, outsider, member, operator), strict=True))


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    path: str  # formatted with World.ids()
    expected: dict[str, int]
    body: Callable[[World], dict[str, Any]] | None = None


def _new_demand(world: World) -> dict[str, Any]:
    data = demand_data(deadline=in_days(60).isoformat())
    return {**data, "organisation_id": world.owner.organisation.pk}


API = [
    Case("the board", "get", "/demands", expect(200, 200, 200, 200)),
    Case("my demands", "get", "/demands/mine", expect(401, 200, 200, 200)),
    Case("my demands of one organisation", "get", "/demands/mine?organisation_id={org}", expect(401, 403, 200, 403)),
    Case("the review queue", "get", "/demands/review-queue", expect(401, 403, 403, 200)),
    Case("read a published demand", "get", "/demands/{published}", expect(200, 200, 200, 200)),
    Case("read an anonymous demand", "get", "/demands/{anonymous}", expect(200, 200, 200, 200)),
    Case("read a draft", "get", "/demands/{draft}", expect(404, 404, 200, 200)),
    Case("read a demand in review", "get", "/demands/{submitted}", expect(404, 404, 200, 200)),
    Case("create", "post", "/demands", expect(401, 403, 201, 403), body=_new_demand),
    Case("edit a draft", "patch", "/demands/{draft}", expect(401, 404, 200, 403),
         body=lambda w: {"title": "寻找新型锂电池隔膜"}),
    Case("edit a published demand", "patch", "/demands/{published}", expect(401, 403, 200, 403),
         body=lambda w: {"title": "寻找新型锂电池隔膜"}),
    Case("submit", "post", "/demands/{draft}/submit", expect(401, 404, 200, 403)),
    Case("recall", "post", "/demands/{submitted}/recall", expect(401, 404, 200, 403)),
    Case("approve", "post", "/demands/{submitted}/approve", expect(401, 403, 403, 200), body=lambda w: {"note": ""}),
    Case("reject", "post", "/demands/{submitted}/reject", expect(401, 403, 403, 200),
         body=lambda w: {"reason": "请补充预算"}),
    Case("close", "post", "/demands/{published}/close", expect(401, 403, 200, 403),
         body=lambda w: {"note": "已解决", "solved": True}),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", API, ids=[case.name for case in API])
def test_api_access(world: World, case: Case, role: str) -> None:
    client = world.clients[role]
    path = "/api/v1" + case.path.format(**world.ids())
    body = case.body(world) if case.body else None
    if case.method == "get":
        response = client.get(path)
    else:
        response = getattr(client, case.method)(path, data=json.dumps(body or {}), content_type="application/json")

    assert response.status_code == case.expected[role], response.content[:300]
    if response.status_code >= 400:
        assert set(response.json()["error"]) == {"code", "message", "fields"}


def test_refused_api_calls_change_nothing(world: World) -> None:
    before = list(Demand.objects.order_by("pk").values_list("pk", "status", "title", "updated_at"))
    for case in API:
        if case.method == "get":
            continue
        for role in ("anonymous", "outsider"):
            path = "/api/v1" + case.path.format(**world.ids())
            body = case.body(world) if case.body else {}
            getattr(world.clients[role], case.method)(path, data=json.dumps(body), content_type="application/json")
    assert list(Demand.objects.order_by("pk").values_list("pk", "status", "title", "updated_at")) == before


def test_lists_show_each_reader_what_they_may_see(world: World) -> None:
    board = {role: [item["id"] for item in world.clients[role].get("/api/v1/demands").json()["items"]]
             for role in ROLES}
    assert board == {role: [world.anonymous.pk, world.published.pk] for role in ROLES}  # newest first
    mine = {role: world.clients[role].get("/api/v1/demands/mine").json()["count"] for role in ROLES[1:]}
    assert mine == {"outsider": 0, "member": 4, "operator": 0}
    queue = world.clients["operator"].get("/api/v1/demands/review-queue").json()
    assert [item["id"] for item in queue["items"]] == [world.submitted.pk]


def test_an_anonymous_demand_hides_its_poster_from_other_readers(world: World) -> None:
    answers = {role: world.clients[role].get(f"/api/v1/demands/{world.anonymous.pk}").json() for role in ROLES}

    organisation = world.owner.organisation
    for role in ("anonymous", "outsider"):
        assert (answers[role]["organisation_id"], answers[role]["organisation_name"]) == (None, None), role
        assert organisation.name not in json.dumps(answers[role], ensure_ascii=False), role
    for role in ("member", "operator"):
        assert (answers[role]["organisation_id"], answers[role]["organisation_name"]) == (
            organisation.pk, organisation.name), role
    assert answers["outsider"]["visibility"] == "anonymous"
    # On the board too.
    item = next(i for i in world.clients["outsider"].get("/api/v1/demands").json()["items"]
                if i["id"] == world.anonymous.pk)
    assert item["organisation_id"] is None
    public = world.clients["outsider"].get(f"/api/v1/demands/{world.published.pk}").json()
    assert public["organisation_name"] == organisation.name


def test_anonymous_demand_pages_hide_the_poster(world: World) -> None:
    name = world.owner.organisation.name
    for role in ROLES:
        detail = world.clients[role].get(reverse("matching:detail", args=[world.anonymous.pk])).content.decode()
        board = world.clients[role].get(reverse("matching:board")).content.decode()
        card = board[board.index(f'id="demand-{world.anonymous.pk}"'):]
        card = card[:card.index("</article>")]
        if role in ("anonymous", "outsider"):
            assert name not in detail, role
            assert "An organisation that chose not to be named" in detail, role
            assert name not in card, role
        else:
            assert name in detail, role
            assert name in card, role


PAGES = [
    Case("board", "get", "matching:board", expect(200, 200, 200, 200)),
    Case("a published demand", "get", "matching:detail {published}", expect(200, 200, 200, 200)),
    Case("a draft", "get", "matching:detail {draft}", expect(404, 404, 200, 200)),
    Case("new demand form", "get", "matching:new", expect(302, 200, 200, 302)),
    Case("post a new demand", "post", "matching:new", expect(302, 302, 302, 302),
         body=lambda w: {**demand_data(deadline=in_days(60).isoformat()), "ipc_codes": "H01M"}),
    Case("edit form of a draft", "get", "matching:edit {draft}", expect(302, 404, 200, 403)),
    Case("edit form of a published demand", "get", "matching:edit {published}", expect(302, 403, 200, 403)),
    Case("save an edit", "post", "matching:edit {published}", expect(302, 403, 302, 403),
         body=lambda w: {**demand_data(deadline=in_days(60).isoformat()), "ipc_codes": "H01M"}),
    Case("close form", "get", "matching:close {published}", expect(302, 403, 200, 403)),
    Case("close", "post", "matching:close {published}", expect(302, 403, 302, 403),
         body=lambda w: {"note": "已解决", "solved": "on"}),
    Case("submit", "post", "matching:action {draft} submit", expect(302, 404, 302, 302)),
    Case("recall", "post", "matching:action {submitted} recall", expect(302, 404, 302, 302)),
    Case("our demands", "get", "matching:mine", expect(302, 200, 200, 302)),
]


def _url(spec: str, world: World) -> str:
    name, *args = spec.split(" ")
    return reverse(name, args=[arg.format(**world.ids()) if arg.startswith("{") else arg for arg in args])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", PAGES, ids=[case.name for case in PAGES])
def test_page_access(world: World, case: Case, role: str) -> None:
    client = world.clients[role]
    url = _url(case.path, world)
    body = case.body(world) if case.body else {}
    response = client.get(url) if case.method == "get" else client.post(url, body)

    assert response.status_code == case.expected[role]
    if role == "anonymous" and response.status_code == 302:
        assert response["Location"].startswith("/accounts/login/")


def test_workflow_buttons_of_others_change_nothing(world: World) -> None:
    before = list(Demand.objects.order_by("pk").values_list("pk", "status", "updated_at"))
    world.clients["operator"].post(_url("matching:action {draft} submit", world))
    world.clients["operator"].post(_url("matching:action {submitted} recall", world))
    world.clients["outsider"].post(_url("matching:close {published}", world), {"note": "x"})
    assert list(Demand.objects.order_by("pk").values_list("pk", "status", "updated_at")) == before
