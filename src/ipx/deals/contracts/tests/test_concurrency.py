"""Two requests cannot release the same escrowed money: 50 threads release one funded
milestone at once on PostgreSQL (real row locks); exactly one is paid."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection

from ipx.accounts.models import User
from ipx.core.errors import ApplicationError
from ipx.deals.contracts import services
from ipx.deals.contracts.tests.helpers import (
    available,
    deposit,
    escrow_total,
    fee_income,
    ledger_count,
    make_deal,
    sign_both,
)
from ipx.deals.models import DealEvent, DealMilestone
from ipx.ledger.models import LedgerTransaction
from ipx.testing.databases import needs_postgres
from ipx.testing.fixtures import Member

THREADS = 50


@pytest.mark.django_db(transaction=True)
@needs_postgres("row locks between connections")
def test_fifty_concurrent_releases_pay_once(owner: Member, buyer: Member, operator: User) -> None:
    # Given a signed contract whose signing milestone is funded
    deal = sign_both(make_deal(owner, buyer, price_amount=Decimal("100000.00"), payment_structure="milestones",
                               milestones=[("签约款", "100000.00", "on_signing")]), owner, buyer)
    deposit(buyer, "100000")
    services.milestone_fund(deal_id=deal.pk, position=1, actor=buyer.user)
    transactions_before = ledger_count()
    assert (escrow_total(), available(owner.organisation), fee_income()) == (
        Decimal("100000.00"), Decimal("0.00"), Decimal("0.00"))

    # When 50 requests (buyer and operator alike) release it at the same moment
    start = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def release(actor: User) -> None:
        try:
            start.wait(timeout=30)
            services.milestone_release(deal_id=deal.pk, position=1, actor=actor)
            outcome = "released"
        except ApplicationError as exc:
            outcome = f"{exc.status}:{exc.code}"
        except Exception as exc:  # any other failure is what this test looks for
            outcome = f"error: {exc!r}"
        finally:
            connection.close()  # each thread has its own connection
        with lock:
            outcomes.append(outcome)

    workers = [threading.Thread(target=release, args=(buyer.user if n % 2 else operator,)) for n in range(THREADS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)

    # Then exactly one is paid; the others are told nothing is held, and the ledger moved once
    assert sorted(outcomes) == ["409:not_held"] * (THREADS - 1) + ["released"]
    assert ledger_count() == transactions_before + 1
    assert LedgerTransaction.objects.filter(kind="escrow_release").count() == 1
    assert (escrow_total(), available(owner.organisation), fee_income()) == (
        Decimal("0.00"), Decimal("98000.00"), Decimal("2000.00"))
    milestone = DealMilestone.objects.get(deal=deal, position=1)
    assert (milestone.status, milestone.released_amount) == ("released", Decimal("100000.00"))
    assert DealEvent.objects.filter(deal=deal, verb="released").count() == 1
