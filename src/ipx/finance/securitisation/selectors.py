"""Who sees what of a securitisation.

The parties (originator, trustee, servicer, guarantor) and the exchange's operators see all of
a product: its pool, tranches, holdings, periods and payments. A structured product is on
offer: anyone signed in for an organisation sees it and its tranches, to subscribe. Once
issued, an investor sees the product with only the tranches it holds, its own holdings and
the payments made to those tranches; to anyone else a product does not exist (404).
A receivable is its originator's, and the servicer's and trustee's while it is pooled."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from ipx.accounts.selectors import memberships_of
from ipx.core.errors import NotFound
from ipx.finance.models import (
    Period,
    PeriodPayment,
    PoolEntry,
    Product,
    ProductEvent,
    Receivable,
    ReceivableContract,
    Subscription,
    Tranche,
)
from ipx.finance.securitisation.workflow import SECURITISATION

PARTIES = ("originator", "trustee", "servicer", "guarantor")


def organisation_ids(user: Any) -> set[int]:
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    return {m.organisation_id for m in memberships_of(user)}


def is_operator(user: Any) -> bool:
    return bool(getattr(user, "is_operator", False))


def roles(user: Any, product: Product) -> set[str]:
    """The caller's parts in ``product``: the parties', ``investor``, ``operator``."""
    mine = organisation_ids(user)
    found = {side for side in PARTIES if getattr(product, f"{side}_id") in mine}
    if mine and Subscription.objects.filter(tranche__product=product, investor_id__in=mine).exists():
        found.add("investor")
    if is_operator(user):
        found.add("operator")
    return found


def sees_all(user: Any, product: Product) -> bool:
    return bool(roles(user, product) & {*PARTIES, "operator"})


def products_for(user: Any) -> QuerySet[Product]:
    products = Product.objects.select_related("originator", "trustee", "servicer", "guarantor").order_by("-pk")
    if is_operator(user):
        return products
    mine = organisation_ids(user)
    if not mine:
        return products.none()
    return products.filter(Q(originator_id__in=mine) | Q(trustee_id__in=mine) | Q(servicer_id__in=mine)
                           | Q(guarantor_id__in=mine) | Q(tranches__subscriptions__investor_id__in=mine)
                           | Q(status=Product.Status.STRUCTURED)).distinct()


def product_for(user: Any, product_id: int) -> Product:
    product = products_for(user).filter(pk=product_id).first()
    if product is None:
        raise NotFound(_("No such securitisation."))
    return product


def tranches_for(user: Any, product: Product) -> QuerySet[Tranche]:
    """Every tranche for the parties, the operators and while on offer; an investor's own after issue."""
    tranches = product.tranches.order_by("priority")
    if sees_all(user, product) or product.status == Product.Status.STRUCTURED:
        return tranches
    return tranches.filter(subscriptions__investor_id__in=organisation_ids(user)).distinct()


def holdings_for(user: Any, product: Product) -> QuerySet[Subscription]:
    holdings = (Subscription.objects.filter(tranche__product=product).select_related("tranche", "investor")
                .order_by("tranche__priority", "pk"))
    if sees_all(user, product):
        return holdings
    return holdings.filter(investor_id__in=organisation_ids(user))


def pool_for(user: Any, product: Product) -> QuerySet[PoolEntry]:
    """The pool's receivables, for the parties and operators only (investors read its totals in reports)."""
    if not sees_all(user, product):
        return PoolEntry.objects.none()
    return product.entries.filter(live=True).select_related("receivable", "receivable__payer").order_by("pk")


def periods_for(user: Any, product: Product) -> QuerySet[Period]:
    if not roles(user, product):
        return Period.objects.none()
    return product.periods.order_by("number")


def period_for(user: Any, product: Product, number: int) -> Period:
    period = periods_for(user, product).filter(number=number).first()
    if period is None:
        raise NotFound(_("No such period."))
    return period


def payments_for(user: Any, period: Period) -> QuerySet[PeriodPayment]:
    """Every step for the parties and operators; an investor sees the steps paying its tranches."""
    payments = period.payments.select_related("tranche", "transaction").order_by("position")
    if sees_all(user, period.product):
        return payments
    held = Subscription.objects.filter(tranche__product=period.product, investor_id__in=organisation_ids(user))
    return payments.filter(tranche_id__in=held.values("tranche_id"))


def history_for(user: Any, product: Product) -> QuerySet[ProductEvent]:
    if not sees_all(user, product):
        return ProductEvent.objects.none()
    return product.events.select_related("actor", "acting_for").order_by("pk")


def allowed_actions(user: Any, product: Product) -> list[str]:
    return SECURITISATION.allowed_actions(product, user)


def receivables_for(user: Any) -> QuerySet[Receivable]:
    receivables = Receivable.objects.select_related("originator", "payer", "deal").order_by("-pk")
    if is_operator(user):
        return receivables
    mine = organisation_ids(user)
    if not mine:
        return receivables.none()
    pooled = Q(pool_entries__live=True) & (Q(pool_entries__product__servicer_id__in=mine)
                                           | Q(pool_entries__product__trustee_id__in=mine))
    return receivables.filter(Q(originator_id__in=mine) | pooled).distinct()


def receivable_for(user: Any, receivable_id: int) -> Receivable:
    receivable = receivables_for(user).filter(pk=receivable_id).first()
    if receivable is None:
        raise NotFound(_("No such receivable."))
    return receivable


def contract_for(user: Any, receivable_id: int) -> ReceivableContract:
    """The off-platform contract's file, for whoever may see its receivable."""
    receivable = receivable_for(user, receivable_id)
    contract = ReceivableContract.objects.filter(receivable=receivable).first()
    if contract is None:
        raise NotFound(_("This receivable has no contract document."))
    return contract
