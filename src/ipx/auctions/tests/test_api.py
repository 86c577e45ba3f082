"""Bidding over the API: the hall's view of a lot, the history after a sequence number, and
bids with an Idempotency-Key — a retry answered once, a reused key refused, bad bids 4xx."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from ipx.auctions.models import Bid, Lot
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db


def post_bid(member: Member, lot: Lot, body: dict[str, Any], key: str | None = "bid-1") -> tuple[int, Any]:
    headers: dict[str, Any] = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    response = member.client.post(f"/api/v1/auctions/lots/{lot.pk}/bids", data=json.dumps(body),
                                  content_type="application/json", **headers)
    return response.status_code, response.json()


def test_a_bid_over_the_api_is_placed_once_however_often_it_is_retried(live: Lot, buyer: Member,
                                                                        outsider: Member) -> None:
    status, body = post_bid(buyer, live, {"amount": "100000", "maximum": "120000", "currency": "CNY"})
    assert status == 201, body
    assert (body["leading"], body["first_seq"], body["replayed"]) == (True, 1, False)
    assert body["lot"]["my_maximum"] == "120000.00" and body["lot"]["leader"] == 101
    again = post_bid(buyer, live, {"amount": "100000", "maximum": "120000", "currency": "CNY"})
    assert again[0] == 201 and again[1]["replayed"] is True and again[1]["first_seq"] == 1
    assert Bid.objects.filter(lot=live).count() == 1
    status, body = post_bid(buyer, live, {"amount": "105000", "currency": "CNY"})
    assert (status, body["error"]["code"]) == (409, "idempotency_key_reused")
    # The other bidder sees the price and the leader's number, never the maximum.
    view = outsider.client.get(f"/api/v1/auctions/lots/{live.pk}").json()
    assert (view["price"], view["leader"], view["my_maximum"], view["reserve"]) == (
        "100000.00", 101, None, "not_met")
    assert "reserve_price" not in view
    status, body = post_bid(outsider, live, {"amount": "110000", "currency": "CNY"}, key="o-1")
    assert (status, body["leading"], body["first_seq"], body["last_seq"]) == (201, False, 2, 3)
    history = Client().get(f"/api/v1/auctions/lots/{live.pk}/bids", {"after": 1}).json()
    assert [(line["seq"], line["bidder"], line["automatic"]) for line in history] == [(2, 102, False),
                                                                                        (3, 101, True)]


@pytest.mark.parametrize(("body", "key", "status", "field"), [
    ({"amount": "90000", "currency": "CNY"}, "k", 400, "amount"),
    ({"amount": "100500", "currency": "CNY"}, "k", 400, "amount"),
    ({"amount": "100000.001", "currency": "CNY"}, "k", 400, "amount"),
    ({"amount": "100000", "currency": "HKD"}, "k", 400, "currency"),
    ({"amount": "100000", "maximum": "90000", "currency": "CNY"}, "k", 400, "maximum"),
    ({"amount": "1e40", "currency": "CNY"}, "k", 400, "amount"),
    ({"amount": "100000", "currency": "CNY"}, None, 400, "Idempotency-Key"),
])
def test_bad_bids_get_a_clear_error_and_change_nothing(live: Lot, buyer: Member, body: dict[str, Any],
                                                       key: str | None, status: int, field: str) -> None:
    answer = post_bid(buyer, live, body, key=key)
    assert answer[0] == status, answer
    assert field in answer[1]["error"]["fields"], answer
    assert not Bid.objects.filter(lot=live).exists()


def test_who_may_not_bid_is_told_so(live: Lot, owner: Member, client: Client) -> None:
    assert post_bid(owner, live, {"amount": "100000", "currency": "CNY"})[0] == 403
    anonymous = client.post(f"/api/v1/auctions/lots/{live.pk}/bids", data="{}", content_type="application/json",
                            HTTP_IDEMPOTENCY_KEY="k")
    assert anonymous.status_code == 401
    assert client.get("/api/v1/auctions/lots/999999").status_code == 404
