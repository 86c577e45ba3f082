"""The statistics bulletin's figures on IP finance, read from loans made through the services and
checked against sums worked out by hand: pledge financing by period and region, loans enrolled
in pools, compensation paid and recovered; each figure in one query; windows half-open."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from decimal import Decimal as D
from typing import Any

import pytest
from django.utils import timezone

from ipx.accounts.models import Organisation, User
from ipx.core.errors import ValidationFailed
from ipx.finance import statistics
from ipx.finance.models import Loan, Valuation
from ipx.finance.services import claims, insurance, loans, pools, valuations
from ipx.finance.statistics import Period
from ipx.finance.tests.test_insurance_policies import enforcement, guarantee
from ipx.finance.tests.test_loans_workflow import offered
from ipx.finance.tests.test_pools import pool_values
from ipx.finance.tests.test_valuation_workflow import patent_of, requested
from ipx.ledger.selectors import ledger_check
from ipx.testing.fixtures import Member, _member
from ipx.testing.scenes import deposit

pytestmark = pytest.mark.django_db
ZONE = timezone.get_current_timezone()


@pytest.fixture
def sponsor(db: None) -> Member:
    return _member("sponsor@example.com", "Zheng Fu", kind=Organisation.Kind.GOVERNMENT, name="某市市场监督管理局")


@pytest.fixture
def insurer(db: None) -> Member:
    return _member("insurer@example.com", "Bao Xian", kind=Organisation.Kind.FINANCIAL, name="湾区财产保险")


@pytest.fixture
def northern(db: None) -> Member:
    return _member("north@example.com", "Bei Fang", name="北京智造科技有限公司", province="11", city="北京")


def valued_right(member: Member, appraiser: Member) -> Valuation:
    """A signed-off valuation, at 1,000,000, of a new patent of ``member``."""
    valuation = requested(member, appraiser, patent_of(member))
    valuations.valuation_accept(actor=appraiser.user, valuation_id=valuation.pk)
    valuations.valuation_record_cost(actor=appraiser.user, valuation_id=valuation.pk, values={
        "reproduction_cost": "1000000", "functional_percent": "0", "economic_percent": "0"})
    return valuations.valuation_sign_off(actor=appraiser.user, valuation_id=valuation.pk, value="1000000",
                                         reasoning="成本法")


def accepted(borrower: Member, banker: Member, appraiser: Member, amount: str) -> Loan:
    """A loan of ``amount`` (20,000 less than asked for) at 6 % over 12 months in equal
    principal, without penalty interest."""
    valuation = valued_right(borrower, appraiser)
    rights = list(valuation.assets.values_list("pk", flat=True))
    loan = loans.loan_apply(actor=borrower.user, borrower_id=borrower.organisation.pk,
                            bank_id=banker.organisation.pk, asset_ids=rights, amount_asked=str(int(amount) + 20000),
                            months="12", purpose="研发周转", valuation_id=valuation.pk)
    offered(loan, banker, amount_offered=amount, penalty_percent="0")
    return loans.loan_accept(actor=borrower.user, loan_id=loan.pk)


def disburse(loan: Loan, borrower: Member, operator: User, on: date) -> Loan:
    loans.loan_submit_pledge(actor=borrower.user, loan_id=loan.pk, number=f"Y{on:%Y%m%d}{loan.pk:05d}")
    return loans.loan_check_pledge(operator=operator, loan_id=loan.pk, approve=True, disbursed_on=on)


@contextmanager
def clock_on(day: date, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The exchange's clock at nine in the morning of ``day``."""
    moment = datetime.combine(day, time(9), tzinfo=ZONE)
    with monkeypatch.context() as clock:
        clock.setattr(timezone, "now", lambda: moment)
        yield


