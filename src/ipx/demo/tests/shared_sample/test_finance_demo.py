"""The demo's IP finance, on the package's sample load: the pool, the valuations, a loan in each
state with the history its services gave it, the insurer's policies and claims, and the ledger
balanced."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from ipx.accounts.models import Membership, Organisation
from ipx.core.dates import add_months
from ipx.finance.models import (
    Claim,
    Enrolment,
    Instalment,
    InsuranceProduct,
    Loan,
    LoanEvent,
    Policy,
    Pool,
    Valuation,
)
from ipx.finance.services.collateral import pledges_of
from ipx.finance.services.pools import used_capacity
from ipx.ledger.selectors import available_balance, ledger_check

# What the sample holds is the loader's arithmetic, the same on either database; test_loader's
# sample loads on PostgreSQL run the same code (ipx.testing.database_pass).
pytestmark = [pytest.mark.django_db, pytest.mark.once]

L = Loan.Status
PAID, OVERDUE, DUE = Instalment.Status.PAID, Instalment.Status.OVERDUE, Instalment.Status.DUE


def loan_of(email: str, status: str) -> Loan:
    """The loan in ``status`` of the organisation whose administrator ``email`` is."""
    return Loan.objects.get(borrower__memberships__user__email=email, status=status)


def statuses(loan: Loan) -> list[str]:
    return list(loan.instalments.order_by("number").values_list("status", flat=True))


def assert_history_in_order(loan: Loan) -> None:
    """The events run in the order they happened, none after now; paid instalments on their day."""
    times = list(loan.events.order_by("pk").values_list("created_at", flat=True))
    assert times == sorted(times) and times[-1] <= timezone.now()
    for instalment in loan.instalments.filter(status=PAID):
        assert instalment.paid_at is not None and timezone.localdate(instalment.paid_at) == instalment.due_on


@pytest.mark.usefixtures("sample")
def test_the_demo_has_a_pool_valuations_and_a_loan_in_every_state() -> None:
    today = timezone.localdate()

    pool = Pool.objects.get()
    assert pool.sponsor.kind == Organisation.Kind.GOVERNMENT and pool.sponsor.is_verified
    assert (pool.fund_percent, pool.bank_percent, pool.insurer_percent, pool.appraiser_percent) == (54, 26, 16, 4)
    assert pool.capacity == pool.fund_size * 10 and pool.starts_on < today < pool.ends_on
    banks = set(pool.members.filter(organisation__kind=Organisation.Kind.FINANCIAL)
                .values_list("organisation__memberships__user__email", flat=True))
    assert banks == {"banker@ipx.example", "lender@ipx.example"}
    assert pool.insurer is not None and pool.insurer.memberships.filter(user__email="insurer@ipx.example").exists()

    # Valuations: one requested, and the owner's signed off by all three approaches.
    assert Valuation.objects.filter(status=Valuation.Status.REQUESTED).count() == 1
    full = Valuation.objects.get(requester__memberships__user__email="owner@ipx.example")
    assert full.status == Valuation.Status.SIGNED_OFF
    assert None not in (full.income_value, full.cost_value, full.market_value, full.concluded_value)
    assert len(full.market_inputs["comparables"]) >= 3
    assert full.concluded_low is not None and full.concluded_high is not None and full.concluded_value is not None
    assert full.concluded_low <= full.concluded_value <= full.concluded_high
    assert full.appraiser.memberships.filter(user__email="appraiser@ipx.example", role=Membership.Role.ADMIN).exists()

    # Applied (the valuation it waits for is the requested one) and offered.
    applied = Loan.objects.get(status=L.APPLIED)
    requested = Valuation.objects.get(status=Valuation.Status.REQUESTED)
    assert applied.valuation is None and set(requested.assets.all()) == set(applied.collateral.all())
    offered = Loan.objects.get(status=L.OFFERED)
    assert offered.valuation is not None and offered.valuation.concluded_value is not None
    assert offered.amount is not None and offered.amount <= offered.valuation.concluded_value / 2

    # Running, its three instalments due so far paid on their days; the schedule runs from the disbursement.
    running = loan_of("owner@ipx.example", L.ACTIVE)
    assert running.valuation == full and running.disbursed_at is not None
    disbursed = timezone.localdate(running.disbursed_at)
    assert disbursed == add_months(today, -3) - timedelta(days=10)
    assert running.instalments.get(number=1).due_on == add_months(disbursed, 1)
    assert statuses(running)[:4] == [PAID, PAID, PAID, DUE] and OVERDUE not in statuses(running)
    assert running.enrolment.status == Enrolment.Status.COVERED

    # Overdue: four paid, the fifth late with penalty interest, the loan still running.
    overdue = Instalment.objects.get(status=OVERDUE, loan__status=L.ACTIVE)
    assert statuses(overdue.loan)[:6] == [PAID] * 4 + [OVERDUE, DUE]
    assert 0 < (today - overdue.due_on).days < overdue.loan.default_after_days and overdue.penalty > 0

    # Repaid: every instalment paid, the pledge released, the pool's capacity freed.
    repaid = Loan.objects.get(status=L.REPAID)
    assert set(statuses(repaid)) == {PAID} and repaid.closed_at is not None
    assert not pledges_of(repaid.collateral.values_list("pk", flat=True))
    assert repaid.enrolment.status == Enrolment.Status.FREED
    assert repaid.events.filter(verb="instalment_paid").count() == repaid.months

    # Defaulted on the daily run past 90 days overdue, compensated by the fund and the insurer,
    # and part recovered later and shared back.
    defaulted = Loan.objects.get(status=L.DEFAULTED)
    enrolment = defaulted.enrolment
    assert enrolment.status == Enrolment.Status.COMPENSATED and enrolment.loss is not None
    unpaid = defaulted.instalments.exclude(status=PAID)
    first_unpaid = unpaid.order_by("number")[0].due_on
    assert defaulted.closed_at is not None
    assert (timezone.localdate(defaulted.closed_at) - first_unpaid).days == defaulted.default_after_days + 1
    assert sum(i.principal for i in unpaid) < enrolment.loss
    fund_paid, insurer_paid = (Decimal(enrolment.shares[f"{party}_paid"]) for party in ("fund", "insurer"))
    assert fund_paid == (enrolment.loss * Decimal("0.54")).quantize(Decimal("0.01"))
    assert insurer_paid == (enrolment.loss * Decimal("0.16")).quantize(Decimal("0.01"))
    assert enrolment.recovered == Decimal("600000.00")
    fund_back = Decimal(enrolment.shares["fund_returned"])
    assert fund_back == Decimal("324000.00")
    assert available_balance(pool.sponsor_id, "CNY") == pool.fund_size - fund_paid + fund_back

    # Only the running loans hold capacity; every loan's history is in order and in the past.
    running_loans = Loan.objects.filter(status=L.ACTIVE)
    assert used_capacity(pool) == sum(loan.amount or 0 for loan in running_loans)
    for loan in Loan.objects.all():
        assert_history_in_order(loan)
    assert LoanEvent.objects.filter(verb="default").get().created_at == defaulted.closed_at
    assert ledger_check().ok


@pytest.mark.usefixtures("sample")
def test_the_demo_insurer_paid_an_enforcement_claim_and_its_share_of_the_default_by_its_guarantee() -> None:
    today = timezone.localdate()

    insurer = Organisation.objects.get(memberships__user__email="insurer@ipx.example")
    assert set(InsuranceProduct.objects.filter(insurer=insurer).values_list("kind", flat=True)) == {
        InsuranceProduct.Kind.ENFORCEMENT, InsuranceProduct.Kind.LOAN_GUARANTEE}
    policies = Policy.objects.filter(insurer=insurer, status=Policy.Status.ISSUED)
    assert policies.count() == 2
    for policy in policies:
        assert policy.starts_on is not None and policy.ends_on is not None
        assert policy.starts_on < today <= policy.ends_on

    # Enforcement cover on two patents: premium by the rule (base + per patent), a claim paid in part.
    enforcement = policies.get(product__kind=InsuranceProduct.Kind.ENFORCEMENT)
    assert enforcement.assets.count() == 2 and enforcement.loan is None
    assert enforcement.premium == Decimal("5000") + 2 * Decimal("2500")
    assert enforcement.cover == enforcement.premium * 30
    claim = enforcement.claims.get()
    assert [evidence.content_type for evidence in claim.evidence.all()] == ["image/png"]
    assert claim.status == Claim.Status.PAID and claim.amount_approved == Decimal("116000.00") < claim.amount_claimed
    assert claim.decided_at is not None and claim.paid_at is not None and enforcement.starts_on is not None
    assert claim.created_at < claim.decided_at < claim.paid_at <= timezone.now()
    assert timezone.localdate(claim.created_at) > enforcement.starts_on

    # The guarantee on the defaulted loan took the insurer's share of the pool's compensation.
    guarantee = policies.get(product__kind=InsuranceProduct.Kind.LOAN_GUARANTEE)
    loan = Loan.objects.get(status=L.DEFAULTED)
    assert guarantee.loan == loan and guarantee.policyholder == loan.borrower and guarantee.cover == loan.amount
    assert guarantee.premium == (guarantee.cover * Decimal("0.015")).quantize(Decimal("0.01"))
    assert guarantee.starts_on is not None and loan.disbursed_at is not None
    assert guarantee.starts_on < timezone.localdate(loan.disbursed_at)
    paid = guarantee.claims.get()
    assert paid.status == Claim.Status.PAID and paid.enrolment == loan.enrolment
    assert paid.amount_approved == Decimal(loan.enrolment.shares["insurer_paid"]) > 0
    assert paid.paid_at == loan.closed_at
    assert loan.enrolment.shares["policy"] == str(guarantee.pk)
    assert ledger_check().ok
