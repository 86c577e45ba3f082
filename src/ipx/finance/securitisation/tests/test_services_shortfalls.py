"""Periods without collections after four payers default: the reserve pays the fees and senior
interest until it runs out, then the guarantor tops senior interest up from its own balance;
the asset-coverage trigger breaches and switches to sequential pay. A guarantor that cannot
pay refuses the run with nothing posted. Every step is on the ledger, which stays clean."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal as D

import pytest

from ipx.accounts.models import Organisation
from ipx.core.errors import Conflict
from ipx.core.money import Money
from ipx.finance.models import Period, PeriodPayment, Product
from ipx.finance.securitisation.history import product_history
from ipx.finance.securitisation.inputs import CollectionsIn
from ipx.finance.securitisation.services import collections, periods, receivables
from ipx.ledger.models import LedgerTransaction
from ipx.ledger.selectors import ledger_check
from ipx.ledger.services import InsufficientFunds, available_account, balance_of, escrow_balance, payout_record
from ipx.testing.securitisation_world import SecuritisationWorld, build_securitisation_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> SecuritisationWorld:
    """The serviced world with the four payers who paid in period 1 now defaulted: the pool
    left is the late payer's 1,000,000."""
    world = build_securitisation_world()
    for receivable in world.receivables[:4]:
        receivables.receivable_mark(actor=world.originator_admin, receivable_id=receivable.pk, status="defaulted")
    return world


def empty_period(world: SecuritisationWorld, number: int) -> Period:
    collections.collections_record(actor=world.originator_admin,
                                   values=CollectionsIn(product_id=world.product.pk, number=number))
    return periods.period_run(actor=world.trustee_admin, product_id=world.product.pk, number=number)


def reserve(world: SecuritisationWorld) -> D:
    return escrow_balance(payer=world.trustee, currency="CNY", reference=f"abs:{world.product.pk}:reserve")


def available(organisation: Organisation) -> D:
    return balance_of(available_account(organisation=organisation, currency="CNY"))


def test_the_reserve_then_the_guarantor_cover_senior_interest(world: SecuritisationWorld,
                                                                 today_is: Callable[[date], None]) -> None:
    today_is(date(2027, 4, 1))  # period 4 (to 2027-03-31) has ended
    second = empty_period(world, 2)
    # Fees 5,000 and 1,250 (0.5 % a year of 1,000,000), senior interest 31,500 (4 % of 3,150,000 a quarter).
    assert [(p.action, p.source, p.target, p.amount) for p in second.payments.all()] == [
        ("draw_reserve", "reserve", "collections", D("5000.00")),
        ("pay_fee", "collections", "trustee", D("5000.00")),
        ("draw_reserve", "reserve", "collections", D("1250.00")),
        ("pay_fee", "collections", "servicer", D("1250.00")),
        ("draw_reserve", "reserve", "collections", D("31500.00")),
        ("pay_interest", "collections", "A", D("31500.00")),
    ]
    assert reserve(world) == second.reserve_after == D("62250.00")
    # Asset coverage 1,000,000 / 3,150,000 is below 1.05: sequential pay from now on.
    assert second.coverage["asset_coverage"] == "0.3175" and second.breached == ["coverage"]
    world.product.refresh_from_db()
    assert world.product.sequential is True
    assert empty_period(world, 3).reserve_after == D("24500.00")
    fourth = empty_period(world, 4)
    draws = [(p.action, p.amount) for p in fourth.payments.filter(action__in=["draw_reserve", "draw_guarantor"])]
    assert draws == [("draw_reserve", D("5000.00")), ("draw_reserve", D("1250.00")),
                     ("draw_reserve", D("18250.00")), ("draw_guarantor", D("13250.00"))]
    assert reserve(world) == 0
    assert available(world.guarantor) == D("486750.00")
    world.product.refresh_from_db()
    assert world.product.guarantor_paid == D("13250.00")
    assert fourth.shortfalls == {}
    # The investors had every period's interest: 25,000 + 531,250 in period 1, then 19,687.50 a quarter.
    assert available(world.investor_a) == D("556250.00") + 3 * D("19687.50")
    assert escrow_balance(payer=world.trustee, currency="CNY", reference=f"abs:{world.product.pk}:collections") == 0
    assert ledger_check().ok


def test_a_guarantor_that_cannot_pay_refuses_the_run(world: SecuritisationWorld,
                                                        today_is: Callable[[date], None]) -> None:
    today_is(date(2027, 4, 1))  # period 4 (to 2027-03-31) has ended
    empty_period(world, 2)
    empty_period(world, 3)
    payout_record(organisation=world.guarantor, money=Money(D("490000"), "CNY"), provider_reference="gone")
    collections.collections_record(actor=world.originator_admin,
                                   values=CollectionsIn(product_id=world.product.pk, number=4))
    before = (LedgerTransaction.objects.count(), PeriodPayment.objects.count(), reserve(world))
    with pytest.raises(InsufficientFunds):
        periods.period_run(actor=world.trustee_admin, product_id=world.product.pk, number=4)
    assert (LedgerTransaction.objects.count(), PeriodPayment.objects.count(), reserve(world)) == before
    assert not Period.objects.get(product=world.product, number=4).is_run
    assert ledger_check().ok


def test_a_product_with_notes_outstanding_is_not_retired(world: SecuritisationWorld) -> None:
    with pytest.raises(Conflict) as refused:
        periods.product_retire(actor=world.trustee_admin, product_id=world.product.pk)
    assert refused.value.code == "outstanding"
    world.product.refresh_from_db()
    assert world.product.status == Product.Status.SERVICING


def test_the_history_is_told_in_words(world: SecuritisationWorld) -> None:
    empty_period(world, 2)
    lines = [entry.text for entry in product_history(world.product)]
    assert lines[:3] == ["Securitisation set up in CNY.",
                         "Pool chosen: 5 receivables, 5,000,000.00 CNY after the cut-off.",
                         "Structured in 2 tranches over 5,000,000.00 CNY."]
    assert "Issued; proceeds of 5,000,000.00 CNY paid to the originator." in lines
    assert f"Receivable #{world.late.pk} marked late." in lines
    assert "Period 1: collections of 1,000,000.00 CNY recorded." in lines
    assert lines[-1] == "Period 2 run on collections of 0.00 CNY. Triggers breached: coverage."
