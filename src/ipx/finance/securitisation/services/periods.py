"""A period run on actuals: the waterfall (``waterfall.run_period``) on the collections the
servicer recorded, each of its steps posted on the ledger and kept as a ``PeriodPayment``.

The engine's accounts are the ledger's: ``collections``, ``reserve`` and ``tax`` are escrow
accounts of the trustee for the product (``abs:<id>:collections``, …), so none can go below
zero; ``guarantor`` is the guarantor's available balance (an undertaking it cannot pay
refuses the run); ``residual`` is the originator's balance, a fee its payee's, and a tranche
its investors', split pro rata to their holdings to the cent. A period is run once: running
it again returns the first result and posts nothing (another Idempotency-Key is refused)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ipx.accounts.models import Organisation, User
from ipx.core.errors import Conflict, NotFound
from ipx.core.money import ZERO, Money
from ipx.core.validation import FieldErrors
from ipx.finance.inputs import whole
from ipx.finance.models import Period, PeriodPayment, Product, Receivable, ReceivableInstalment, Tranche
from ipx.finance.securitisation import waterfall
from ipx.finance.securitisation.notices import investors, tell_securitisation
from ipx.finance.securitisation.services.collections import MAX_PERIODS, refuse_before_end
from ipx.finance.securitisation.services.structure import engine_structure
from ipx.finance.securitisation.workflow import SECURITISATION
from ipx.ledger.models import LedgerAccount, LedgerTransaction
from ipx.ledger.services import Line, available_account, balance_of, escrow_account, transaction_post

ESCROWS = (waterfall.COLLECTIONS, waterfall.RESERVE, waterfall.TAX)


def product_escrow(product: Product, name: str) -> LedgerAccount:
    return escrow_account(organisation=product.trustee, currency=product.currency,
                          reference=product.ledger_reference(name))


def pool_balance_now(product: Product) -> Decimal:
    """What the pool's payers still owe after the cut-off; a defaulted receivable counts nothing."""
    rows = ReceivableInstalment.objects.filter(
        Q(receivable__pool_entries__product=product) & Q(receivable__pool_entries__live=True),
        due_on__gt=product.cut_off).exclude(receivable__status=Receivable.Status.DEFAULTED)
    return sum((row.amount - row.paid_amount for row in rows), ZERO)


def engine_state(product: Product) -> waterfall.State:
    structure = engine_structure(product)
    return waterfall.State(bonds=structure.bonds, reserve=balance_of(product_escrow(product, waterfall.RESERVE)),
                           guarantor_paid=product.guarantor_paid, sequential=product.sequential,
                           accelerated=product.accelerated)


class _Ledger:
    """The ledger's side of the engine's accounts for one product."""

    def __init__(self, product: Product) -> None:
        self.product = product
        self.tranches = {t.name: t for t in product.tranches.all()}
        self.fees = {f.name: f.payee for f in product.fees.select_related("payee")}

    def _member(self, organisation: Organisation | None) -> LedgerAccount:
        assert organisation is not None, "a step from an account the structure does not have"
        return available_account(organisation=organisation, currency=self.product.currency)

    def lines(self, name: str, amount: Decimal) -> list[Line]:
        """``amount`` into (positive) or out of (negative) the engine's account ``name``."""
        if name in ESCROWS:
            return [Line(product_escrow(self.product, name), amount)]
        if name == waterfall.GUARANTOR:
            return [Line(self._member(self.product.guarantor), amount)]
        if name == waterfall.RESIDUAL:
            return [Line(self._member(self.product.originator), amount)]
        if name in self.fees:
            return [Line(self._member(self.fees[name]), amount)]
        tranche = self.tranches[name]
        holdings = list(tranche.subscriptions.select_related("investor").order_by("pk"))
        shares = waterfall.split(amount, [h.amount for h in holdings])
        return [Line(self._member(h.investor), share) for h, share in zip(holdings, shares, strict=True) if share]

    def post(self, step: waterfall.Step, *, reference: str, actor: User) -> LedgerTransaction:
        into_escrow = step.target in ESCROWS
        kind = LedgerTransaction.Kind.ESCROW_HOLD if into_escrow else LedgerTransaction.Kind.ESCROW_RELEASE
        return transaction_post(kind=kind, reference=reference, actor=actor, memo=f"{step.action} {step.target}",
                                lines=[*self.lines(step.source, -step.amount), *self.lines(step.target, step.amount)])


def _scheduled(product: Product, period: Period) -> dict[str, Decimal]:
    """Senior principal falls due at the tranche's legal maturity: the guarantor tops it up then."""
    return {t.name: t.balance for t in product.tranches.all()
            if t.seniority == Tranche.Seniority.SENIOR and period.ends_on >= t.legal_maturity}


