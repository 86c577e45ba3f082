"""Many requests at once against the same money, on PostgreSQL (each thread its own
connection): exactly one spends it, the others are refused, and replays of one idempotent
request move money once."""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connections
from django.test import Client

from ipx.accounts.tokens import TokenInput, api_token_create
from ipx.core.money import Money
from ipx.ledger import selectors, services
from ipx.ledger.models import IdempotencyRecord, LedgerTransaction, Payout
from ipx.ledger.services import InsufficientFunds
from ipx.ledger.tests.helpers import available, fee_income
from ipx.testing.databases import needs_postgres
from ipx.testing.fixtures import Member

pytestmark = [needs_postgres("row locks between connections"), pytest.mark.django_db(transaction=True)]

CNY = "CNY"


def run_at_once(count: int, work: Callable[[int], Any]) -> list[Any]:
    """``work(i)`` in ``count`` threads released together; each result, or the exception raised."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def thread(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = work(i)
        except Exception as exc:  # the test counts what each thread got
            results[i] = exc
        finally:
            connections.close_all()  # this thread's own connection

    threads = [threading.Thread(target=thread, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    return results


def outcomes(results: list[Any]) -> Counter[str]:
    return Counter("ok" if not isinstance(r, Exception) else type(r).__name__ for r in results)


def test_fifty_releases_of_one_escrow_pay_once(buyer: Member, owner: Member) -> None:
    services.deposit_create(organisation_id=buyer.organisation.pk, actor=buyer.user, amount="1000", currency=CNY)
    services.escrow_hold(payer=buyer.organisation, money=Money(Decimal("1000"), CNY), reference="deal:1")

    def release(_i: int) -> LedgerTransaction:
        return services.escrow_release(payer=buyer.organisation, payee=owner.organisation,
                                       money=Money(Decimal("1000"), CNY), fee=Decimal("20"), reference="deal:1")

    results = run_at_once(50, release)
    assert outcomes(results) == {"ok": 1, "InsufficientFunds": 49}
    assert services.escrow_balance(payer=buyer.organisation, currency=CNY, reference="deal:1") == Decimal("0.00")
    assert available(owner.organisation) == Decimal("980.00")
    assert fee_income() == Decimal("20.00")
    assert LedgerTransaction.objects.count() == 3
    assert selectors.ledger_check().ok


def test_fifty_spends_of_one_balance_spend_once(buyer: Member) -> None:
    services.deposit_create(organisation_id=buyer.organisation.pk, actor=buyer.user, amount="500", currency=CNY)

    def spend(i: int) -> object:
        if i % 2:  # half hold it for a deal of their own, half pay it out
            return services.escrow_hold(payer=buyer.organisation, money=Money(Decimal("500"), CNY),
                                        reference=f"deal:{i}")
        return services.payout_create(organisation_id=buyer.organisation.pk, actor=buyer.user, amount="500",
                                      currency=CNY, bank_account="6222021234567890128")

    results = run_at_once(50, spend)
    assert outcomes(results) == {"ok": 1, "InsufficientFunds": 49}
    assert all(isinstance(r, InsufficientFunds) for r in results if isinstance(r, Exception))
    assert available(buyer.organisation) == Decimal("0.00")
    assert LedgerTransaction.objects.count() == 2
    held = sum(b.escrow for b in selectors.balances_of(buyer.organisation.pk))
    assert held + sum(p.amount for p in Payout.objects.all()) == Decimal("500.00")
    assert selectors.ledger_check().ok


def test_twenty_replays_of_one_deposit_move_money_once(buyer: Member) -> None:
    money = TokenInput.parse(name="retries", scopes=["read", "write", "money"])  # deposits need the money scope
    _token, key = api_token_create(user=buyer.user, token=money)
    path = f"/api/v1/organisations/{buyer.organisation.pk}/deposits"
    body = json.dumps({"amount": "88.80", "currency": CNY})

    def post(_i: int, payload: str = body) -> tuple[int, Any]:
        response = Client().post(path, data=payload, content_type="application/json",
                                 HTTP_AUTHORIZATION=f"Bearer {key}", HTTP_IDEMPOTENCY_KEY="one-deposit")
        return response.status_code, response.json()

    results = run_at_once(20, post)
    assert outcomes(results) == {"ok": 20}
    first = results[0]
    assert first[0] == 201
    assert all(result == first for result in results)
    entry = LedgerTransaction.objects.get()
    assert first[1]["transaction_id"] == entry.pk
    assert IdempotencyRecord.objects.count() == 1
    assert available(buyer.organisation) == Decimal("88.80")
    # The same key with another body is refused, and nothing moves.
    status, refused = post(0, json.dumps({"amount": "88.81", "currency": CNY}))
    assert (status, refused["error"]["code"]) == (409, "idempotency_key_reused")
    assert LedgerTransaction.objects.count() == 1
    assert selectors.ledger_check().ok
