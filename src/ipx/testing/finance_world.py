"""IP finance in the access world (``ipx.testing.access_world``): a valuation, loans and a pool
in each state a step starts from, built through the finance services as the exchange builds them.

The casting, from the nine roles of the matrix:
- *home* borrows and asks for valuations of its own patents: its member may pay an instalment
  and enter the pledge number (steps that commit nothing new), its signatory and administrator
  also accept an offer or withdraw (they bind home);
- the *bank* role (administrator of a verified financial institution) lends: it answers
  applications, enrols its loans in the pool and records recoveries;
- the *agent* role (administrator of the IP service agency acting for home elsewhere) is the
  appraiser: it accepts or declines requests, records the approaches and signs off;
- the *operator* checks pledge registrations and sees everything;
- the pool's sponsor is a government body whose administrator is none of the nine (no role of
  the matrix is a government body's), so that every role's answer on a sponsor's step is a
  refusal; the sponsor's own steps are tested in ``ipx.finance.tests``. Home and the bank are
  the pool's members and see its dashboard; the outsider, the unverified applicant and the
  agency have no part in any of it (404).

- *requested*: a valuation home asked of the agency (to accept, decline or withdraw);
- *in_progress*: one the agency accepted, its cost approach recorded (to record more and sign off);
- *signed*: signed off at 1,000,000 by the cost approach, covering every pledged patent;
- loans of home's to the bank, each pledging its own patent: *applied* (to offer or decline),
  *offered* (to accept), *accepted* (the pledge number to enter; to enrol), *submitted* (the
  operator to check), *active* (paid out, in the pool, its first instalment overdue: to pay),
  *defaulted* (in the pool, compensated: recoveries to record) and *current* (paid out after
  the others, nothing overdue: early repayment is taken only from such a loan).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from ipx.accounts.models import Organisation, User
from ipx.catalog.models import Asset
from ipx.finance.models import Loan, Pool, Valuation
from ipx.finance.services import loans, pools, valuations
from ipx.testing.factories import OrganisationFactory, PatentFactory
from ipx.testing.scenes import deposit, person

POOL_NAME = "MX risk-compensation pool"  # seen by its sponsor, members and operators only


@dataclass
class FinanceWorld:
    sponsor: Organisation
    sponsor_admin: User
    requested: Valuation
    in_progress: Valuation
    signed: Valuation
    applied: Loan
    offered: Loan
    accepted: Loan
    submitted: Loan
    active: Loan
    defaulted: Loan
    pool: Pool
    current: Loan


def _patent(home: Organisation) -> Asset:
    return PatentFactory.create(asset__holder=home, filing_date=date(2021, 3, 1)).asset


def _valuation(home: Organisation, admin: User, agency: Organisation, assets: list[Asset]) -> Valuation:
    return valuations.valuation_request(actor=admin, requester_id=home.pk, appraiser_id=agency.pk,
                                        asset_ids=[a.pk for a in assets], purpose="质押融资")


def build_finance_world(*, home: Organisation, admin: User, agency: Organisation, agent: User, bank: Organisation,
                        banker: User, operator: User) -> FinanceWorld:
    requested = _valuation(home, admin, agency, [_patent(home)])
    in_progress = _valuation(home, admin, agency, [_patent(home)])
    valuations.valuation_accept(actor=agent, valuation_id=in_progress.pk)
    cost = {"reproduction_cost": "1000000", "functional_percent": "0", "economic_percent": "0"}
    valuations.valuation_record_cost(actor=agent, valuation_id=in_progress.pk, values=cost)

    pledged = [_patent(home) for _ in range(7)]
    signed = _valuation(home, admin, agency, pledged)
    valuations.valuation_accept(actor=agent, valuation_id=signed.pk)
    valuations.valuation_record_cost(actor=agent, valuation_id=signed.pk, values=cost)
    signed = valuations.valuation_sign_off(actor=agent, valuation_id=signed.pk, value="1000000",
                                           reasoning="以成本法为主。")

    def apply(asset: Asset) -> Loan:
        return loans.loan_apply(actor=admin, borrower_id=home.pk, bank_id=bank.pk, asset_ids=[asset.pk],
                                amount_asked="200000", months="12", purpose="研发周转", valuation_id=signed.pk)

    def offer(loan: Loan, default_after_days: str = "365") -> Loan:
        return loans.loan_offer(actor=banker, loan_id=loan.pk, amount_offered="100000", annual_percent="6",
                                months="12", method="equal_instalments", ltv_percent="50", penalty_percent="18",
                                default_after_days=default_after_days)

    def accept(loan: Loan) -> Loan:
        return loans.loan_accept(actor=admin, loan_id=loan.pk)

    def submit(loan: Loan) -> Loan:
        return loans.loan_submit_pledge(actor=admin, loan_id=loan.pk, number=f"Y2026440000{loan.pk:03d}")

    applied = apply(pledged[0])
    offered = offer(apply(pledged[1]))
    accepted = accept(offer(apply(pledged[2])))
    submitted = submit(accept(offer(apply(pledged[3]))))

    sponsor = OrganisationFactory.create(name="某市市场监督管理局", kind=Organisation.Kind.GOVERNMENT)
    sponsor_admin = person("sponsor@matrix.example", "Zoe Sponsor", sponsor)
    today = timezone.localdate()
    pool = pools.pool_create(actor=sponsor_admin, sponsor_id=sponsor.pk, values={
        "name": POOL_NAME, "region": "广州", "fund_size": "1000000", "leverage": "10",
        "starts_on": (today - timedelta(days=30)).isoformat(), "ends_on": (today + timedelta(days=1000)).isoformat(),
        "fund_percent": "40", "bank_percent": "60", "cap_per_loan": "300000"})
    for member in (home, bank):
        pools.pool_admit(actor=sponsor_admin, pool_id=pool.pk, organisation_id=member.pk)

    deposit(bank, "1000000")
    deposit(sponsor, "1000000")
    running = []
    for asset, after in ((pledged[4], "365"), (pledged[5], "1")):
        loan = submit(accept(offer(apply(asset), default_after_days=after)))
        pools.loan_enrol(actor=banker, loan_id=loan.pk, pool_id=pool.pk)
        running.append(loans.loan_check_pledge(operator=operator, loan_id=loan.pk, approve=True))
    active, defaulted = running
    # The daily run 40 days on: the first instalments are overdue; the loan that defaults after
    # one day overdue defaults and the pool compensates the bank.
    assert loans.loans_mark_overdue(today=today + timedelta(days=40)) == 1
    for loan in (active, defaulted):
        loan.refresh_from_db()
    assert defaulted.status == Loan.Status.DEFAULTED and active.status == Loan.Status.ACTIVE
    # Paid out after that run, outside the pool: its first instalment falls due in a month.
    current = loans.loan_check_pledge(operator=operator, loan_id=submit(accept(offer(apply(pledged[6])))).pk,
                                      approve=True)
    return FinanceWorld(sponsor=sponsor, sponsor_admin=sponsor_admin, requested=requested, in_progress=in_progress,
                        signed=signed, applied=applied, offered=offered, accepted=accepted, submitted=submitted,
                        active=active, defaulted=defaulted, pool=pool, current=current)
