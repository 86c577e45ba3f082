"""The ledger in the API: balances and statements to read, deposits and payouts to request."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import HeaderEx, P, Query, Router, Schema, Status
from pydantic import Field

from ipx.accounts.api_auth import api_user, user_auth
from ipx.accounts.mfa.stepup import StepUpCode, may_commit, step_up_api
from ipx.core.api.schemas import ERRORS, Id, Page, PageNumber, PageSize, page_of
from ipx.core.api.types import IDEMPOTENCY_KEY, Amount, Day, InputSchema, choice, pattern, rule, stated
from ipx.core.errors import PermissionDenied
from ipx.core.money import Currency
from ipx.ledger import selectors, services
from ipx.ledger.idempotency import HEADER, idempotent, provider_reference_for
from ipx.ledger.models import LedgerAccount, LedgerTransaction, Payout

router = Router(tags=["ledger"])
# A day the statement may be bounded by; no bound when left out.
ANY_DAY = Query(None)
DayUntil = Annotated[Day, Field(json_schema_extra=rule("Not before date_from."))]

IDEMPOTENCY = (
    "Moves money, so it needs an `Idempotency-Key` header: any text unique to this request, at "
    "most 100 characters (a UUID will do). If the answer does not arrive, send the same request "
    "with the same key again: the first answer is returned and no money moves twice. The same "
    "key with a different request is refused with 409 `idempotency_key_reused`; refusals (4xx) "
    "are not remembered, so a corrected request may reuse its key."
)
IdempotencyKey = HeaderEx[str, P(alias=HEADER, pattern=IDEMPOTENCY_KEY,
                                 description="A key unique to this request; the same key when retrying it.")]


class BalanceOut(Schema):
    currency: str
    available: Decimal = Field(description="Money the organisation may spend or pay out.")
    escrow: Decimal = Field(description="Money held in escrow for its deals, not yet released or refunded.")
    total: Decimal


class BalancesOut(Schema):
    organisation_id: int
    balances: list[BalanceOut]


class StatementLineOut(Schema):
    posting_id: int
    transaction_id: int
    created_at: datetime
    kind: str = Field(description="deposit, payout, escrow_hold, escrow_release, escrow_refund or fee.")
    description: str = Field(description="What the transaction was for, in the request's language.")
    memo: str = Field(description="Text stored with the transaction (e.g. the masked bank account of a payout).")
    reference: str = Field(description="What the money moved for, e.g. deal:12:m1.")
    provider_reference: str
    account_kind: str = Field(description="available or escrow.")
    account_reference: str
    currency: str
    amount: Decimal = Field(description="Signed: positive is money into the account.")
    balance: Decimal = Field(description="The account's balance after this line.")


class DepositIn(InputSchema):
    amount: Amount = Field(examples=["250000.00"])
    currency: Annotated[str, Field(max_length=10), stated(choice(Currency))] = Field(examples=["CNY"])


class DepositOut(Schema):
    transaction_id: int
    organisation_id: int
    amount: Decimal
    currency: str
    provider_reference: str
    created_at: datetime


class PayoutIn(DepositIn):
    bank_account: Annotated[str, Field(max_length=64), stated(pattern(
        r"^[0-9A-Za-z][0-9A-Za-z \-]{6,62}[0-9A-Za-z]$", rule="8 to 30 digits (not one digit repeated), or an IBAN "
        "with its check digits; spaces and hyphens between groups are ignored."))] = Field(
        description="Account number (8 to 30 digits) or IBAN.")


class PayoutOut(Schema):
    id: int
    transaction_id: int
    organisation_id: int
    amount: Decimal
    currency: str
    bank_account: str = Field(description="The account paid to, all but its last four characters hidden.")
    provider_reference: str
    created_at: datetime


class PlatformTotalOut(Schema):
    currency: str
    deposited: Decimal
    paid_out: Decimal
    held: Decimal
    available: Decimal
    escrow: Decimal
    fee_income: Decimal


class LedgerHealthOut(Schema):
    transactions: int
    postings: int
    ok: bool
    problems: list[str]
    totals: list[PlatformTotalOut]


def _deposit_out(entry: LedgerTransaction, organisation_id: int) -> DepositOut:
    credit = next(p for p in entry.postings.select_related("account") if p.account.kind == LedgerAccount.Kind.AVAILABLE)
    return DepositOut(transaction_id=entry.pk, organisation_id=organisation_id, amount=credit.amount,
                      currency=credit.currency, provider_reference=entry.provider_reference,
                      created_at=entry.created_at)


def _payout_out(payout: Payout) -> PayoutOut:
    return PayoutOut(id=payout.pk, transaction_id=payout.transaction_id, organisation_id=payout.organisation_id,
                     amount=payout.amount, currency=payout.currency,
                     bank_account=payout.bank_account,
                     provider_reference=payout.provider_reference, created_at=payout.created_at)


@router.get("/organisations/{organisation_id}/balances", response={200: BalancesOut, **ERRORS}, auth=user_auth,
            summary="An organisation's balances per currency (members and operators)")
def balances(request: HttpRequest, organisation_id: Id) -> dict[str, Any]:
    organisation = selectors.access_ledger(api_user(request), organisation_id)
    return {"organisation_id": organisation.pk, "balances": [
        {"currency": b.currency, "available": b.available, "escrow": b.escrow, "total": b.total}
        for b in selectors.balances_of(organisation.pk)]}


@router.get("/organisations/{organisation_id}/statement", response={200: Page[StatementLineOut], **ERRORS},
            auth=user_auth, summary="An organisation's ledger statement (members and operators)",
            description="Every posting to the organisation's accounts, oldest first, with the account's running "
                        "balance. `date_from` and `date_to` (inclusive, exchange time) and `currency` narrow it.")
def statement(request: HttpRequest, organisation_id: Id, date_from: Day = ANY_DAY, date_to: DayUntil = ANY_DAY,
              currency: str = Query("", description="a currency code, in any case"), page: PageNumber = 1,
              size: PageSize = 20) -> dict[str, Any]:
    organisation = selectors.access_ledger(api_user(request), organisation_id)
    lines = selectors.Statement(organisation.pk, date_from=date_from, date_to=date_to, currency=currency[:10])
    return page_of(lines, page, size)


@router.post("/organisations/{organisation_id}/deposits", response={201: DepositOut, **ERRORS}, auth=user_auth,
             summary="Pay money in through the payment provider (members)",
             description="The payment provider collects the amount; once it confirms, the organisation's available "
                         "balance rises by it. " + IDEMPOTENCY)
def deposit(request: HttpRequest, organisation_id: Id, payload: DepositIn,
            idempotency_key: IdempotencyKey) -> Status[Any]:
    user = api_user(request)

    def run() -> tuple[int, DepositOut]:
        entry = services.deposit_create(organisation_id=organisation_id, actor=user, amount=payload.amount,
                                        currency=payload.currency,
                                        reference=provider_reference_for(request, "deposit"))
        return 201, _deposit_out(entry, organisation_id)

    return Status(*idempotent(request, run))


@router.post("/organisations/{organisation_id}/payouts", response={201: PayoutOut, **ERRORS}, auth=user_auth,
             summary="Pay money out to a bank account (administrators)",
             description="Takes the amount from the organisation's available balance (409 `insufficient_funds` "
                         "when it is short) and has the payment provider send it to the bank account. Only "
                         "administrators of the organisation may. " + IDEMPOTENCY)
def payout(request: HttpRequest, organisation_id: Id, payload: PayoutIn,
           idempotency_key: IdempotencyKey, otp: StepUpCode = None) -> Status[Any]:
    user = api_user(request)
    step_up_api(user, otp, applies=may_commit(user, organisation_id))

    def run() -> tuple[int, PayoutOut]:
        sent = services.payout_create(organisation_id=organisation_id, actor=user, amount=payload.amount,
                                      currency=payload.currency, bank_account=payload.bank_account,
                                      reference=provider_reference_for(request, "payout"))
        return 201, _payout_out(sent)

    return Status(*idempotent(request, run))


@router.get("/ledger/health", response={200: LedgerHealthOut, **ERRORS}, auth=user_auth,
            summary="The platform's totals per currency and the ledger's consistency check (operators)")
def health(request: HttpRequest) -> dict[str, Any]:
    if not api_user(request).is_operator:
        raise PermissionDenied(_("Only operators see the platform's totals."))
    report = selectors.ledger_check()
    return {"transactions": report.transactions, "postings": report.postings, "ok": report.ok,
            "problems": report.problems, "totals": selectors.platform_totals()}
