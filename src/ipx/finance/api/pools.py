"""Risk-compensation pools in the API: a government sponsor sets one up and admits banks and
enterprises; its dashboard (size, leverage, capacity used and left, loans covered, defaults,
compensation paid, recoveries) is read by the sponsor, the members, the insurer and operators."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Schema, Status
from pydantic import Field

from ipx.accounts.api_auth import api_user, user_auth
from ipx.core.api.schemas import ERRORS, Id, Page, PageNumber, PageSize, page_of
from ipx.core.api.types import InputSchema, rule
from ipx.finance import selectors
from ipx.finance.api.router import router
from ipx.finance.api.schemas import Money, Percent, Text
from ipx.finance.api.valuations import FinancePartyOut
from ipx.finance.models import Pool
from ipx.finance.services import pools as services


class PoolLineOut(Schema):
    id: int
    name: str
    region: str
    sponsor: FinancePartyOut
    currency: str
    fund_size: Decimal
    leverage: Decimal
    starts_on: date
    ends_on: date


class PoolFiguresOut(Schema):
    capacity: Decimal = Field(description="Fund size × leverage.")
    used: Decimal
    left: Decimal
    used_percent: Decimal
    members: int
    banks: int
    enterprises: int
    loans_covered: int
    loans_ever: int
    repaid: int
    defaults: int
    losses: Decimal
    compensation_paid: Decimal
    fund_paid: Decimal
    insurer_paid: Decimal
    recovered: Decimal
    returned: Decimal


class PoolMemberOut(Schema):
    id: int
    name: str
    kind: str


class CoveredLoanOut(Schema):
    loan_id: int
    borrower: str
    bank: str
    covered: Decimal
    status: str
    loss: Decimal | None


class PoolOut(PoolLineOut):
    fund_percent: Decimal
    bank_percent: Decimal
    insurer_percent: Decimal
    appraiser_percent: Decimal
    insurer: FinancePartyOut | None
    cap_per_loan: Decimal
    figures: PoolFiguresOut
    members: list[PoolMemberOut]
    loans: list[CoveredLoanOut]
    allowed_actions: list[str] = Field(description="admit, for the sponsor's administrators or signatories.")


class PoolIn(InputSchema):
    sponsor_id: Id = Field(json_schema_extra=rule("A verified government body the caller commits."))
    name: Text
    region: Text
    fund_size: Money
    leverage: Percent
    starts_on: str = Field(max_length=30, json_schema_extra=rule("A date, before ends_on."))
    ends_on: str = Field(max_length=30, json_schema_extra=rule("A date, after starts_on."))
    fund_percent: Percent
    bank_percent: Percent
    insurer_percent: Percent = "0"
    appraiser_percent: Percent = "0"
    insurer_id: Id | None = Field(None, json_schema_extra=rule("A financial institution; needed for an insurer's "
                                                               "share."))
    cap_per_loan: Money


class AdmitIn(InputSchema):
    organisation_id: Id = Field(json_schema_extra=rule("A verified bank or enterprise."))


def pool_line(pool: Pool) -> dict[str, Any]:
    return {"id": pool.pk, "name": pool.name, "region": pool.region,
            "sponsor": {"id": pool.sponsor_id, "name": pool.sponsor.name}, "currency": pool.currency,
            "fund_size": pool.fund_size, "leverage": pool.leverage, "starts_on": pool.starts_on,
            "ends_on": pool.ends_on}


def pool_out(pool: Pool, user: Any) -> dict[str, Any]:
    figures = selectors.pool_figures(pool)
    return {
        **pool_line(pool), "fund_percent": pool.fund_percent, "bank_percent": pool.bank_percent,
        "insurer_percent": pool.insurer_percent, "appraiser_percent": pool.appraiser_percent,
        "insurer": None if pool.insurer is None else {"id": pool.insurer.pk, "name": pool.insurer.name},
        "cap_per_loan": pool.cap_per_loan,
        "figures": {**{f: getattr(figures, f) for f in PoolFiguresOut.model_fields}},
        "members": [{"id": m.organisation_id, "name": m.organisation.name, "kind": m.organisation.kind}
                    for m in selectors.pool_members(pool)],
        # The loans one by one, as far as the caller may see them (``selectors.pool_enrolments``).
        "loans": [{"loan_id": e.loan_id, "borrower": e.loan.borrower.name, "bank": e.loan.bank.name,
                   "covered": e.covered, "status": e.status, "loss": e.loss}
                  for e in selectors.pool_enrolments(pool, user)],
        "allowed_actions": ["admit"] if selectors.may_admit(pool, user) else []}


@router.get("/finance/pools", response={200: Page[PoolLineOut], **ERRORS}, auth=user_auth,
            summary="Pools the caller's organisations sponsor, belong to or insure (operators: all)")
def pool_list(request: HttpRequest, page: PageNumber = 1, size: PageSize = 20) -> dict[str, Any]:
    return page_of(selectors.visible_pools(api_user(request)).order_by("-pk"), page, size, pool_line)


@router.post("/finance/pools", response={201: PoolOut, **ERRORS}, auth=user_auth,
             summary="Set up a risk-compensation pool (a government body's administrators or signatories)",
             description="The shares of the fund, the bank, the insurer and the appraiser add up to 100.")
def pool_create(request: HttpRequest, payload: PoolIn) -> Status[Any]:
    user = api_user(request)
    values = payload.dict()
    pool = services.pool_create(actor=user, sponsor_id=values.pop("sponsor_id"), values=values)
    return Status(201, pool_out(pool, user))


@router.get("/finance/pools/{pool_id}", response={200: PoolOut, **ERRORS}, auth=user_auth,
            summary="A pool's dashboard: size, leverage, capacity, loans covered, defaults, compensation paid")
def pool_detail(request: HttpRequest, pool_id: Id) -> dict[str, Any]:
    user = api_user(request)
    return pool_out(selectors.pool_for(user, pool_id), user)


@router.post("/finance/pools/{pool_id}/members", response={200: PoolOut, **ERRORS}, auth=user_auth,
             summary="Admit a bank or an enterprise to the pool (the sponsor)")
def pool_admit(request: HttpRequest, pool_id: Id, payload: AdmitIn) -> dict[str, Any]:
    user = api_user(request)
    selectors.pool_for(user, pool_id)
    services.pool_admit(actor=user, pool_id=pool_id, organisation_id=payload.organisation_id)
    return pool_out(selectors.pool_for(user, pool_id), user)
