"""A securitisation's pool: the originator's current receivables in the product's currency,
owing something after the cut-off, in no other live pool, no payer above the concentration
limit; anything else refused with nothing changed."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal as D
from typing import Any

import pytest

from ipx.accounts.models import Organisation, User
from ipx.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from ipx.finance.models import PoolEntry, Product, ProductEvent, Receivable
from ipx.finance.securitisation.inputs import ProductIn
from ipx.finance.securitisation.services import pools, receivables
from ipx.testing.factories import OrganisationFactory
from ipx.testing.scenes import person
from ipx.testing.securitisation_world import PAYERS, contract_receivable

pytestmark = pytest.mark.django_db


@dataclass
class Setup:
    originator: Organisation
    admin: User
    trustee: Organisation
    stranger: User
    receivables: list[Receivable]


@pytest.fixture
def setup() -> Setup:
    originator = OrganisationFactory.create(name="广州专利运营有限公司")
    admin = person("originator@example.cn", "Yuan Chang", originator)
    trustee = OrganisationFactory.create(name="粤信托管理有限公司", kind=Organisation.Kind.FINANCIAL)
    stranger = person("stranger@example.cn", "Mo Sheng", OrganisationFactory.create())
    rows = [contract_receivable(originator, admin, payer, number=n) for n, payer in enumerate(PAYERS, start=1)]
    return Setup(originator, admin, trustee, stranger, rows)


def new_product(setup: Setup, **changes: Any) -> Product:
    values = ProductIn(originator_id=setup.originator.pk, name="专利许可ABS", trustee_id=setup.trustee.pk,
                       servicer_id=setup.originator.pk, cut_off="2026-03-31")
    return pools.product_create(actor=setup.admin, values=replace(values, **changes))


def test_a_product_is_set_up_and_refused_by_field(setup: Setup) -> None:
    product = new_product(setup)
    assert (product.status, product.cut_off, product.periods_per_year, product.concentration_percent) == (
        Product.Status.DRAFT, date(2026, 3, 31), 4, D("25.00"))
    assert list(product.events.values_list("verb", flat=True)) == ["create"]
    with pytest.raises(ValidationFailed) as refused:
        new_product(setup, name="", trustee_id=setup.originator.pk, servicer_id="x", currency="XYZ",
                    cut_off="someday", periods_per_year=3, concentration_percent="0")
    assert set(refused.value.fields) == {"name", "trustee_id", "servicer_id", "currency", "cut_off",
                                         "periods_per_year", "concentration_percent"}
    with pytest.raises(PermissionDenied):
        pools.product_create(actor=setup.stranger, values=ProductIn(
            originator_id=setup.originator.pk, name="X", trustee_id=setup.trustee.pk,
            servicer_id=setup.originator.pk, cut_off="2026-03-31"))
    assert Product.objects.count() == 1


def test_the_pool_takes_eligible_receivables_at_their_balance_after_the_cut_off(setup: Setup) -> None:
    product = new_product(setup, cut_off="2026-06-30")  # the June instalments fall before it
    pools.pool_select(actor=setup.admin, product_id=product.pk, receivable_ids=[r.pk for r in setup.receivables])
    product.refresh_from_db()
    assert product.status == Product.Status.POOLED
    assert pools.pool_balance(product) == D("3750000.00")
    assert set(product.entries.values_list("balance", flat=True)) == {D("750000.00")}
    # Chosen again (four of them, 25 % each): the pool is replaced.
    pools.pool_select(actor=setup.admin, product_id=product.pk, receivable_ids=[r.pk for r in setup.receivables[:4]])
    assert pools.pool_balance(product) == D("3000000.00")
    assert PoolEntry.objects.filter(product=product).count() == 4


def refused_pool(setup: Setup, product: Product, ids: list[int]) -> str:
    before = (list(PoolEntry.objects.values_list("pk", "product_id", "receivable_id", "live")),
              Product.objects.get(pk=product.pk).status, ProductEvent.objects.count())
    with pytest.raises(ValidationFailed) as refused:
        pools.pool_select(actor=setup.admin, product_id=product.pk, receivable_ids=ids)
    assert set(refused.value.fields) == {"receivable_ids"}
    assert (list(PoolEntry.objects.values_list("pk", "product_id", "receivable_id", "live")),
            Product.objects.get(pk=product.pk).status, ProductEvent.objects.count()) == before
    return refused.value.fields["receivable_ids"]


def test_ineligible_receivables_are_refused_and_nothing_changes(setup: Setup) -> None:
    product = new_product(setup)
    ids = [r.pk for r in setup.receivables]
    dollars = contract_receivable(setup.originator, setup.admin, "Pearl River Optics Ltd", number=9, currency="USD")
    assert "USD" in refused_pool(setup, product, [*ids[:4], dollars.pk])
    receivables.receivable_mark(actor=setup.admin, receivable_id=setup.receivables[0].pk, status="late")
    assert f"#{setup.receivables[0].pk}" in refused_pool(setup, product, ids)
    # Three payers: each a third of the pool, above the 25 % limit.
    assert "33.33" in refused_pool(setup, product, ids[1:4])
    assert "999999" in refused_pool(setup, product, [*ids[1:], 999999])
    expired = contract_receivable(setup.originator, setup.admin, "过期公司", number=10, due=(date(2026, 1, 15),))
    assert "cut-off" in refused_pool(setup, product, [*ids[1:], expired.pk])


def test_a_receivable_is_in_one_live_pool_only(setup: Setup) -> None:
    first, second = new_product(setup), new_product(setup, name="第二期")
    ids = [r.pk for r in setup.receivables]
    pools.pool_select(actor=setup.admin, product_id=first.pk, receivable_ids=ids)
    assert f"#{first.pk}" in refused_pool(setup, second, ids)
    # Cancelled, the first product frees its receivables.
    pools.product_cancel(actor=setup.admin, product_id=first.pk)
    pools.pool_select(actor=setup.admin, product_id=second.pk, receivable_ids=ids)
    assert PoolEntry.objects.filter(live=True, product=second).count() == 5
    with pytest.raises(InvalidTransition):
        pools.pool_select(actor=setup.admin, product_id=first.pk, receivable_ids=ids)


def test_only_the_originators_signatories_choose_the_pool(setup: Setup) -> None:
    product = new_product(setup)
    with pytest.raises(PermissionDenied):
        pools.pool_select(actor=setup.stranger, product_id=product.pk, receivable_ids=[setup.receivables[0].pk])
    assert not PoolEntry.objects.exists()
