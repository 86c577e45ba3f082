"""Pledge loans from application to repayment or default (the ``LOAN`` table).

An enterprise applies to a bank with its own IP rights as collateral and, usually, a signed-off
valuation of them; the bank offers an amount no higher than its loan-to-value ratio × the value
(or declines with a reason); the borrower accepts, registers the pledge with the office and
enters its number, which the exchange's operator checks; approving it disburses the loan from
the bank's balance through the ledger and fixes the repayment schedule (``ipx.finance.loans``).
Instalments are paid from the borrower's balance (a retry with the same Idempotency-Key is
answered once); the daily run marks unpaid ones overdue with penalty interest and defaults a
loan overdue past its limit. The last instalment repays the loan and releases the pledge.
A right pledged, or promised as a pledge, to one loan cannot back another.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, datetime, time
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ipx.accounts.models import Organisation, User
from ipx.accounts.selectors import access_organisation
from ipx.catalog.models import Asset
from ipx.catalog.rights import with_details
from ipx.core.errors import Conflict, PermissionDenied
from ipx.core.money import Currency, Money, collect_amount
from ipx.core.validation import FieldErrors, clean_choice, clean_text
from ipx.finance import loans as arithmetic
from ipx.finance.inputs import percent, whole
from ipx.finance.models import Instalment, Loan, LoanCollateral, Valuation
from ipx.finance.money import to_cents
from ipx.finance.notices import loan_parties, tell
from ipx.finance.services import pools
from ipx.finance.services.collateral import (
    refuse_ended,
    refuse_on_their_way,
    refuse_pledged,
    refuse_unavailable,
)
from ipx.finance.workflow import LOAN
from ipx.ledger.services import transfer

L = Loan.Status
logger = logging.getLogger(__name__)
MAX_MONTHS = 360
MAX_RATE = Decimal(36)  # above it a rate is usurious under the courts' rules


def _valuation_for(valuation_id: object, borrower: Organisation, asset_ids: set[int],
                   errors: FieldErrors) -> Valuation | None:
    if valuation_id in (None, ""):
        return None
    valuation = Valuation.objects.filter(pk=int(str(valuation_id)) if str(valuation_id).isdigit() else -1,
                                         requester=borrower, status=Valuation.Status.SIGNED_OFF).first()
    if valuation is None:
        errors.add("valuation_id", _("Choose a signed-off valuation your organisation asked for."))
    elif not asset_ids <= set(valuation.assets.values_list("pk", flat=True)):
        errors.add("valuation_id", _("The valuation does not cover every pledged IP right."))
    return valuation


@transaction.atomic
def loan_apply(*, actor: User, borrower_id: int, bank_id: int, asset_ids: Sequence[int], amount_asked: object,
               months: object, purpose: object, valuation_id: object = None, currency: object = "CNY") -> Loan:
    borrower = access_organisation(actor, borrower_id)
    if not borrower.is_verified:
        raise PermissionDenied(_("%(name)s is not verified yet.") % {"name": borrower.name})
    errors = FieldErrors()
    bank = Organisation.objects.filter(pk=bank_id, kind=Organisation.Kind.FINANCIAL).first()
    if bank is None or not bank.is_verified:
        errors.add("bank_id", _("Choose a verified financial institution."))
    wanted = set(asset_ids)
    owned = list(with_details(Asset.objects.filter(pk__in=wanted, holder=borrower)))
    if not wanted or len(owned) != len(wanted):
        errors.add("asset_ids", _("Pledge one or more of your own organisation's IP rights."))
    refuse_ended(owned, errors=errors)
    refuse_pledged(wanted, errors=errors)
    refuse_on_their_way(wanted, errors=errors)
    code = clean_choice(currency, Currency, field="currency", errors=errors)
    if code not in Currency.values:
        code = Currency.CNY  # refused above; the amount is still read, so every error shows at once
    asked = collect_amount(amount_asked, code, field="amount", errors=errors)
    term = whole(months, field="months", errors=errors, high=MAX_MONTHS)
    text = clean_text(purpose, field="purpose", errors=errors, max_length=300)
    valuation = _valuation_for(valuation_id, borrower, wanted, errors)
    if valuation is not None and valuation.currency != code:
        errors.add("currency", _("The valuation is in %(valued)s; ask for the loan in the same currency.")
                   % {"valued": valuation.currency})
    errors.raise_if_any()
    assert bank is not None
    loan = Loan.objects.create(borrower=borrower, bank=bank, valuation=valuation, currency=code,
                               requested_amount=asked, requested_months=term, purpose=text, created_by=actor)
    LoanCollateral.objects.bulk_create(LoanCollateral(loan=loan, asset=asset) for asset in owned)
    LOAN.record(loan, "apply", actor=actor, acting_for=borrower, from_status="",
                params={"amount": str(asked), "currency": code})
    tell("loan_applied", loan, to=[bank], actor=actor, amount=str(asked), months=term, **loan_parties(loan))
    return loan


@transaction.atomic
def loan_attach_valuation(*, actor: User, loan_id: int, valuation_id: object) -> Loan:
    """Attach (or replace) the signed-off valuation the bank is to offer on, while it has not
    answered: one the borrower asked for, covering every pledged right, in the loan's currency."""
    loan = LOAN.lock(loan_id, related=("borrower",))
    LOAN.check(loan, "attach_valuation", actor)
    errors = FieldErrors()
    collateral = set(loan.collateral.values_list("pk", flat=True))
    valuation = _valuation_for(valuation_id if valuation_id not in (None, "") else "none", loan.borrower, collateral,
                               errors)
    if valuation is not None and valuation.currency != loan.currency:
        errors.add("valuation_id", _("The valuation is in %(valued)s; the loan is in %(loan)s.")
                   % {"valued": valuation.currency, "loan": loan.currency})
    errors.raise_if_any()
    assert valuation is not None
    loan.valuation = valuation
    LOAN.transition(loan, "attach_valuation", actor=actor, acting_for=loan.borrower, check=False,
                    fields=("valuation",), params={"valuation": valuation.pk})
    return loan


