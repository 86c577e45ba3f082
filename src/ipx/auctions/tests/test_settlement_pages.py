"""The settlement on a lot's page and in the API: who sees it, who may pay or offer the lot to
the runner-up, and each refusal as a message (pages) or a 4xx with the error shape (API)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from ipx.accounts.models import User
from ipx.auctions.models import Lot, Settlement
from ipx.auctions.settlement import services
from ipx.auctions.tests.scene import signed, sold
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db


def api(client: Client, method: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
    url = f"/api/v1/auctions/lots/{path}"
    response = client.get(url) if method == "get" else client.post(url, data=json.dumps(body or {}),
                                                                    content_type="application/json")
    return response.status_code, response.json()


def test_the_buyer_sees_what_to_pay_and_strangers_see_no_settlement(live: Lot, owner: Member, buyer: Member,
                                                                    outsider: Member) -> None:
    sold(live, buyer, outsider)
    page = buyer.client.get(f"/auctions/lots/{live.pk}/").content.decode()
    assert 'id="settlement"' in page and f"/auctions/lots/{live.pk}/settlement/pay/" in page
    assert 'id="settlement"' in owner.client.get(f"/auctions/lots/{live.pk}/").content.decode()
    assert 'id="settlement"' not in outsider.client.get(f"/auctions/lots/{live.pk}/").content.decode()
    assert 'id="settlement"' not in Client().get(f"/auctions/lots/{live.pk}/").content.decode()
    status, body = api(buyer.client, "get", f"{live.pk}/settlement")
    assert status == 200 and (body["status"], body["to_pay"], body["actions"]) == (
        "awaiting_payment", "156000.00", ["pay"])
    assert api(outsider.client, "get", f"{live.pk}/settlement")[0] == 404
    assert api(owner.client, "get", f"{live.pk}/settlement")[1]["actions"] == []


def test_paying_before_signing_is_refused_with_a_message_and_a_409(live: Lot, owner: Member, buyer: Member,
                                                                  outsider: Member) -> None:
    settlement = sold(live, buyer, outsider)
    response = buyer.client.post(f"/auctions/lots/{live.pk}/settlement/pay/", follow=True)
    assert response.status_code == 200 and "Both sides sign the deal&#x27;s contract first" in response.content.decode()
    status, body = api(buyer.client, "post", f"{live.pk}/settlement/pay")
    assert (status, body["error"]["code"]) == (409, "not_signed")
    assert api(owner.client, "post", f"{live.pk}/settlement/pay")[0] == 403
    assert settlement.deal is not None
    signed(settlement.deal, owner, buyer)
    status, body = api(buyer.client, "post", f"{live.pk}/settlement/pay")
    assert status == 200 and (body["status"], body["to_pay"]) == ("paid", "0.00")


def test_an_operator_offers_the_lot_to_the_runner_up_who_takes_it(live: Lot, buyer: Member, outsider: Member,
                                                                  operator: User, operator_client: Client) -> None:
    settlement = sold(live, buyer, outsider)
    status, body = api(operator_client, "post", f"{live.pk}/runner-up", {"reason": "未付款"})
    assert status == 409  # the winner has not forfeited
    Settlement.objects.filter(pk=settlement.pk).update(due_at=timezone.now() - timedelta(seconds=1))
    services.settlement_due(settlement_id=settlement.pk)
    assert api(operator_client, "post", f"{live.pk}/runner-up", {"reason": ""})[0] in (400, 422)
    assert api(outsider.client, "post", f"{live.pk}/runner-up", {"reason": "x"})[0] == 403
    page = operator_client.get(f"/auctions/lots/{live.pk}/").content.decode()
    assert f"/auctions/lots/{live.pk}/runner-up/" in page
    response = operator_client.post(f"/auctions/lots/{live.pk}/runner-up/", {"runner_up-reason": "买受人未付款"})
    assert response.status_code == 302
    status, body = api(outsider.client, "get", f"{live.pk}/settlement")
    assert status == 200 and (body["status"], body["price"], body["actions"]) == (
        "offered", "150000.00", ["accept", "decline"])
    assert outsider.client.post(f"/auctions/lots/{live.pk}/settlement/accept/").status_code == 302
    assert Settlement.objects.get(lot=live, registration__organisation=outsider.organisation).status == \
        Settlement.Status.AWAITING_PAYMENT
