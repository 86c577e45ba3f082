"""The API's gate for stale bids (``ipx.api.stale_bids``) answers a stale bid sent with a token
exactly as the bid endpoint does (status, body, headers, in the caller's language) from one
read, and leaves every other request to the endpoint: each case is sent with the gate and
without it, and must be answered alike."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any, NoReturn, cast

import pytest
from django.conf import settings
from django.db import OperationalError, connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ipx.accounts.models import ApiToken, Organisation, User
from ipx.accounts.tokens import TokenInput, api_token_create
from ipx.api.stale_bids import HealthCheckFlags
from ipx.auctions.models import Bid, BidReceipt, Lot
from ipx.auctions.services import bidding, control
from ipx.auctions.tests.scene import bid, opened
from ipx.testing.factories import MembershipFactory
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db

GATE = "ipx.api.stale_bids.StaleBidsMiddleware"
WITHOUT_GATE = [name for name in settings.MIDDLEWARE if name != GATE]
MONEY = (ApiToken.Scope.READ.value, ApiToken.Scope.WRITE.value, ApiToken.Scope.MONEY.value)
STALE = {"amount": "110000", "currency": "CNY"}  # below the minimum once the lot is at 120000


def token_of(member: Member, scopes: tuple[str, ...] = MONEY) -> str:
    return api_token_create(user=member.user, token=TokenInput(name="bidding", scopes=scopes))[1]


def send(lot: Lot, token: str | None, body: Any, *, key: str | None = "k-1", path: str = "",
         content_type: str = "application/json", **headers: str) -> tuple[int, Any, dict[str, str]]:
    client = Client()
    extra: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token is not None else {}
    if key is not None:
        extra["HTTP_IDEMPOTENCY_KEY"] = key
    extra.update(headers)
    data = body if isinstance(body, str) else json.dumps(body)
    response = client.post(path or f"/api/v1/auctions/lots/{lot.pk}/bids", data=data, content_type=content_type,
                           **extra)
    return response.status_code, response.content.decode(), dict(response.headers)


def alike(lot: Lot, token: str | None, body: Any, **options: Any) -> tuple[int, Any]:
    """The answer with the gate, checked against the answer without it; the lot unchanged by both."""
    before = list(Bid.objects.filter(lot=lot).values_list("seq", "amount"))
    gated = send(lot, token, body, **options)
    with override_settings(MIDDLEWARE=WITHOUT_GATE):
        plain = send(lot, token, body, **options)
    assert gated == plain
    assert list(Bid.objects.filter(lot=lot).values_list("seq", "amount")) == before
    return gated[0], json.loads(gated[1])


def _endpoint_must_not_run(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(**kwargs: Any) -> NoReturn:
        raise AssertionError("the bid reached the endpoint")

    monkeypatch.setattr(bidding, "bid_place", fail)
    monkeypatch.setattr("ipx.auctions.api.bid_place", fail)


def test_a_stale_bid_is_refused_at_the_gate_as_the_endpoint_refuses_it(
        live: Lot, buyer: Member, outsider: Member, monkeypatch: pytest.MonkeyPatch) -> None:
    bid(buyer, live, "120000")
    token = token_of(outsider)
    status, body = alike(live, token, {"amount": "110000", "currency": "CNY"})
    assert (status, body["error"]["code"], body["lot"]["minimum_bid"]) == (400, "invalid", "125000")
    assert body["error"]["fields"]["amount"] == "The lowest bid accepted now is 125000."
    chinese = alike(live, token, {"amount": "110000", "maximum": "200000", "currency": "CNY"}, key="k-2",
                    HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert chinese[0] == 400 and chinese[1]["error"]["fields"]["amount"] != body["error"]["fields"]["amount"]
    # Answered from one read, without the endpoint (the token's last use is already recorded).
    _endpoint_must_not_run(monkeypatch)
    with CaptureQueriesContext(connection) as queries:
        assert send(live, token, {"amount": "110000", "currency": "CNY"}, key="k-3")[0] == 400
    assert len(queries) == 1, [query["sql"] for query in queries]
    assert not BidReceipt.objects.filter(key__startswith="k-").exists()


def test_a_retry_the_leaders_bid_and_a_paused_lot_go_on_to_the_endpoint(
        live: Lot, buyer: Member, outsider: Member, operator: User) -> None:
    token, leader = token_of(outsider), token_of(buyer)
    assert send(live, token, {"amount": "100000", "currency": "CNY"}, key="first")[0] == 201
    bid(buyer, live, "120000", maximum="140000")
    status, body = alike(live, token, {"amount": "100000", "currency": "CNY"}, key="first")
    assert (status, body["replayed"], body["first_seq"]) == (201, True, 1)
    assert alike(live, token, {"amount": "110000", "currency": "CNY"}, key="first")[0] == 409  # key reused
    assert alike(live, leader, {"amount": "100000", "currency": "CNY"}, key="own")[0] == 409  # own lead
    # The leader raising its maximum with an amount below the minimum is a bid, not a stale one.
    status, raised, _headers = send(live, leader, {"amount": "100000", "maximum": "160000", "currency": "CNY"},
                                    key="raise")
    assert (status, json.loads(raised)["leading"]) == (201, True)
    control.lot_pause(operator=operator, lot_id=live.pk, reason="A question from the floor")
    status, body = alike(live, token, {"amount": "110000", "currency": "CNY"}, key="paused")
    assert (status, body["error"]["message"]) == (409, "Bidding on this lot is paused.")


def _connection_kept_from_an_earlier_request() -> None:
    """The state Django leaves a kept connection in between requests: to be checked before use."""
    connection.ensure_connection()
    flags = cast(HealthCheckFlags, connection)
    flags.health_check_enabled, flags.health_check_done = True, False


def test_the_gates_read_checks_the_connection_in_place_of_djangos_query(
        live: Lot, buyer: Member, outsider: Member, monkeypatch: pytest.MonkeyPatch) -> None:
    bid(buyer, live, "120000")
    token = token_of(outsider)
    assert send(live, token, STALE, key="k-0")[0] == 400  # the token's use is recorded now
    _connection_kept_from_an_earlier_request()
    checks: list[bool] = []

    def is_usable() -> bool:
        checks.append(True)
        return True

    monkeypatch.setattr(connection, "is_usable", is_usable)

    with CaptureQueriesContext(connection) as queries:
        assert send(live, token, STALE)[0] == 400
    assert (checks, len(queries)) == ([], 1)


def test_a_broken_connection_found_by_the_gate_is_closed_and_the_endpoint_answers(
        live: Lot, buyer: Member, outsider: Member, monkeypatch: pytest.MonkeyPatch) -> None:
    bid(buyer, live, "120000")
    token = token_of(outsider)
    _connection_kept_from_an_earlier_request()
    closed: list[bool] = []
    monkeypatch.setattr(connection, "close", lambda: closed.append(True))

    def broken(*args: Any) -> NoReturn:
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("ipx.api.stale_bids.stale_refusal_for_token", broken)
    status, body, _headers = send(live, token, STALE)

    assert (status, json.loads(body)["error"]["fields"]["amount"]) == (400, "The lowest bid accepted now is 125000.")
    assert closed == [True]


def _case(case: str, live: Lot, buyer: Member, outsider: Member) -> dict[str, Any]:
    """The request of each case: a stale bid with one thing changed."""
    body: Any = dict(STALE)
    token: str | None = token_of(outsider)
    options: dict[str, Any] = {}
    if case == "expired_token":
        ApiToken.objects.filter(user=outsider.user).update(expires_at=timezone.now() - timedelta(seconds=1))
    elif case == "token_without_money_scope":
        token = token_of(outsider, scopes=(ApiToken.Scope.READ.value, ApiToken.Scope.WRITE.value))
    elif case == "inactive_user":
        User.objects.filter(pk=outsider.user.pk).update(is_active=False)
    elif case == "unknown_token":
        token = "ipx_" + "x" * 43
    elif case == "no_token":
        token = None
    elif case == "other_scheme":
        options["HTTP_AUTHORIZATION"] = f"Token {token}"
    elif case == "currency":
        body["currency"] = "HKD"
    elif case == "decimals":
        body["amount"] = "110000.001"
    elif case == "amount_as_number":
        body["amount"] = 110000
    elif case == "unknown_field":
        body["note"] = "hello"
    elif case == "not_json":
        body = "amount=110000"
    elif case == "deeply_nested":
        body = "[" * 100_000 + "]" * 100_000
    elif case == "json_list":
        body = [STALE]
    elif case == "form":
        options["content_type"] = "application/x-www-form-urlencoded"
        body = "amount=110000&currency=CNY"
    elif case == "bad_key":
        options["key"] = "tab\there"
    elif case == "no_key":
        options["key"] = None
    elif case == "query_string":
        options["path"] = f"/api/v1/auctions/lots/{live.pk}/bids?page=2"
    elif case == "unknown_lot":
        options["path"] = "/api/v1/auctions/lots/999999/bids"
    elif case == "huge_lot_id":
        options["path"] = f"/api/v1/auctions/lots/{2**60}/bids"
    elif case == "unknown_host":
        options["HTTP_HOST"] = "exchange.example.org"
    elif case == "session_cookie":
        options["HTTP_COOKIE"] = f"{settings.SESSION_COOKIE_NAME}=nothing-it-knows"
    elif case == "another_organisation":
        body["organisation_id"] = buyer.organisation.pk
    elif case == "unverified":
        Organisation.objects.filter(pk=outsider.organisation.pk).update(status=Organisation.Status.REJECTED)
    elif case == "not_registered":
        token = token_of(Member(*_stranger()))
    return {"token": token, "body": body, **options}


def _stranger() -> tuple[User, Organisation]:
    membership = MembershipFactory.create()
    return membership.user, membership.organisation


CASES = ["expired_token", "token_without_money_scope", "inactive_user", "unknown_token", "no_token", "other_scheme",
         "currency", "decimals", "amount_as_number", "unknown_field", "not_json", "deeply_nested", "json_list",
         "form", "bad_key", "no_key", "query_string", "unknown_lot", "huge_lot_id", "unknown_host", "session_cookie",
         "another_organisation", "unverified", "not_registered"]


@pytest.mark.parametrize("case", CASES)
def test_every_other_request_gets_the_endpoints_answer(case: str, live: Lot, buyer: Member,
                                                       outsider: Member) -> None:
    bid(buyer, live, "120000")
    request = _case(case, live, buyer, outsider)
    status, _body = alike(live, request.pop("token"), request.pop("body"), **request)
    assert 400 <= status < 500


def test_a_member_of_two_registered_organisations_says_which_bids(lot: Lot, buyer: Member, outsider: Member,
                                                                  operator: User) -> None:
    second = MembershipFactory.create(user=outsider.user).organisation
    live = opened(lot, operator, buyer, outsider, Member(outsider.user, second))
    bid(buyer, live, "120000")
    token = token_of(outsider)
    status, body = alike(live, token, STALE)
    assert (status, list(body["error"]["fields"])) == (400, ["organisation_id"])
    status, body = alike(live, token, {**STALE, "organisation_id": second.pk}, key="k-2")
    assert (status, body["error"]["fields"]["amount"]) == (400, "The lowest bid accepted now is 125000.")
