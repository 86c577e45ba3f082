"""Risk-compensation pools: a government sponsor's fund backing pledge loans.

The sponsor sets the pool up (fund size F, leverage L, term, loss-sharing ratios summing to
100, a compensation cap per loan) and admits banks and enterprises. A bank enrols a loan when
both parties are members and the pool's remaining capacity (F × L less what covered loans
hold, read under the pool's row lock) takes the loan's amount; repayment frees it. On default
the loss (outstanding principal + accrued interest and penalty) is shared by the ratios; the
fund's share (paid from the sponsor's balance) and the insurer's are paid to the bank through
the ledger, together no more than the cap; a pledge-loan guarantee policy on the loan pays the
insurer's share in the pool insurer's place (recorded as a claim paid on it). The appraiser
whose valuation the loan rests on pays its share to the bank too, outside the cap (it is the
appraiser's liability, not the pool's compensation), from what it holds on the exchange: a
default does not wait for it, and what it could not pay is recorded as owed to the bank and
collected from its balance as that allows (hourly, ``pools_collect_owed``). A loan
without a valuation has no appraiser, and the bank keeps that share. Recoveries later (the
collateral sold) are shared back by the same ratios, to whoever paid, never more than each paid.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ipx.accounts.models import Organisation, User
from ipx.accounts.selectors import access_organisation, binds
from ipx.core.errors import Conflict, PermissionDenied
from ipx.core.money import ZERO, AmountSum, Money, collect_amount
from ipx.core.validation import FieldErrors, clean_date, clean_text
from ipx.finance.inputs import percent
from ipx.finance.models import Enrolment, Instalment, Loan, Pool, PoolMember
from ipx.finance.money import to_cents
from ipx.finance.notices import tell
from ipx.finance.services import claims
from ipx.ledger.selectors import available_balance
from ipx.ledger.services import InsufficientFunds, transfer

logger = logging.getLogger(__name__)

PARTIES = ("fund", "bank", "insurer", "appraiser")
PAYERS = ("fund", "insurer", "appraiser")  # who pays the bank its share of a loss
MEMBER_KINDS = (Organisation.Kind.FINANCIAL, Organisation.Kind.ENTERPRISE, Organisation.Kind.UNIVERSITY)


@transaction.atomic
def pool_create(*, actor: User, sponsor_id: int, values: Mapping[str, object]) -> Pool:
    sponsor = access_organisation(actor, sponsor_id)
    if sponsor.kind != Organisation.Kind.GOVERNMENT or not sponsor.is_verified or not binds(actor, sponsor.pk):
        raise PermissionDenied(_("Pools are set up by a verified government body's administrators or signatories."))
    errors = FieldErrors()
    currency = "CNY"
    name = clean_text(values.get("name"), field="name", errors=errors, max_length=200)
    region = clean_text(values.get("region"), field="region", errors=errors, max_length=100)
    fund = collect_amount(values.get("fund_size"), currency, field="fund_size", errors=errors)
    leverage = percent(values.get("leverage"), field="leverage", errors=errors, low=Decimal(1), high=Decimal(50))
    starts = clean_date(values.get("starts_on"), field="starts_on", errors=errors, required=True, not_future=False)
    ends = clean_date(values.get("ends_on"), field="ends_on", errors=errors, required=True, not_future=False)
    ratios = {party: percent(values.get(f"{party}_percent", "0"), field=f"{party}_percent", errors=errors)
              for party in PARTIES}
    cap = collect_amount(values.get("cap_per_loan"), currency, field="cap_per_loan", errors=errors)
    insurer = None
    insurer_id = str(values.get("insurer_id") or "")
    if insurer_id:
        insurer = Organisation.objects.filter(pk=int(insurer_id) if insurer_id.isdigit() else -1,
                                              kind=Organisation.Kind.FINANCIAL).first()
        if insurer is None:
            errors.add("insurer_id", _("Choose a financial institution as the insurer."))
    if not errors and sum(ratios.values()) != 100:
        errors.add("fund_percent", _("The shares of the fund, the bank, the insurer and the appraiser add up to "
                                     "100; these add up to %(sum)s.") % {"sum": sum(ratios.values())})
    if not errors and ratios["insurer"] and insurer is None:
        errors.add("insurer_id", _("An insurer's share needs an insurer."))
    if starts and ends and ends <= starts:
        errors.add("ends_on", _("The pool ends after it starts."))
    errors.raise_if_any()
    assert starts is not None and ends is not None
    return Pool.objects.create(
        sponsor=sponsor, name=name, region=region, currency=currency, fund_size=fund, leverage=leverage,
        starts_on=starts, ends_on=ends, insurer=insurer, cap_per_loan=cap, created_by=actor,
        **{f"{party}_percent": ratio for party, ratio in ratios.items()})


def _pool_of_sponsor(actor: User, pool_id: int) -> Pool:
    pool = Pool.objects.select_for_update().filter(pk=pool_id).first()
    if pool is None or not binds(actor, pool.sponsor_id):
        raise PermissionDenied(_("Only the pool's sponsor may do this."))
    return pool


@transaction.atomic
def pool_admit(*, actor: User, pool_id: int, organisation_id: int) -> PoolMember:
    pool = _pool_of_sponsor(actor, pool_id)
    organisation = Organisation.objects.filter(pk=organisation_id, kind__in=MEMBER_KINDS).first()
    if organisation is None or not organisation.is_verified:
        raise PermissionDenied(_("Pools admit verified banks and enterprises."))
    member, created = PoolMember.objects.get_or_create(pool=pool, organisation=organisation,
                                                       defaults={"admitted_by": actor})
    if created:
        tell("pool_admitted", pool, to=[organisation], actor=actor, pool=pool.name, sponsor=pool.sponsor.name)
    return member


def used_capacity(pool: Pool) -> Decimal:
    covered = pool.enrolments.filter(status=Enrolment.Status.COVERED).aggregate(total=AmountSum("covered"))["total"]
    return covered or ZERO


@transaction.atomic
def loan_enrol(*, actor: User, loan_id: int, pool_id: int) -> Enrolment:
    """The bank enrols its loan (accepted or running) in a pool both parties belong to."""
    loan = Loan.objects.select_for_update().filter(pk=loan_id).first()
    if loan is None or not binds(actor, loan.bank_id):
        raise PermissionDenied(_("Only the lending bank's administrators or signatories enrol a loan."))
    pool = Pool.objects.select_for_update().filter(pk=pool_id).first()  # serialises the capacity
    if pool is None:
        raise Conflict(_("No such pool."))
    members = set(pool.members.values_list("organisation_id", flat=True))
    if not {loan.bank_id, loan.borrower_id} <= members:
        raise Conflict(_("Both the bank and the borrower must be members of the pool."))
    if loan.status not in (Loan.Status.ACCEPTED, Loan.Status.PLEDGE_SUBMITTED, Loan.Status.ACTIVE):
        raise Conflict(_("Only an accepted or running loan is enrolled."))
    if not pool.starts_on <= timezone.localdate() <= pool.ends_on:
        raise Conflict(_("The pool is not running."))
    if Enrolment.objects.filter(loan=loan).exists():
        raise Conflict(_("This loan is enrolled already."))
    if loan.currency != pool.currency:
        raise Conflict(_("The pool covers loans in %(pool)s; this loan is in %(loan)s.")
                       % {"pool": pool.currency, "loan": loan.currency})
    assert loan.amount is not None
    remaining = pool.capacity - used_capacity(pool)
    if loan.amount > remaining:
        raise Conflict(_("The pool has %(remaining)s of capacity left; this loan needs %(amount)s.")
                       % {"remaining": Money(remaining, pool.currency), "amount": Money(loan.amount, loan.currency)})
    return Enrolment.objects.create(pool=pool, loan=loan, covered=loan.amount)


def loan_repaid(loan: Loan) -> None:
    """Called as the locked loan is repaid: its capacity is free again."""
    Enrolment.objects.filter(loan=loan, status=Enrolment.Status.COVERED).update(
        status=Enrolment.Status.FREED, settled_at=timezone.now())


def _split(total: Decimal, pool: Pool) -> dict[str, Decimal]:
    """``total`` by the pool's ratios, to the cent; the bank takes the rounding."""
    shares = {party: to_cents(total * getattr(pool, f"{party}_percent") / 100) for party in PARTIES}
    shares["bank"] += total - sum(shares.values())
    return shares