@transaction.atomic
def period_run(*, actor: User, product_id: int, number: object, key: str = "") -> Period:
    """Run the period's waterfall (the trustee's administrators or signatories)."""
    product = SECURITISATION.lock(product_id, related=("originator", "trustee", "guarantor"))
    SECURITISATION.admit("run_period", product, actor)
    errors = FieldErrors()
    wanted = whole(number, field="number", errors=errors, high=MAX_PERIODS)
    errors.raise_if_any()
    period = Period.objects.select_for_update().filter(product=product, number=wanted).first()
    if period is None:
        raise NotFound(_("Period %(number)d has no collections recorded yet.") % {"number": wanted})
    if period.is_run:
        if not key or period.run_key == key:
            return period
        raise Conflict(_("Period %(number)d has been run already.") % {"number": wanted}, code="period_run")
    SECURITISATION.check(product, "run_period", actor)
    refuse_before_end(period.number, period.ends_on, running=True)
    structure, state = engine_structure(product), engine_state(product)
    final = all(period.ends_on >= t.legal_maturity for t in product.tranches.all())
    result = waterfall.run_period(structure, state, collections=period.collections,
                                  pool_balance_after=pool_balance_now(product),
                                  scheduled_principal=_scheduled(product, period), final=final)
    ledger, reference = _Ledger(product), f"abs:{product.pk}:p{period.number}"
    for position, step in enumerate(result.steps, start=1):
        PeriodPayment.objects.create(
            period=period, position=position, action=step.action, source=step.source, target=step.target,
            amount=step.amount, note=step.note[:200], tranche=ledger.tranches.get(step.target),
            transaction=ledger.post(step, reference=reference, actor=actor))
    _keep_state(product, result.state_after)
    period.ran_at, period.ran_by, period.run_key = timezone.now(), actor, key
    period.pool_balance_after, period.reserve_after = result.pool_balance_after, result.state_after.reserve
    period.coverage = {name: str(value) for name, value in result.coverage.items()}
    period.breached = list(result.breached)
    period.shortfalls = {name: str(value) for name, value in result.shortfalls.items()}
    period.save()
    SECURITISATION.transition(product, "run_period", actor=actor, acting_for=product.trustee, check=False,
                              fields=("sequential", "accelerated", "guarantor_paid"),
                              params={"period": period.number, "collections": str(period.collections),
                                      "currency": product.currency, "breached": list(result.breached)})
    tell_securitisation("abs_period_run", product, to=[*investors(product), product.originator, product.servicer],
                        acting_for=product.trustee, actor=actor, period=period.number,
                        amount=str(period.collections), breached=list(result.breached))
    return period


def _keep_state(product: Product, state: waterfall.State) -> None:
    for bond in state.bonds:
        Tranche.objects.filter(product=product, name=bond.name).update(balance=bond.balance,
                                                                      interest_shortfall=bond.interest_shortfall)
    product.sequential, product.accelerated = state.sequential, state.accelerated
    product.guarantor_paid = state.guarantor_paid
    # The engine's reserve is the ledger's: the postings above must have left exactly it.
    assert balance_of(product_escrow(product, waterfall.RESERVE)) == state.reserve


@transaction.atomic
def product_retire(*, actor: User, product_id: int) -> Product:
    """The trustee retires a product whose notes are all repaid (what the reserve still holds
    goes to the originator), or whose pool has nothing more to collect (every receivable paid
    or defaulted) once the waterfall has paid out the reserve: what the tranches still owe is
    their loss, recorded in the history."""
    product = SECURITISATION.lock(product_id, related=("originator", "trustee"))
    SECURITISATION.check(product, "retire", actor)
    if product.periods.filter(ran_at__isnull=True).exists():
        raise Conflict(_("A period's collections are recorded but not run."), code="period_not_run")
    losses = {t.name: t.balance for t in product.tranches.order_by("priority") if t.balance > 0}
    reserve = product_escrow(product, waterfall.RESERVE)
    left = balance_of(reserve)
    if losses:
        if pool_balance_now(product) > 0:
            raise Conflict(_("Tranches %(names)s are not repaid yet and the pool still has money to collect.")
                           % {"names": ", ".join(losses)}, code="outstanding")
        if left > 0:
            # The investors' loss is the reserve's to cover first, through a period's waterfall.
            raise Conflict(_("The reserve still holds %(amount)s; run another period to pay it out.")
                           % {"amount": Money(left, product.currency)}, code="reserve_left")
    elif left > 0:
        transaction_post(kind=LedgerTransaction.Kind.ESCROW_RELEASE, reference=product.ledger_reference("reserve"),
                         actor=actor, memo="reserve released",
                         lines=[Line(reserve, -left),
                                Line(available_account(organisation=product.originator, currency=product.currency),
                                     left)])
    product.entries.update(live=False)
    SECURITISATION.transition(product, "retire", actor=actor, acting_for=product.trustee, check=False,
                              params={"reserve_released": str(left), "currency": product.currency,
                                      "losses": {name: str(amount) for name, amount in losses.items()}})
    tell_securitisation("abs_retired", product, to=[*investors(product), product.originator, product.servicer],
                        acting_for=product.trustee, actor=actor, reserve_released=str(left),
                        losses={name: str(amount) for name, amount in losses.items()})
    return product
