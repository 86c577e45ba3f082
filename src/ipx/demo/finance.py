"""IP finance for the demo, built through the services so that the events, repayment schedules
and ledger postings are the real ones.

- A risk-compensation pool like a Guangdong city's, sponsored by the demo's government IP
  centre in Guangzhou: a fund of ¥20 m (the Guangzhou Development District's pledge-financing
  pool in the 2019 report) at the leverage of Guangdong's funds (about ¥5.8 bn able to carry
  about ¥58 bn of loans: 10 ×), losses shared 54 / 26 / 16 / 4 by the fund, the bank, the
  insurer and the appraiser, compensation capped per loan. The fund's money is on the
  sponsor's account at the exchange; both banks and the borrowers are members.
- The appraiser's valuations: one requested (for the loan just applied for) and one signed off
  for each loan offered or made, the owner's by all three approaches.
- Loans in every state: applied, offered, running with its instalments paid, overdue, defaulted
  (the pool compensated the bank, which later recovered part by selling the collateral) and
  repaid with the pledge released. Each borrower is a Guangdong enterprise pledging patents of
  its own that no listing, offer or deal is taking; it paid the loan out to its bank account
  and deposited what it repaid.
- The pool's insurer's products (:mod:`ipx.demo.finance_insurance`): an enforcement-cost policy
  with a claim paid, and a guarantee on the loan that defaulted, which paid the insurer's share.

The running loans began months ago. Two services take the day they act on: the pledge check
records the disbursement's day, from which the schedule runs, and the daily run marks
instalments overdue (and defaults) as of the day it is given. The other services record their
rows as made now; :mod:`ipx.demo.finance_history` then sets those rows' times back to when
they would have been made (no service writes a past time), as the auctions' past session does.
Ledger postings keep the time they were posted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_FLOOR, Decimal

from django.utils import timezone

from ipx.accounts.models import Organisation, User
from ipx.catalog.models import Asset
from ipx.core.dates import add_months
from ipx.core.money import Money
from ipx.deals.models import Deal
from ipx.demo.finance_history import (
    DAILY_RUN_AT,
    Timeline,
    at_day,
    date_insurance,
    date_loan,
    date_pool,
    date_valuation,
)
from ipx.demo.finance_insurance import Party, create_insurance, history
from ipx.finance.models import Loan, Pool, Valuation
from ipx.finance.services import loans as loan_services
from ipx.finance.services import pools as pool_services
from ipx.finance.services import valuations as valuation_services
from ipx.ledger.services import deposit_record, payout_record
from ipx.listings.models import Exclusivity, Listing, OfferKind

CURRENCY = "CNY"
SPONSOR, INSURER, APPRAISER = "gov-ip", "insurer", "appraiser"
INSURED = "zs-home"  # a home-goods maker whose design patents are copied: enforcement cover
BANKS = ("banker", "lender")
FUND = Decimal("20000000.00")
BANK_FUNDS = Decimal("20000000.00")
INSURER_FUNDS = Decimal("3000000.00")
LTV = Decimal(50)
PENALTY_PERCENT = "6.00"  # a year, on what is overdue: about 1.5 × the loans' rates
DEFAULT_AFTER_DAYS = 90
RECOVERED = Decimal("600000.00")  # the defaulted loan's collateral sold
ROYALTY, TAX, DISCOUNT = "4.5", "25", "12"


@dataclass(frozen=True, slots=True)
class LoanPlan:
    """One demo loan: who borrows from which bank, how many patents it pledges, the revenue
    forecast its valuation discounts (¥10,000 a year), the offer, and — for a loan paid out —
    how long ago (months, then days more) and how many instalments were paid."""

    state: str
    borrower: str
    bank: str
    patents: int
    revenues: tuple[int, ...]
    months: int
    annual_percent: str = "3.85"
    method: str = Loan.Method.EQUAL_INSTALMENTS
    back: tuple[int, int] | None = None
    paid: int = 0
    three_approaches: bool = False

    @property
    def disbursed(self) -> date | None:
        if self.back is None:
            return None
        months, days = self.back
        return add_months(timezone.localdate(), -months) - timedelta(days=days)


PLANS = (
    LoanPlan("applied", "gz-materials", "lender", 2, (), 12),
    LoanPlan("offered", "jm-rail", "banker", 1, (900, 1050, 1200, 1300, 1350), 24, "3.65",
             Loan.Method.EQUAL_PRINCIPAL),
    LoanPlan("active", "owner", "lender", 2, (1200, 1400, 1600, 1750, 1850), 36, "3.45", back=(3, 10), paid=3,
             three_approaches=True),
    LoanPlan("overdue", "dg-mechatronics", "banker", 1, (1000, 1150, 1300, 1400), 12, "4.20", back=(5, 20),
             paid=4),
    LoanPlan("defaulted", "hz-battery", "banker", 2, (2000, 2300, 2600, 2800, 2900), 12, "4.35", back=(9, 0),
             paid=3),
    LoanPlan("repaid", "fs-equipment", "lender", 1, (800, 900, 1000), 6, "3.45", Loan.Method.EQUAL_PRINCIPAL,
             back=(7, 0), paid=6),
)
ENROLLED = ("active", "overdue", "defaulted", "repaid")


@dataclass(frozen=True, slots=True)
class Cast:
    organisations: dict[str, Organisation]
    admins: dict[str, User]
    operator: User

    def org(self, key: str) -> Organisation:
        return self.organisations[key]

    def admin(self, key: str) -> User:
        return self.admins[key]


def create_finance(organisations: dict[str, Organisation], admins: dict[str, User], operator: User) -> dict[str, int]:
    """The pool, valuations and loans; {} when a borrower has too few patents free to pledge."""
    cast = Cast(organisations, admins, operator)
    collateral = {plan.state: _free_patents(cast.org(plan.borrower))[:plan.patents] for plan in PLANS}
    if any(len(collateral[plan.state]) < plan.patents for plan in PLANS):
        return {}
    _deposit(cast, SPONSOR, FUND, "DEMO-POOL-FUND-0001", "风险补偿资金 / risk-compensation fund")
    _deposit(cast, INSURER, INSURER_FUNDS, "DEMO-INSURER-0001", "")
    for number, bank in enumerate(BANKS, start=1):
        _deposit(cast, bank, BANK_FUNDS, f"DEMO-BANK-{number:04d}", "")
    pool = _pool(cast)
    made = {plan.state: _loan(cast, plan, collateral[plan.state], pool) for plan in PLANS}
    insured = create_insurance(_party(cast, INSURER), _party(cast, INSURED), made["defaulted"],
                               _party(cast, made_by("defaulted").borrower))
    # The daily run on the day the defaulted loan passed its limit (the pool compensated the
    # bank then), and today's, which finds the overdue loan's instalment late.
    defaulted = made["defaulted"].instalments.filter(status="due").order_by("number").first()
    assert defaulted is not None
    default_day = defaulted.due_on + timedelta(days=DEFAULT_AFTER_DAYS + 1)
    loan_services.loans_mark_overdue(today=default_day)
    loan_services.loans_mark_overdue()
    # Since then the bank sold the collateral and shares the proceeds back with the pool.
    lender = made_by("defaulted").bank
    _deposit(cast, lender, RECOVERED, "DEMO-RECOVERY-0001", "质押专利处置所得 / collateral sold")
    pool_services.enrolment_recover(actor=cast.admin(lender), loan_id=made["defaulted"].pk,
                                    recovered=str(RECOVERED))
    date_pool(pool)
    for plan in PLANS:
        date_loan(made[plan.state], _timeline(plan), default_day=default_day)
    requested = _valuation(cast, PLANS[0], collateral["applied"], sign=False)
    date_valuation(requested, _timeline(PLANS[0]))
    today = timezone.localdate()
    date_insurance(history(insured, products_at=at_day(pool.starts_on + timedelta(days=30)),
                           guarantee_at=_timeline(made_by("defaulted")).at("insure"),
                           enforcement_at=at_day(today - timedelta(days=150)),
                           claim_at=at_day(today - timedelta(days=40)),
                           default_at=at_day(default_day, DAILY_RUN_AT)))
    return {"pledge loans": len(made), "valuations": Valuation.objects.count(), "pools": 1,
            "insurance policies": len([p for p in (insured.enforcement, insured.guarantee) if p is not None])}


def made_by(state: str) -> LoanPlan:
    return next(plan for plan in PLANS if plan.state == state)


def _party(cast: Cast, key: str) -> Party:
    return Party(cast.org(key), cast.admin(key))


def _deposit(cast: Cast, key: str, amount: Decimal, reference: str, memo: str) -> None:
    deposit_record(organisation=cast.org(key), money=Money(amount, CURRENCY), provider_reference=reference,
                   actor=cast.admin(key), memo=memo)


def _timeline(plan: LoanPlan) -> Timeline:
    """Paid-out loans from their disbursement; the others lately (the offer three days ago,
    the application two days ago)."""
    today = timezone.localdate()
    anchor = plan.disbursed or today + timedelta(days=18 if plan.state == "offered" else 28)
    return Timeline(anchor)


def _free_patents(holder: Organisation) -> list[Asset]:
    """The holder's patents that nothing is taking from it: on no listing that offers them for
    sale, at auction or under an exclusive licence, and in no deal. Full-text patents first,
    whose missing IPC subclass makes every patent deal on the exchange a comparable."""
    taking = set()
    listed = (Listing.objects.filter(organisation=holder, status__in=(
        Listing.Status.SUBMITTED, Listing.Status.PUBLISHED, Listing.Status.RESERVED, Listing.Status.SOLD))
        .prefetch_related("asset_links"))
    for listing in listed:
        kinds = set(listing.offer_kinds)
        if kinds & {OfferKind.TRANSFER, OfferKind.AUCTION} or (
                OfferKind.LICENCE in kinds and listing.licence_exclusivity == Exclusivity.EXCLUSIVE):
            taking |= {link.asset_id for link in listing.asset_links.all()}
    in_deals = set(Deal.objects.filter(assets__holder=holder).values_list("assets", flat=True))
    patents = Asset.objects.filter(holder=holder, ip_type=Asset.Type.PATENT).select_related("patent").order_by("pk")
    free = [asset for asset in patents if asset.pk not in taking | in_deals]
    return sorted(free, key=lambda asset: bool(asset.patent.ipc_main))


def _pool(cast: Cast) -> Pool:
    today = timezone.localdate()
    sponsor = cast.admin(SPONSOR)
    pool = pool_services.pool_create(actor=sponsor, sponsor_id=cast.org(SPONSOR).pk, values={
        "name": "广州知识产权质押融资风险补偿资金池（示例）", "region": "广州",
        "fund_size": str(FUND), "leverage": "10", "starts_on": add_months(today, -24).isoformat(),
        "ends_on": add_months(today, 36).isoformat(), "fund_percent": "54", "bank_percent": "26",
        "insurer_percent": "16", "appraiser_percent": "4", "insurer_id": str(cast.org(INSURER).pk),
        "cap_per_loan": "1500000"})
    members = [*BANKS, *dict.fromkeys(plan.borrower for plan in PLANS)]
    for key in members:
        pool_services.pool_admit(actor=sponsor, pool_id=pool.pk, organisation_id=cast.org(key).pk)
    return pool


def _valuation(cast: Cast, plan: LoanPlan, collateral: list[Asset], *, sign: bool = True) -> Valuation:
    appraiser = cast.admin(APPRAISER)
    bank = cast.org(plan.bank)
    valuation = valuation_services.valuation_request(
        actor=cast.admin(plan.borrower), requester_id=cast.org(plan.borrower).pk,
        appraiser_id=cast.org(APPRAISER).pk, asset_ids=[asset.pk for asset in collateral],
        purpose=f"知识产权质押融资：向{bank.name}申请贷款")
    if not sign:
        return valuation
    valuation_services.valuation_accept(actor=appraiser, valuation_id=valuation.pk)
    valuation = valuation_services.valuation_record_income(actor=appraiser, valuation_id=valuation.pk, values={
        "revenues": [str(amount * 10000) for amount in plan.revenues], "royalty_percent": ROYALTY,
        "tax_percent": TAX, "discount_percent": DISCOUNT})
    assert valuation.income_value is not None
    value = _round(valuation.income_value)
    reasoning = ("采用收益法（许可费节省法）：以企业提供的实施该专利产品的销售收入预测为基础，"
                 f"按提成率{ROYALTY}%、所得税率{TAX}%、折现率{DISCOUNT}%折现。")
    low = high = None
    if plan.three_approaches:
        valuation_services.valuation_record_cost(actor=appraiser, valuation_id=valuation.pk, values={
            "reproduction_cost": str(_round(value * Decimal("0.8"))), "functional_percent": "15",
            "economic_percent": "5"})
        comparables = valuation_services.comparable_deals(valuation)[:4]
        adjustments = ("60", "40", "80", "50")  # two patents, in production, against one each
        valuation_services.valuation_record_market(actor=appraiser, valuation_id=valuation.pk, adjustments={
            deal.pk: adjustment for deal, adjustment in zip(comparables, adjustments, strict=False)})
        low, high = _round(value * Decimal("0.9")), _round(value * Decimal("1.1"))
        reasoning += ("成本法按重置成本扣除功能性与经济性贬值，作为价值下限参考；市场法以本平台同类专利"
                      "已成交交易为可比案例，按专利件数与实施状况调整。收益法最能反映该专利组合的获利能力，"
                      "故以收益法结果为评估结论，并给出上下10%的价值区间。")
    return valuation_services.valuation_sign_off(actor=appraiser, valuation_id=valuation.pk, value=str(value),
                                                 low=None if low is None else str(low),
                                                 high=None if high is None else str(high), reasoning=reasoning)


def _round(amount: Decimal) -> Decimal:
    """Down to ¥10,000."""
    return (amount / 10000).quantize(Decimal(1), rounding=ROUND_FLOOR) * 10000


def _loan(cast: Cast, plan: LoanPlan, collateral: list[Asset], pool: Pool) -> Loan:
    borrower, bank = cast.admin(plan.borrower), cast.admin(plan.bank)
    valuation = _valuation(cast, plan, collateral) if plan.revenues else None
    value = valuation.concluded_value if valuation is not None and valuation.concluded_value else Decimal(2000000)
    offered = _round(value * LTV / 100)
    loan = loan_services.loan_apply(
        actor=borrower, borrower_id=cast.org(plan.borrower).pk, bank_id=cast.org(plan.bank).pk,
        asset_ids=[asset.pk for asset in collateral], amount_asked=str(_round(value * Decimal("0.6"))),
        months=str(plan.months), purpose="研发投入与扩大生产的流动资金",
        valuation_id=None if valuation is None else valuation.pk)
    if plan.state == "applied":
        return loan
    loan_services.loan_offer(actor=bank, loan_id=loan.pk, amount_offered=str(offered),
                             annual_percent=plan.annual_percent, months=str(plan.months), method=plan.method,
                             ltv_percent=str(LTV), penalty_percent=PENALTY_PERCENT,
                             default_after_days=str(DEFAULT_AFTER_DAYS))
    if plan.state == "offered":
        return loan
    loan_services.loan_accept(actor=borrower, loan_id=loan.pk)
    pool_services.loan_enrol(actor=bank, loan_id=loan.pk, pool_id=pool.pk)
    assert plan.disbursed is not None
    loan_services.loan_submit_pledge(actor=borrower, loan_id=loan.pk,
                                     number=f"Y{plan.disbursed.year}44{loan.pk:07d}")
    loan = loan_services.loan_check_pledge(operator=cast.operator, loan_id=loan.pk, approve=True,
                                           disbursed_on=plan.disbursed)
    _repay(cast, plan, loan, offered)
    return loan


def _repay(cast: Cast, plan: LoanPlan, loan: Loan, amount: Decimal) -> None:
    """The borrower spends the loan (paid out to its bank account), then deposits and pays
    each instalment it paid."""
    organisation, user = cast.org(plan.borrower), cast.admin(plan.borrower)
    payout_record(organisation=organisation, money=Money(amount, CURRENCY), actor=user,
                  provider_reference=f"DEMO-LOAN-{loan.pk:04d}-OUT", memo="贷款资金转出 / loan paid out")
    paying = list(loan.instalments.order_by("number")[:plan.paid])
    if not paying:
        return
    due = sum((instalment.amount_due for instalment in paying), Decimal(0))
    deposit_record(organisation=organisation, money=Money(due, CURRENCY), actor=user,
                   provider_reference=f"DEMO-LOAN-{loan.pk:04d}-IN", memo="还款资金 / repayments")
    for instalment in paying:
        loan_services.instalment_pay(actor=user, loan_id=loan.pk, key=f"demo-loan-{loan.pk}-{instalment.number}")
