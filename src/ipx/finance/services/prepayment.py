"""Repaying a pledge loan early, in part or in full (提前还款).

The borrower pays some or all of the principal still owed, with the interest that part has
run up since the last due date (by the day, on a 365-day year); the rest of the schedule is
made again from the smaller balance over the same remaining instalments and due dates, by the
loan's method, so later instalments fall and the term stays. Repaying everything repays the
loan and releases the pledge. A prepayment is refused while an instalment is overdue (that is
paid first) and above the principal owed; a retry with the same Idempotency-Key is answered
as the first time.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ipx.accounts.models import User
from ipx.core.errors import Conflict, ValidationFailed
from ipx.core.money import ZERO, Money, collect_amount
from ipx.core.validation import FieldErrors
from ipx.finance import loans as arithmetic
from ipx.finance.models import Instalment, Loan, LoanEvent
from ipx.finance.money import to_cents
from ipx.finance.services import pools
from ipx.finance.workflow import LOAN
from ipx.ledger.services import transfer


@dataclass(frozen=True)
class Prepayment:
    principal: Decimal
    interest: Decimal
    repaid: bool  # the loan is repaid in full


def _answered(loan: Loan, key: str) -> Prepayment | None:
    event = LoanEvent.objects.filter(loan=loan, verb="prepaid", params__key=key).first() if key else None
    if event is None:
        return None
    return Prepayment(Decimal(event.params["principal"]), Decimal(event.params["interest"]),
                      bool(event.params["repaid"]))


@transaction.atomic
def loan_prepay(*, actor: User, loan_id: int, amount: object, key: str = "") -> Prepayment:
    loan = LOAN.lock(loan_id, related=("bank", "borrower"))
    answered = _answered(loan, key)
    if answered is not None:
        return answered
    LOAN.check(loan, "pay", actor)
    unpaid = list(loan.instalments.select_for_update().exclude(status=Instalment.Status.PAID).order_by("number"))
    if any(instalment.status == Instalment.Status.OVERDUE for instalment in unpaid):
        raise Conflict(_("Pay the overdue instalments before repaying early."))
    owed = sum((instalment.principal for instalment in unpaid), ZERO)
    errors = FieldErrors()
    principal = collect_amount(amount, loan.currency, field="amount", errors=errors)
    errors.raise_if_any()
    if principal > owed:
        raise ValidationFailed.for_field("amount", _("At most the principal still owed, %(owed)s, can be repaid.")
                                         % {"owed": Money(owed, loan.currency)})
    assert loan.annual_percent is not None and loan.disbursed_at is not None
    today = timezone.localdate()
    paid_dues = loan.instalments.filter(status=Instalment.Status.PAID).order_by("-number").values_list(
        "due_on", flat=True)
    since = paid_dues.first() or timezone.localdate(loan.disbursed_at)
    interest = to_cents(principal * loan.annual_percent / 100 * max((today - since).days, 0) / 365)
    transfer(payer=loan.borrower, payee=loan.bank, money=Money(principal + interest, loan.currency),
             reference=loan.ledger_reference, actor=actor)
    repaid = principal == owed
    _reschedule(loan, unpaid, owed - principal)
    LOAN.record(loan, "prepaid", actor=actor, acting_for=loan.borrower,
                params={"principal": str(principal), "interest": str(interest), "currency": loan.currency,
                        "repaid": repaid, "key": key})
    if repaid:
        loan.closed_at = timezone.now()
        LOAN.transition(loan, "repaid", actor=None, check=False, fields=("closed_at",))
        pools.loan_repaid(loan)
    return Prepayment(principal, interest, repaid)


def _reschedule(loan: Loan, unpaid: list[Instalment], balance: Decimal) -> None:
    """The unpaid instalments made again for ``balance`` on their own due dates (none left
    when nothing is owed)."""
    Instalment.objects.filter(pk__in=[instalment.pk for instalment in unpaid]).delete()
    if balance <= 0:
        return
    assert loan.annual_percent is not None
    rows = arithmetic.schedule(principal=balance, annual_percent=loan.annual_percent, months=len(unpaid),
                               method=arithmetic.Method(loan.method), start=unpaid[0].due_on)
    Instalment.objects.bulk_create(
        Instalment(loan=loan, number=old.number, due_on=old.due_on, principal=row.principal, interest=row.interest,
                   balance=row.balance) for old, row in zip(unpaid, rows, strict=True))

