"""The API's IP finance: valuations, pledge loans and risk-compensation pools
(``ipx.testing.finance_world`` casts the roles: home borrows and asks for valuations, the bank
lends, the agency appraises, a sponsor none of the nine stands for runs the pool).

A valuation is its requester's (home), its appraiser's (the agency), a lending bank's once an
application rests on it, and the operators'; a loan is its borrower's, its bank's and the
operators'; a pool its sponsor's, its members' (home, the bank) and the operators'. To anyone
else each does not exist (404). Among those who see it, a step is refused (403) to whoever the
workflow does not give it: a plain member of home pays and enters the pledge number but does
not accept or withdraw (that binds home); the operators only check pledges.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ipx.testing.access_world import AccessWorld

from .matrix import BINDING, CONFLICT, DENY, HIDE, HOME, LOGIN, OK, SIGNED_IN, Entry, const, every, ids, roles


def finance(name: str) -> Callable[[AccessWorld], object]:
    """The id of one of the world's finance objects (``ipx.testing.finance_world``)."""
    return lambda world: getattr(world.finance, name).pk


HOME_DENIED = {"member": DENY, "signatory": DENY, "admin": DENY}
# Who learns a valuation exists: home (the requester), the agency (the appraiser), operators.
VALUATION_SEEN = every(HIDE, anonymous=LOGIN, agent=OK, operator=OK, **HOME)
# Who learns a loan exists: home (the borrower), the bank, operators.
LOAN_SEEN = every(HIDE, anonymous=LOGIN, bank=OK, operator=OK, **HOME)
APPRAISER_STEP = every(HIDE, anonymous=LOGIN, agent=OK, operator=DENY, **HOME_DENIED)
BANK_STEP = every(HIDE, anonymous=LOGIN, bank=OK, operator=DENY, **HOME_DENIED)
BORROWER_BINDS = every(HIDE, anonymous=LOGIN, member=DENY, signatory=OK, admin=OK, bank=DENY, operator=DENY)
BORROWER_STEP = every(HIDE, anonymous=LOGIN, bank=DENY, operator=DENY, **HOME)
# Paying moves the borrower's money: those who may commit it.
BORROWER_PAYS = every(HIDE, anonymous=LOGIN, bank=DENY, operator=DENY, **BINDING)
OPERATOR_STEP = every(HIDE, anonymous=LOGIN, operator=OK, bank=DENY, **HOME_DENIED)
# Only home's people act for home; the others are told it is not their organisation.
HOME_ACTS = every(DENY, anonymous=LOGIN, **HOME)
POOL_SEEN = LOAN_SEEN
POOL_MEMBERS = roles("member", "signatory", "admin", "bank", "operator")

REQUESTED = ids(valuation_id=finance("requested"))
IN_PROGRESS = ids(valuation_id=finance("in_progress"))
SIGNED = ids(valuation_id=finance("signed"))
APPLIED = ids(loan_id=finance("applied"))
POOL = ids(pool_id=finance("pool"))


def _valuation(world: AccessWorld, role: str) -> dict[str, Any]:
    return {"requester_id": world.home.pk, "appraiser_id": world.agency.pk, "asset_ids": [world.free_asset.pk],
            "purpose": "质押融资"}


def _loan(world: AccessWorld, role: str) -> dict[str, Any]:
    return {"borrower_id": world.home.pk, "bank_id": world.bank.pk, "asset_ids": [world.free_asset.pk],
            "amount": "200000", "months": "12", "purpose": "研发周转"}


def _pool(world: AccessWorld, role: str) -> dict[str, Any]:
    return {"sponsor_id": world.finance.sponsor.pk, "name": "第二资金池", "region": "佛山", "fund_size": "500000",
            "leverage": "5", "starts_on": "2026-01-01", "ends_on": "2030-12-31", "fund_percent": "40",
            "bank_percent": "60", "cap_per_loan": "100000"}


OFFER = const({"amount": "100000", "annual_percent": "6", "months": "12", "method": "equal_principal",
               "ltv_percent": "50"})
REASON = const({"reason": "估值依据不足。"})
V = "/api/v1/finance/valuations"
L = "/api/v1/finance/loans"

