"""Pledge loans in the API: the borrower applies, accepts or withdraws, enters the pledge's
registration number and pays instalments; the bank offers or declines, enrols the loan in a
pool and records recoveries; an operator checks the pledge (approving pays the loan out).
Read by the borrower, the bank and operators (404 to anyone else)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import HeaderEx, P, Schema, Status
from pydantic import Field

from ipx.accounts.api_auth import api_user, user_auth
from ipx.core.api.schemas import ERRORS, Id, Page, PageNumber, PageSize, page_of
from ipx.core.api.types import IDEMPOTENCY_KEY, CurrencyCode, InputSchema, OneOf, rule
from ipx.finance import selectors
from ipx.finance.api.router import router
from ipx.finance.api.schemas import HistoryOut, Money, Percent, Text, Whole
from ipx.finance.api.valuations import FinancePartyOut, history_rows
from ipx.finance.history import loan_history
from ipx.finance.models import Loan
from ipx.finance.services import loans as services
from ipx.finance.services import pools, prepayment, withdrawals
from ipx.finance.workflow import LOAN
from ipx.ledger.idempotency import HEADER, idempotent

IdempotencyKey = HeaderEx[str, P(alias=HEADER, pattern=IDEMPOTENCY_KEY,
                                 description="A key unique to this payment; the same key when retrying it.")]
LIST_FILTERS = ("borrowed", "lent", "overdue", "pledges_to_check")


class InstalmentOut(Schema):
    number: int
    due_on: date
    principal: Decimal
    interest: Decimal
    penalty: Decimal
    balance: Decimal = Field(description="Principal still owed after this instalment.")
    status: str = Field(description="due, overdue or paid.")
    paid_at: datetime | None


class EnrolmentOut(Schema):
    pool_id: int
    pool: str
    covered: Decimal
    status: str = Field(description="covered, freed (repaid) or compensated (defaulted).")
    loss: Decimal | None
    shares: dict[str, str] = Field(description=(
        "On default: each party's share of the loss (fund, bank, insurer, appraiser), what the fund, the insurer and "
        "the appraiser paid the bank (fund_paid, insurer_paid, appraiser_paid), what the appraiser could not pay "
        "(appraiser_owed) and, after recoveries, what went back to each (fund_returned, ...)."))
    recovered: Decimal


class LoanLineOut(Schema):
    id: int
    status: str = Field(description="applied, offered, declined, accepted, pledge_submitted, active, repaid, "
                                    "defaulted or withdrawn.")
    borrower: FinancePartyOut
    bank: FinancePartyOut
    currency: str
    requested_amount: Decimal
    amount: Decimal | None = Field(description="The bank's offer.")


class LoanOut(LoanLineOut):
    requested_months: int
    purpose: str
    collateral: list[int] = Field(description="The pledged IP rights (asset ids).")
    valuation_id: int | None
    annual_percent: Decimal | None
    months: int | None
    method: str
    ltv_percent: Decimal | None
    penalty_percent: Decimal
    default_after_days: int
    decline_reason: str
    pledge_number: str
    disbursed_at: datetime | None
    outstanding: Decimal = Field(description="Principal not yet repaid.")
    instalments: list[InstalmentOut]
    enrolment: EnrolmentOut | None
    allowed_actions: list[str] = Field(description="The caller's steps now: offer, decline, accept, withdraw, "
                                                   "submit_pledge, approve_pledge, return_pledge, pay, enrol, "
                                                   "recover.")
    history: list[HistoryOut]


class LoanIn(InputSchema):
    borrower_id: Id = Field(json_schema_extra=rule("One of the caller's verified organisations."))
    bank_id: Id = Field(json_schema_extra=rule("A verified financial institution."))
    asset_ids: list[Id] = Field(min_length=1, max_length=50, json_schema_extra=rule(
        "The borrower's own IP rights, not ended, pledged to no other loan and on their way to no one."))
    amount: Money
    months: Whole
    purpose: Text
    valuation_id: Id | None = Field(None, json_schema_extra=rule(
        "A signed-off valuation the borrower asked for, covering every pledged right."))
    currency: CurrencyCode = "CNY"


class LoanOfferIn(InputSchema):
    amount: Annotated[str, Field(max_length=30, json_schema_extra=rule(
        "Above 0, at most the loan-to-value ratio × the valuation's concluded value."))]
    annual_percent: Percent
    months: Whole
    method: Annotated[str, OneOf(Loan.Method)]
    ltv_percent: Percent
    penalty_percent: Percent = "0"
    default_after_days: Whole = "90"


class LoanReasonIn(InputSchema):
    reason: Text


class PledgeIn(InputSchema):
    pledge_number: Annotated[str, Field(max_length=40, json_schema_extra=rule("The office's registration number."))]


class CheckIn(InputSchema):
    approve: bool
    note: Annotated[str, Field(max_length=2000, json_schema_extra=rule("What to correct, when returning it."))] = ""


class EnrolIn(InputSchema):
    pool_id: Id = Field(json_schema_extra=rule("A running pool both parties belong to, with capacity left."))


class RecoveryIn(InputSchema):
    amount: Money


class PrepaymentIn(InputSchema):
    amount: Annotated[str, Field(max_length=30, json_schema_extra=rule(
        "Above 0 and at most the principal still owed, in the loan's currency."))]


def _party(organisation: Any) -> dict[str, Any]:
    return {"id": organisation.pk, "name": organisation.name}


def loan_line(loan: Loan) -> dict[str, Any]:
    return {"id": loan.pk, "status": loan.status, "borrower": _party(loan.borrower), "bank": _party(loan.bank),
            "currency": loan.currency, "requested_amount": loan.requested_amount, "amount": loan.amount}


def loan_actions(loan: Loan, user: Any) -> list[str]:
    actions = [a for a in LOAN.allowed_actions(loan, user) if a not in ("repaid", "default")]
    if selectors.may_enrol(loan, user):
        actions.append("enrol")
    if selectors.may_recover(loan, user):
        actions.append("recover")
    return actions


def loan_out(loan: Loan, user: Any) -> dict[str, Any]:
    enrolment = selectors.enrolment_of(loan)
    return {
        **loan_line(loan), "requested_months": loan.requested_months, "purpose": loan.purpose,
        "collateral": [a.pk for a in selectors.collateral_of(loan)], "valuation_id": loan.valuation_id,
        "annual_percent": loan.annual_percent, "months": loan.months, "method": loan.method,
        "ltv_percent": loan.ltv_percent, "penalty_percent": loan.penalty_percent,
        "default_after_days": loan.default_after_days, "decline_reason": loan.decline_reason,
        "pledge_number": loan.pledge_number, "disbursed_at": loan.disbursed_at,
        "outstanding": selectors.outstanding(loan),
        "instalments": [{"number": i.number, "due_on": i.due_on, "principal": i.principal, "interest": i.interest,
                         "penalty": i.penalty, "balance": i.balance, "status": i.status, "paid_at": i.paid_at}
                        for i in selectors.instalments_of(loan)],
        "enrolment": None if enrolment is None else {
            "pool_id": enrolment.pool_id, "pool": enrolment.pool.name, "covered": enrolment.covered,
            "status": enrolment.status, "loss": enrolment.loss,
            "shares": {k: str(v) for k, v in enrolment.shares.items()}, "recovered": enrolment.recovered},
        "allowed_actions": loan_actions(loan, user), "history": history_rows(loan_history(loan))}


def _read(request: HttpRequest, loan_id: int) -> dict[str, Any]:
    user = api_user(request)
    return loan_out(selectors.loan_for(user, loan_id), user)


def _visible(request: HttpRequest, loan_id: int) -> Any:
    user = api_user(request)
    selectors.loan_for(user, loan_id)
    return user


@router.get("/finance/loans", response={200: Page[LoanLineOut], **ERRORS}, auth=user_auth,
            summary="Loans the caller's organisations borrowed or made (operators: all)",
            description="`show`: borrowed, lent, overdue (lent, an instalment overdue) or pledges_to_check "
                        "(operators' queue).")
def loan_list(request: HttpRequest, show: Annotated[str, OneOf(("all", *LIST_FILTERS))] = "all",
              page: PageNumber = 1, size: PageSize = 20) -> dict[str, Any]:
    user = api_user(request)
    rows = {"borrowed": lambda: selectors.loans_borrowed(user), "lent": lambda: selectors.loans_made(user),
            "overdue": lambda: selectors.overdue_loans(selectors.visible_loans(user)),
            "pledges_to_check": lambda: selectors.pledges_to_check(user)}.get(
        show, lambda: selectors.visible_loans(user))()
    return page_of(rows.order_by("-pk"), page, size, loan_line)


@router.post("/finance/loans", response={201: LoanOut, **ERRORS}, auth=user_auth,
             summary="Apply to a bank for a loan against the pledge of the organisation's IP rights")
def loan_apply(request: HttpRequest, payload: LoanIn) -> Status[Any]:
    user = api_user(request)
    loan = services.loan_apply(actor=user, borrower_id=payload.borrower_id, bank_id=payload.bank_id,
                               asset_ids=payload.asset_ids, amount_asked=payload.amount, months=payload.months,
                               purpose=payload.purpose, valuation_id=payload.valuation_id, currency=payload.currency)
    return Status(201, loan_out(loan, user))


@router.get("/finance/loans/{loan_id}", response={200: LoanOut, **ERRORS}, auth=user_auth,
            summary="A loan with its schedule, pool cover and history")
def loan_detail(request: HttpRequest, loan_id: Id) -> dict[str, Any]:
    return _read(request, loan_id)


class LoanValuationIn(InputSchema):
    valuation_id: Id = Field(json_schema_extra=rule("A signed-off valuation the borrower asked for, covering every "
                                                    "pledged right, in the loan's currency."))


@router.post("/finance/loans/{loan_id}/valuation", response={200: LoanOut, **ERRORS}, auth=user_auth,
             summary="Attach (or replace) the signed-off valuation the bank is to offer on")
def loan_valuation(request: HttpRequest, loan_id: Id, payload: LoanValuationIn) -> dict[str, Any]:
    services.loan_attach_valuation(actor=_visible(request, loan_id), loan_id=loan_id,
                                   valuation_id=payload.valuation_id)
    return _read(request, loan_id)


@router.post("/finance/loans/{loan_id}/offer", response={200: LoanOut, **ERRORS}, auth=user_auth,
             summary="Offer the loan (the bank's administrators or signatories)",
             description="On a signed-off valuation (409 without one); at most the loan-to-value ratio × its value.")
def loan_offer(request: HttpRequest, loan_id: Id, payload: LoanOfferIn) -> dict[str, Any]:
    services.loan_offer(actor=_visible(request, loan_id), loan_id=loan_id, amount_offered=payload.amount,
                        annual_percent=payload.annual_percent, months=payload.months, method=payload.method,
                        ltv_percent=payload.ltv_percent, penalty_percent=payload.penalty_percent,
                        default_after_days=payload.default_after_days)
    return _read(request, loan_id)


@router.post("/finance/loans/{loan_id}/decline", response={200: LoanOut, **ERRORS}, auth=user_auth,
             summary="Decline the application with a reason (the bank)")
def loan_decline(request: HttpRequest, loan_id: Id, payload: LoanReasonIn) -> dict[str, Any]:
    services.loan_decline(actor=_visible(request, loan_id), loan_id=loan_id, reason=payload.reason)
    return _read(request, loan_id)


@router.post("/finance/loans/{loan_id}/accept", response={200: LoanOut, **ERRORS}, auth=user_auth,
             summary="Accept the bank's offer (the borrower's administrators or signatories)")
def loan_accept(request: HttpRequest, loan_id: Id) -> dict[str, Any]:
    services.loan_accept(actor=_visible(request, loan_id), loan_id=loan_id)
    return _read(request, loan_id)


@router.post("/finance/loans/{loan_id}/withdraw", response={200: LoanOut, **ERRORS}, auth=user_auth,
             summary="Withdraw the application or decline the offer (the borrower)")
def loan_withdraw(request: HttpRequest, loan_id: Id) -> dict[str, Any]:
    withdrawals.loan_withdraw(actor=_visible(request, loan_id), loan_id=loan_id)
    return _read(request, loan_id)


@router.post("/finance/loans/{loan_id}/pledge", response={200: LoanOut, **ERRORS}, auth=user_auth,
             summary="Enter the pledge's registration number (the borrower)")
def loan_pledge(request: HttpRequest, loan_id: Id, payload: PledgeIn) -> dict[str, Any]:
    services.loan_submit_pledge(actor=_visible(request, loan_id), loan_id=loan_id, number=payload.pledge_number)
    return _read(request, loan_id)


@router.post("/finance/loans/{loan_id}/pledge-check", response={200: LoanOut, **ERRORS}, auth=user_auth,
             summary="Check the pledge registration (operators)",
             description="Approving pays the loan out from the bank's balance (409 when short) and fixes the "
                         "schedule; returning sends it back to the borrower with a note.")
def loan_pledge_check(request: HttpRequest, loan_id: Id, payload: CheckIn) -> dict[str, Any]:
    services.loan_check_pledge(operator=_visible(request, loan_id), loan_id=loan_id, approve=payload.approve,
                               note=payload.note)
    return _read(request, loan_id)


@router.post("/finance/loans/{loan_id}/pay", response={200: LoanOut, **ERRORS}, auth=user_auth,
             summary="Pay the earliest unpaid instalment, with its penalty, from the borrower's balance",
             description="Needs an `Idempotency-Key` header: a retry with the same key pays once.")
def loan_pay(request: HttpRequest, loan_id: Id, idempotency_key: IdempotencyKey) -> dict[str, Any]:
    services.instalment_pay(actor=_visible(request, loan_id), loan_id=loan_id, key=idempotency_key.strip())
    return _read(request, loan_id)


@router.post("/finance/loans/{loan_id}/enrol", response={200: LoanOut, **ERRORS}, auth=user_auth,
             summary="Enrol the loan in a risk-compensation pool (the bank's administrators or signatories)")
def loan_enrol(request: HttpRequest, loan_id: Id, payload: EnrolIn) -> dict[str, Any]:
    pools.loan_enrol(actor=_visible(request, loan_id), loan_id=loan_id, pool_id=payload.pool_id)
    return _read(request, loan_id)


@router.post("/finance/loans/{loan_id}/recoveries", response={200: LoanOut, **ERRORS}, auth=user_auth,
             summary="Record money recovered on a compensated loan; the fund and insurer get their share back",
             description="Needs an `Idempotency-Key` header: a retry with the same key records the recovery once; "
                         "the same key with another amount gets 409.")
def loan_recover(request: HttpRequest, loan_id: Id, payload: RecoveryIn,
                 idempotency_key: IdempotencyKey) -> Status[Any]:
    actor = _visible(request, loan_id)

    def run() -> tuple[int, dict[str, Any]]:
        pools.enrolment_recover(actor=actor, loan_id=loan_id, recovered=payload.amount)
        return 200, _read(request, loan_id)

    return Status(*idempotent(request, run))


@router.post("/finance/loans/{loan_id}/prepay", response={200: LoanOut, **ERRORS}, auth=user_auth,
             summary="Repay principal early, in part or in full, with its interest since the last due date",
             description="The rest of the schedule is made again over the same due dates; everything repaid "
                         "releases the pledge. 409 while an instalment is overdue. Needs an `Idempotency-Key` "
                         "header: a retry with the same key repays once; the same key with another amount gets "
                         "409.")
def loan_prepay(request: HttpRequest, loan_id: Id, payload: PrepaymentIn,
                idempotency_key: IdempotencyKey) -> Status[Any]:
    actor = _visible(request, loan_id)

    def run() -> tuple[int, dict[str, Any]]:
        prepayment.loan_prepay(actor=actor, loan_id=loan_id, amount=payload.amount, key=idempotency_key.strip())
        return 200, _read(request, loan_id)

    return Status(*idempotent(request, run))