def insure(owner: Member, northern: Member, insurer: Member, january: Loan, monkeypatch: pytest.MonkeyPatch) -> None:
    """Enforcement cover on two of the owner's patents (premium 2,000 + 2 × 500 = 3,000, cover
    40 × 3,000 = 120,000) paid on 10 February 2026 and on one of the northern borrower's (2,500,
    cover 100,000) on 5 May; a guarantee of the January loan (1.5 % of a 200,000 cover = 3,000)
    paid on 20 February; one more quote never paid. On the owner's policy 60,000 of a 70,000
    claim is paid on 15 June; another claim is rejected."""
    cover = insurance.product_create(actor=insurer.user, insurer_id=insurer.organisation.pk, values=enforcement())
    bond = insurance.product_create(actor=insurer.user, insurer_id=insurer.organisation.pk, values=guarantee())
    deposit(northern.organisation, "10000")

    def bought(holder: Member, rights: int, on: date) -> int:
        policy = insurance.policy_request(actor=holder.user, policyholder_id=holder.organisation.pk,
                                          product_id=cover.pk, asset_ids=[patent_of(holder).pk for _ in range(rights)])
        with clock_on(on, monkeypatch):
            insurance.policy_pay(actor=holder.user, policy_id=policy.pk)
        return policy.pk

    ours = bought(owner, 2, date(2026, 2, 10))
    bought(northern, 1, date(2026, 5, 5))
    insurance.policy_request(actor=owner.user, policyholder_id=owner.organisation.pk, product_id=cover.pk,
                             asset_ids=[patent_of(owner).pk])
    bond_policy = insurance.policy_request(actor=owner.user, policyholder_id=owner.organisation.pk,
                                           product_id=bond.pk, loan_id=january.pk)
    with clock_on(date(2026, 2, 20), monkeypatch):
        insurance.policy_pay(actor=owner.user, policy_id=bond_policy.pk)
    with clock_on(date(2026, 6, 15), monkeypatch):
        claim = claims.claim_file(actor=owner.user, policy_id=ours, amount="70000", description="律师费")
        claims.claim_approve(actor=insurer.user, claim_id=claim.pk, amount="60000")
        claims.claim_pay(actor=insurer.user, claim_id=claim.pk)
        refused = claims.claim_file(actor=owner.user, policy_id=ours, amount="5000", description="差旅费")
        claims.claim_reject(actor=insurer.user, claim_id=refused.pk, reason="不在保险范围")


