"""Closing a demand, by its poster or when its deadline passes."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from ipx import cli
from ipx.accounts.models import User
from ipx.core.errors import Conflict, InvalidTransition
from ipx.matching.demands import services
from ipx.matching.demands.inputs import DemandChanges
from ipx.matching.models import Demand
from ipx.matching.notices import describe
from ipx.matching.tests.demand_helpers import draft, in_days, published, submitted
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db


def test_the_poster_closes_a_demand(owner: Member, operator: User, events: list[Any]) -> None:
    demand = published(owner, operator)
    events.clear()

    services.demand_close(demand_id=demand.pk, actor=owner.user, note="已找到解决方案", solved=True)

    demand.refresh_from_db()
    assert (demand.status, demand.close_note, demand.solved) == ("closed", "已找到解决方案", True)
    assert demand.closed_at is not None
    assert demand.events.latest("id").note == "已找到解决方案"
    assert events == [("demand.changed", {"demand_id": demand.pk})]
    with pytest.raises(InvalidTransition):
        services.demand_close(demand_id=demand.pk, actor=owner.user)
    with pytest.raises(Conflict):
        services.demand_update(demand_id=demand.pk, actor=owner.user,
                               changes=DemandChanges.parse({"title": "再次需要隔膜"}))


def test_a_draft_can_be_closed_without_telling_matching(owner: Member, events: list[Any]) -> None:
    demand = draft(owner)
    services.demand_close(demand_id=demand.pk, actor=owner.user)
    demand.refresh_from_db()
    assert (demand.status, demand.solved, demand.close_note) == ("closed", False, "")
    assert events == []


def test_demands_expire_after_their_deadline(owner: Member, operator: User, events: list[Any]) -> None:
    live = published(owner, operator, deadline=in_days(10))
    due = published(owner, operator, deadline=in_days(5))
    waiting = submitted(owner, deadline=in_days(5))
    still_draft = draft(owner, deadline=in_days(5))
    events.clear()

    assert services.demands_expire_due(today=in_days(5)) == 0
    assert services.demands_expire_due(today=in_days(6)) == 2

    statuses = dict(Demand.objects.values_list("pk", "status"))
    assert statuses == {live.pk: "published", due.pk: "expired", waiting.pk: "expired", still_draft.pk: "draft"}
    assert due.events.latest("id").actor is None
    assert describe(due.events.latest("id")) == "The deadline passed."
    assert events == [("demand.changed", {"demand_id": due.pk})]  # the unreviewed one was never on the board
    assert services.demands_expire_due(today=in_days(6)) == 0


def test_the_expire_demands_command(owner: Member, operator: User) -> None:
    demand = published(owner, operator, deadline=in_days(3))
    Demand.objects.filter(pk=demand.pk).update(deadline=in_days(-1))
    out = StringIO()
    call_command("expire_demands", stdout=out)
    assert out.getvalue() == "expired 1 demand(s)\n"
    assert Demand.objects.get(pk=demand.pk).status == "expired"
    assert cli.ALIASES["expire-demands"] == "expire_demands"