def _loss(loan: Loan) -> Decimal:
    """Outstanding principal + the interest and penalty of the overdue instalments."""
    unpaid = loan.instalments.exclude(status=Instalment.Status.PAID)
    principal = unpaid.aggregate(total=AmountSum("principal"))["total"] or ZERO
    accrued = sum((i.interest + i.penalty for i in unpaid.filter(status=Instalment.Status.OVERDUE)), ZERO)
    # SQLite sums decimals as floats turned back into long decimals: kept to the cent.
    return to_cents(principal + accrued)


def loan_defaulted(loan: Loan) -> Enrolment | None:
    """Called as the locked loan defaults: its loss is shared and the fund's and insurer's
    shares paid to the bank (InsufficientFunds, refusing the default whole, when short). A
    pledge-loan guarantee policy on the loan takes the insurer's share (within its cover left),
    in the pool's place; a guaranteed loan in no pool has its loss paid within the cover left."""
    enrolment = (Enrolment.objects.select_for_update(of=("self",))
                 .select_related("pool__sponsor", "pool__insurer", "loan__valuation__appraiser")
                 .filter(loan=loan, status=Enrolment.Status.COVERED).first())
    if enrolment is None:
        guarantee = claims.guarantee_for(loan, loan.currency)
        covered = min(_loss(loan), claims.cover_left(guarantee)) if guarantee is not None else ZERO
        if guarantee is not None and covered > 0:
            claims.guarantee_pay(policy=guarantee, bank=loan.bank, amount=covered, enrolment=None)
            # In a pool, the bank hears of it in the loss-sharing notice; here it has no other.
            tell("guarantee_compensated", loan, to=[loan.bank], actor=None, amount=str(covered),
                 currency=guarantee.currency, insurer=guarantee.insurer.name, policy=guarantee.pk)
        return None
    pool = enrolment.pool
    loss = _loss(loan)
    shares = _split(loss, pool)
    fund_pays = min(shares["fund"], pool.cap_per_loan)
    guarantee = claims.guarantee_for(loan, pool.currency)
    insurer = guarantee.insurer if guarantee is not None else pool.insurer
    insurer_pays = min(shares["insurer"], pool.cap_per_loan - fund_pays,
                       claims.cover_left(guarantee) if guarantee is not None else shares["insurer"])
    if fund_pays > 0:
        transfer(payer=pool.sponsor, payee=loan.bank, money=Money(fund_pays, pool.currency),
                 reference=pool.ledger_reference)
    if insurer_pays > 0 and guarantee is not None:
        claims.guarantee_pay(policy=guarantee, bank=loan.bank, amount=insurer_pays, enrolment=enrolment)
    elif insurer_pays > 0 and insurer is not None:
        transfer(payer=insurer, payee=loan.bank, money=Money(insurer_pays, pool.currency),
                 reference=pool.ledger_reference)
    appraiser = enrolment.loan.valuation.appraiser if enrolment.loan.valuation is not None else None
    appraiser_pays = _appraiser_pays(appraiser, loan.bank, shares["appraiser"], pool)
    enrolment.loss, enrolment.status, enrolment.settled_at = loss, Enrolment.Status.COMPENSATED, timezone.now()
    enrolment.shares = {**{party: str(value) for party, value in shares.items()},
                        "fund_paid": str(fund_pays), "insurer_paid": str(insurer_pays)}
    if appraiser is not None:
        enrolment.shares.update(appraiser_id=str(appraiser.pk), appraiser_paid=str(appraiser_pays),
                                appraiser_owed=str(shares["appraiser"] - appraiser_pays))
    if insurer is not None:
        # Who paid the insurer's share, so recoveries go back to it (a guarantee's insurer).
        enrolment.shares["insurer_id"] = str(insurer.pk)
    if guarantee is not None:
        enrolment.shares["policy"] = str(guarantee.pk)
    enrolment.save(update_fields=["loss", "status", "settled_at", "shares"])
    tell("loss_compensated", loan, to=[loan.bank], actor=None, amount=str(loss), currency=pool.currency,
         fund=str(fund_pays), insurer=str(insurer_pays), appraiser=str(appraiser_pays))
    return enrolment


