"""A pooled product's structure: tranches summing to the pool with a senior one, coupons and
fees that make sense, a guarantor with a limit; refused by field with nothing changed."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal as D

import pytest

from ipx.accounts.models import Organisation, User
from ipx.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from ipx.finance.models import FeeTerm, Product, ProductEvent, Tranche, TriggerTerm
from ipx.finance.securitisation.inputs import FeeIn, ProductIn, StructureIn, TrancheIn, TriggerIn
from ipx.finance.securitisation.services import pools, structure
from ipx.testing.factories import OrganisationFactory
from ipx.testing.scenes import person
from ipx.testing.securitisation_world import MATURITY, PAYERS, contract_receivable, senior_subordinated

pytestmark = pytest.mark.django_db


@dataclass
class Pooled:
    product: Product
    originator: Organisation
    admin: User
    trustee: Organisation
    trustee_admin: User
    guarantor: Organisation


@pytest.fixture
def pooled() -> Pooled:
    """A product pooled on five receivables of 1,000,000 each (5,000,000)."""
    originator = OrganisationFactory.create(name="广州专利运营有限公司")
    admin = person("originator@example.cn", "Yuan Chang", originator)
    trustee = OrganisationFactory.create(name="粤信托管理有限公司", kind=Organisation.Kind.FINANCIAL)
    guarantor = OrganisationFactory.create(name="广州融资担保有限公司", kind=Organisation.Kind.FINANCIAL)
    rows = [contract_receivable(originator, admin, payer, number=n) for n, payer in enumerate(PAYERS, start=1)]
    product = pools.product_create(actor=admin, values=ProductIn(
        originator_id=originator.pk, name="专利许可ABS", trustee_id=trustee.pk, servicer_id=originator.pk,
        cut_off="2026-03-31"))
    pools.pool_select(actor=admin, product_id=product.pk, receivable_ids=[r.pk for r in rows])
    product.refresh_from_db()
    return Pooled(product, originator, admin, trustee, person("trustee@example.cn", "Tuo Guan", trustee), guarantor)


def standard(pooled: Pooled) -> StructureIn:
    return senior_subordinated(trustee=pooled.trustee, servicer=pooled.originator, guarantor=pooled.guarantor)


def structured(pooled: Pooled) -> Product:
    return structure.product_structure(actor=pooled.admin, product_id=pooled.product.pk, values=standard(pooled))


def test_a_pooled_product_is_structured(pooled: Pooled) -> None:
    product = structured(pooled)
    assert product.status == Product.Status.STRUCTURED
    rows = list(product.tranches.values_list("name", "seniority", "size", "coupon_percent", "balance", "priority"))
    assert rows == [("A", "senior", D("4000000.00"), D("4.000"), D("4000000.00"), 1),
                    ("B", "subordinated", D("1000000.00"), D("0.000"), D("1000000.00"), 2)]
    assert list(product.fees.values_list("name", "payee", "amount", "rate_percent")) == [
        ("trustee", pooled.trustee.pk, D("5000.00"), D("0.000")),
        ("servicer", pooled.originator.pk, D("0.00"), D("0.500"))]
    assert list(product.triggers.values_list("metric", "threshold", "action")) == [
        ("asset_coverage", D("1.0500"), "sequential")]
    assert (product.reserve_target, product.guarantor, product.guarantee_limit) == (
        D("100000.00"), pooled.guarantor, D("500000.00"))
    engine = structure.engine_structure(product)
    assert [(b.name, b.coupon) for b in engine.bonds] == [("A", D("0.04")), ("B", D("0"))]
    assert engine.fees[1].rate == D("0.005")


def refused(pooled: Pooled, values: StructureIn) -> dict[str, str]:
    def snapshot() -> tuple[object, ...]:
        return (list(Tranche.objects.values_list("pk", "size")), FeeTerm.objects.count(), TriggerTerm.objects.count(),
                Product.objects.get(pk=pooled.product.pk).status, ProductEvent.objects.count())
    before = snapshot()
    with pytest.raises(ValidationFailed) as error:
        structure.product_structure(actor=pooled.admin, product_id=pooled.product.pk, values=values)
    assert snapshot() == before
    return error.value.fields


def test_tranches_that_do_not_sum_to_the_pool_are_refused(pooled: Pooled) -> None:
    fields = refused(pooled, senior_subordinated("4000000", "999999.99", trustee=pooled.trustee,
                                                 servicer=pooled.originator, guarantor=pooled.guarantor))
    assert set(fields) == {"tranches"}
    assert "4999999.99" in fields["tranches"] and "5000000.00" in fields["tranches"]


def test_a_structure_without_a_senior_tranche_is_refused(pooled: Pooled) -> None:
    values = replace(standard(pooled), tranches=[
        TrancheIn("M", "mezzanine", "4000000", "5", MATURITY.isoformat(), 1),
        TrancheIn("B", "subordinated", "1000000", "0", MATURITY.isoformat(), 2)])
    assert "senior" in refused(pooled, values)["tranches"]


def test_absurd_coupons_and_fees_are_refused(pooled: Pooled) -> None:
    values = replace(standard(pooled), tranches=[
        TrancheIn("A", "senior", "4000000", "250", MATURITY.isoformat(), 1),
        TrancheIn("B", "subordinated", "1000000", "-1", "2020-01-01", 1)],
        fees=[FeeIn("trustee", pooled.trustee.pk, amount="300000"), FeeIn("rating", pooled.trustee.pk,
                                                                           rate_percent="40")])
    fields = refused(pooled, values)
    assert set(fields) == {"tranches.0.coupon_percent", "tranches.1.coupon_percent", "tranches.1.legal_maturity",
                           "tranches", "fees.1.rate_percent", "fees"}
    # Fees no higher than their own limits, but more than 5 % of the pool each period.
    heavy = replace(standard(pooled), fees=[FeeIn("trustee", pooled.trustee.pk, amount="250000.01")])
    assert set(refused(pooled, heavy)) == {"fees"}


def test_a_guarantor_needs_a_limit_and_a_limit_a_guarantor(pooled: Pooled) -> None:
    assert set(refused(pooled, replace(standard(pooled), guarantee_limit="0"))) == {"guarantee_limit"}
    assert set(refused(pooled, replace(standard(pooled), guarantor_id=None))) == {"guarantor_id"}
    assert set(refused(pooled, replace(standard(pooled), guarantor_id=pooled.originator.pk))) == {"guarantor_id"}


def test_only_the_originator_structures_and_only_a_pooled_product(pooled: Pooled) -> None:
    with pytest.raises(PermissionDenied):
        structure.product_structure(actor=pooled.trustee_admin, product_id=pooled.product.pk,
                                    values=standard(pooled))
    pools.product_cancel(actor=pooled.admin, product_id=pooled.product.pk)
    with pytest.raises(InvalidTransition):
        structured(pooled)
    assert not Tranche.objects.exists()


def test_triggers_are_read_by_field(pooled: Pooled) -> None:
    values = replace(standard(pooled), triggers=[TriggerIn("coverage", "asset_coverage", "0", "sequential"),
                                                 TriggerIn("other", "mood", "1.00001", "panic")])
    assert set(refused(pooled, values)) == {"triggers.0.threshold", "triggers.1.metric", "triggers.1.threshold",
                                            "triggers.1.action"}
    accepted = replace(standard(pooled), triggers=[TriggerIn("coverage", "interest_coverage", "1.2345", "accelerate")])
    product = structure.product_structure(actor=pooled.admin, product_id=pooled.product.pk, values=accepted)
    assert list(product.triggers.values_list("metric", "threshold", "action")) == [
        ("interest_coverage", D("1.2345"), "accelerate")]