@transaction.atomic
def loan_offer(*, actor: User, loan_id: int, amount_offered: object, annual_percent: object, months: object,
               method: object, ltv_percent: object, penalty_percent: object = "0",
               default_after_days: object = "90") -> Loan:
    """The bank's offer: at most its loan-to-value ratio × the valuation's concluded value."""
    loan = LOAN.lock(loan_id, related=("valuation",))
    LOAN.check(loan, "offer", actor)
    if loan.valuation is None or loan.valuation.concluded_value is None:
        raise Conflict(_("A loan is offered on a signed-off valuation of its collateral; ask for one first."))
    errors = FieldErrors()
    offered = collect_amount(amount_offered, loan.currency, field="amount", errors=errors)
    rate = percent(annual_percent, field="annual_percent", errors=errors, high=MAX_RATE)
    term = whole(months, field="months", errors=errors, high=MAX_MONTHS)
    how = clean_choice(method, Loan.Method, field="method", errors=errors)
    ltv = percent(ltv_percent, field="ltv_percent", errors=errors, low=Decimal(1))
    penalty = percent(penalty_percent, field="penalty_percent", errors=errors, high=MAX_RATE)
    after = whole(default_after_days, field="default_after_days", errors=errors, high=365)
    ceiling = to_cents(loan.valuation.concluded_value * ltv / 100)
    if not errors and offered > ceiling:
        errors.add("amount", _("At a loan-to-value of %(ltv)s%% the most you can lend is %(ceiling)s.")
                   % {"ltv": ltv, "ceiling": Money(ceiling, loan.currency)})
    errors.raise_if_any()
    loan.amount, loan.annual_percent, loan.months, loan.method = offered, rate, term, how
    loan.ltv_percent, loan.penalty_percent, loan.default_after_days = ltv, penalty, after
    LOAN.transition(loan, "offer", actor=actor, acting_for=loan.bank, check=False,
                    fields=("amount", "annual_percent", "months", "method", "ltv_percent", "penalty_percent",
                            "default_after_days"),
                    params={"amount": str(offered), "currency": loan.currency, "annual_percent": str(rate)})
    tell("loan_offered", loan, to=[loan.borrower], actor=actor, amount=str(offered), annual_percent=str(rate),
         months=term, **loan_parties(loan))
    return loan