def _appraiser_pays(appraiser: Organisation | None, bank: Organisation, share: Decimal, pool: Pool) -> Decimal:
    """The appraiser's share paid to the bank from its available balance, as far as that goes."""
    if appraiser is None or share <= 0:
        return ZERO
    paid = min(share, max(available_balance(appraiser.pk, pool.currency), ZERO))
    if paid > 0:
        transfer(payer=appraiser, payee=bank, money=Money(paid, pool.currency), reference=pool.ledger_reference)
    return paid


def pools_collect_owed() -> int:
    """The hourly run: what appraisers could not pay of their loss shares is collected from
    their available balances as far as these go, oldest default first. Returns the
    compensated loans whose debt shrank."""
    owing = [pk for pk, shares in Enrolment.objects.filter(status=Enrolment.Status.COMPENSATED)
             .order_by("settled_at", "pk").values_list("pk", "shares")
             if Decimal(shares.get("appraiser_owed", "0")) > 0]
    collected = 0
    for pk in owing:
        try:
            collected += _collect_owed(pk)
        except InsufficientFunds as exc:
            # Spent between the read of its balance and the transfer: the next run tries again.
            logger.warning("enrolment %s: owed share not collected yet: %s", pk, exc.message)
    return collected


@transaction.atomic
def _collect_owed(enrolment_id: int) -> int:
    enrolment = (Enrolment.objects.select_for_update(of=("self",)).select_related("pool", "loan__bank")
                 .get(pk=enrolment_id))
    owed = Decimal(enrolment.shares.get("appraiser_owed", "0"))
    appraiser = Organisation.objects.filter(pk=int(enrolment.shares.get("appraiser_id") or 0)).first()
    paid = _appraiser_pays(appraiser, enrolment.loan.bank, owed, enrolment.pool)
    if paid <= 0:
        return 0
    # Counted as paid at the default: recoveries give it back by the same rule.
    enrolment.shares = {**enrolment.shares, "appraiser_paid": str(Decimal(enrolment.shares["appraiser_paid"]) + paid),
                        "appraiser_owed": str(owed - paid)}
    enrolment.save(update_fields=["shares"])
    assert appraiser is not None  # it paid
    tell("owed_share_paid", enrolment.loan, to=[enrolment.loan.bank], actor=None, amount=str(paid),
         owed=str(owed - paid), currency=enrolment.pool.currency, appraiser_name=appraiser.name)
    return 1


