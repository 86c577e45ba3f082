"""A period's collections, recorded by the servicer: what each payer paid on the pool's
instalments, paid from the servicer's balance into the product's collection account (an
escrow of the trustee's) in one ledger transaction. Periods are recorded in order, each once
it has ended (its last day before today, in the exchange's time zone: what its payers pay is
known only then) and the one before it has been run; a retry with the same Idempotency-Key is answered as the
first time, any other second recording of a period is refused."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ipx.accounts.models import User
from ipx.core.dates import add_months
from ipx.core.errors import Conflict
from ipx.core.money import ZERO, Money, collect_amount
from ipx.core.validation import FieldErrors
from ipx.finance.inputs import whole
from ipx.finance.models import Collection, Period, Product, Receivable, ReceivableInstalment
from ipx.finance.securitisation.inputs import CollectionsIn
from ipx.finance.securitisation.notices import tell_securitisation
from ipx.finance.securitisation.workflow import SECURITISATION
from ipx.ledger.models import LedgerTransaction
from ipx.ledger.services import Line, available_account, escrow_account, transaction_post

COLLECTIONS = "collections"
MAX_PERIODS = 600


def period_dates(product: Product, number: int) -> tuple[date, date]:
    """Period ``number`` runs from the cut-off plus (number − 1) periods to the day before the next one."""
    months = 12 // product.periods_per_year
    return (add_months(product.cut_off, months * (number - 1)) + timedelta(days=1),
            add_months(product.cut_off, months * number))


def refuse_before_end(number: int, ends_on: date, *, running: bool) -> None:
    """``Conflict`` unless the period has ended: its collections are recorded, and it is run,
    from the day after its last day on. Running checks it too: a period recorded early
    (before this rule) must not pay investors before it has ended."""
    if ends_on < timezone.localdate():
        return
    values = {"number": number, "end": ends_on.isoformat(), "day": (ends_on + timedelta(days=1)).isoformat()}
    message = (_("Period %(number)d runs until %(end)s: it can be run from %(day)s.") if running
               else _("Period %(number)d runs until %(end)s: its collections can be recorded from %(day)s."))
    raise Conflict(message % values, code="period_not_ended")


def pooled_instalments(product: Product) -> list[ReceivableInstalment]:
    """The instalments the pool holds: those of its live receivables due after the cut-off."""
    return list(ReceivableInstalment.objects.filter(receivable__pool_entries__product=product,
                                                    receivable__pool_entries__live=True,
                                                    due_on__gt=product.cut_off)
                .select_related("receivable").order_by("due_on", "pk"))


def _next_number(product: Product) -> int:
    last = product.periods.order_by("-number").first()
    if last is not None and not last.is_run:
        raise Conflict(_("Period %(number)d has not been run yet; its collections are recorded already.")
                       % {"number": last.number}, code="period_not_run")
    return 1 if last is None else last.number + 1


@transaction.atomic
def collections_record(*, actor: User, values: CollectionsIn, key: str = "") -> Period:
    """Record the next period's collections (possibly none: a period in which no payer paid)."""
    product = SECURITISATION.lock(values.product_id, related=("servicer", "trustee"))
    SECURITISATION.admit("record_collections", product, actor)
    errors = FieldErrors()
    number = whole(values.number, field="number", errors=errors, high=MAX_PERIODS)
    errors.raise_if_any()
    existing = product.periods.filter(number=number).first()
    if existing is not None:
        if key and existing.collections_key == key:
            return existing
        raise Conflict(_("The collections of period %(number)d are recorded already.") % {"number": number},
                       code="collections_recorded")
    SECURITISATION.check(product, "record_collections", actor)
    expected = _next_number(product)
    if number != expected:
        errors.add("number", _("The next period to record is %(number)d.") % {"number": expected})
        errors.raise_if_any()
    starts, ends = period_dates(product, number)
    refuse_before_end(number, ends, running=False)
    pooled = {row.pk: row for row in pooled_instalments(product)}
    # Rows locked in primary-key order: two recordings cannot both pay the same instalment.
    locked = {row.pk: row for row in ReceivableInstalment.objects.select_for_update()
              .filter(pk__in=list(pooled)).order_by("pk")}
    applied: dict[int, Decimal] = {}
    for index, row in enumerate(values.collections):
        at = f"collections.{index}"
        text = "" if row.instalment_id is None else str(row.instalment_id).strip()
        instalment = locked.get(int(text)) if text.isdigit() and len(text) < 19 else None
        if instalment is None:
            errors.add(f"{at}.instalment_id", _("Choose an instalment of this securitisation's pool."))
            continue
        if instalment.pk in applied:
            errors.add(f"{at}.instalment_id", _("This instalment is listed twice."))
            continue
        amount = collect_amount(row.amount, product.currency, field=f"{at}.amount", errors=errors)
        if amount > instalment.outstanding:
            errors.add(f"{at}.amount", _("Only %(left)s is outstanding on this instalment.")
                       % {"left": Money(instalment.outstanding, product.currency)})
        applied[instalment.pk] = amount
    errors.raise_if_any()
    total = sum(applied.values(), ZERO)
    ledger = None
    if total > 0:
        ledger = transaction_post(
            kind=LedgerTransaction.Kind.ESCROW_HOLD, reference=product.ledger_reference(COLLECTIONS), actor=actor,
            memo=f"collections p{number}",
            lines=[Line(available_account(organisation=product.servicer, currency=product.currency), -total),
                   Line(escrow_account(organisation=product.trustee, currency=product.currency,
                                       reference=product.ledger_reference(COLLECTIONS)), total)])
    period = Period.objects.create(product=product, number=number, starts_on=starts, ends_on=ends, collections=total,
                                   collections_transaction=ledger, collections_key=key, recorded_by=actor)
    Collection.objects.bulk_create(Collection(period=period, instalment_id=pk, amount=amount)
                                   for pk, amount in applied.items())
    for pk, amount in applied.items():
        instalment = locked[pk]
        instalment.paid_amount += amount
        instalment.save(update_fields=["paid_amount"])
    _mark_paid({locked[pk].receivable_id for pk in applied})
    SECURITISATION.record(product, "collections_recorded", actor=actor, acting_for=product.servicer,
                          params={"period": number, "amount": str(total), "currency": product.currency})
    tell_securitisation("abs_collections_recorded", product, to=[product.trustee], acting_for=product.servicer,
                        actor=actor, servicer=product.servicer.name, period=number, amount=str(total))
    return period


def _mark_paid(receivable_ids: set[int]) -> None:
    """A receivable whose every instalment is paid is paid."""
    for receivable in Receivable.objects.filter(pk__in=receivable_ids).exclude(status=Receivable.Status.DEFAULTED):
        if all(row.paid_amount >= row.amount for row in receivable.instalments.all()):
            receivable.status = Receivable.Status.PAID
            receivable.save(update_fields=["status"])
