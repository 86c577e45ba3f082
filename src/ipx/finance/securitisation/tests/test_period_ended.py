"""A period's collections are recorded, and the period run, only once it has ended (its last
day before the exchange's today): earlier both are refused with the day they can be done, and
nothing changes: no period, no ledger posting, no instalment paid, no investor paid."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal as D

import pytest

from ipx.accounts.models import Organisation
from ipx.core.errors import Conflict
from ipx.finance.models import Period, PeriodPayment, ReceivableInstalment
from ipx.finance.securitisation.inputs import CollectionIn, CollectionsIn
from ipx.finance.securitisation.services import collections, periods
from ipx.ledger.models import LedgerTransaction
from ipx.ledger.selectors import ledger_check
from ipx.ledger.services import available_account, balance_of
from ipx.testing.second_factor import signed_in
from ipx.testing.securitisation_world import SecuritisationWorld, build_securitisation_world

pytestmark = pytest.mark.django_db

API = "/api/v1/finance/securitisation"
# Period 2 of the world runs from 2026-07-01 to 2026-09-30.
LAST_DAY, FIRST_DAY_AFTER = date(2026, 9, 30), date(2026, 10, 1)


@pytest.fixture
def world() -> SecuritisationWorld:
    return build_securitisation_world()


def available(organisation: Organisation) -> D:
    return balance_of(available_account(organisation=organisation, currency="CNY"))


def _september(world: SecuritisationWorld) -> list[CollectionIn]:
    return [CollectionIn(row.pk, "250000") for receivable in world.receivables
            for row in receivable.instalments.filter(due_on__month=9)]


def _state(world: SecuritisationWorld) -> tuple[object, ...]:
    return (Period.objects.filter(product=world.product).count(), LedgerTransaction.objects.count(),
            PeriodPayment.objects.count(), sum(ReceivableInstalment.objects.values_list("paid_amount", flat=True)),
            available(world.originator), available(world.investor_a), available(world.investor_b),
            world.product.events.count())


def test_collections_are_recorded_only_once_the_period_has_ended(
        world: SecuritisationWorld, today_is: Callable[[date], None]) -> None:
    values = CollectionsIn(product_id=world.product.pk, number=2, collections=_september(world))
    before = _state(world)
    today_is(LAST_DAY)
    with pytest.raises(Conflict) as early:
        collections.collections_record(actor=world.originator_admin, values=values, key="c2")
    assert early.value.code == "period_not_ended"
    assert "2026-09-30" in early.value.message and "recorded from 2026-10-01" in early.value.message
    assert _state(world) == before
    today_is(FIRST_DAY_AFTER)
    period = collections.collections_record(actor=world.originator_admin, values=values, key="c2")
    assert period.collections == D("1250000.00") and period.ends_on == LAST_DAY


def test_a_period_recorded_before_it_ended_is_not_run_until_it_has(
        world: SecuritisationWorld, today_is: Callable[[date], None]) -> None:
    today_is(FIRST_DAY_AFTER)
    collections.collections_record(actor=world.originator_admin, values=CollectionsIn(
        product_id=world.product.pk, number=2, collections=_september(world)))
    # As a period recorded early, before the rule, would be: the run is refused all the same.
    today_is(LAST_DAY)
    before, investor_a = _state(world), available(world.investor_a)
    with pytest.raises(Conflict) as early:
        periods.period_run(actor=world.trustee_admin, product_id=world.product.pk, number=2, key="r2")
    assert early.value.code == "period_not_ended" and "run from 2026-10-01" in early.value.message
    assert _state(world) == before
    assert not Period.objects.get(product=world.product, number=2).is_run
    today_is(FIRST_DAY_AFTER)
    ran = periods.period_run(actor=world.trustee_admin, product_id=world.product.pk, number=2, key="r2")
    assert ran.is_run and available(world.investor_a) > investor_a
    assert ledger_check().ok


def test_the_api_answers_409_for_a_period_not_yet_ended(
        world: SecuritisationWorld, today_is: Callable[[date], None]) -> None:
    today_is(LAST_DAY)
    before = _state(world)
    body = {"number": 2, "collections": [{"instalment_id": row.instalment_id, "amount": row.amount}
                                         for row in _september(world)]}
    answer = signed_in(world.originator_admin).post(f"{API}/products/{world.product.pk}/periods", json.dumps(body),
                                                    content_type="application/json",
                                                    headers={"Idempotency-Key": "c2"})
    assert answer.status_code == 409
    assert answer.json()["error"]["code"] == "period_not_ended"
    assert "2026-10-01" in answer.json()["error"]["message"]
    assert _state(world) == before