@transaction.atomic
def loan_decline(*, actor: User, loan_id: int, reason: object) -> Loan:
    errors = FieldErrors()
    note = clean_text(reason, field="reason", errors=errors, max_length=2000)
    errors.raise_if_any()
    loan = LOAN.lock(loan_id)
    loan.decline_reason = note
    LOAN.transition(loan, "decline", actor=actor, note=note, fields=("decline_reason",))
    tell("loan_declined", loan, to=[loan.borrower], actor=actor, reason=note, **loan_parties(loan))
    return loan


@transaction.atomic
def loan_accept(*, actor: User, loan_id: int) -> Loan:
    loan = LOAN.lock(loan_id)
    LOAN.check(loan, "accept", actor)
    refuse_unavailable(loan)
    LOAN.transition(loan, "accept", actor=actor, acting_for=loan.borrower, check=False)
    tell("loan_accepted", loan, to=[loan.bank], actor=actor, **loan_parties(loan))
    return loan


@transaction.atomic
def loan_submit_pledge(*, actor: User, loan_id: int, number: object) -> Loan:
    errors = FieldErrors()
    text = clean_text(number, field="pledge_number", errors=errors, max_length=40)
    errors.raise_if_any()
    loan = LOAN.lock(loan_id)
    # Who may act and whether the loan is at this step come before what its collateral is now.
    LOAN.check(loan, "submit_pledge", actor)
    refuse_unavailable(loan)
    loan.pledge_number = text
    LOAN.transition(loan, "submit_pledge", actor=actor, check=False, fields=("pledge_number",),
                    params={"number": text})
    return loan


@transaction.atomic
def loan_check_pledge(*, operator: User, loan_id: int, approve: bool, note: object = "",
                      disbursed_on: date | None = None) -> Loan:
    """The operator checks the pledge's registration number: approved, the loan is paid out
    from the bank's balance and its schedule fixed; returned, the borrower corrects it.
    ``disbursed_on`` records a loan paid out on an earlier day, its schedule running from
    then (the demo's history; the pages and the API never pass it)."""
    loan = LOAN.lock(loan_id, related=("bank", "borrower"))
    if not approve:
        errors = FieldErrors()
        text = clean_text(note, field="note", errors=errors, max_length=2000)
        errors.raise_if_any()
        LOAN.transition(loan, "return_pledge", actor=operator, note=text)
        tell("pledge_returned", loan, to=[loan.borrower], actor=operator, reason=text)
        return loan
    LOAN.check(loan, "approve_pledge", operator)
    # Checked before the bank's money moves: a right sold since the pledge was entered backs nothing.
    refuse_unavailable(loan)
    assert loan.amount is not None and loan.annual_percent is not None and loan.months is not None
    transfer(payer=loan.bank, payee=loan.borrower, money=Money(loan.amount, loan.currency),
             reference=loan.ledger_reference, actor=operator)
    now = timezone.now()
    if disbursed_on is not None:
        if disbursed_on > timezone.localdate(now):
            raise ValueError("a loan is not disbursed in the future")
        now = datetime.combine(disbursed_on, time(10), tzinfo=timezone.get_current_timezone())
    loan.pledge_checked_by, loan.pledge_checked_at, loan.disbursed_at = operator, now, now
    rows = arithmetic.schedule(principal=loan.amount, annual_percent=loan.annual_percent, months=loan.months,
                               method=arithmetic.Method(loan.method), start=timezone.localdate(now))
    Instalment.objects.bulk_create(Instalment(loan=loan, number=row.number, due_on=row.due, principal=row.principal,
                                              interest=row.interest, balance=row.balance) for row in rows)
    LOAN.transition(loan, "approve_pledge", actor=operator, check=False,
                    fields=("pledge_checked_by", "pledge_checked_at", "disbursed_at"),
                    params={"amount": str(loan.amount), "currency": loan.currency, "instalments": len(rows)})
    tell("loan_paid_out", loan, to=[loan.borrower, loan.bank], actor=operator, amount=str(loan.amount),
         instalments=len(rows), **loan_parties(loan))
    return loan


