"""A period run by many requests at once, on PostgreSQL (each thread its own connection): the
product's row lock lets one run the waterfall; the others get its result, and nothing is
posted twice."""

from __future__ import annotations

import pytest

from ipx.finance.models import Period, PeriodPayment
from ipx.finance.securitisation.inputs import CollectionIn, CollectionsIn
from ipx.finance.securitisation.services import collections, periods
from ipx.ledger.models import LedgerTransaction
from ipx.ledger.selectors import ledger_check
from ipx.ledger.tests.test_concurrency import outcomes, run_at_once
from ipx.testing.databases import needs_postgres
from ipx.testing.securitisation_world import build_securitisation_world

pytestmark = [needs_postgres("row locks between connections"), pytest.mark.django_db(transaction=True)]


def test_ten_runs_of_one_period_post_it_once() -> None:
    world = build_securitisation_world()
    rows = [row for row in collections.pooled_instalments(world.product)
            if row.receivable_id != world.late.pk and row.outstanding > 0][:4]
    collections.collections_record(actor=world.originator_admin, values=CollectionsIn(
        product_id=world.product.pk, number=2, collections=[CollectionIn(row.pk, "250000") for row in rows]))

    def run(_i: int) -> Period:
        return periods.period_run(actor=world.trustee_admin, product_id=world.product.pk, number=2)

    results = run_at_once(10, run)
    assert outcomes(results) == {"ok": 10}
    assert {result.pk for result in results} == {Period.objects.get(product=world.product, number=2).pk}
    steps = PeriodPayment.objects.filter(period__number=2, period__product=world.product).count()
    assert steps > 0
    assert LedgerTransaction.objects.filter(reference=f"abs:{world.product.pk}:p2").count() == steps
    assert ledger_check().ok
