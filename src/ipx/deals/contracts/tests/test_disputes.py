"""Business rule: once both sides have signed, a party cannot take the escrow back by
cancelling (the seller may already have recorded the transfer); it asks an operator, which
opens a dispute: the other party and the operators hear of it, nothing held is released
while it is open, and the operator cancels the deal (held money refunded) or lets it go on,
with a note; every step is in the deal's history. Every refusal changes nothing."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from ipx.accounts.models import Membership, User
from ipx.core.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from ipx.deals.contracts import services
from ipx.deals.contracts.pdf import deal_number
from ipx.deals.contracts.tests.helpers import (
    available,
    escrow_total,
    events,
    fresh,
    funded,
    listing_status,
    snapshot,
    submitted,
    verbs,
)
from ipx.deals.models import Deal, DealEvent, Dispute
from ipx.notifications.models import Notification
from ipx.testing.factories import MembershipFactory, UserFactory
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db

REASON = "卖方未按约提供技术资料"


def _request(deal: Deal, member: Member, reason: str = REASON) -> Dispute:
    return services.deal_request_cancellation(deal_id=deal.pk, actor=member.user, reason=reason)


@pytest.mark.parametrize("prepare", [funded, submitted], ids=["signed", "recordal submitted"])
def test_after_signing_a_party_cannot_cancel_only_ask(prepare: Callable[[Member, Member, User], Deal],
                                                     owner: Member, buyer: Member, operator: User) -> None:
    deal = prepare(owner, buyer, operator)
    before = snapshot(deal)
    held = escrow_total()
    for member in (owner, buyer):
        with pytest.raises(Conflict) as refused:
            services.deal_cancel(deal_id=deal.pk, actor=member.user, reason="我方不想继续")
        assert refused.value.code == "cancellation_needs_operator"
        assert refused.value.message == ("Both sides have signed this deal: a party can no longer cancel it, but may "
                                         "ask an operator to cancel it.")
    assert snapshot(deal) == before
    assert escrow_total() == held == Decimal("100000.00")


def test_a_request_opens_a_dispute_told_to_the_other_party_and_operators(owner: Member, buyer: Member,
                                                                       operator: User) -> None:
    deal = funded(owner, buyer, operator)
    colleague = MembershipFactory.create(organisation=buyer.organisation, role=Membership.Role.MEMBER).user
    other_operator = UserFactory.create(is_staff=True)

    dispute = _request(deal, buyer, reason=f"  {REASON}  ")

    deal.refresh_from_db()
    assert deal.status == "signed"  # the deal stays as it is until an operator decides
    assert (dispute.status, dispute.reason, dispute.requested_by, dispute.requested_for) == (
        "open", REASON, buyer.user, buyer.organisation)
    event = DealEvent.objects.filter(deal=deal).last()
    assert event is not None
    assert (event.verb, event.from_status, event.to_status, event.actor, event.acting_for, event.note,
            event.params) == (
        "cancel_requested", "signed", "signed", buyer.user, buyer.organisation, REASON,
        {"dispute": dispute.pk, "organisation": buyer.organisation.name})
    told = set(Notification.objects.filter(verb="deal.cancel_requested").values_list("user_id", flat=True))
    # The other party and every operator; not the buyer's own people (``colleague``).
    assert told == {owner.user.pk, operator.pk, other_operator.pk}
    assert colleague.pk not in told
    notice = Notification.objects.get(user=owner.user, verb="deal.cancel_requested")
    assert notice.params == {"number": deal_number(deal), "name": buyer.organisation.name,
                             "reason": REASON}


def test_while_a_request_is_open_nothing_is_released_and_the_deal_does_not_move(owner: Member, buyer: Member,
                                                                                operator: User) -> None:
    deal = submitted(owner, buyer, operator)
    _request(deal, owner, reason="买方拒绝支付尾款")
    before = snapshot(deal)
    held = escrow_total()

    for actor in (buyer.user, operator):
        with pytest.raises(Conflict) as refused:
            services.milestone_release(deal_id=deal.pk, position=1, actor=actor)
        assert refused.value.code == "dispute_open"
        assert "money held in escrow is not released" in refused.value.message
    with pytest.raises(Conflict) as refused:
        services.deal_check_recordal(deal_id=deal.pk, operator=operator, approve=True)
    assert refused.value.code == "dispute_open"
    with pytest.raises(Conflict) as refused:
        services.deal_cancel(deal_id=deal.pk, actor=operator, reason="直接解除")
    assert refused.value.code == "dispute_open"
    with pytest.raises(Conflict) as refused:
        _request(deal, buyer, reason="我方也要求解除")
    assert refused.value.code == "dispute_open"

    assert snapshot(deal) == before
    assert escrow_total() == held == Decimal("100000.00")


def test_a_request_needs_a_binding_party_and_a_reason(owner: Member, buyer: Member, operator: User,
                                                      outsider: Member) -> None:
    deal = funded(owner, buyer, operator)
    before = snapshot(deal)
    with pytest.raises(ValidationFailed) as refused:
        _request(deal, buyer, reason="   ")
    assert refused.value.fields == {"reason": "Say why the deal should be cancelled; the other side and the "
                                              "operators see it."}
    with pytest.raises(PermissionDenied, match=r"Only the buyer or the seller may do this\."):
        services.deal_request_cancellation(deal_id=deal.pk, actor=operator, reason=REASON)
    assert snapshot(deal) == before
    assert not Dispute.objects.exists()


def test_before_signing_a_party_cancels_and_cannot_ask(owner: Member, buyer: Member, operator: User) -> None:
    deal = fresh(owner, buyer, operator)
    before = snapshot(deal)
    with pytest.raises(InvalidTransition, match="A cancellation is asked for once both sides have signed"):
        _request(deal, buyer)
    assert snapshot(deal) == before
    services.deal_cancel(deal_id=deal.pk, actor=buyer.user, reason="不再需要")
    deal.refresh_from_db()
    assert deal.status == "cancelled"


def test_the_operator_cancels_on_a_request_and_the_buyer_gets_held_money_back(owner: Member, buyer: Member,
                                                                             operator: User) -> None:
    deal = funded(owner, buyer, operator)
    assert (available(buyer.organisation), listing_status(deal)) == (Decimal("400000.00"), "reserved")
    dispute = _request(deal, buyer)

    services.deal_decide_cancellation(deal_id=deal.pk, operator=operator, cancel=True, note="  卖方违约，解除合同 ")

    deal.refresh_from_db()
    dispute.refresh_from_db()
    assert (deal.status, deal.cancel_reason) == ("cancelled", "卖方违约，解除合同")
    assert (dispute.status, dispute.decided_by, dispute.decision_note) == ("cancelled", operator, "卖方违约，解除合同")
    assert dispute.decided_at is not None
    assert list(deal.milestones.values_list("status", "refunded_amount")) == [
        ("refunded", Decimal("100000.00")), ("pending", Decimal("0.00"))]
    assert (available(buyer.organisation), escrow_total(), listing_status(deal)) == (
        Decimal("500000.00"), Decimal("0.00"), "published")
    assert events(deal)[-4:] == [("cancel_requested", "signed", "signed"), ("cancel_granted", "open", "cancelled"),
                                 ("refunded", "funded", "refunded"), ("cancelled", "signed", "cancelled")]
    granted = DealEvent.objects.get(deal=deal, verb="cancel_granted")
    assert (granted.actor, granted.note, granted.params) == (operator, "卖方违约，解除合同", {"dispute": dispute.pk})
    assert verbs(buyer.user)[-1] == verbs(owner.user)[-1] == "deal.cancelled"

    before = snapshot(deal)
    with pytest.raises(InvalidTransition):  # decided: the deal is cancelled, nothing left to decide
        services.deal_decide_cancellation(deal_id=deal.pk, operator=operator, cancel=False, note="再议")
    assert snapshot(deal) == before


def test_the_operator_rejects_a_request_and_the_deal_goes_on(owner: Member, buyer: Member, operator: User) -> None:
    deal = funded(owner, buyer, operator)
    dispute = _request(deal, owner, reason="买方迟延付款")

    services.deal_decide_cancellation(deal_id=deal.pk, operator=operator, cancel=False, note="买方已付首期，合同继续")

    deal.refresh_from_db()
    dispute.refresh_from_db()
    assert (deal.status, dispute.status, dispute.decision_note) == ("signed", "rejected", "买方已付首期，合同继续")
    assert events(deal)[-2:] == [("cancel_requested", "signed", "signed"), ("cancel_rejected", "open", "rejected")]
    for member in (owner, buyer):
        notice = Notification.objects.get(user=member.user, verb="deal.cancel_rejected")
        assert notice.body == (f"The operator refused to cancel deal {deal_number(deal)}: "
                               "买方已付首期，合同继续")
    assert escrow_total() == Decimal("100000.00")
    # The deal goes on: held money may be released again.
    services.milestone_release(deal_id=deal.pk, position=1, actor=buyer.user)
    assert escrow_total() == Decimal("0.00")


def test_only_an_operator_decides_with_a_note_an_open_request(owner: Member, buyer: Member, operator: User) -> None:
    deal = funded(owner, buyer, operator)
    with pytest.raises(Conflict) as refused:
        services.deal_decide_cancellation(deal_id=deal.pk, operator=operator, cancel=True, note="解除")
    assert refused.value.code == "no_open_dispute"
    _request(deal, buyer)
    before = snapshot(deal)
    for member in (owner, buyer):
        with pytest.raises(PermissionDenied, match=r"Only an operator may do this\."):
            services.deal_decide_cancellation(deal_id=deal.pk, operator=member.user, cancel=True, note="解除")
    with pytest.raises(ValidationFailed) as invalid:
        services.deal_decide_cancellation(deal_id=deal.pk, operator=operator, cancel=True, note=" ")
    assert invalid.value.fields == {"decision_note": "Say why you decide so; both sides see this note."}
    assert snapshot(deal) == before
    assert escrow_total() == Decimal("100000.00")


# --- The API and the pages ------------------------------------------------------------------------

def _post(client: Client, path: str, body: object, key: str = "") -> tuple[int, Any]:
    extra: dict[str, Any] = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    response = client.post(f"/api/v1{path}", data=json.dumps(body), content_type="application/json", **extra)
    return response.status_code, response.json()


def test_request_and_decision_through_the_api(owner: Member, buyer: Member, operator: User,
                                              operator_client: Client) -> None:
    deal = funded(owner, buyer, operator)
    before = snapshot(deal)
    status, body = _post(buyer.client, f"/deals/{deal.pk}/cancel", {"reason": "解除"}, key="c1")
    assert (status, body["error"]["code"]) == (409, "cancellation_needs_operator")
    status, body = _post(buyer.client, f"/deals/{deal.pk}/cancellation-request", {"reason": ""})
    assert (status, body["error"]["fields"]) == (400, {"reason": "Say why the deal should be cancelled; the "
                                                               "other side and the operators see it."})
    assert snapshot(deal) == before

    status, body = _post(buyer.client, f"/deals/{deal.pk}/cancellation-request", {"reason": REASON})
    assert status == 200
    assert (body["cancellation_requested"], body["allowed_actions"]) == (True, [])
    [dispute] = body["disputes"]
    assert (dispute["status"], dispute["reason"], dispute["requested_for"]["id"]) == (
        "open", REASON, buyer.organisation.pk)
    listed = operator_client.get("/api/v1/deals?cancellation_requested=true").json()
    assert ([item["id"] for item in listed["items"]], listed["items"][0]["allowed_actions"]) == (
        [deal.pk], ["decide_cancellation"])

    requested = snapshot(deal)
    for bad in ({"decision": "maybe", "decision_note": "x"}, {"decision": "cancel"}):
        status, body = _post(operator_client, f"/deals/{deal.pk}/cancellation-request/decision", bad,
                             key=uuid.uuid4().hex)
        assert (status, body["error"]["code"]) == (400, "invalid")
    status, body = _post(buyer.client, f"/deals/{deal.pk}/cancellation-request/decision",
                         {"decision": "cancel", "decision_note": "我方决定"}, key="b1")
    assert (status, body["error"]["code"]) == (403, "forbidden")
    assert snapshot(deal) == requested

    status, body = _post(operator_client, f"/deals/{deal.pk}/cancellation-request/decision",
                         {"decision": "reject", "decision_note": "合同继续"}, key="d1")
    assert status == 200
    assert (body["status"], body["cancellation_requested"], body["disputes"][0]["status"]) == (
        "signed", False, "rejected")
    assert [event["kind"] for event in body["events"]][-2:] == ["cancel_requested", "cancel_rejected"]


def test_pages_show_the_request_to_the_parties_and_the_decision_to_operators(owner: Member, buyer: Member,
                                                                            operator: User,
                                                                            operator_client: Client) -> None:
    deal = funded(owner, buyer, operator)
    page = buyer.client.get(f"/deals/{deal.pk}/").content.decode()
    assert 'data-action="request_cancellation"' in page and 'data-action="cancel"' not in page

    response = buyer.client.post(f"/deals/{deal.pk}/cancellation/request/", {"reason": " "})
    assert response.status_code == 400
    assert "Say why the deal should be cancelled" in response.content.decode()
    assert not Dispute.objects.exists()
    response = buyer.client.post(f"/deals/{deal.pk}/cancellation/request/", {"reason": REASON}, follow=True)
    assert response.status_code == 200
    assert "Your request to cancel the deal is sent; an operator will decide it." in response.content.decode()

    listing = operator_client.get("/deals/?cancellation=requested").content.decode()
    assert f'href="/deals/{deal.pk}/"' in listing and "Cancellation requested" in listing
    assert buyer.client.get("/deals/").content.decode().count('id="cancellation-requests"') == 0
    page = operator_client.get(f"/deals/{deal.pk}/").content.decode()
    assert 'data-action="decide_cancellation"' in page and REASON in page
    assert 'data-action="cancel"' not in page

    before = snapshot(deal)
    form = {"idempotency_key": uuid.uuid4().hex, "decision": "perhaps", "decision_note": "x"}
    response = operator_client.post(f"/deals/{deal.pk}/cancellation/decide/", form)
    assert response.status_code == 400
    assert "Choose whether the deal is cancelled or goes on." in response.content.decode()
    form = {"idempotency_key": uuid.uuid4().hex, "decision": "cancel", "decision_note": ""}
    response = operator_client.post(f"/deals/{deal.pk}/cancellation/decide/", form)
    assert response.status_code == 400
    assert "Say why you decide so; both sides see this note." in response.content.decode()
    form = {"idempotency_key": uuid.uuid4().hex, "decision": "cancel", "decision_note": "我方决定"}
    assert buyer.client.post(f"/deals/{deal.pk}/cancellation/decide/", form).status_code == 403
    assert snapshot(deal) == before

    form = {"idempotency_key": uuid.uuid4().hex, "decision": "cancel", "decision_note": "卖方违约，解除合同"}
    response = operator_client.post(f"/deals/{deal.pk}/cancellation/decide/", form, follow=True)
    assert response.status_code == 200
    assert "The deal is cancelled; any money held was returned to the buyer." in response.content.decode()
    deal.refresh_from_db()
    assert (deal.status, escrow_total()) == ("cancelled", Decimal("0.00"))
