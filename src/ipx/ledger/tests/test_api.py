"""The ledger API: who may read and move money, idempotency keys, and exact answers."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone

from ipx.accounts.models import Membership, User
from ipx.core.money import Money
from ipx.ledger import services
from ipx.ledger.models import IdempotencyRecord, LedgerTransaction, Payout
from ipx.ledger.tests.helpers import available, snapshot
from ipx.testing.factories import MembershipFactory, UserFactory
from ipx.testing.fixtures import Member
from ipx.testing.second_factor import enrol, otp_header

pytestmark = pytest.mark.django_db

BANK = "6222021234567890128"


def call(client: Client, method: str, path: str, body: Any = None, key: str | None = None,
         headers: dict[str, str] | None = None) -> tuple[int, Any]:
    headers = {**({"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}), **(headers or {})}
    response = getattr(client, method)(f"/api/v1{path}", data=json.dumps(body) if body is not None else None,
                                       content_type="application/json", **headers)
    return response.status_code, (response.json() if response.content else None)


def fund(member: Member, amount: str, currency: str = "CNY") -> LedgerTransaction:
    return services.deposit_create(organisation_id=member.organisation.pk, actor=member.user, amount=amount,
                                   currency=currency)


# --- Reading ----------------------------------------------------------------------------------

def test_balances_for_members_and_operators_only(buyer: Member, outsider: Member, operator_client: Client) -> None:
    fund(buyer, "1000")
    services.escrow_hold(payer=buyer.organisation, money=Money(Decimal("400"), "CNY"), reference="deal:1")
    fund(buyer, "50.5", "HKD")
    path = f"/organisations/{buyer.organisation.pk}/balances"
    expected = {"organisation_id": buyer.organisation.pk, "balances": [
        {"currency": "CNY", "available": "600.00", "escrow": "400.00", "total": "1000.00"},
        {"currency": "HKD", "available": "50.50", "escrow": "0.00", "total": "50.50"}]}
    assert call(buyer.client, "get", path) == (200, expected)
    assert call(operator_client, "get", path) == (200, expected)
    status, body = call(outsider.client, "get", path)
    assert (status, body["error"]["code"]) == (403, "forbidden")
    assert call(Client(), "get", path)[0] == 401
    assert call(buyer.client, "get", "/organisations/999999/balances")[0] == 404
    assert call(operator_client, "get", "/organisations/999999/balances")[0] == 404
    assert call(outsider.client, "get", f"/organisations/{outsider.organisation.pk}/balances") == (
        200, {"organisation_id": outsider.organisation.pk, "balances": []})


def test_statement_lines_with_running_balances(buyer: Member, owner: Member, outsider: Member,
                                               operator_client: Client) -> None:
    first = fund(buyer, "1000")
    hold = services.escrow_hold(payer=buyer.organisation, money=Money(Decimal("300"), "CNY"), reference="deal:7",
                                memo="Deal #7, milestone 1")
    services.escrow_release(payer=buyer.organisation, payee=owner.organisation, money=Money(Decimal("100"), "CNY"),
                            fee=Decimal("2"), reference="deal:7")
    path = f"/organisations/{buyer.organisation.pk}/statement"
    status, page = call(buyer.client, "get", path)
    assert status == 200
    assert (page["count"], page["page"], page["size"]) == (4, 1, 20)
    rows = [(i["kind"], i["account_kind"], i["account_reference"], i["amount"], i["balance"]) for i in page["items"]]
    assert rows == [
        ("deposit", "available", "", "1000.00", "1000.00"),
        ("escrow_hold", "available", "", "-300.00", "700.00"),
        ("escrow_hold", "escrow", "deal:7", "300.00", "300.00"),
        ("escrow_release", "escrow", "deal:7", "-100.00", "200.00"),
    ]
    line = page["items"][0]
    assert (line["transaction_id"], line["provider_reference"][:6], line["currency"]) == (first.pk, "SIM-D-", "CNY")
    assert page["items"][1]["memo"] == "Deal #7, milestone 1"
    # No deal milestone reference ("deal:7:m1") to describe it from: the stored memo is the description.
    assert page["items"][1]["description"] == "Deal #7, milestone 1"
    assert page["items"][1]["transaction_id"] == hold.pk
    # Pages carry the balances of the lines before them.
    status, second = call(buyer.client, "get", f"{path}?size=2&page=2")
    assert [(i["amount"], i["balance"]) for i in second["items"]] == [("300.00", "300.00"), ("-100.00", "200.00")]
    # The seller sees only its own side of the release.
    status, seller = call(owner.client, "get", f"/organisations/{owner.organisation.pk}/statement")
    assert [(i["kind"], i["amount"], i["balance"]) for i in seller["items"]] == [
        ("escrow_release", "98.00", "98.00")]
    assert call(operator_client, "get", path)[1]["count"] == 4
    assert call(outsider.client, "get", path)[0] == 403
    assert call(Client(), "get", path)[0] == 401


def test_statement_filters(buyer: Member) -> None:
    fund(buyer, "100")
    fund(buyer, "5", "HKD")
    path = f"/organisations/{buyer.organisation.pk}/statement"
    today = timezone.localdate()
    assert call(buyer.client, "get", f"{path}?currency=hkd")[1]["count"] == 1
    assert call(buyer.client, "get", f"{path}?date_from={today}&date_to={today}")[1]["count"] == 2
    tomorrow = today + timedelta(days=1)
    assert call(buyer.client, "get", f"{path}?date_from={tomorrow}")[1]["count"] == 0
    status, body = call(buyer.client, "get", f"{path}?date_from={tomorrow}&date_to={today}")
    assert (status, list(body["error"]["fields"])) == (400, ["date_to"])
    status, body = call(buyer.client, "get", f"{path}?currency=XYZ")
    assert (status, list(body["error"]["fields"])) == (400, ["currency"])
    assert call(buyer.client, "get", f"{path}?date_from=yesterday")[0] == 400
    for query, field in (("date_to=9999-12-31", "date_to"), ("date_from=0001-01-01", "date_from")):
        status, body = call(buyer.client, "get", f"{path}?{query}")  # the day after / before would overflow
        assert (status, list(body["error"]["fields"])) == (400, [field])


def test_a_dated_statement_starts_from_the_balance_before_it(buyer: Member) -> None:
    long_ago = timezone.now() - timedelta(days=40)
    with mock.patch("django.utils.timezone.now", return_value=long_ago):
        fund(buyer, "100")
    recent = fund(buyer, "20")
    path = f"/organisations/{buyer.organisation.pk}/statement"
    status, page = call(buyer.client, "get", f"{path}?date_from={timezone.localdate() - timedelta(days=1)}")
    assert status == 200
    assert [(i["transaction_id"], i["amount"], i["balance"]) for i in page["items"]] == [
        (recent.pk, "20.00", "120.00")]
    _status, page = call(buyer.client, "get", f"{path}?date_to={timezone.localdate() - timedelta(days=30)}")
    assert [(i["amount"], i["balance"]) for i in page["items"]] == [("100.00", "100.00")]


# --- Deposits -----------------------------------------------------------------------------------

def test_deposit_with_an_idempotency_key(buyer: Member) -> None:
    path = f"/organisations/{buyer.organisation.pk}/deposits"
    status, body = call(buyer.client, "post", path, {"amount": "2500.50", "currency": "CNY"}, key="dep-1")
    assert status == 201
    entry = LedgerTransaction.objects.get()
    assert body == {"transaction_id": entry.pk, "organisation_id": buyer.organisation.pk, "amount": "2500.50",
                    "currency": "CNY", "provider_reference": entry.provider_reference,
                    "created_at": body["created_at"]}
    # The same request again: the same answer, no second deposit.
    assert call(buyer.client, "post", path, {"amount": "2500.50", "currency": "CNY"}, key="dep-1") == (201, body)
    assert LedgerTransaction.objects.count() == 1
    # The same key for another request is refused.
    status, refused = call(buyer.client, "post", path, {"amount": "1", "currency": "CNY"}, key="dep-1")
    assert (status, refused["error"]["code"], list(refused["error"]["fields"])) == (
        409, "idempotency_key_reused", ["Idempotency-Key"])
    # A number works as well as a string.
    assert call(buyer.client, "post", path, {"amount": 0.1, "currency": "CNY"}, key="dep-2")[1]["amount"] == "0.10"
    assert available(buyer.organisation) == Decimal("2500.60")


def test_the_same_json_in_another_key_order_or_spacing_is_the_same_request(buyer: Member) -> None:
    path = f"/api/v1/organisations/{buyer.organisation.pk}/deposits"

    def post(raw: str) -> tuple[int, Any]:
        response = buyer.client.post(path, data=raw, content_type="application/json",
                                     HTTP_IDEMPOTENCY_KEY="dep-order")
        return response.status_code, response.json()

    first = post('{"amount": "75.00", "currency": "CNY"}')
    assert first[0] == 201
    assert post('{ "currency":"CNY",\n  "amount":"75.00" }') == first
    assert LedgerTransaction.objects.count() == 1
    # Another amount written another way is another request.
    status, refused = post('{"currency": "CNY", "amount": "75.01"}')
    assert (status, refused["error"]["code"]) == (409, "idempotency_key_reused")
    assert available(buyer.organisation) == Decimal("75.00")


def test_deposit_refusals_change_nothing(buyer: Member, outsider: Member, operator_client: Client) -> None:
    path = f"/organisations/{buyer.organisation.pk}/deposits"
    good = {"amount": "10", "currency": "CNY"}
    before = snapshot()
    status, body = call(buyer.client, "post", path, good)
    assert (status, list(body["error"]["fields"])) == (400, ["Idempotency-Key"])
    assert call(buyer.client, "post", path, good, key="k" * 101)[0] == 400
    status, body = call(buyer.client, "post", path, {"amount": "10.001", "currency": "CNY"}, key="bad")
    assert (status, body["error"]["fields"]) == (400, {"amount": "CNY amounts have at most 2 decimal places."})
    status, body = call(buyer.client, "post", path, {"amount": "10", "currency": "XYZ"}, key="bad2")
    assert (status, list(body["error"]["fields"])) == (400, ["currency"])
    assert call(buyer.client, "post", path, {"amount": "Infinity", "currency": "CNY"}, key="bad3")[0] == 400
    assert call(outsider.client, "post", path, good, key="o")[0] == 403
    assert call(operator_client, "post", path, good, key="op")[0] == 403
    assert call(Client(), "post", path, good, key="anon")[0] == 401
    assert call(buyer.client, "post", "/organisations/999999/deposits", good, key="nf")[0] == 404
    assert snapshot() == before
    # A refused request is not remembered: the corrected one may reuse its key.
    assert call(buyer.client, "post", path, good, key="bad")[0] == 201


def test_keys_belong_to_their_user(buyer: Member) -> None:
    colleague = MembershipFactory.create(organisation=buyer.organisation, user=UserFactory.create(),
                                         role=Membership.Role.MEMBER).user
    other = Client()
    other.force_login(colleague)
    path = f"/organisations/{buyer.organisation.pk}/deposits"
    assert call(buyer.client, "post", path, {"amount": "10", "currency": "CNY"}, key="same")[0] == 201
    assert call(other, "post", path, {"amount": "10", "currency": "CNY"}, key="same")[0] == 201
    assert LedgerTransaction.objects.count() == 2
    assert IdempotencyRecord.objects.count() == 2


def test_session_writes_need_the_csrf_token(buyer: Member) -> None:
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(buyer.user)
    path = f"/organisations/{buyer.organisation.pk}/deposits"
    assert call(strict, "post", path, {"amount": "10", "currency": "CNY"}, key="c")[0] == 403
    assert LedgerTransaction.objects.count() == 0


# --- Payouts ------------------------------------------------------------------------------------

def test_payout_by_an_administrator(buyer: Member) -> None:
    enrol(buyer.user)  # payouts need an authenticator app
    fund(buyer, "1000")
    path = f"/organisations/{buyer.organisation.pk}/payouts"
    request = {"amount": "999.99", "currency": "CNY", "bank_account": "6222 0212 3456 7890 128"}
    status, body = call(buyer.client, "post", path, request, key="p-1", headers=otp_header(buyer.user))
    assert status == 201
    payout = Payout.objects.get()
    assert body == {"id": payout.pk, "transaction_id": payout.transaction_id,
                    "organisation_id": buyer.organisation.pk, "amount": "999.99", "currency": "CNY",
                    "bank_account": "****0128", "provider_reference": payout.provider_reference,
                    "created_at": body["created_at"]}
    assert call(buyer.client, "post", path, request, key="p-1", headers=otp_header(buyer.user)) == (201, body)
    assert Payout.objects.count() == 1
    assert available(buyer.organisation) == Decimal("0.01")
    # The statement shows the provider's reference for the payout.
    status, page = call(buyer.client, "get", f"/organisations/{buyer.organisation.pk}/statement")
    assert (page["items"][-1]["kind"], page["items"][-1]["memo"], page["items"][-1]["provider_reference"]) == (
        "payout", "****0128", payout.provider_reference)


def test_payout_refusals(buyer: Member, operator_client: Client) -> None:
    enrol(buyer.user)  # payouts need an authenticator app
    fund(buyer, "100")
    colleague = MembershipFactory.create(organisation=buyer.organisation, user=UserFactory.create(),
                                         role=Membership.Role.MEMBER).user
    member_client = Client()
    member_client.force_login(colleague)
    path = f"/organisations/{buyer.organisation.pk}/payouts"
    request = {"amount": "100.01", "currency": "CNY", "bank_account": BANK}
    before = snapshot()
    status, body = call(buyer.client, "post", path, request, key="short", headers=otp_header(buyer.user))
    assert (status, body["error"]["code"]) == (409, "insufficient_funds")
    status, body = call(buyer.client, "post", path, {**request, "amount": "1", "bank_account": "12"}, key="bank",
                        headers=otp_header(buyer.user))
    assert (status, list(body["error"]["fields"])) == (400, ["bank_account"])
    status, body = call(member_client, "post", path, {**request, "amount": "1"}, key="member")
    assert (status, body["error"]["code"]) == (403, "forbidden")
    assert call(operator_client, "post", path, {**request, "amount": "1"}, key="op")[0] == 403
    assert call(buyer.client, "post", path, {**request, "amount": "1"})[0] == 400  # no key
    assert snapshot() == before


# --- Operators ------------------------------------------------------------------------------------

def test_health_for_operators(buyer: Member, owner: Member, operator: User, operator_client: Client) -> None:
    fund(buyer, "1000")
    services.escrow_hold(payer=buyer.organisation, money=Money(Decimal("500"), "CNY"), reference="deal:1")
    services.escrow_release(payer=buyer.organisation, payee=owner.organisation, money=Money(Decimal("500"), "CNY"),
                            fee=Decimal("10"), reference="deal:1")
    services.payout_create(organisation_id=owner.organisation.pk, actor=owner.user, amount="90", currency="CNY",
                           bank_account=BANK)
    status, body = call(operator_client, "get", "/ledger/health")
    assert status == 200
    assert body == {"transactions": 4, "postings": 9, "ok": True, "problems": [], "totals": [
        {"currency": "CNY", "deposited": "1000.00", "paid_out": "90.00", "held": "910.00", "available": "900.00",
         "escrow": "0.00", "fee_income": "10.00"}]}
    assert call(buyer.client, "get", "/ledger/health")[0] == 403
    assert call(Client(), "get", "/ledger/health")[0] == 401
