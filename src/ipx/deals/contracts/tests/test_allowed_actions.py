"""The deal page's buttons, the API's ``allowed_actions`` and the services agree, for the
seller, the buyer, a member of the buyer who may not commit it, the buyer's agent, an
outsider and an operator, in every state a deal and its milestones pass through (a request
to cancel waiting for a decision among them). Each service is tried in a savepoint that is
rolled back, so one deal serves every person and every action."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from ipx.accounts.models import Membership, User
from ipx.core.errors import ApplicationError, Conflict, NotFound
from ipx.deals.access import access_deal
from ipx.deals.contracts import services
from ipx.deals.contracts.tests.helpers import (
    add_agent,
    deposit,
    fresh,
    funded,
    intended,
    sign_both,
    signed,
    snapshot,
    submitted,
)
from ipx.deals.models import Deal
from ipx.testing.factories import MembershipFactory, UserFactory
from ipx.testing.fixtures import Member
from ipx.testing.second_factor import sign_in

pytestmark = pytest.mark.django_db

PEOPLE = ("seller", "buyer", "member", "agent", "outsider", "operator")
DEAL_ACTIONS = ("sign", "conclude", "submit_recordal", "approve_recordal", "return_recordal", "cancel",
                "request_cancellation", "decide_cancellation")
MILESTONE_ACTIONS = ("fund", "release")


@dataclass
class Cast:
    owner: Member
    buyer: Member
    member: User  # of the buyer, neither its administrator nor a signatory
    agency: Member
    outsider: Member
    operator: User

    def user(self, who: str) -> User:
        return {"seller": self.owner.user, "buyer": self.buyer.user, "member": self.member, "agent": self.agency.user,
                "outsider": self.outsider.user, "operator": self.operator}[who]

    def client(self, who: str) -> Client:
        client = Client()
        sign_in(client, self.user(who))
        return client


# --- The states (each builds on the helpers' deal of two milestones: on signing, on recordal) ---

def _signed_intended(owner: Member, buyer: Member, operator: User) -> Deal:
    return sign_both(intended(owner, buyer, operator), owner, buyer)


def _submitted_and_funded(owner: Member, buyer: Member, operator: User) -> Deal:
    deal = submitted(owner, buyer, operator)
    services.milestone_fund(deal_id=deal.pk, position=2, actor=buyer.user)
    return deal


def _completed(owner: Member, buyer: Member, operator: User) -> Deal:
    deal = submitted(owner, buyer, operator)
    services.deal_check_recordal(deal_id=deal.pk, operator=operator, approve=True)
    return deal


def _completed_unchecked(owner: Member, buyer: Member, operator: User) -> Deal:
    # Completed in the row but with no recordal check on record: the state the pages' own
    # copy of the release rule used to get wrong.
    deal = _submitted_and_funded(owner, buyer, operator)
    Deal.objects.filter(pk=deal.pk).update(status=Deal.Status.COMPLETED)
    return deal


def _cancelled(owner: Member, buyer: Member, operator: User) -> Deal:
    deal = funded(owner, buyer, operator)
    services.deal_cancel(deal_id=deal.pk, actor=operator, reason="双方协商解除")
    return deal


def _cancellation_requested(owner: Member, buyer: Member, operator: User) -> Deal:
    deal = funded(owner, buyer, operator)
    services.deal_request_cancellation(deal_id=deal.pk, actor=buyer.user, reason="卖方未按约提供技术资料")
    return deal


def _cancellation_requested_after_recordal(owner: Member, buyer: Member, operator: User) -> Deal:
    deal = submitted(owner, buyer, operator)
    services.deal_request_cancellation(deal_id=deal.pk, actor=owner.user, reason="买方拒绝支付尾款")
    return deal


def _cancellation_refused(owner: Member, buyer: Member, operator: User) -> Deal:
    deal = _cancellation_requested(owner, buyer, operator)
    services.deal_decide_cancellation(deal_id=deal.pk, operator=operator, cancel=False, note="资料已提供，合同继续履行")
    return deal


def _cancellation_granted(owner: Member, buyer: Member, operator: User) -> Deal:
    deal = _cancellation_requested(owner, buyer, operator)
    services.deal_decide_cancellation(deal_id=deal.pk, operator=operator, cancel=True, note="卖方违约，解除合同")
    return deal


Actions = dict[str, list[str]]
NOTHING: Actions = {}


@dataclass
class State:
    name: str
    prepare: Callable[[Member, Member, User], Deal]
    deal: Actions  # who → the deal's actions (absent: none)
    milestones: dict[int, Actions]  # position → who → the milestone's actions


STATES = [
    State("awaiting signatures", fresh, {"seller": ["sign", "cancel"], "buyer": ["sign", "cancel"],
                                         "operator": ["cancel"]}, {1: NOTHING, 2: NOTHING}),
    State("intended, awaiting signatures", intended,
          {"seller": ["sign", "conclude", "cancel"], "buyer": ["sign", "conclude", "cancel"], "operator": ["cancel"]},
          {1: NOTHING}),
    # Signed by both: a party no longer cancels, it asks an operator to.
    State("intended, signed", _signed_intended,
          {"seller": ["conclude", "request_cancellation"], "buyer": ["conclude", "request_cancellation"],
           "operator": ["cancel"]}, {1: NOTHING}),
    State("signed", signed, {"seller": ["submit_recordal", "request_cancellation"], "buyer": ["request_cancellation"],
                             "operator": ["cancel"]},
          {1: {"buyer": ["fund"]}, 2: {"buyer": ["fund"]}}),
    State("signed, first milestone funded", funded,
          {"seller": ["submit_recordal", "request_cancellation"], "buyer": ["request_cancellation"],
           "operator": ["cancel"]},
          {1: {"buyer": ["release"], "operator": ["release"]}, 2: {"buyer": ["fund"]}}),
    State("recordal submitted", submitted,
          {"seller": ["request_cancellation"], "buyer": ["request_cancellation"],
           "operator": ["approve_recordal", "return_recordal", "cancel"]},
          {1: {"buyer": ["release"], "operator": ["release"]}, 2: {"buyer": ["fund"]}}),
    State("recordal submitted, both funded", _submitted_and_funded,
          {"seller": ["request_cancellation"], "buyer": ["request_cancellation"],
           "operator": ["approve_recordal", "return_recordal", "cancel"]},
          {1: {"buyer": ["release"], "operator": ["release"]}, 2: NOTHING}),
    # A request waits for the operator: nothing is released, the recordal is not approved and
    # only the decision ends it.
    State("cancellation requested", _cancellation_requested,
          {"seller": ["submit_recordal"], "operator": ["decide_cancellation"]},
          {1: NOTHING, 2: {"buyer": ["fund"]}}),
    State("cancellation requested after the recordal", _cancellation_requested_after_recordal,
          {"operator": ["return_recordal", "decide_cancellation"]},
          {1: NOTHING, 2: {"buyer": ["fund"]}}),
    State("cancellation refused", _cancellation_refused,
          {"seller": ["submit_recordal", "request_cancellation"], "buyer": ["request_cancellation"],
           "operator": ["cancel"]},
          {1: {"buyer": ["release"], "operator": ["release"]}, 2: {"buyer": ["fund"]}}),
    State("completed", _completed, NOTHING,
          {1: {"buyer": ["release"], "operator": ["release"]}, 2: {"buyer": ["fund"]}}),
    State("completed without a checked recordal", _completed_unchecked, NOTHING,
          {1: {"buyer": ["release"], "operator": ["release"]}, 2: NOTHING}),
    State("cancelled", _cancelled, NOTHING, {1: NOTHING, 2: NOTHING}),
    State("cancelled on a granted request", _cancellation_granted, NOTHING, {1: NOTHING, 2: NOTHING}),
]


# --- Reading the three answers -------------------------------------------------------------------

_ROW = re.compile(r'<tr id="milestone-(\d+)">(.*?)</tr>', re.DOTALL)
_ACTION = re.compile(r'data-action="(\w+)"')


def page_actions(client: Client, deal: Deal) -> tuple[list[str], dict[int, list[str]]] | None:
    response = client.get(f"/deals/{deal.pk}/")
    if response.status_code == 404:
        return None
    assert response.status_code == 200
    html = response.content.decode()
    rows = {int(position): _ACTION.findall(row) for position, row in _ROW.findall(html)}
    return _ACTION.findall(_ROW.sub("", html)), rows


def api_actions(client: Client, deal: Deal) -> tuple[list[str], dict[int, list[str]]] | None:
    response = client.get(f"/api/v1/deals/{deal.pk}")
    if response.status_code == 404:
        return None
    body = response.json()
    return body["allowed_actions"], {m["position"]: m["allowed_actions"] for m in body["milestones"]}


class _TriedIt(Exception):
    pass


def _accepts(run: Callable[[], Any]) -> bool:
    """Whether the service does it, leaving nothing behind either way."""
    try:
        with transaction.atomic():
            run()
            raise _TriedIt
    except _TriedIt:
        return True
    except ApplicationError:
        return False


def service_actions(user: User, deal: Deal) -> tuple[list[str], dict[int, list[str]]] | None:
    try:
        access_deal(user, deal.pk)
    except NotFound:
        return None
    tries: dict[str, Callable[[], Any]] = {
        "sign": lambda: services.deal_sign(deal_id=deal.pk, actor=user),
        "conclude": lambda: services.deal_conclude(deal_id=deal.pk, actor=user),
        "submit_recordal": lambda: services.deal_submit_recordal(deal_id=deal.pk, actor=user,
                                                                 recordal_number="2023990000777"),
        "approve_recordal": lambda: services.deal_check_recordal(deal_id=deal.pk, operator=user, approve=True),
        "return_recordal": lambda: services.deal_check_recordal(deal_id=deal.pk, operator=user, approve=False,
                                                                note="号码有误"),
        "cancel": lambda: services.deal_cancel(deal_id=deal.pk, actor=user, reason="双方协商解除"),
        "request_cancellation": lambda: services.deal_request_cancellation(deal_id=deal.pk, actor=user,
                                                                           reason="对方违约"),
        "decide_cancellation": lambda: services.deal_decide_cancellation(deal_id=deal.pk, operator=user, cancel=True,
                                                                         note="解除"),
    }
    positions = list(deal.milestones.order_by("position").values_list("position", flat=True))
    deal_actions = [name for name in DEAL_ACTIONS if _accepts(tries[name])]
    money: dict[str, Callable[..., object]] = {"fund": services.milestone_fund,
                                               "release": services.milestone_release}
    milestones = {position: [name for name in MILESTONE_ACTIONS
                             if _accepts(partial(money[name], deal_id=deal.pk, position=position, actor=user))]
                  for position in positions}
    return deal_actions, milestones


@pytest.mark.parametrize("state", STATES, ids=lambda s: s.name)
def test_page_buttons_api_and_services_agree(state: State, owner: Member, buyer: Member, outsider: Member,
                                             operator: User, agency: Member) -> None:
    deal = state.prepare(owner, buyer, operator)
    add_agent(deal, agency)
    deposit(buyer, "400000")  # whatever is still pending can be paid
    member = MembershipFactory.create(user=UserFactory.create(), organisation=buyer.organisation,
                                      role=Membership.Role.MEMBER).user
    cast = Cast(owner, buyer, member, agency, outsider, operator)
    before = snapshot(deal)

    for who in PEOPLE:
        if who == "outsider":
            expected = None
        else:
            expected = (state.deal.get(who, []),
                        {position: actions.get(who, []) for position, actions in state.milestones.items()})
        client = cast.client(who)
        assert page_actions(client, deal) == expected, who
        assert api_actions(client, deal) == expected, who
        assert service_actions(cast.user(who), deal) == expected, who

    assert snapshot(deal) == before


@pytest.mark.parametrize("state", [s for s in STATES if s.name in (
    "recordal submitted, both funded", "completed without a checked recordal")], ids=lambda s: s.name)
def test_release_is_never_offered_before_the_recordal_is_checked(state: State, owner: Member, buyer: Member,
                                                                 operator: User) -> None:
    deal = state.prepare(owner, buyer, operator)
    before = snapshot(deal)
    for member_client, user in ((buyer.client, buyer.user), (Client(), operator)):
        sign_in(member_client, user)
        page = member_client.get(f"/deals/{deal.pk}/").content.decode()
        row = dict(_ROW.findall(page))["2"]
        assert 'data-action="release"' not in row
        assert "Released once the recordal is checked." in row
        milestones = member_client.get(f"/api/v1/deals/{deal.pk}").json()["milestones"]
        assert [(m["position"], m["status"], m["allowed_actions"]) for m in milestones] == [
            (1, "funded", ["release"]), (2, "funded", [])]
        with pytest.raises(Conflict, match="released only after the recordal is checked") as refused:
            services.milestone_release(deal_id=deal.pk, position=2, actor=user)
        assert refused.value.code == "condition_not_met"
    assert snapshot(deal) == before