@transaction.atomic
def enrolment_recover(*, actor: User, loan_id: int, recovered: object) -> Enrolment:
    """The bank recovered money on a compensated loan (the collateral sold): the fund, the
    insurer and the appraiser get back their ratios' part of it, never more than they paid."""
    enrolment = (Enrolment.objects.select_for_update(of=("self",))
                 .select_related("pool__sponsor", "pool__insurer", "loan__bank")
                 .filter(loan_id=loan_id, status=Enrolment.Status.COMPENSATED).first())
    if enrolment is None or not binds(actor, enrolment.loan.bank_id):
        raise PermissionDenied(_("Only the lending bank records recoveries on a compensated loan."))
    errors = FieldErrors()
    value = collect_amount(recovered, enrolment.pool.currency, field="amount", errors=errors)
    errors.raise_if_any()
    pool, shares = enrolment.pool, _split(value, enrolment.pool)
    returned = {party: Decimal(enrolment.shares.get(f"{party}_returned", "0")) for party in PAYERS}
    insurer_id, appraiser_id = enrolment.shares.get("insurer_id"), enrolment.shares.get("appraiser_id")
    insurer = Organisation.objects.filter(pk=int(insurer_id)).first() if insurer_id else pool.insurer
    appraiser = Organisation.objects.filter(pk=int(appraiser_id)).first() if appraiser_id else None
    for party, payee in (("fund", pool.sponsor), ("insurer", insurer), ("appraiser", appraiser)):
        paid = Decimal(enrolment.shares.get(f"{party}_paid", "0"))
        back = min(shares[party], paid - returned[party])
        if back > 0 and payee is not None:
            transfer(payer=enrolment.loan.bank, payee=payee, money=Money(back, pool.currency),
                     reference=pool.ledger_reference, actor=actor)
            returned[party] += back
    enrolment.recovered += value
    enrolment.shares = {**enrolment.shares, **{f"{p}_returned": str(v) for p, v in returned.items()}}
    enrolment.save(update_fields=["recovered", "shares"])
    return enrolment