@transaction.atomic
def instalment_pay(*, actor: User, loan_id: int, key: str = "") -> Instalment:
    """Pay the earliest unpaid instalment (with its penalty) from the borrower's balance."""
    loan = LOAN.lock(loan_id, related=("bank", "borrower"))
    if key:
        paid = loan.instalments.filter(paid_key=key).first()
        if paid is not None:
            return paid
    LOAN.check(loan, "pay", actor)
    instalment = loan.instalments.select_for_update().exclude(status=Instalment.Status.PAID).order_by("number").first()
    assert instalment is not None  # an active loan has one left
    transfer(payer=loan.borrower, payee=loan.bank, money=Money(instalment.amount_due, loan.currency),
             reference=loan.ledger_reference, actor=actor)
    instalment.status, instalment.paid_at, instalment.paid_key = Instalment.Status.PAID, timezone.now(), key
    instalment.save(update_fields=["status", "paid_at", "paid_key"])
    LOAN.record(loan, "instalment_paid", actor=actor, acting_for=loan.borrower,
                params={"number": instalment.number, "amount": str(instalment.amount_due), "currency": loan.currency})
    if not loan.instalments.exclude(status=Instalment.Status.PAID).exists():
        loan.closed_at = timezone.now()
        LOAN.transition(loan, "repaid", actor=None, check=False, fields=("closed_at",))
        pools.loan_repaid(loan)
    return instalment


def loans_mark_overdue(*, today: date | None = None) -> int:
    """The daily run: unpaid instalments past due become overdue, their penalty interest
    accrues by the day, and a loan overdue past its limit defaults. Returns loans defaulted."""
    today = today or timezone.localdate()
    defaulted = 0
    late = Instalment.objects.filter(loan__status=L.ACTIVE, due_on__lt=today).exclude(status=Instalment.Status.PAID)
    for loan_id in sorted(set(late.values_list("loan_id", flat=True))):
        try:
            defaulted += _mark_loan_overdue(loan_id, today)
        except Conflict as exc:
            # The pool's compensation cannot be paid yet (its sponsor or insurer short of money):
            # the loan stays as it was and the next run tries again; the other loans go on.
            logger.warning("loan %s: default not recorded yet: %s", loan_id, exc.message)
    return defaulted


@transaction.atomic
def _mark_loan_overdue(loan_id: int, today: date) -> int:
    """Mark one loan's late instalments and default it past its limit; 1 when it defaulted."""
    loan = LOAN.lock(loan_id)
    if loan.status != L.ACTIVE:
        return 0
    oldest = None
    for instalment in loan.instalments.select_for_update().filter(due_on__lt=today).exclude(
            status=Instalment.Status.PAID):
        days = (today - instalment.due_on).days
        instalment.status = Instalment.Status.OVERDUE
        instalment.penalty = to_cents((instalment.principal + instalment.interest) * loan.penalty_percent
                                      / 100 * days / 365)
        instalment.save(update_fields=["status", "penalty"])
        oldest = max(oldest or 0, days)
    if oldest is None or oldest <= loan.default_after_days:
        return 0
    loan.closed_at = timezone.now()
    LOAN.transition(loan, "default", actor=None, check=False, fields=("closed_at",), params={"days_overdue": oldest})
    pools.loan_defaulted(loan)
    tell("loan_defaulted", loan, to=[loan.borrower, loan.bank], actor=None, days=oldest, **loan_parties(loan))
    return 1
