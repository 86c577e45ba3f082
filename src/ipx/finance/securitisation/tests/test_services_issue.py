"""Subscriptions and issue: investors subscribe to a structured product's tranches (no more than
each has left); issue takes every tranche fully subscribed, each investor paying through the
ledger into the issue account and the proceeds going to the originator, all or nothing, once."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from ipx.accounts.models import Organisation
from ipx.core.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from ipx.finance.models import Product, Subscription
from ipx.finance.securitisation.services import issue
from ipx.finance.securitisation.tests.test_services_structure import Pooled, pooled, structured
from ipx.ledger.models import LedgerTransaction
from ipx.ledger.selectors import ledger_check
from ipx.ledger.services import InsufficientFunds, available_account, balance_of, escrow_balance
from ipx.testing.factories import OrganisationFactory
from ipx.testing.scenes import person
from ipx.testing.securitisation_world import fund

pytestmark = pytest.mark.django_db
__all__ = ["pooled"]  # the fixture, shared with the structure's tests


def available(organisation: Organisation) -> D:
    return balance_of(available_account(organisation=organisation, currency="CNY"))


def test_a_fully_subscribed_product_is_issued_through_the_ledger(pooled: Pooled) -> None:
    product = structured(pooled)
    senior, subordinated = product.tranches.order_by("priority")
    investor = OrganisationFactory.create(name="南方资产管理有限公司", kind=Organisation.Kind.FINANCIAL)
    investor_admin = person("investor@example.cn", "Tou Zi", investor)
    with pytest.raises(ValidationFailed) as too_much:
        issue.subscription_add(actor=investor_admin, product_id=product.pk, tranche_id=senior.pk,
                               investor_id=investor.pk, amount="4000000.01")
    assert "4,000,000.00 CNY" in too_much.value.fields["amount"]
    issue.subscription_add(actor=investor_admin, product_id=product.pk, tranche_id=senior.pk,
                           investor_id=investor.pk, amount="4000000")
    with pytest.raises(Conflict) as short:
        issue.product_issue(actor=pooled.admin, product_id=product.pk)
    assert short.value.code == "not_subscribed"
    issue.subscription_add(actor=pooled.admin, product_id=product.pk, tranche_id=subordinated.pk,
                           investor_id=pooled.originator.pk, amount="1000000")
    fund(investor, "4000000", "senior")
    fund(pooled.originator, "1000000", "retained")
    issued = issue.product_issue(actor=pooled.admin, product_id=product.pk, key="issue-1")
    assert issued.status == Product.Status.ISSUED and issued.issued_at is not None
    assert available(investor) == 0
    assert available(pooled.originator) == D("5000000.00")
    assert escrow_balance(payer=pooled.trustee, currency="CNY", reference=f"abs:{product.pk}:issue") == 0
    assert all(s.transaction is not None and s.paid_at is not None for s in Subscription.objects.all())
    count = LedgerTransaction.objects.count()
    assert issue.product_issue(actor=pooled.admin, product_id=product.pk, key="issue-1").pk == product.pk
    with pytest.raises(InvalidTransition):
        issue.product_issue(actor=pooled.admin, product_id=product.pk, key="issue-2")
    assert LedgerTransaction.objects.count() == count
    assert ledger_check().ok


def test_an_investor_short_of_money_refuses_the_whole_issue(pooled: Pooled) -> None:
    product = structured(pooled)
    senior, subordinated = product.tranches.order_by("priority")
    investor = OrganisationFactory.create(name="珠江理财有限公司", kind=Organisation.Kind.FINANCIAL)
    investor_admin = person("investor@example.cn", "Tou Zi", investor)
    issue.subscription_add(actor=investor_admin, product_id=product.pk, tranche_id=senior.pk,
                           investor_id=investor.pk, amount="4000000")
    issue.subscription_add(actor=pooled.admin, product_id=product.pk, tranche_id=subordinated.pk,
                           investor_id=pooled.originator.pk, amount="1000000")
    fund(pooled.originator, "1000000", "retained")
    fund(investor, "3999999.99", "almost")
    with pytest.raises(InsufficientFunds):
        issue.product_issue(actor=pooled.admin, product_id=product.pk)
    product.refresh_from_db()
    assert product.status == Product.Status.STRUCTURED
    assert (available(investor), available(pooled.originator)) == (D("3999999.99"), D("1000000.00"))
    assert not Subscription.objects.filter(paid_at__isnull=False).exists()


def test_who_subscribes_and_issues(pooled: Pooled) -> None:
    product = structured(pooled)
    senior = product.tranches.get(name="A")
    with pytest.raises(PermissionDenied):
        # The trustee's administrator subscribing for an organisation it does not belong to.
        issue.subscription_add(actor=pooled.trustee_admin, product_id=product.pk, tranche_id=senior.pk,
                               investor_id=pooled.guarantor.pk, amount="1000")
    with pytest.raises(PermissionDenied):
        issue.product_issue(actor=pooled.trustee_admin, product_id=product.pk)
    subscription = issue.subscription_add(actor=pooled.trustee_admin, product_id=product.pk, tranche_id=senior.pk,
                                          investor_id=pooled.trustee.pk, amount="1000")
    # Subscribing again changes the amount; withdrawn, it is gone.
    again = issue.subscription_add(actor=pooled.trustee_admin, product_id=product.pk, tranche_id=senior.pk,
                                   investor_id=pooled.trustee.pk, amount="2000")
    assert again.pk == subscription.pk and again.amount == D("2000.00")
    issue.subscription_withdraw(actor=pooled.trustee_admin, subscription_id=subscription.pk)
    assert not Subscription.objects.exists()
