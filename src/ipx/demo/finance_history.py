"""When the demo's finance rows would have been made.

The services record a request, an offer, a payment or a close as made now; no service takes
a past time, and the exchange's own pages must never write one. The demo's loans began months
ago, so after the services made them these rows get the times they would have had: a loan's
story runs in days before its disbursement (whose day the pledge check recorded), each
instalment was paid on its due date, a repaid loan closed with its last payment and a
defaulted one on the daily run that defaulted it. Only times are set here; amounts, statuses
and schedules are the services' own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from ipx.finance.models import (
    Claim,
    ClaimEvent,
    Enrolment,
    Instalment,
    InsuranceProduct,
    Loan,
    LoanEvent,
    Policy,
    PolicyEvent,
    Pool,
    PoolMember,
    Valuation,
    ValuationEvent,
)
from ipx.finance.services.insurance import policy_ends

# Days before the loan was paid out (its anchor) that each step was taken.
STEPS = {"request": -45, "accept_valuation": -43, "record": -38, "sign_off": -35, "apply": -30, "offer": -21,
         "accept": -18, "enrol": -17, "insure": -16, "submit_pledge": -10}
PAID_AT = time(9, 30)
DAILY_RUN_AT = time(2, 0)
PREMIUM_PAID_AFTER = timedelta(hours=1)
CLAIM_DECIDED_AFTER = timedelta(days=12)  # the insurer's review of a claim filed by hand
CLAIM_PAID_AFTER = timedelta(days=2)


def at_day(day: date, at: time = time(10)) -> datetime:
    return datetime.combine(day, at, tzinfo=timezone.get_current_timezone())


@dataclass(frozen=True, slots=True)
class Timeline:
    anchor: date  # the day the loan was (or would be) paid out

    def at(self, step: str) -> datetime:
        return at_day(self.anchor + timedelta(days=STEPS[step]))


def date_valuation(valuation: Valuation, timeline: Timeline) -> None:
    requested = timeline.at("request")
    changes: dict[str, object] = {"created_at": requested, "valuation_date": requested.date()}
    if valuation.signed_off_at is not None:
        changes["signed_off_at"] = timeline.at("sign_off")
    Valuation.objects.filter(pk=valuation.pk).update(**changes)
    events = ValuationEvent.objects.filter(valuation=valuation)
    events.filter(verb="request").update(created_at=requested)
    events.filter(verb="accept").update(created_at=timeline.at("accept_valuation"))
    events.filter(verb="sign_off").update(created_at=timeline.at("sign_off"))
    for hour, event in enumerate(events.filter(verb="record").order_by("pk")):
        ValuationEvent.objects.filter(pk=event.pk).update(created_at=timeline.at("record") + timedelta(hours=hour))


def date_loan(loan: Loan, timeline: Timeline, *, default_day: date) -> None:
    """The loan's rows (and its valuation's) at the times of its story."""
    loan.refresh_from_db()
    if loan.valuation is not None:
        date_valuation(loan.valuation, timeline)
    Loan.objects.filter(pk=loan.pk).update(created_at=timeline.at("apply"))
    events = LoanEvent.objects.filter(loan=loan)
    for verb in ("apply", "offer", "accept", "submit_pledge"):
        events.filter(verb=verb).update(created_at=timeline.at(verb))
    events.filter(verb="approve_pledge").update(created_at=loan.disbursed_at)
    paid = {instalment.number: at_day(instalment.due_on, PAID_AT)
            for instalment in loan.instalments.filter(status=Instalment.Status.PAID)}
    for number, at in paid.items():
        Instalment.objects.filter(loan=loan, number=number).update(paid_at=at)
    for event in events.filter(verb="instalment_paid"):
        LoanEvent.objects.filter(pk=event.pk).update(created_at=paid[int(event.params["number"])])
    closed = None
    if loan.status == Loan.Status.REPAID:
        closed = max(paid.values())
    elif loan.status == Loan.Status.DEFAULTED:
        closed = at_day(default_day, DAILY_RUN_AT)
    if closed is not None:
        Loan.objects.filter(pk=loan.pk).update(closed_at=closed)
        events.filter(verb__in=("repaid", "default")).update(created_at=closed)
    enrolment = Enrolment.objects.filter(loan=loan)
    enrolment.update(enrolled_at=timeline.at("enrol"))
    if closed is not None:
        enrolment.update(settled_at=closed)


def date_pool(pool: Pool) -> None:
    """Set up on its first day; its members admitted in its first fortnight."""
    Pool.objects.filter(pk=pool.pk).update(created_at=at_day(pool.starts_on, time(9)))
    PoolMember.objects.filter(pool=pool).update(admitted_at=at_day(pool.starts_on + timedelta(days=14)))


def date_insurance(moments: list[tuple[InsuranceProduct | Policy | Claim, datetime]]) -> None:
    """Products made, policies asked for (their premium paid an hour later, in force from that
    day) and claims filed (decided and paid by the insurer days later; a guarantee's on the run
    that defaulted its loan, all at once) at the times given."""
    for row, at in moments:
        if isinstance(row, InsuranceProduct):
            InsuranceProduct.objects.filter(pk=row.pk).update(created_at=at)
        elif isinstance(row, Policy):
            paid = at + PREMIUM_PAID_AFTER
            Policy.objects.filter(pk=row.pk).update(created_at=at, premium_paid_at=paid, starts_on=paid.date(),
                                                    ends_on=policy_ends(paid.date(), row.months))
            PolicyEvent.objects.filter(policy=row, verb="request").update(created_at=at)
            PolicyEvent.objects.filter(policy=row, verb="pay").update(created_at=paid)
        else:
            by_hand = row.filed_by_id is not None
            decided = at + CLAIM_DECIDED_AFTER if by_hand else at
            paid = decided + CLAIM_PAID_AFTER if by_hand else at
            Claim.objects.filter(pk=row.pk).update(created_at=at, decided_at=decided, paid_at=paid)
            events = ClaimEvent.objects.filter(claim=row)
            events.filter(verb__in=("file", "default")).update(created_at=at)
            events.filter(verb="approve").update(created_at=decided)
            events.filter(verb="pay").update(created_at=paid)
