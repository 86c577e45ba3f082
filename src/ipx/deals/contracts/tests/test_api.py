"""The deals API: who may call each endpoint (outsiders see nothing), the answers' shape, and
idempotency keys on the endpoints that move money."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ipx.accounts.models import User
from ipx.deals.contracts import services
from ipx.deals.contracts.pdf import deal_number
from ipx.deals.contracts.tests.helpers import (
    add_agent,
    available,
    deposit,
    fresh,
    funded,
    intended,
    ledger_count,
    make_deal,
    sign_both,
    signed,
    snapshot,
    submitted,
)
from ipx.deals.models import Deal
from ipx.ledger.models import LedgerTransaction
from ipx.testing.fixtures import Member
from ipx.testing.second_factor import otp_header, sign_in

pytestmark = pytest.mark.django_db

def requested(owner: Member, buyer: Member, operator: User) -> Deal:
    deal = funded(owner, buyer, operator)
    services.deal_request_cancellation(deal_id=deal.pk, actor=buyer.user, reason="卖方未按约提供技术资料")
    return deal


def call(client: Client, method: str, path: str, body: Any = None, key: str | None = None,
         headers: dict[str, str] | None = None) -> tuple[int, Any]:
    headers = {**({"HTTP_IDEMPOTENCY_KEY": key} if key else {}), **(headers or {})}
    response = getattr(client, method)(f"/api/v1{path}", data=json.dumps(body) if body is not None else None,
                                       content_type="application/json", **headers)
    if response["Content-Type"].startswith("application/json"):
        return response.status_code, response.json()
    return response.status_code, response


@dataclass
class Endpoint:
    name: str
    prepare: Callable[[Member, Member, User], Deal]
    method: str
    path: str  # with {id}
    body: Any = None
    moves_money: bool = False
    party: str = "buyer"
    operator_status: int = 200


ENDPOINTS = [
    Endpoint("detail", fresh, "get", "/deals/{id}"),
    Endpoint("contract", fresh, "get", "/deals/{id}/contract"),
    Endpoint("sign", fresh, "post", "/deals/{id}/sign", operator_status=403),
    Endpoint("conclude", intended, "post", "/deals/{id}/conclude", operator_status=403),
    Endpoint("fund", signed, "post", "/deals/{id}/milestones/1/fund", moves_money=True, operator_status=403),
    Endpoint("release", funded, "post", "/deals/{id}/milestones/1/release", {"amount": "100.00"}, moves_money=True),
    Endpoint("recordal", signed, "post", "/deals/{id}/recordal", {"recordal_number": "2023990000123"},
             party="seller", operator_status=403),
    Endpoint("check recordal", submitted, "post", "/deals/{id}/recordal/check", {"approve": True, "note": ""},
             party="buyer-refused"),
    # Before both have signed a party cancels; afterwards it asks, and an operator decides.
    Endpoint("cancel", fresh, "post", "/deals/{id}/cancel", {"reason": "双方协商解除"}, moves_money=True,
             party="seller"),
    Endpoint("request cancellation", funded, "post", "/deals/{id}/cancellation-request", {"reason": "卖方违约"},
             operator_status=403),
    Endpoint("decide cancellation", requested, "post", "/deals/{id}/cancellation-request/decision",
             {"decision": "cancel", "decision_note": "卖方违约，解除合同"}, moves_money=True, party="buyer-refused"),
]


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
@pytest.mark.parametrize("who", ["outsider", "party", "operator", "anonymous"])
def test_access_matrix(endpoint: Endpoint, who: str, owner: Member, buyer: Member, outsider: Member,
                       operator: User) -> None:
    deal = endpoint.prepare(owner, buyer, operator)
    path = endpoint.path.format(id=deal.pk)
    party = owner if endpoint.party == "seller" else buyer
    # A party's signature needs a current code of its authenticator app (step-up).
    step_up = otp_header(party.user) if who == "party" else None
    clients = {"outsider": outsider.client, "operator": Client(), "anonymous": Client(), "party": party.client}
    sign_in(clients["operator"], operator)
    before = snapshot(deal)
    status, body = call(clients[who], endpoint.method, path, endpoint.body,
                        key=f"{who}-1" if endpoint.moves_money else None, headers=step_up)
    expected = {"outsider": 404, "anonymous": 401, "operator": endpoint.operator_status,
                "party": 403 if endpoint.party == "buyer-refused" else 200}[who]
    assert status == expected, body
    if status != 200:
        assert set(body["error"]) == {"code", "message", "fields"}
        assert snapshot(deal) == before
    elif endpoint.name == "contract":
        assert body["Content-Type"] == "application/pdf"
        assert b"".join(body.streaming_content).startswith(b"%PDF-")
    else:
        assert body["id"] == deal.pk


def test_deal_list_shows_only_my_deals(owner: Member, buyer: Member, outsider: Member, operator: User) -> None:
    mine = make_deal(owner, buyer)
    theirs = make_deal(outsider, buyer)
    status, body = call(owner.client, "get", "/deals")
    assert (status, [item["id"] for item in body["items"]], body["count"]) == (200, [mine.pk], 1)
    status, body = call(buyer.client, "get", "/deals?commitment=concluded")
    assert [item["id"] for item in body["items"]] == [theirs.pk, mine.pk]
    item = body["items"][1]
    assert (item["seller"]["name"], item["buyer"]["uscc"], item["price_amount"], item["status"]) == (
        owner.organisation.name, buyer.organisation.uscc, "500000.00", "awaiting_signatures")
    assert [item["id"] for item in call(outsider.client, "get", "/deals")[1]["items"]] == [theirs.pk]
    operator_client = Client()
    sign_in(operator_client, operator)
    assert call(operator_client, "get", "/deals")[1]["count"] == 2
    assert call(buyer.client, "get", "/deals?status=signed")[1]["count"] == 0
    status, body = call(buyer.client, "get", "/deals?status=nonsense")
    assert (status, set(body["error"]["fields"])) == (400, {"status"})
    assert call(Client(), "get", "/deals")[0] == 401


def test_statistics_for_operators_only(owner: Member, buyer: Member, operator: User) -> None:
    sign_both(make_deal(owner, buyer), owner, buyer)
    sign_both(make_deal(owner, buyer, commitment="intended", price_amount=Decimal("8.50")), owner, buyer)
    for member in (owner, buyer):
        status, body = call(member.client, "get", "/deals/statistics")
        assert (status, body["error"]["code"]) == (403, "forbidden")
    operator_client = Client()
    sign_in(operator_client, operator)
    status, body = call(operator_client, "get", "/deals/statistics")
    assert status == 200
    assert body["concluded"] == {"count": 1, "totals": [{"currency": "CNY", "amount": "500000.00"}]}
    assert body["intended"] == {"count": 1, "totals": [{"currency": "CNY", "amount": "8.50"}]}
    assert call(operator_client, "get", "/deals/statistics?since=2000-01-01&until=2000-12-31")[1]["concluded"] == {
        "count": 0, "totals": []}


def test_deal_detail_shape(owner: Member, buyer: Member) -> None:
    deal = sign_both(make_deal(owner, buyer), owner, buyer)
    status, body = call(buyer.client, "get", f"/deals/{deal.pk}")
    assert status == 200
    assert body["number"] == deal_number(deal)
    assert body["milestones"] == [{"position": 1, "title": "Full price", "amount": "500000.00",
                                   "condition": "on_recordal", "status": "pending", "released_amount": "0.00",
                                   "refunded_amount": "0.00", "held_amount": "0.00", "allowed_actions": ["fund"]}]
    assert body["allowed_actions"] == ["request_cancellation"]  # signed: a party asks an operator to cancel
    assert [s["organisation_id"] for s in body["signatures"]] == [owner.organisation.pk, buyer.organisation.pk]
    assert {s["contract_sha256"] for s in body["signatures"]} == {deal.contract_sha256}
    assert [e["kind"] for e in body["events"]] == ["created", "signed", "signed", "fully_signed"]
    assert body["assets"][0]["identifier"] == deal.assets.get().identifier


def test_sign_twice_is_409(owner: Member, buyer: Member) -> None:
    deal = make_deal(owner, buyer)
    step_up = otp_header(buyer.user)
    assert call(buyer.client, "post", f"/deals/{deal.pk}/sign", headers=step_up)[0] == 200
    before = snapshot(deal)
    status, body = call(buyer.client, "post", f"/deals/{deal.pk}/sign")
    assert (status, body["error"]["code"]) == (409, "already_signed")
    assert "already signed" in body["error"]["message"]
    assert snapshot(deal) == before


def test_fund_replayed_with_the_same_key_moves_money_once(owner: Member, buyer: Member, operator: User) -> None:
    deal = signed(owner, buyer, operator)
    path = f"/deals/{deal.pk}/milestones/1/fund"
    before = snapshot(deal)
    status, body = call(buyer.client, "post", path)
    assert (status, set(body["error"]["fields"])) == (400, {"Idempotency-Key"})
    assert snapshot(deal) == before

    first = call(buyer.client, "post", path, key="fund-1")
    transactions = ledger_count()
    second = call(buyer.client, "post", path, key="fund-1")
    assert first == second
    assert first[0] == 200 and first[1]["milestones"][0]["status"] == "funded"
    assert ledger_count() == transactions
    assert LedgerTransaction.objects.filter(kind="escrow_hold").count() == 1
    assert available(buyer.organisation) == Decimal("400000.00")
    # A new key is a new request: refused, the milestone is already funded.
    status, body = call(buyer.client, "post", path, key="fund-2")
    assert status == 409


def test_release_replayed_with_the_same_key_moves_money_once(owner: Member, buyer: Member, operator: User) -> None:
    deal = funded(owner, buyer, operator)
    path = f"/deals/{deal.pk}/milestones/1/release"
    first = call(buyer.client, "post", path, {"amount": "25000.00"}, key="release-1")
    second = call(buyer.client, "post", path, {"amount": "25000.00"}, key="release-1")
    assert first == second
    assert first[1]["milestones"][0]["released_amount"] == "25000.00"
    assert LedgerTransaction.objects.filter(kind="escrow_release").count() == 1
    assert available(owner.organisation) == Decimal("24500.00")
    status, body = call(buyer.client, "post", path, {"amount": "1.00"}, key="release-1")
    assert (status, body["error"]["code"]) == (409, "idempotency_key_reused")
    status, body = call(buyer.client, "post", path, {"amount": "75000.01"}, key="release-2")
    assert (status, set(body["error"]["fields"])) == (400, {"amount"})
    status, body = call(buyer.client, "post", path, {"amount": "1.234"}, key="release-3")
    assert (status, set(body["error"]["fields"])) == (400, {"amount"})
    # No body at all releases the rest.
    status, body = call(buyer.client, "post", path, key="release-4")
    assert (status, body["milestones"][0]["status"]) == (200, "released")
    assert available(owner.organisation) == Decimal("98000.00")


def test_release_before_recordal_is_409(owner: Member, buyer: Member) -> None:
    deal = sign_both(make_deal(owner, buyer), owner, buyer)
    deposit(buyer, "500000")
    call(buyer.client, "post", f"/deals/{deal.pk}/milestones/1/fund", key="f")
    before = snapshot(deal)
    status, body = call(buyer.client, "post", f"/deals/{deal.pk}/milestones/1/release", {}, key="r")
    assert (status, body["error"]["code"]) == (409, "condition_not_met")
    assert "released only after the recordal is checked" in body["error"]["message"]
    assert snapshot(deal) == before


def test_cancel_replayed_refunds_once(owner: Member, buyer: Member, operator: User) -> None:
    deal = funded(owner, buyer, operator)
    operator_client = sign_in(Client(), operator)  # signed by both: only an operator cancels
    first = call(operator_client, "post", f"/deals/{deal.pk}/cancel", {"reason": "解除"}, key="c")
    second = call(operator_client, "post", f"/deals/{deal.pk}/cancel", {"reason": "解除"}, key="c")
    assert first == second and first[1]["status"] == "cancelled"
    assert LedgerTransaction.objects.filter(kind="escrow_refund").count() == 1
    assert available(buyer.organisation) == Decimal("500000.00")


def test_bad_input_is_a_clear_400(owner: Member, buyer: Member, operator: User) -> None:
    deal = signed(owner, buyer, operator)
    before = snapshot(deal)
    for body, field in [({"recordal_number": "12"}, "recordal_number"), ({}, "recordal_number"),
                        ({"recordal_number": "x" * 101}, "recordal_number")]:
        status, answer = call(owner.client, "post", f"/deals/{deal.pk}/recordal", body)
        assert (status, set(answer["error"]["fields"])) == (400, {field})
    status, answer = call(owner.client, "post", f"/deals/{deal.pk}/cancellation-request", {"reason": " "})
    assert (status, set(answer["error"]["fields"])) == (400, {"reason"})
    status, answer = call(sign_in(Client(), operator), "post", f"/deals/{deal.pk}/cancel", {"reason": ""}, key="k")
    assert (status, set(answer["error"]["fields"])) == (400, {"reason"})
    assert call(buyer.client, "post", f"/deals/{deal.pk}/milestones/99999/fund", key="k2")[0] == 400
    assert call(buyer.client, "post", f"/deals/{deal.pk}/milestones/9/fund", key="k3")[0] == 404
    assert call(buyer.client, "get", "/deals/0")[0] == 400
    assert snapshot(deal) == before


def test_deal_list_reads_allowed_actions_in_a_fixed_number_of_queries(owner: Member, buyer: Member,
                                                                      agency: Member, operator: User) -> None:
    first = make_deal(owner, buyer)
    add_agent(first, agency)

    def listed() -> tuple[int, list[list[str]]]:
        client = Client()
        client.force_login(agency.user)
        with CaptureQueriesContext(connection) as queries:
            status, body = call(client, "get", "/deals")
        assert status == 200
        return len(queries), [item["allowed_actions"] for item in body["items"]]

    one = listed()
    for _n in range(3):
        add_agent(sign_both(make_deal(owner, buyer), owner, buyer), agency)
    more = listed()
    assert (one[1], more[1]) == ([[]], [[], [], [], []])
    assert more[0] == one[0]
    _status, body = call(buyer.client, "get", "/deals")
    assert [item["allowed_actions"] for item in body["items"]] == [["request_cancellation"]] * 3 + [["sign", "cancel"]]
