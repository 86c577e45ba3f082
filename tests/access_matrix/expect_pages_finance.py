"""The IP finance pages (who sees and does what, as in ``expect_api_finance``).

A signed-in member's finance home lists what concerns their organisations. A valuation's,
loan's or pool's page is its parties' and the operators' (404 to anyone else); the forms of a
step answer 403 to a party the step is not theirs, and its buttons go back with the refusal as
a message. The request and application forms offer only the member's own verified
organisations: anyone else's choice is an error on the form.
"""

from __future__ import annotations

from typing import Any

from ipx.testing.access_world import AccessWorld

from .expect_api_finance import (
    APPLIED,
    APPRAISER_STEP,
    BANK_STEP,
    BORROWER_PAYS,
    BORROWER_STEP,
    HOME_DENIED,
    IN_PROGRESS,
    LOAN_SEEN,
    POOL,
    POOL_MEMBERS,
    REQUESTED,
    SIGNED,
    VALUATION_SEEN,
    _pool,
    finance,
)
from .matrix import (
    DENY,
    FLASH,
    FORM,
    HIDE,
    HOME,
    LOGIN,
    OK,
    SIGNED_IN,
    Entry,
    every,
    form_page,
    ids,
    post_only,
    read_only,
)

# A button refused to someone who sees the object: back to its page with the refusal.
APPRAISER_BUTTON = every(HIDE, anonymous=LOGIN, agent=OK, operator=FLASH, member=FLASH, signatory=FLASH, admin=FLASH)
BANK_BUTTON = every(HIDE, anonymous=LOGIN, bank=OK, operator=FLASH, member=FLASH, signatory=FLASH, admin=FLASH)
BORROWER_BINDS_BUTTON = every(HIDE, anonymous=LOGIN, member=FLASH, signatory=OK, admin=OK, bank=FLASH,
                              operator=FLASH)
OPERATOR_BUTTON = every(HIDE, anonymous=LOGIN, operator=OK, bank=FLASH, member=FLASH, signatory=FLASH, admin=FLASH)
# The request and application forms: only home's people may choose home.
HOME_FORM = every(FORM, anonymous=LOGIN, **HOME)
# The sponsor's forms: no role of the nine commits a government body.
NO_SPONSOR = every(DENY, anonymous=LOGIN)


def _valuation_form(world: AccessWorld, role: str) -> dict[str, Any]:
    return {"requester_id": str(world.home.pk), "appraiser_id": str(world.agency.pk),
            "asset_ids": [str(world.free_asset.pk)], "purpose": "质押融资", "currency": "CNY"}


def _loan_form(world: AccessWorld, role: str) -> dict[str, Any]:
    return {"borrower_id": str(world.home.pk), "bank_id": str(world.bank.pk), "asset_ids": [str(world.free_asset.pk)],
            "valuation_id": "", "amount": "200000", "months": "12", "purpose": "研发周转"}


def _const(values: dict[str, Any]) -> Any:
    return lambda world, role: values


OFFER = _const({"amount": "100000", "annual_percent": "6", "months": "12", "method": "equal_principal",
                "ltv_percent": "50", "penalty_percent": "18", "default_after_days": "90"})
VALUATIONS = "finance/valuations/<id:valuation_id>/"
LOANS = "finance/loans/<id:loan_id>/"
POOLS = "finance/pools/<id:pool_id>/"

