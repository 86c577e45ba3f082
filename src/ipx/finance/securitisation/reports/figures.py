"""The figures of one run period's investor report, read from what the run recorded: the pool
(its balance before and after, what fell due and what was collected, the receivables by
status), each tranche (balance before and after, interest and principal paid, interest left
unpaid), the waterfall's payments in order, the triggers with the coverage measured, the
reserve and what the guarantor has paid. The PDF and the worksheet print these same figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from ipx.core.errors import NotFound
from ipx.core.money import ZERO, AmountSum
from ipx.finance.models import (
    Period,
    PeriodPayment,
    PoolEntry,
    Product,
    Receivable,
    ReceivableInstalment,
    Tranche,
)

STATUSES = (Receivable.Status.CURRENT, Receivable.Status.LATE, Receivable.Status.DEFAULTED, Receivable.Status.PAID)


@dataclass(frozen=True)
class TrancheLine:
    name: str
    seniority: str
    coupon_percent: Decimal
    before: Decimal
    interest: Decimal
    principal: Decimal
    after: Decimal
    interest_unpaid: Decimal


@dataclass(frozen=True)
class StatusLine:
    status: str
    count: int
    outstanding: Decimal


@dataclass(frozen=True)
class TriggerLine:
    name: str
    metric: str
    threshold: Decimal
    value: Decimal | None
    action: str
    breached: bool


@dataclass(frozen=True)
class PaymentLine:
    position: int
    action: str
    source: str
    target: str
    amount: Decimal


@dataclass(frozen=True)
class PeriodFigures:
    product: Product
    period: Period
    currency: str
    pool_before: Decimal
    scheduled: Decimal
    collected: Decimal
    pool_after: Decimal
    statuses: list[StatusLine]
    tranches: list[TrancheLine]
    payments: list[PaymentLine]
    triggers: list[TriggerLine]
    reserve_after: Decimal
    guarantor_paid: Decimal  # by the end of this period
    pay_mode: str  # pro_rata, sequential or accelerated after the period

    @property
    def cash_in(self) -> Decimal:
        return sum((p.amount for p in self.payments if p.action in ("draw_reserve", "draw_guarantor")),
                   self.collected)

    @property
    def ran_on(self) -> date | None:
        return self.period.ran_at.date() if self.period.ran_at else None


def _paid(payments: list[PeriodPayment], action: str, tranche: Tranche) -> Decimal:
    return sum((p.amount for p in payments if p.action == action and p.tranche_id == tranche.pk), ZERO)


def _tranche_lines(product: Product, period: Period, payments: list[PeriodPayment],
                   tranches: list[Tranche]) -> list[TrancheLine]:
    lines = []
    earlier = (PeriodPayment.objects.filter(period__product=product, period__number__lt=period.number,
                                            action="pay_principal")
               .values("tranche_id").annotate(total=AmountSum("amount")))
    repaid_before = {row["tranche_id"]: row["total"] for row in earlier}
    for tranche in tranches:
        before = tranche.size - repaid_before.get(tranche.pk, ZERO)
        interest, principal = _paid(payments, "pay_interest", tranche), _paid(payments, "pay_principal", tranche)
        unpaid = Decimal(str(period.shortfalls.get(f"interest:{tranche.name}", "0")))
        lines.append(TrancheLine(name=tranche.name, seniority=tranche.seniority,
                                 coupon_percent=tranche.coupon_percent, before=before, interest=interest,
                                 principal=principal, after=before - principal, interest_unpaid=unpaid))
    return lines


def _status_lines(product: Product, period: Period) -> list[StatusLine]:
    """The pooled receivables by their status now, with what is owed on each after the period."""
    ids = list(PoolEntry.objects.filter(product=product).values_list("receivable_id", flat=True))
    receivables = Receivable.objects.filter(pk__in=ids)
    owed = {row["receivable_id"]: row["owed"] - row["paid"] for row in
            ReceivableInstalment.objects.filter(receivable_id__in=ids, due_on__gt=product.cut_off)
            .values("receivable_id").annotate(owed=AmountSum("amount"), paid=AmountSum("paid_amount"))}
    lines = []
    for status in STATUSES:
        chosen = [r.pk for r in receivables if r.status == status]
        lines.append(StatusLine(status=status, count=len(chosen),
                                outstanding=sum((owed.get(pk, ZERO) for pk in chosen), ZERO)))
    return lines


def _scheduled(product: Product, period: Period) -> Decimal:
    ids = PoolEntry.objects.filter(product=product).values_list("receivable_id", flat=True)
    due = ReceivableInstalment.objects.filter(receivable_id__in=ids, due_on__gte=period.starts_on,
                                              due_on__lte=period.ends_on, due_on__gt=product.cut_off)
    return due.aggregate(total=AmountSum("amount"))["total"] or ZERO


def _pool_before(product: Product, period: Period) -> Decimal:
    previous = product.periods.filter(number__lt=period.number, ran_at__isnull=False).order_by("-number").first()
    if previous is not None and previous.pool_balance_after is not None:
        return previous.pool_balance_after
    return PoolEntry.objects.filter(product=product).aggregate(total=AmountSum("balance"))["total"] or ZERO


def _guarantor_paid(product: Product, period: Period) -> Decimal:
    drawn = PeriodPayment.objects.filter(period__product=product, period__number__lte=period.number,
                                         action="draw_guarantor")
    return drawn.aggregate(total=AmountSum("amount"))["total"] or ZERO


def _pay_mode(triggers: list[TriggerLine], earlier_breaches: set[str]) -> str:
    breached = {t.action for t in triggers if t.breached or t.name in earlier_breaches}
    if "accelerate" in breached:
        return "accelerated"
    return "sequential" if "sequential" in breached else "pro_rata"


def period_figures(product: Product, period: Period, *, tranches: list[Tranche] | None = None,
                   payments: list[PeriodPayment] | None = None) -> PeriodFigures:
    """The report's figures for the product's ``period``; a period not run has none. An
    investor's report is given only its own ``tranches`` and the ``payments`` to them."""
    if not period.is_run:
        raise NotFound(_("Period %(n)s of this securitisation has not been run; it has no report yet.")
                       % {"n": period.number})
    if tranches is None:
        tranches = list(product.tranches.order_by("priority"))
    if payments is None:
        payments = list(period.payments.order_by("position"))
    triggers = []
    for trigger in product.triggers.order_by("id"):
        measured = period.coverage.get(trigger.metric)
        triggers.append(TriggerLine(name=trigger.name, metric=trigger.metric, threshold=trigger.threshold,
                                    value=None if measured is None else Decimal(str(measured)),
                                    action=trigger.action, breached=trigger.name in period.breached))
    ran_before = product.periods.filter(number__lt=period.number, ran_at__isnull=False)
    earlier = {name for p in ran_before for name in p.breached}
    return PeriodFigures(
        product=product, period=period, currency=product.currency, pool_before=_pool_before(product, period),
        scheduled=_scheduled(product, period), collected=period.collections,
        pool_after=period.pool_balance_after if period.pool_balance_after is not None else ZERO,
        statuses=_status_lines(product, period), tranches=_tranche_lines(product, period, payments, tranches),
        payments=[PaymentLine(p.position, p.action, p.source, p.target, p.amount) for p in payments],
        triggers=triggers, reserve_after=period.reserve_after if period.reserve_after is not None else ZERO,
        guarantor_paid=_guarantor_paid(product, period), pay_mode=_pay_mode(triggers, earlier))