@pytest.fixture
def book(owner: Member, northern: Member, banker: Member, appraiser: Member, operator: User, sponsor: Member,
         insurer: Member, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Loans of a Shenzhen borrower (480,000 paid out on 15 January 2026 and 300,000 on 31
    March, and 100,000 on 31 December 2025) and of a Beijing one (200,000 on 1 April 2026); one
    more only accepted. The January and April loans are in one pool (10,000,000 of capacity),
    enrolled on 10 January and 25 March; the March loan in another (5,000,000), enrolled on 20
    March and repaid on 30 April; the January loan, guaranteed by a policy (``insure``),
    defaults on 20 May 2026 and 100,000 is recovered on it."""
    deposit(banker.organisation, "2000000")
    for member in (sponsor, insurer):
        deposit(member.organisation, "1000000")
    pool = pools.pool_create(actor=sponsor.user, sponsor_id=sponsor.organisation.pk,
                             values=pool_values(insurer, starts_on="2025-12-01"))
    other = pools.pool_create(actor=sponsor.user, sponsor_id=sponsor.organisation.pk,
                              values=pool_values(insurer, name="第二资金池", starts_on="2025-12-01",
                                                 fund_size="500000"))
    for each in (pool, other):
        for member in (banker, owner, northern):
            pools.pool_admit(actor=sponsor.user, pool_id=each.pk, organisation_id=member.organisation.pk)
    january, march = accepted(owner, banker, appraiser, "480000"), accepted(owner, banker, appraiser, "300000")
    april, december = accepted(northern, banker, appraiser, "200000"), accepted(owner, banker, appraiser, "100000")
    accepted(northern, banker, appraiser, "50000")  # never paid out
    for loan, into, on in ((january, pool, date(2026, 1, 10)), (march, other, date(2026, 3, 20)),
                           (april, pool, date(2026, 3, 25))):
        with clock_on(on, monkeypatch):
            pools.loan_enrol(actor=banker.user, loan_id=loan.pk, pool_id=into.pk)
    disburse(january, owner, operator, date(2026, 1, 15))
    disburse(march, owner, operator, date(2026, 3, 31))
    disburse(april, northern, operator, date(2026, 4, 1))
    disburse(december, owner, operator, date(2025, 12, 31))
    deposit(owner.organisation, "400000")
    with clock_on(date(2026, 4, 30), monkeypatch):  # the March loan repaid early
        for number in range(12):
            loans.instalment_pay(actor=owner.user, loan_id=march.pk, key=f"march-{number}")
    insure(owner, northern, insurer, january, monkeypatch)
    # The daily run of 20 May 2026, on that day's clock: the January loan is 94 days overdue.
    with clock_on(date(2026, 5, 20), monkeypatch):
        loans.loans_mark_overdue(today=date(2026, 5, 20))
    pools.enrolment_recover(actor=banker.user, loan_id=january.pk, recovered="100000")
    return {"pool": pool, "other": other, "january": january, "march": march}


def test_pledge_financing_by_period_and_the_borrowers_region(
        book: dict[str, Any], django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1):
        monthly = statistics.pledge_financing(since=date(2026, 1, 1), until=date(2026, 7, 1))
    assert [(row.period.label, row.region, row.count, row.amount) for row in monthly.rows] == [
        ("2026-01", "CN-44", 1, D("480000.00")),
        ("2026-03", "CN-44", 1, D("300000.00")),
        ("2026-04", "CN-11", 1, D("200000.00")),
    ]
    assert monthly.totals() == {"CNY": {"count": 3, "amount": D("980000.00")}}
    assert [period.label for period in monthly.periods] == ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05",
                                                            "2026-06"]
    # Quarters, with the city: the two Shenzhen loans together; the window ends before 1 April
    # (half-open), and the loan of 31 December 2025 lies before it.
    quarterly = statistics.pledge_financing(since=date(2026, 1, 1), until=date(2026, 4, 1), by="quarter",
                                            by_city=True)
    assert [(row.period.label, row.region, row.city, row.count, row.amount) for row in quarterly.rows] == [
        ("2026-Q1", "CN-44", "深圳", 2, D("780000.00"))]
    yearly = statistics.pledge_financing(since=date(2025, 1, 1), until=date(2027, 1, 1), by="year")
    assert [(row.period.label, row.region, row.count, row.amount) for row in yearly.rows] == [
        ("2025", "CN-44", 1, D("100000.00")), ("2026", "CN-11", 1, D("200000.00")),
        ("2026", "CN-44", 2, D("780000.00"))]


def test_loans_enrolled_in_pools_by_period_and_pool(book: dict[str, Any], django_assert_num_queries: Any) -> None:
    pool, other = book["pool"], book["other"]
    with django_assert_num_queries(1):
        enrolled = statistics.pool_enrolments(since=date(2026, 1, 1), until=date(2027, 1, 1), by="quarter")
    assert [(row.period.label, row.pool_id, row.count, row.amount, row.repaid, row.defaulted)
            for row in enrolled.rows] == [
        ("2026-Q1", pool.pk, 1, D("480000.00"), 0, 1),
        ("2026-Q1", other.pk, 1, D("300000.00"), 1, 0),
        ("2026-Q2", pool.pk, 1, D("200000.00"), 0, 0),
    ]
    assert enrolled.totals() == {"CNY": {"count": 3, "amount": D("980000.00"), "repaid": 1, "defaulted": 1}}


def test_what_each_pool_covers_on_a_day(book: dict[str, Any], django_assert_num_queries: Any) -> None:
    pool, other = book["pool"].pk, book["other"].pk

    def standing(on: date) -> list[tuple[int, int, D, D]]:
        return [(row.pool_id, row.loans, row.covered, row.capacity_left) for row in statistics.pool_standing(at=on)]

    with django_assert_num_queries(1):
        assert standing(date(2026, 3, 21)) == [(pool, 1, D("480000.00"), D("9520000.00")),
                                               (other, 1, D("300000.00"), D("4700000.00"))]
    # 1 May: the April loan joined, the March loan was repaid the day before.
    assert standing(date(2026, 5, 1)) == [(pool, 2, D("680000.00"), D("9320000.00")),
                                          (other, 0, D("0.00"), D("5000000.00"))]
    # 21 May: the January loan was compensated the day before.
    assert standing(date(2026, 5, 21)) == [(pool, 1, D("200000.00"), D("9800000.00")),
                                           (other, 0, D("0.00"), D("5000000.00"))]
    assert standing(date(2025, 11, 30)) == []  # before the pools ran


def test_compensation_paid_and_recovered_by_the_day_paid(book: dict[str, Any],
                                                         django_assert_num_queries: Any) -> None:
    # The January loan (480,000, 6 %, equal principal of 40,000) owes on 20 May 2026 all its
    # principal and the interest of the four instalments overdue (15 Feb to 15 May):
    # 2,400 + 2,200 + 2,000 + 1,800 = 8,400; loss 488,400. The fund's 54 % is 263,736; the
    # insurer's 16 % is 78,144 but the cap of 300,000 leaves it 36,264. Of 100,000 recovered
    # the fund gets back 54,000 and the insurer 16,000.
    with django_assert_num_queries(1):
        paid = statistics.compensation(since=date(2026, 1, 1), until=date(2027, 1, 1), by="month")
    [row] = paid.rows
    assert (row.period.label, row.pool_id, row.defaults) == ("2026-05", book["pool"].pk, 1)
    assert (row.loss, row.fund_paid, row.insurer_paid, row.paid) == (
        D("488400.00"), D("263736.00"), D("36264.00"), D("300000.00"))
    assert (row.recovered, row.fund_returned, row.insurer_returned) == (D("100000.00"), D("54000.00"),
                                                                        D("16000.00"))
    assert paid.totals()["CNY"]["paid"] == D("300000.00")
    # The window ends before the day paid: nothing.
    assert statistics.compensation(since=date(2026, 1, 1), until=date(2026, 5, 20)).rows == ()
    assert ledger_check().ok


def test_policies_and_premiums_and_claims_paid(book: dict[str, Any], django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1):
        policies = statistics.insurance_policies(since=date(2026, 1, 1), until=date(2027, 1, 1), by="quarter")
    assert [(row.period.label, row.kind, row.count, row.premiums, row.cover) for row in policies.rows] == [
        ("2026-Q1", "enforcement", 1, D("3000.00"), D("120000.00")),
        ("2026-Q1", "loan_guarantee", 1, D("3000.00"), D("200000.00")),
        ("2026-Q2", "enforcement", 1, D("2500.00"), D("100000.00")),
    ]
    assert policies.totals() == {"CNY": {"count": 3, "premiums": D("8500.00"), "cover": D("420000.00")}}
    # The guarantee paid the insurer's 36,264 of the January loan's default (see the
    # compensation test) on 20 May; the enforcement claim's 60,000 was paid on 15 June.
    with django_assert_num_queries(1):
        paid = statistics.claims_paid(since=date(2026, 1, 1), until=date(2027, 1, 1), by="month")
    assert [(row.period.label, row.kind, row.count, row.amount, row.in_pool_defaults) for row in paid.rows] == [
        ("2026-05", "loan_guarantee", 1, D("36264.00"), D("36264.00")),
        ("2026-06", "enforcement", 1, D("60000.00"), D("0.00")),
    ]
    assert statistics.claims_paid(since=date(2026, 6, 16), until=date(2026, 7, 1)).rows == ()


def test_periods_and_bad_windows() -> None:
    assert Period.of(date(2026, 11, 30), "quarter") == Period(date(2026, 10, 1), date(2027, 1, 1), "quarter")
    assert Period.of(date(2026, 12, 31), "month").end == date(2027, 1, 1)
    assert Period.of(date(2026, 2, 1), "year").label == "2026"
    assert [p.label for p in statistics.window(date(2025, 12, 15), date(2026, 4, 1), "quarter").periods] == [
        "2025-Q4", "2026-Q1"]
    with pytest.raises(ValidationFailed) as refused:
        statistics.pledge_financing(since=date(2026, 2, 1), until=date(2026, 1, 1), by="week")
    assert set(refused.value.fields) == {"by", "until"}


def test_sums_are_exact_to_the_cent_past_fifteen_digits(book: dict[str, Any]) -> None:
    # SQLite keeps decimals as floating point: a plain SUM of these two came back through 15
    # significant digits as 10,000,000,000,000.10. The figures sum whole cents instead.
    Loan.objects.filter(pk=book["january"].pk).update(amount=D("9000000000000.07"))
    Loan.objects.filter(pk=book["march"].pk).update(amount=D("1000000000000.05"))
    quarterly = statistics.pledge_financing(since=date(2026, 1, 1), until=date(2026, 4, 1), by="quarter")
    assert [(row.count, row.amount) for row in quarterly.rows] == [(2, D("10000000000000.12"))]
    enrolled = statistics.pool_enrolments(since=date(2026, 1, 1), until=date(2026, 4, 1), by="quarter")
    assert sum(row.amount for row in enrolled.rows) == D("780000.00")  # what the pools cover, not the loans