ENTRIES: list[Entry] = [
    *read_only("finance/", SIGNED_IN, secret="pool", sees=POOL_MEMBERS),
    *form_page("finance/valuations/new/", SIGNED_IN, HOME_FORM, body=_valuation_form),
    *read_only(VALUATIONS, VALUATION_SEEN, args=REQUESTED),
    *read_only(VALUATIONS[:-1] + "/report.pdf", {**VALUATION_SEEN, "bank": OK}, args=SIGNED),
    *(entry for step in ("accept", "decline") for entry in post_only(
        VALUATIONS + f"{step}/", APPRAISER_BUTTON, args=REQUESTED,
        body=_const({"decline-reason": "估值依据不足。"}))),
    *post_only(VALUATIONS + "withdraw/", every(HIDE, anonymous=LOGIN, agent=FLASH, operator=FLASH, **HOME),
               args=REQUESTED),
    *form_page(VALUATIONS + "income/", APPRAISER_STEP, APPRAISER_STEP, args=IN_PROGRESS, body=_const({
        "revenues": "1000000 1200000", "royalty_percent": "5", "tax_percent": "25", "discount_percent": "10"})),
    *form_page(VALUATIONS + "cost/", APPRAISER_STEP, APPRAISER_STEP, args=IN_PROGRESS, body=_const({
        "reproduction_cost": "900000", "functional_percent": "10", "economic_percent": "5"})),
    *form_page(VALUATIONS + "market/", APPRAISER_STEP, APPRAISER_STEP, args=IN_PROGRESS, body=_const({}),
               note="no comparable deal: recorded as too few to conclude"),
    *form_page(VALUATIONS + "sign-off/", APPRAISER_STEP, APPRAISER_STEP, args=IN_PROGRESS,
               body=_const({"value": "1000000", "low": "", "high": "", "reasoning": "以成本法为主。"})),
    *form_page("finance/loans/new/", SIGNED_IN, HOME_FORM, body=_loan_form),
    *read_only(LOANS, LOAN_SEEN, args=APPLIED),
    *post_only(LOANS + "decline/", BANK_BUTTON, args=APPLIED, body=_const({"decline-reason": "抵押物价值不足。"})),
    *post_only(LOANS + "accept/", BORROWER_BINDS_BUTTON, args=ids(loan_id=finance("offered"))),
    *post_only(LOANS + "withdraw/", BORROWER_BINDS_BUTTON, args=APPLIED),
    *post_only(LOANS + "approve/", OPERATOR_BUTTON, args=ids(loan_id=finance("submitted"))),
    *post_only(LOANS + "return/", OPERATOR_BUTTON, args=ids(loan_id=finance("submitted")),
               body=_const({"check-note": "登记号与质押合同不符。"})),
    *post_only(LOANS + "pay/", every(HIDE, anonymous=LOGIN, bank=FLASH, operator=FLASH, **{**HOME, "member": FLASH}),
               args=ids(loan_id=finance("active")), body=_const({"pay-key": "matrix-pay"})),
    *form_page(LOANS + "prepay/", BORROWER_PAYS, {**BORROWER_PAYS, "signatory": FORM, "admin": FORM},
               args=ids(loan_id=finance("active")), body=_const({"amount": "10000", "key": "matrix-prepay"}),
               note="refused on the form while the first instalment is overdue"),
    *form_page(LOANS + "offer/", BANK_STEP, BANK_STEP, args=APPLIED, body=OFFER),
    *form_page(LOANS + "valuation/", BORROWER_STEP, BORROWER_STEP, args=APPLIED,
               body=lambda world, role: {"valuation_id": str(world.finance.signed.pk)}),
    *form_page(LOANS + "pledge/", BORROWER_STEP, BORROWER_STEP, args=ids(loan_id=finance("accepted")),
               body=_const({"pledge_number": "Y2026440000999"})),
    *form_page(LOANS + "enrol/", BANK_STEP, BANK_STEP, args=ids(loan_id=finance("accepted")),
               body=lambda world, role: {"pool_id": str(world.finance.pool.pk)}),
    *form_page(LOANS + "recover/", BANK_STEP, BANK_STEP, args=ids(loan_id=finance("defaulted")),
               body=_const({"amount": "10000", "idempotency_key": "matrix-recover"})),
    *form_page("finance/pools/new/", NO_SPONSOR, NO_SPONSOR, body=lambda world, role: {
        k: str(v) for k, v in _pool(world, role).items()}),
    *read_only(POOLS, LOAN_SEEN, args=POOL),
    *form_page(POOLS + "admit/", {**LOAN_SEEN, **HOME_DENIED, "bank": DENY, "operator": DENY},
               {**LOAN_SEEN, **HOME_DENIED, "bank": DENY, "operator": DENY}, args=POOL,
               body=lambda world, role: {"organisation_id": str(world.outsider.pk)}),
]
