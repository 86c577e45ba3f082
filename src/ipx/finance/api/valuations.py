"""Valuations in the API: the requester asks and may withdraw; the appraiser accepts or
declines, records the income, cost and market approaches and signs off. Read by the
requester, the appraiser, a bank lending on it and operators (404 to anyone else)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Schema, Status
from pydantic import Field

from ipx.accounts.api_auth import api_user, user_auth
from ipx.core.api.schemas import ERRORS, Id, Page, PageNumber, PageSize, page_of
from ipx.core.api.types import CurrencyCode, InputSchema, rule
from ipx.core.errors import ValidationFailed
from ipx.finance import selectors
from ipx.finance.api.router import router
from ipx.finance.api.schemas import HistoryOut, Money, Percent, Text
from ipx.finance.history import valuation_history
from ipx.finance.models import Valuation
from ipx.finance.report import valuation_report_response
from ipx.finance.services import valuations as services
from ipx.finance.workflow import VALUATION
from ipx.finance.worksheet import worksheet


class FinancePartyOut(Schema):
    id: int
    name: str


class IncomeYearOut(Schema):
    year: int
    revenue: Decimal
    share: Decimal = Field(description="The part of the year inside the useful life.")
    royalty: Decimal
    after_tax: Decimal
    discount_factor: Decimal
    present_value: Decimal


class IncomeOut(Schema):
    royalty_percent: Decimal
    tax_percent: Decimal
    discount_percent: Decimal
    legal_term_years: Decimal | None = Field(description="The rights' remaining legal term, capping the useful life.")
    useful_life_years: Decimal
    years: list[IncomeYearOut]
    value: Decimal
    sensitivity_royalty_percents: list[Decimal]
    sensitivity_discount_percents: list[Decimal]
    sensitivity: list[list[Decimal]] = Field(description="The value by royalty rate (rows) and discount rate.")


class CostOut(Schema):
    reproduction_cost: Decimal
    functional_percent: Decimal
    economic_percent: Decimal
    functional_loss: Decimal
    economic_loss: Decimal
    value: Decimal


class ComparableOut(Schema):
    deal_id: int
    price: Decimal
    adjustment_percent: Decimal
    adjusted: Decimal


class MarketOut(Schema):
    comparables: list[ComparableOut]
    enough: bool = Field(description="False when there are too few comparable deals to conclude.")
    value: Decimal | None
    low: Decimal | None
    high: Decimal | None


class ValuationOut(Schema):
    id: int
    status: str = Field(description="requested, in_progress, signed_off, declined or withdrawn.")
    requester: FinancePartyOut
    appraiser: FinancePartyOut
    asset_ids: list[int]
    purpose: str
    currency: str
    valuation_date: date
    income: IncomeOut | None
    cost: CostOut | None
    market: MarketOut | None
    value: Decimal | None = Field(description="The concluding value, once signed off.")
    low: Decimal | None
    high: Decimal | None
    reasoning: str
    signed_off_at: datetime | None
    allowed_actions: list[str] = Field(description="The caller's steps now: accept, decline, record, sign_off, "
                                                   "withdraw.")
    history: list[HistoryOut]


class ValuationLineOut(Schema):
    id: int
    status: str
    requester: FinancePartyOut
    appraiser: FinancePartyOut
    purpose: str
    currency: str
    value: Decimal | None


class ComparableDealOut(Schema):
    deal_id: int
    price: Decimal
    currency: str
    created_at: datetime


class ValuationIn(InputSchema):
    requester_id: Id = Field(json_schema_extra=rule("One of the caller's verified organisations."))
    appraiser_id: Id = Field(json_schema_extra=rule("A verified IP service agency, not the requester."))
    asset_ids: list[Id] = Field(min_length=1, max_length=50,
                                json_schema_extra=rule("The requester's own IP rights."))
    purpose: Text
    currency: CurrencyCode = "CNY"


class ValuationReasonIn(InputSchema):
    reason: Text


class IncomeIn(InputSchema):
    revenues: list[Money] = Field(min_length=1, max_length=30, json_schema_extra=rule(
        "One revenue a year from the valuation date, 0 or more, in the valuation's currency."))
    royalty_percent: Percent
    tax_percent: Percent
    discount_percent: Percent


class CostIn(InputSchema):
    reproduction_cost: Money
    functional_percent: Percent
    economic_percent: Percent


class AdjustmentIn(InputSchema):
    deal_id: Id = Field(json_schema_extra=rule("A comparable concluded deal (see the comparables)."))
    adjustment_percent: Percent


class MarketIn(InputSchema):
    comparables: list[AdjustmentIn] = Field(max_length=50, json_schema_extra=rule(
        "Comparable concluded deals, each once; fewer than three conclude no value."))


class SignOffIn(InputSchema):
    value: Money
    low: Money | None = Field(None, json_schema_extra=rule("Both ends of the range or neither; low ≤ value ≤ high."))
    high: Money | None = Field(None, json_schema_extra=rule("Both ends of the range or neither; low ≤ value ≤ high."))
    reasoning: Text


def _party(organisation: Any) -> dict[str, Any]:
    return {"id": organisation.pk, "name": organisation.name}


def valuation_line(v: Valuation) -> dict[str, Any]:
    return {"id": v.pk, "status": v.status, "requester": _party(v.requester), "appraiser": _party(v.appraiser),
            "purpose": v.purpose, "currency": v.currency, "value": v.concluded_value}


def history_rows(entries: list[Any]) -> list[dict[str, Any]]:
    return [{"when": e.when, "from_status": e.from_label, "to_status": e.to_label, "actor": e.actor,
             "text": e.text} for e in entries]


def _income(sheet: Any) -> dict[str, Any] | None:
    income = sheet.income
    if income is None:
        return None
    grid = sheet.sensitivity
    return {"royalty_percent": income.royalty_percent, "tax_percent": income.tax_percent,
            "discount_percent": income.discount_percent, "legal_term_years": sheet.legal_term_years,
            "useful_life_years": income.useful_life_years, "value": income.value,
            "years": [asdict(y) for y in income.years],
            "sensitivity_royalty_percents": grid.royalty_percents,
            "sensitivity_discount_percents": grid.discount_percents,
            "sensitivity": [values for _royalty, values in grid.rows]}


def valuation_out(v: Valuation, user: Any) -> dict[str, Any]:
    sheet = worksheet(v)
    cost = sheet.cost
    market = sheet.market
    return {
        **valuation_line(v), "asset_ids": sorted(v.assets.values_list("pk", flat=True)),
        "valuation_date": v.valuation_date, "income": _income(sheet),
        "cost": None if cost is None else asdict(cost),
        "market": None if market is None else {
            "comparables": [{"deal_id": int(c.reference), "price": c.price, "adjustment_percent": c.adjustment_percent,
                             "adjusted": c.adjusted} for c in market.comparables],
            "enough": market.enough, "value": market.value, "low": market.low, "high": market.high},
        "low": v.concluded_low, "high": v.concluded_high, "reasoning": v.reasoning,
        "signed_off_at": v.signed_off_at, "allowed_actions": VALUATION.allowed_actions(v, user),
        "history": history_rows(valuation_history(v))}


def _read(request: HttpRequest, valuation_id: int) -> dict[str, Any]:
    user = api_user(request)
    return valuation_out(selectors.valuation_for(user, valuation_id), user)


def _visible(request: HttpRequest, valuation_id: int) -> Any:
    user = api_user(request)
    selectors.valuation_for(user, valuation_id)
    return user


@router.get("/finance/valuations", response={200: Page[ValuationLineOut], **ERRORS}, auth=user_auth,
            summary="Valuations the caller's organisations asked for, make, or lend on (operators: all)")
def valuation_list(request: HttpRequest, page: PageNumber = 1, size: PageSize = 20) -> dict[str, Any]:
    return page_of(selectors.visible_valuations(api_user(request)).order_by("-pk"), page, size, valuation_line)


@router.post("/finance/valuations", response={201: ValuationOut, **ERRORS}, auth=user_auth,
             summary="Ask an appraiser to value one or more of the organisation's IP rights")
def valuation_request(request: HttpRequest, payload: ValuationIn) -> Status[Any]:
    user = api_user(request)
    v = services.valuation_request(actor=user, requester_id=payload.requester_id, appraiser_id=payload.appraiser_id,
                                   asset_ids=payload.asset_ids, purpose=payload.purpose, currency=payload.currency)
    return Status(201, valuation_out(v, user))


@router.get("/finance/valuations/{valuation_id}", response={200: ValuationOut, **ERRORS}, auth=user_auth,
            summary="A valuation with every input, the year-by-year and sensitivity tables, and its history")
def valuation_detail(request: HttpRequest, valuation_id: Id) -> dict[str, Any]:
    return _read(request, valuation_id)


@router.get("/finance/valuations/{valuation_id}/comparables", response={200: list[ComparableDealOut], **ERRORS},
            auth=user_auth, summary="Concluded deals comparable for the market approach")
def valuation_comparables(request: HttpRequest, valuation_id: Id) -> list[dict[str, Any]]:
    v = selectors.valuation_appraised_by(api_user(request), valuation_id)
    return [{"deal_id": d.pk, "price": d.price_amount, "currency": d.currency, "created_at": d.created_at}
            for d in services.comparable_deals(v)]


@router.post("/finance/valuations/{valuation_id}/accept", response={200: ValuationOut, **ERRORS}, auth=user_auth,
             summary="Accept a valuation request (the appraiser's administrators or signatories)")
def valuation_accept(request: HttpRequest, valuation_id: Id) -> dict[str, Any]:
    services.valuation_accept(actor=_visible(request, valuation_id), valuation_id=valuation_id)
    return _read(request, valuation_id)


@router.post("/finance/valuations/{valuation_id}/decline", response={200: ValuationOut, **ERRORS}, auth=user_auth,
             summary="Decline a valuation request with a reason (the appraiser)")
def valuation_decline(request: HttpRequest, valuation_id: Id, payload: ValuationReasonIn) -> dict[str, Any]:
    services.valuation_decline(actor=_visible(request, valuation_id), valuation_id=valuation_id,
                               reason=payload.reason)
    return _read(request, valuation_id)


@router.post("/finance/valuations/{valuation_id}/withdraw", response={200: ValuationOut, **ERRORS},
             auth=user_auth, summary="Withdraw a valuation request before sign-off (the requester)")
def valuation_withdraw(request: HttpRequest, valuation_id: Id) -> dict[str, Any]:
    services.valuation_withdraw(actor=_visible(request, valuation_id), valuation_id=valuation_id)
    return _read(request, valuation_id)


@router.post("/finance/valuations/{valuation_id}/income", response={200: ValuationOut, **ERRORS}, auth=user_auth,
             summary="Record the income approach (relief from royalty)",
             description="The useful life is capped by the rights' remaining legal term; recording again replaces it.")
def valuation_income(request: HttpRequest, valuation_id: Id, payload: IncomeIn) -> dict[str, Any]:
    services.valuation_record_income(actor=_visible(request, valuation_id), valuation_id=valuation_id,
                                     values=payload.dict())
    return _read(request, valuation_id)


@router.post("/finance/valuations/{valuation_id}/cost", response={200: ValuationOut, **ERRORS}, auth=user_auth,
             summary="Record the cost approach")
def valuation_cost(request: HttpRequest, valuation_id: Id, payload: CostIn) -> dict[str, Any]:
    services.valuation_record_cost(actor=_visible(request, valuation_id), valuation_id=valuation_id,
                                   values=payload.dict())
    return _read(request, valuation_id)


@router.post("/finance/valuations/{valuation_id}/market", response={200: ValuationOut, **ERRORS}, auth=user_auth,
             summary="Record the market approach on comparable concluded deals")
def valuation_market(request: HttpRequest, valuation_id: Id, payload: MarketIn) -> dict[str, Any]:
    try:
        services.valuation_record_market(
            actor=_visible(request, valuation_id), valuation_id=valuation_id,
            adjustments={c.deal_id: c.adjustment_percent for c in payload.comparables})
    except ValidationFailed as exc:
        # The service names the adjustments; this body calls them comparables.
        raise ValidationFailed(exc.message, code=exc.code, fields={
            "comparables" if name == "adjustments" else name: text for name, text in exc.fields.items()}) from exc
    return _read(request, valuation_id)


@router.post("/finance/valuations/{valuation_id}/sign-off", response={200: ValuationOut, **ERRORS},
             auth=user_auth, summary="Sign off the concluding value or range (the appraiser's signatories)")
def valuation_sign_off(request: HttpRequest, valuation_id: Id, payload: SignOffIn) -> dict[str, Any]:
    services.valuation_sign_off(actor=_visible(request, valuation_id), valuation_id=valuation_id,
                                value=payload.value, low=payload.low, high=payload.high, reasoning=payload.reasoning)
    return _read(request, valuation_id)


@router.get("/finance/valuations/{valuation_id}/report", response=ERRORS, auth=user_auth,
            summary="The signed-off valuation's report (PDF, in Simplified, Traditional and English)",
            description="404 before sign-off, and to anyone who may not read the valuation.",
            openapi_extra={"responses": {200: {"description": "The report as PDF.", "content": {
                "application/pdf": {"schema": {"type": "string", "format": "binary"}}}}}})
def valuation_report(request: HttpRequest, valuation_id: Id) -> HttpResponse:
    return valuation_report_response(api_user(request), valuation_id, as_attachment=False)
