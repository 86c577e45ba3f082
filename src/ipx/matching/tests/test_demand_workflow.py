"""The demand workflow on the kernel: the page's buttons, the API's ``allowed_actions`` and
the services agree for every reader; the history is stored as verb + params and put into
words when read; notices are stored as verb + params."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.utils import translation

from ipx.accounts.models import Membership, Organisation, User
from ipx.core.errors import ApplicationError
from ipx.matching.demands import services
from ipx.matching.demands.inputs import DemandChanges
from ipx.matching.demands.workflow import DEMAND
from ipx.matching.models import Demand, DemandEvent
from ipx.matching.notices import describe, history
from ipx.matching.tests.demand_helpers import draft, in_days, published, snapshot, submitted
from ipx.notifications.models import Notification
from ipx.testing.factories import MembershipFactory, UserFactory
from ipx.testing.fixtures import Member
from ipx.testing.second_factor import sign_in

pytestmark = pytest.mark.django_db

ROLES = ("poster", "colleague", "other member", "outsider", "operator")


class _Undo(Exception):
    """Raised to roll an accepted service call back, so the next try starts from the same row."""


def _attempts(demand_id: int, user: User) -> dict[str, Callable[[], Any]]:
    """Each user action of the table, as its service is called by the page and the API."""
    return {
        "submit": lambda: services.demand_submit(demand_id=demand_id, actor=user),
        "recall": lambda: services.demand_recall(demand_id=demand_id, actor=user),
        "approve": lambda: services.demand_approve(demand_id=demand_id, operator=user, note="可以"),
        "reject": lambda: services.demand_reject(demand_id=demand_id, operator=user, reason="请补充预算"),
        # Valid input (a lapsed draft needs a new deadline): the table decides, not the data.
        "edit": lambda: services.demand_update(
            demand_id=demand_id, actor=user,
            changes=DemandChanges.parse({"title": "寻找耐高温隔膜技术", "deadline": in_days(30)})),
        "close": lambda: services.demand_close(demand_id=demand_id, actor=user, note="不再需要"),
    }


def _accepted(demand_id: int, user: User) -> list[str]:
    accepted = []
    for name, attempt in _attempts(demand_id, user).items():
        try:
            with transaction.atomic():
                attempt()
                raise _Undo
        except _Undo:
            accepted.append(name)
        except ApplicationError:
            pass
    return [name for name in DEMAND.actions if name in accepted]


def _buttons(client: Client, demand_id: int) -> list[str]:
    response = client.get(f"/demands/{demand_id}/")
    if response.status_code == 404:
        return []
    assert response.status_code == 200
    found = set(re.findall(r'data-action="([a-z]+)"', response.content.decode()))
    return [name for name in DEMAND.actions if name in found]


def _api_actions(client: Client, demand_id: int) -> list[str]:
    response = client.get(f"/api/v1/demands/{demand_id}")
    if response.status_code == 404:
        return []
    assert response.status_code == 200
    return list(response.json()["allowed_actions"])


@pytest.fixture
def cast(owner: Member, buyer: Member, outsider: Member, operator: User,
         operator_client: Client) -> dict[str, tuple[User, Client]]:
    colleague = MembershipFactory.create(user=UserFactory.create(email="colleague@example.com"),
                                         organisation=owner.organisation, role=Membership.Role.MEMBER).user
    colleague_client = Client()
    colleague_client.force_login(colleague)
    return {"poster": (owner.user, owner.client), "colleague": (colleague, colleague_client),
            "other member": (buyer.user, buyer.client), "outsider": (outsider.user, outsider.client),
            "operator": (operator, operator_client)}


def _demands(owner: Member, operator: User) -> dict[str, Demand]:
    expired = published(owner, operator, title="已过期的需求", deadline=in_days(3))
    services.demands_expire_due(today=in_days(4))
    closed = published(owner, operator, title="已关闭的需求")
    services.demand_close(demand_id=closed.pk, actor=owner.user)
    lapsed_draft, lapsed_review = draft(owner, title="截止日期已到的草稿"), submitted(owner, title="截止日期已到的审核")
    Demand.objects.filter(pk__in=[lapsed_draft.pk, lapsed_review.pk]).update(deadline=in_days(0))
    return {"draft": draft(owner), "submitted": submitted(owner), "published": published(owner, operator),
            "closed": closed, "expired": expired, "lapsed draft": lapsed_draft, "lapsed review": lapsed_review}


POSTER = {"draft": ["submit", "edit", "close"], "submitted": ["recall", "close"], "published": ["edit", "close"],
          "closed": [], "expired": [], "lapsed draft": ["edit", "close"], "lapsed review": ["recall", "close"]}
OPERATOR = {"submitted": ["approve", "reject"], "lapsed review": ["reject"]}
EXPECTED = {"poster": POSTER, "colleague": POSTER, "other member": {}, "outsider": {}, "operator": OPERATOR}


def test_buttons_api_and_services_agree(owner: Member, operator: User,
                                        cast: dict[str, tuple[User, Client]]) -> None:
    demands = _demands(owner, operator)
    before = {name: snapshot(demand) for name, demand in demands.items()}

    for role, (user, client) in cast.items():
        for state, demand in demands.items():
            expected = EXPECTED[role].get(state, [])
            assert _buttons(client, demand.pk) == expected, (role, state)
            assert _api_actions(client, demand.pk) == expected, (role, state)
            assert DEMAND.allowed_actions(Demand.objects.get(pk=demand.pk), user) == expected, (role, state)
            assert _accepted(demand.pk, user) == expected, (role, state)

    assert {name: snapshot(demand) for name, demand in demands.items()} == before


def test_visitors_get_no_actions(owner: Member, operator: User) -> None:
    demand = published(owner, operator)
    assert Client().get(f"/api/v1/demands/{demand.pk}").json()["allowed_actions"] == []
    assert 'data-action="' not in Client().get(f"/demands/{demand.pk}/").content.decode()
    board = Client().get("/api/v1/demands").json()
    assert [item["allowed_actions"] for item in board["items"]] == [[]]
    mine = owner.client.get("/api/v1/demands/mine").json()
    assert [item["allowed_actions"] for item in mine["items"]] == [["edit", "close"]]


def test_an_unverified_organisation_is_offered_no_submit(owner: Member, operator: User) -> None:
    waiting = submitted(owner)
    demand = draft(owner)
    Organisation.objects.filter(pk=owner.organisation.pk).update(status=Organisation.Status.PENDING)

    assert _api_actions(owner.client, demand.pk) == ["edit", "close"]
    assert _accepted(demand.pk, owner.user) == ["edit", "close"]
    operator_client = Client()
    sign_in(operator_client, operator)
    assert _api_actions(operator_client, waiting.pk) == ["reject"]


def test_the_operator_approves_and_rejects_from_the_page(owner: Member, operator: User,
                                                          operator_client: Client) -> None:
    first, second = submitted(owner), submitted(owner, title="第二个等待审核的需求")
    before = snapshot(second)
    refused = operator_client.post(f"/demands/{second.pk}/reject/", {"reason": "  "}, follow=True)
    assert "Say what the poster must change; they see this note." in refused.content.decode()
    assert snapshot(second) == before

    operator_client.post(f"/demands/{first.pk}/approve/", {"note": "内容清楚"})
    operator_client.post(f"/demands/{second.pk}/reject/", {"reason": "请补充技术指标"})

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.review_note) == ("published", "内容清楚")
    assert (second.status, second.review_note) == ("draft", "请补充技术指标")
    # The poster's members may not moderate: nothing changes.
    third = submitted(owner, title="第三个等待审核的需求")
    before = snapshot(third)
    owner.client.post(f"/demands/{third.pk}/approve/")
    owner.client.post(f"/demands/{third.pk}/reject/", {"reason": "自己退回"})
    assert snapshot(third) == before


def test_events_are_stored_as_verb_and_params(owner: Member, operator: User) -> None:
    demand = submitted(owner)
    services.demand_reject(demand_id=demand.pk, operator=operator, reason="请写明预算用途")
    services.demand_submit(demand_id=demand.pk, actor=owner.user)
    services.demand_recall(demand_id=demand.pk, actor=owner.user)
    services.demand_submit(demand_id=demand.pk, actor=owner.user)
    services.demand_approve(demand_id=demand.pk, operator=operator)
    services.demand_update(demand_id=demand.pk, actor=owner.user,
                           changes=DemandChanges.parse({"title": "寻找耐高温锂电池隔膜", "visibility": "anonymous"}))
    deadline = Demand.objects.get(pk=demand.pk).deadline
    services.demands_expire_due(today=deadline + timedelta(days=1))

    rows = list(DemandEvent.objects.filter(demand=demand).order_by("id").values_list(
        "verb", "from_status", "to_status", "actor", "note", "params"))
    assert rows == [
        ("create", "", "draft", owner.user.pk, "", {}),
        ("submit", "draft", "submitted", owner.user.pk, "", {}),
        ("reject", "submitted", "draft", operator.pk, "请写明预算用途", {}),
        ("submit", "draft", "submitted", owner.user.pk, "", {}),
        ("recall", "submitted", "draft", owner.user.pk, "", {}),
        ("submit", "draft", "submitted", owner.user.pk, "", {}),
        ("approve", "submitted", "published", operator.pk, "", {}),
        ("edit", "published", "published", owner.user.pk, "", {"fields": ["title", "visibility"]}),
        ("expire", "published", "expired", None, "", {"deadline": deadline.isoformat()}),
    ]


def test_history_is_said_in_the_readers_language(owner: Member, operator: User) -> None:
    demand = published(owner, operator, deadline=in_days(3))
    services.demand_update(demand_id=demand.pk, actor=owner.user,
                           changes=DemandChanges.parse({"title": "寻找耐高温锂电池隔膜"}))
    services.demands_expire_due(today=in_days(4))
    # A row from before verbs were stored keeps the words it was written with.
    old = DemandEvent.objects.create(demand=demand, from_status="published", to_status="published",
                                     actor=owner.user, note="已编辑（旧记录）")
    edit, expire = DemandEvent.objects.filter(demand=demand, verb__in=["edit", "expire"]).order_by("id")

    assert [describe(edit), describe(expire), describe(old)] == ["edited", "The deadline passed.", "已编辑（旧记录）"]
    with translation.override("zh-hans"):
        assert [describe(edit), describe(expire), describe(old)] == ["已编辑", "截止日期已过。", "已编辑（旧记录）"]
        published_label, expired_label = str(Demand.Status.PUBLISHED.label), str(Demand.Status.EXPIRED.label)
        entries = history(DemandEvent.objects.filter(demand=demand).order_by("id"))
        assert [(e.from_label, e.to_label) for e in entries][-2:] == [
            (published_label, expired_label), (published_label, published_label)]
    assert published_label != "Published"
    html = owner.client.get(f"/demands/{demand.pk}/").content.decode()
    assert "The deadline passed." in html and "已编辑（旧记录）" in html
    assert "Published → Expired" in html


def test_notices_are_stored_as_verb_and_params(owner: Member, operator: User) -> None:
    demand = submitted(owner)
    services.demand_reject(demand_id=demand.pk, operator=operator, reason="请写明预算用途")
    services.demand_submit(demand_id=demand.pk, actor=owner.user)
    services.demand_approve(demand_id=demand.pk, operator=operator, note="内容清楚")

    rejected = Notification.objects.get(verb="demand.rejected")
    approved = Notification.objects.get(verb="demand.approved")
    assert rejected.params == {"title": demand.title, "reason": "请写明预算用途"}
    assert approved.params == {"title": demand.title, "note": "内容清楚"}
    assert (approved.stored_title, approved.stored_body) == ("", "")
    assert approved.title == f"Your demand “{demand.title}” is published"
    assert approved.body == "Members can now see it on the demand board.\n\n内容清楚"
    assert rejected.title == f"Your demand “{demand.title}” needs changes"
    owner.user.preferred_language = "zh-hans"
    owner.user.save(update_fields=["preferred_language"])
    again = Notification.objects.select_related("user").get(pk=approved.pk)
    assert again.title != approved.title and demand.title in again.title
    assert json.dumps(approved.params, ensure_ascii=False).count(demand.title) == 1