ENTRIES = [
    Entry(V, "GET", SIGNED_IN),
    Entry(V, "POST", HOME_ACTS, body=_valuation),
    Entry(V + "/{valuation_id}", "GET", VALUATION_SEEN, args=REQUESTED),
    Entry(V + "/{valuation_id}", "GET", {**VALUATION_SEEN, "bank": OK}, args=SIGNED,
          variant="lent on", note="the bank reads the valuation an application to it rests on"),
    # Other members' deal prices: the appraiser's working material, not the requester's.
    Entry(V + "/{valuation_id}/comparables", "GET", every(HIDE, anonymous=LOGIN, agent=OK, operator=OK, **HOME_DENIED),
          args=IN_PROGRESS),
    Entry(V + "/{valuation_id}/report", "GET", {**VALUATION_SEEN, "bank": OK}, args=SIGNED),
    Entry(V + "/{valuation_id}/report", "GET", every(HIDE, anonymous=LOGIN), args=IN_PROGRESS,
          variant="not signed off", note="a report exists once the valuation is signed off"),
    Entry(V + "/{valuation_id}/accept", "POST", APPRAISER_STEP, args=REQUESTED),
    Entry(V + "/{valuation_id}/decline", "POST", APPRAISER_STEP, args=REQUESTED, body=REASON),
    Entry(V + "/{valuation_id}/withdraw", "POST", every(HIDE, anonymous=LOGIN, agent=DENY, operator=DENY, **HOME),
          args=REQUESTED, note="the requester's members withdraw it"),
    Entry(V + "/{valuation_id}/income", "POST", APPRAISER_STEP, args=IN_PROGRESS, body=const({
        "revenues": ["1000000", "1200000"], "royalty_percent": "5", "tax_percent": "25", "discount_percent": "10"})),
    Entry(V + "/{valuation_id}/cost", "POST", APPRAISER_STEP, args=IN_PROGRESS, body=const({
        "reproduction_cost": "900000", "functional_percent": "10", "economic_percent": "5"})),
    Entry(V + "/{valuation_id}/market", "POST", APPRAISER_STEP, args=IN_PROGRESS, body=const({"comparables": []})),
    Entry(V + "/{valuation_id}/sign-off", "POST", APPRAISER_STEP, args=IN_PROGRESS,
          body=const({"value": "1000000", "reasoning": "以成本法为主。"})),
    Entry(L, "GET", SIGNED_IN),
    Entry(L, "POST", HOME_ACTS, body=_loan),
    Entry(L + "/{loan_id}", "GET", LOAN_SEEN, args=APPLIED),
    Entry(L + "/{loan_id}/offer", "POST", BANK_STEP, args=APPLIED, body=OFFER),
    Entry(L + "/{loan_id}/decline", "POST", BANK_STEP, args=APPLIED, body=REASON),
    Entry(L + "/{loan_id}/valuation", "POST", BORROWER_STEP, args=APPLIED,
          body=lambda world, role: {"valuation_id": world.finance.signed.pk}),
    Entry(L + "/{loan_id}/accept", "POST", BORROWER_BINDS, args=ids(loan_id=finance("offered"))),
    Entry(L + "/{loan_id}/withdraw", "POST", BORROWER_BINDS, args=APPLIED),
    Entry(L + "/{loan_id}/pledge", "POST", BORROWER_STEP, args=ids(loan_id=finance("accepted")),
          body=const({"pledge_number": "Y2026440000999"})),
    Entry(L + "/{loan_id}/pledge-check", "POST", OPERATOR_STEP, args=ids(loan_id=finance("submitted")),
          body=const({"approve": True}), note="approving pays the loan out from the bank's balance"),
    Entry(L + "/{loan_id}/pay", "POST", BORROWER_PAYS, args=ids(loan_id=finance("active")),
          note="the overdue first instalment, with its penalty, from home's balance"),
    Entry(L + "/{loan_id}/prepay", "POST", {**BORROWER_PAYS, "signatory": CONFLICT, "admin": CONFLICT},
          args=ids(loan_id=finance("active")), body=const({"amount": "10000"}),
          note="the borrower's step, refused while its first instalment is overdue (paid first)"),
    Entry(L + "/{loan_id}/enrol", "POST", BANK_STEP, args=ids(loan_id=finance("accepted")),
          body=lambda world, role: {"pool_id": world.finance.pool.pk}),
    Entry(L + "/{loan_id}/recoveries", "POST", BANK_STEP, args=ids(loan_id=finance("defaulted")),
          body=const({"amount": "10000"})),
    Entry("/api/v1/finance/pools", "GET", SIGNED_IN, secret="pool", sees=POOL_MEMBERS),
    Entry("/api/v1/finance/pools", "POST", every(DENY, anonymous=LOGIN), body=_pool,
          note="pools are set up by a government body's administrators or signatories; none of the nine is one"),
    Entry("/api/v1/finance/pools/{pool_id}", "GET", POOL_SEEN, args=POOL),
    Entry("/api/v1/finance/pools/{pool_id}/members", "POST", {**POOL_SEEN, **HOME_DENIED, "bank": DENY,
                                                             "operator": DENY},
          args=POOL, body=lambda world, role: {"organisation_id": world.outsider.pk},
          note="the sponsor admits members; its members and operators see the pool but may not"),
]
