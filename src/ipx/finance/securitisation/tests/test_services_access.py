"""Who sees what of a securitisation: the parties and operators all of it; an investor only
its own tranches, holdings and the payments made to them; anyone else nothing (404), except
a product on offer; and what each may do, from the workflow's table."""

from __future__ import annotations

import pytest

from ipx.accounts.models import Membership, User
from ipx.core.errors import NotFound
from ipx.finance.securitisation import selectors
from ipx.finance.securitisation.tests.test_services_structure import Pooled, pooled, structured
from ipx.testing.factories import MembershipFactory, OrganisationFactory, UserFactory
from ipx.testing.scenes import person
from ipx.testing.securitisation_world import SecuritisationWorld, build_securitisation_world

pytestmark = pytest.mark.django_db
__all__ = ["pooled"]


@pytest.fixture
def world() -> SecuritisationWorld:
    return build_securitisation_world()


@pytest.fixture
def outsider() -> User:
    return person("outsider@example.cn", "Wai Ren", OrganisationFactory.create(name="无关科技有限公司"))


def test_an_investor_sees_its_own_tranches_holdings_and_payments(world: SecuritisationWorld,
                                                                 outsider: User) -> None:
    product, investor = world.product, world.investor_a_admin
    assert selectors.product_for(investor, product.pk) == product
    assert [t.name for t in selectors.tranches_for(investor, product)] == ["A"]
    assert [h.investor for h in selectors.holdings_for(investor, product)] == [world.investor_a]
    payments = selectors.payments_for(investor, selectors.period_for(investor, product, 1))
    assert {(p.action, p.target) for p in payments} == {("pay_interest", "A"), ("pay_principal", "A")}
    assert not selectors.pool_for(investor, product).exists()
    assert not selectors.history_for(investor, product).exists()
    with pytest.raises(NotFound):
        selectors.receivable_for(investor, world.late.pk)
    with pytest.raises(NotFound):
        selectors.contract_for(investor, world.late.pk)
    # The originator holds the subordinated tranche and, as a party, sees everything.
    assert [t.name for t in selectors.tranches_for(world.originator_admin, product)] == ["A", "B"]
    assert selectors.holdings_for(world.originator_admin, product).count() == 3
    assert selectors.payments_for(world.originator_admin, world.period).count() == 5


def test_parties_and_operators_see_all_and_others_nothing(world: SecuritisationWorld, outsider: User) -> None:
    product = world.product
    operator = UserFactory.create(email="abs-operator@example.com", full_name="Ophelia Operator", is_staff=True)
    for viewer in (world.trustee_admin, world.guarantor_admin, world.originator_admin, operator):
        assert selectors.product_for(viewer, product.pk) == product
        assert selectors.pool_for(viewer, product).count() == 5
        assert selectors.history_for(viewer, product).exists()
    with pytest.raises(NotFound):
        selectors.product_for(outsider, product.pk)
    assert not selectors.periods_for(outsider, product).exists()
    assert not selectors.products_for(outsider).exists()
    # The trustee sees the pooled receivables and their contracts; an outsider does not.
    assert selectors.contract_for(world.trustee_admin, world.late.pk).receivable == world.late
    assert selectors.receivable_for(world.originator_admin, world.late.pk) == world.late
    with pytest.raises(NotFound):
        selectors.receivable_for(outsider, world.late.pk)


def test_what_each_may_do_now(world: SecuritisationWorld, outsider: User) -> None:
    product = world.product
    assert selectors.allowed_actions(world.originator_admin, product) == ["record_collections"]
    assert selectors.allowed_actions(world.trustee_admin, product) == ["run_period", "retire"]
    for nobody in (world.investor_a_admin, world.guarantor_admin, outsider):
        assert selectors.allowed_actions(nobody, product) == []
    # A plain member of the servicer does not move its money to the trustee.
    clerk = MembershipFactory.create(organisation=world.originator, role=Membership.Role.MEMBER).user
    assert selectors.allowed_actions(clerk, product) == []


def test_a_product_on_offer_is_seen_with_its_tranches_but_not_its_pool(pooled: Pooled, outsider: User) -> None:
    product = structured(pooled)
    assert selectors.product_for(outsider, product.pk) == product
    assert [t.name for t in selectors.tranches_for(outsider, product)] == ["A", "B"]
    assert not selectors.pool_for(outsider, product).exists()
    assert selectors.allowed_actions(outsider, product) == ["subscribe"]
    assert selectors.allowed_actions(pooled.admin, product) == ["structure", "subscribe", "issue", "cancel"]
