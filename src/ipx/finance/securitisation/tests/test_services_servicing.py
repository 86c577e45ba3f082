"""Servicing on actuals: a period's collections paid into the collection account, the
waterfall run on them with every step a ledger posting (investors pro rata to their holdings),
cash in = cash out + the change in the reserve, the ledger clean; a period run twice is the
first result with nothing posted again; collections recorded once; the late payer shown."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal as D

import pytest

from ipx.accounts.models import Organisation
from ipx.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from ipx.core.money import Money
from ipx.finance.models import Period, PeriodPayment, Product, Receivable, Tranche
from ipx.finance.securitisation.inputs import CollectionIn, CollectionsIn
from ipx.finance.securitisation.services import collections, periods, receivables
from ipx.ledger import descriptions
from ipx.ledger.models import LedgerTransaction, Posting
from ipx.ledger.selectors import ledger_check
from ipx.ledger.services import InsufficientFunds, available_account, balance_of, escrow_balance, payout_record
from ipx.testing.securitisation_world import SecuritisationWorld, build_securitisation_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> SecuritisationWorld:
    return build_securitisation_world()


def available(organisation: Organisation) -> D:
    return balance_of(available_account(organisation=organisation, currency="CNY"))


def test_the_first_period_pays_down_the_waterfall_through_the_ledger(world: SecuritisationWorld) -> None:
    period, product = world.period, world.product
    steps = [(p.action, p.source, p.target, p.amount) for p in period.payments.order_by("position")]
    assert steps == [
        ("pay_fee", "collections", "trustee", D("5000.00")),
        ("pay_fee", "collections", "servicer", D("5000.00")),
        ("pay_interest", "collections", "A", D("40000.00")),
        ("top_up_reserve", "collections", "reserve", D("100000.00")),
        ("pay_principal", "collections", "A", D("850000.00")),
    ]
    assert all(p.transaction is not None for p in period.payments.all())
    # Investors are paid pro rata to their holdings (2.5m and 1.5m of 4m).
    assert available(world.investor_a) == D("25000.00") + D("531250.00")
    assert available(world.investor_b) == D("15000.00") + D("318750.00")
    assert available(world.trustee) == D("5000.00")
    senior = product.tranches.get(name="A")
    assert (senior.balance, senior.interest_shortfall) == (D("3150000.00"), D("0.00"))
    assert product.tranches.get(name="B").balance == D("1000000.00")
    assert (period.pool_balance_after, period.reserve_after) == (D("4000000.00"), D("100000.00"))
    assert period.coverage["asset_coverage"] == "1.2698"
    assert period.breached == [] and product.sequential is False
    assert product.status == Product.Status.SERVICING


def test_cash_in_is_cash_out_plus_the_change_in_reserves(world: SecuritisationWorld) -> None:
    period, product = world.period, world.product
    paid_in = period.collections + sum(
        (p.amount for p in period.payments.filter(action="draw_guarantor")), D(0))
    paid_out = sum((p.amount for p in period.payments.filter(
        action__in=["pay_fee", "pay_tax", "pay_interest", "pay_principal", "pay_residual"])), D(0))
    # The reserve started empty.
    assert paid_in == paid_out + (period.reserve_after or 0)
    assert escrow_balance(payer=world.trustee, currency="CNY", reference=f"abs:{product.pk}:collections") == 0
    assert escrow_balance(payer=world.trustee, currency="CNY", reference=f"abs:{product.pk}:reserve") == D("100000")
    assert ledger_check().ok
    # Statements name the product and the period the money moved for.
    references = set(LedgerTransaction.objects.filter(reference__startswith="abs:").values_list("reference", flat=True))
    assert references == {f"abs:{product.pk}:issue", f"abs:{product.pk}:collections", f"abs:{product.pk}:p1"}
    assert descriptions.describe("escrow_release", f"abs:{product.pk}:p1") == f"Securitisation #{product.pk}, period 1"
    assert descriptions.describe("escrow_hold", f"abs:{product.pk}:issue") == f"Securitisation #{product.pk}: issue"


def test_a_period_run_twice_is_the_first_result_and_posts_nothing(world: SecuritisationWorld) -> None:
    before = (LedgerTransaction.objects.count(), Posting.objects.count(), PeriodPayment.objects.count())
    again = periods.period_run(actor=world.trustee_admin, product_id=world.product.pk, number=1, key="abs-run-1")
    assert again.pk == world.period.pk and again.ran_at == world.period.ran_at
    assert periods.period_run(actor=world.trustee_admin, product_id=world.product.pk, number=1).pk == again.pk
    with pytest.raises(Conflict):
        periods.period_run(actor=world.trustee_admin, product_id=world.product.pk, number=1, key="another")
    assert (LedgerTransaction.objects.count(), Posting.objects.count(), PeriodPayment.objects.count()) == before
    assert Tranche.objects.get(product=world.product, name="A").balance == D("3150000.00")


def test_collections_are_recorded_once_in_order_by_the_servicer(world: SecuritisationWorld) -> None:
    product = world.product
    before = (LedgerTransaction.objects.count(), Period.objects.count())
    # The same key is answered with the first recording; another recording of period 1 is refused.
    first = collections.collections_record(actor=world.originator_admin, key="abs-p1",
                                           values=CollectionsIn(product_id=product.pk, number=1))
    assert first.pk == world.period.pk
    with pytest.raises(Conflict):
        collections.collections_record(actor=world.originator_admin, key="other",
                                       values=CollectionsIn(product_id=product.pk, number=1))
    with pytest.raises(ValidationFailed) as skipped:
        collections.collections_record(actor=world.originator_admin, values=CollectionsIn(product_id=product.pk,
                                                                                          number=3))
    assert set(skipped.value.fields) == {"number"}
    with pytest.raises(PermissionDenied):
        collections.collections_record(actor=world.trustee_admin, values=CollectionsIn(product_id=product.pk,
                                                                                       number=2))
    late_row = world.late.instalments.order_by("due_on").first()
    assert late_row is not None
    with pytest.raises(ValidationFailed) as refused:
        collections.collections_record(actor=world.originator_admin, values=CollectionsIn(
            product_id=product.pk, number=2,
            collections=[CollectionIn(late_row.pk, "250000.01"), CollectionIn("999999", "1")]))
    assert set(refused.value.fields) == {"collections.0.amount", "collections.1.instalment_id"}
    assert (LedgerTransaction.objects.count(), Period.objects.count()) == before
    with pytest.raises(NotFound):
        periods.period_run(actor=world.trustee_admin, product_id=product.pk, number=2)
    # A servicer without the money it says it collected records nothing.
    held = available(world.originator)
    payout_record(organisation=world.originator, money=Money(held, "CNY"), provider_reference="all-out")
    with pytest.raises(InsufficientFunds):
        collections.collections_record(actor=world.originator_admin, values=CollectionsIn(
            product_id=product.pk, number=2, collections=[CollectionIn(late_row.pk, "250000")]))
    late_row.refresh_from_db()
    assert late_row.paid_amount == 0 and not Period.objects.filter(number=2).exists()


def test_the_late_payer_is_shown_and_pays_later(world: SecuritisationWorld) -> None:
    assert world.late.status == Receivable.Status.LATE
    assert world.product.events.filter(verb="receivable_marked", params__receivable=world.late.pk).exists()
    late_row = world.late.instalments.order_by("due_on").first()
    assert late_row is not None and late_row.paid_amount == 0
    # The servicer cannot wave the pool's money through as paid: it is paid as collections.
    with pytest.raises(Conflict) as owed:
        receivables.receivable_mark(actor=world.originator_admin, receivable_id=world.late.pk, status="paid")
    assert owed.value.code == "still_owed"
    period = collections.collections_record(actor=world.originator_admin, values=CollectionsIn(
        product_id=world.product.pk, number=2, collections=[CollectionIn(late_row.pk, "250000")]))
    assert period.collections == D("250000.00")
    assert (period.starts_on.isoformat(), period.ends_on.isoformat()) == ("2026-07-01", "2026-09-30")
    run = periods.period_run(actor=world.trustee_admin, product_id=world.product.pk, number=2)
    assert run.pool_balance_after == D("3750000.00")
    assert ledger_check().ok


def test_a_product_whose_pool_is_collected_retires_with_the_subordinated_loss(
        world: SecuritisationWorld, today_is: Callable[[date], None]) -> None:
    today_is(date(2027, 1, 1))  # period 3 (to 2026-12-31) has ended
    product = world.product
    with pytest.raises(Conflict) as early:
        periods.product_retire(actor=world.trustee_admin, product_id=product.pk)
    assert early.value.code == "outstanding"
    # Every payer pays all it owes in period 2: senior A is repaid, B gets what is left.
    rows = [row for row in collections.pooled_instalments(product) if row.outstanding > 0]
    collections.collections_record(actor=world.originator_admin, values=CollectionsIn(
        product_id=product.pk, number=2, collections=[CollectionIn(row.pk, str(row.outstanding)) for row in rows]))
    second = periods.period_run(actor=world.trustee_admin, product_id=product.pk, number=2)
    assert second.collections == D("4000000.00") and second.pool_balance_after == 0
    assert set(Receivable.objects.values_list("status", flat=True)) == {Receivable.Status.PAID}
    # 4,000,000 less the trustee's 5,000 and A's interest of 31,500 and principal of 3,150,000.
    assert [(t.name, t.balance) for t in product.tranches.all()] == [("A", D("0.00")), ("B", D("186500.00"))]
    with pytest.raises(Conflict) as reserve_left:
        periods.product_retire(actor=world.trustee_admin, product_id=product.pk)
    assert reserve_left.value.code == "reserve_left"
    # With A repaid the reserve is released into period 3: 5,000 to the trustee, 95,000 to B.
    collections.collections_record(actor=world.originator_admin, values=CollectionsIn(product_id=product.pk, number=3))
    periods.period_run(actor=world.trustee_admin, product_id=product.pk, number=3)
    retired = periods.product_retire(actor=world.trustee_admin, product_id=product.pk)
    assert retired.status == Product.Status.RETIRED
    last = retired.events.order_by("pk").last()
    assert last is not None and last.params["losses"] == {"B": "91500.00"}
    assert not retired.entries.filter(live=True).exists()
    assert ledger_check().ok
