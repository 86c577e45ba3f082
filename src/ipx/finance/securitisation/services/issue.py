"""Investors' subscriptions to a structured product's tranches, and its issue: each
subscription paid from the investor's balance into the product's issue account (an escrow of
the trustee's), the proceeds paid on to the originator, all in one transaction or none."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ipx.accounts.models import User
from ipx.accounts.selectors import access_organisation, binds
from ipx.core.errors import Conflict, NotFound, PermissionDenied
from ipx.core.money import ZERO, AmountSum, Money, collect_amount
from ipx.core.validation import FieldErrors
from ipx.finance.models import Product, Subscription, Tranche
from ipx.finance.securitisation.notices import tell_securitisation
from ipx.finance.securitisation.workflow import SECURITISATION
from ipx.ledger.models import LedgerTransaction
from ipx.ledger.services import Line, available_account, escrow_account, transaction_post

ISSUE = "issue"


def subscribed(tranche: Tranche, *, excluding: int | None = None) -> Decimal:
    rows = tranche.subscriptions.all()
    if excluding is not None:
        rows = rows.exclude(investor_id=excluding)
    return rows.aggregate(total=AmountSum("amount"))["total"] or ZERO


@transaction.atomic
def subscription_add(*, actor: User, product_id: int, tranche_id: int, investor_id: int,
                     amount: object) -> Subscription:
    """An investor (whose administrators or signatories commit it) subscribes to a tranche of
    a structured product, for no more than the tranche has left; subscribing again changes the
    amount. Nothing is paid until the product is issued."""
    product = SECURITISATION.lock(product_id)
    SECURITISATION.admit("subscribe", product, actor)
    investor = access_organisation(actor, investor_id)
    if not binds(actor, investor.pk) or not investor.is_verified:
        raise PermissionDenied(_("A verified investor's administrators or signatories subscribe for it."))
    SECURITISATION.check(product, "subscribe", actor)
    tranche = Tranche.objects.filter(pk=tranche_id, product=product).first()
    if tranche is None:
        raise NotFound(_("No such tranche in this securitisation."))
    errors = FieldErrors()
    money = collect_amount(amount, product.currency, field="amount", errors=errors)
    left = tranche.size - subscribed(tranche, excluding=investor.pk)
    if "amount" not in errors.errors and money > left:
        errors.add("amount", _("Tranche %(tranche)s has %(left)s left to subscribe.")
                   % {"tranche": tranche.name, "left": Money(left, product.currency)})
    errors.raise_if_any()
    subscription, _created = Subscription.objects.update_or_create(
        tranche=tranche, investor=investor, defaults={"amount": money, "created_by": actor})
    SECURITISATION.record(product, "subscribe", actor=actor, acting_for=investor,
                          params={"tranche": tranche.name, "amount": str(money), "currency": product.currency,
                                  "investor": investor.pk})
    tell_securitisation("abs_subscribed", product, to=[product.originator], acting_for=investor, actor=actor,
                        investor=investor.name, tranche=tranche.name, amount=str(money))
    return subscription


@transaction.atomic
def subscription_withdraw(*, actor: User, subscription_id: int) -> None:
    """The investor takes back a subscription before the product is issued."""
    found = Subscription.objects.select_related("tranche").filter(pk=subscription_id).first()
    if found is None:
        raise NotFound(_("No such subscription."))
    product = SECURITISATION.lock(found.tranche.product_id)
    SECURITISATION.admit("subscribe", product, actor)
    if not binds(actor, found.investor_id):
        raise PermissionDenied(_("A verified investor's administrators or signatories subscribe for it."))
    SECURITISATION.check(product, "subscribe", actor)
    SECURITISATION.record(product, "unsubscribe", actor=actor, acting_for=found.investor,
                          params={"tranche": found.tranche.name, "amount": str(found.amount),
                                  "currency": product.currency, "investor": found.investor_id})
    tell_securitisation("abs_unsubscribed", product, to=[product.originator], acting_for=found.investor,
                        actor=actor, investor=found.investor.name, tranche=found.tranche.name,
                        amount=str(found.amount))
    found.delete()


@transaction.atomic
def product_issue(*, actor: User, product_id: int, key: str = "") -> Product:
    """Issue the product once every tranche is fully subscribed: each investor pays its
    subscription into the issue account and the proceeds go to the originator. A retry with
    the same Idempotency-Key is answered as the first time; an investor short of money
    refuses the whole issue (nothing is paid)."""
    product = SECURITISATION.lock(product_id, related=("originator", "trustee"))
    SECURITISATION.admit("issue", product, actor)
    if key and product.issue_key == key:
        return product
    SECURITISATION.check(product, "issue", actor)
    tranches = list(product.tranches.order_by("priority"))
    short = [_("%(tranche)s: %(left)s left") % {"tranche": t.name,
                                                 "left": Money(t.size - subscribed(t), product.currency)}
             for t in tranches if subscribed(t) != t.size]
    if short or not tranches:
        raise Conflict(_("Every tranche must be fully subscribed before issue (%(short)s).")
                       % {"short": "; ".join(short)}, code="not_subscribed")
    issue_account = escrow_account(organisation=product.trustee, currency=product.currency,
                                   reference=product.ledger_reference(ISSUE))
    subscriptions = list(Subscription.objects.filter(tranche__product=product).select_related("investor")
                         .order_by("pk"))
    now = timezone.now()
    for subscription in subscriptions:
        subscription.transaction = transaction_post(
            kind=LedgerTransaction.Kind.ESCROW_HOLD, reference=product.ledger_reference(ISSUE), actor=actor,
            memo=f"subscription {subscription.tranche_id}",
            lines=[Line(available_account(organisation=subscription.investor, currency=product.currency),
                        -subscription.amount),
                   Line(issue_account, subscription.amount)])
        subscription.paid_at = now
        subscription.save(update_fields=["transaction", "paid_at"])
    proceeds = sum((s.amount for s in subscriptions), ZERO)
    transaction_post(kind=LedgerTransaction.Kind.ESCROW_RELEASE, reference=product.ledger_reference(ISSUE),
                     actor=actor, memo="proceeds",
                     lines=[Line(issue_account, -proceeds),
                            Line(available_account(organisation=product.originator, currency=product.currency),
                                 proceeds)])
    product.issued_at, product.issue_key = now, key
    SECURITISATION.transition(product, "issue", actor=actor, acting_for=product.originator, check=False,
                              fields=("issued_at", "issue_key"),
                              params={"proceeds": str(proceeds), "currency": product.currency})
    tell_securitisation("abs_issued", product,
                        to=[*(s.investor for s in subscriptions), product.trustee, product.servicer],
                        acting_for=product.originator, actor=actor, amount=str(proceeds),
                        originator=product.originator.name)
    return product
