"""The securitisation API's shapes. Names carry ``Abs`` so they stay unique among every
router's schemas (the OpenAPI document has one namespace)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from ninja import Schema
from pydantic import Field

from ipx.core.api.types import CurrencyCode, InputSchema, OneOf, rule
from ipx.finance.models import Receivable, Tranche, TriggerTerm

Amount = Annotated[str, Field(max_length=30, json_schema_extra=rule(
    "An amount above 0 and at most 10^12, with at most the currency's decimals."))]
OptionalAmount = Annotated[str, Field(max_length=30, json_schema_extra=rule(
    "An amount from 0, with at most the currency's decimals."))]
Percent = Annotated[str, Field(max_length=20, json_schema_extra=rule("A percentage, at most two decimals."))]
RowName = Annotated[str, Field(max_length=60, json_schema_extra=rule(
    "Required text, at most 60 characters; unique in the product."))]
Day = Annotated[str, Field(max_length=20, json_schema_extra=rule("A day, 2026-03-31."))]


class AbsPartyOut(Schema):
    id: int
    name: str


class AbsInstalmentOut(Schema):
    id: int
    due_on: date
    amount: Decimal
    paid_amount: Decimal


class AbsReceivableOut(Schema):
    id: int
    originator: AbsPartyOut
    payer_id: int | None
    payer_name: str
    source: str = Field(description="deal (a licence deal on the exchange) or contract (off-platform).")
    deal_id: int | None
    contract_reference: str
    has_contract_document: bool
    description: str
    currency: str
    status: str = Field(description="current, late, defaulted or paid.")
    instalments: list[AbsInstalmentOut]
    pooled_in: int | None = Field(description="The securitisation whose live pool holds it.")


class AbsInstalmentIn(InputSchema):
    due_on: Day
    amount: Amount


class AbsMarkIn(InputSchema):
    status: Annotated[str, OneOf(Receivable.Status.values)]
    note: str = Field("", max_length=2000)


class AbsProductIn(InputSchema):
    originator_id: int = Field(ge=1, le=2**53, json_schema_extra=rule(
        "A verified organisation whose administrator or signatory the caller is."))
    name: str = Field(max_length=200, json_schema_extra=rule("Required text, at most 200 characters."))
    trustee_id: int = Field(ge=1, le=2**53, json_schema_extra=rule("A verified organisation, not the originator."))
    servicer_id: int = Field(ge=1, le=2**53, json_schema_extra=rule("A verified organisation."))
    cut_off: Day
    currency: CurrencyCode = "CNY"
    periods_per_year: int = Field(4, ge=1, le=12, json_schema_extra=rule("1, 2, 4 or 12."))
    concentration_percent: Percent = "25"


class AbsTrancheIn(InputSchema):
    name: RowName
    seniority: Annotated[str, OneOf(Tranche.Seniority.values)]
    size: Amount
    coupon_percent: Percent
    legal_maturity: Day
    priority: int = Field(ge=1, le=10)


class AbsFeeIn(InputSchema):
    name: RowName
    payee_id: int = Field(ge=1, le=2**53, json_schema_extra=rule("A verified organisation."))
    amount: OptionalAmount = "0"
    rate_percent: Percent = "0"


class AbsTriggerIn(InputSchema):
    name: RowName
    metric: Annotated[str, OneOf(TriggerTerm.Metric.values)]
    threshold: str = Field(max_length=20, json_schema_extra=rule("A ratio above 0, 1.05 for 105 %."))
    action: Annotated[str, OneOf(TriggerTerm.Consequence.values)]


class AbsStructureIn(InputSchema):
    tranches: list[AbsTrancheIn] = Field(max_length=10, json_schema_extra=rule(
        "Summing to the pool's balance, a senior tranche first, priorities following seniority."))
    fees: list[AbsFeeIn] = Field(default_factory=list, max_length=10)
    triggers: list[AbsTriggerIn] = Field(default_factory=list, max_length=10)
    reserve_target: OptionalAmount = "0"
    tax_percent: Percent = "0"
    guarantor_id: int | None = Field(None, ge=1, le=2**53, json_schema_extra=rule(
        "A verified organisation other than the originator; with a guarantee_limit above 0."))
    guarantee_limit: OptionalAmount = "0"


class AbsPoolIn(InputSchema):
    receivable_ids: list[int] = Field(max_length=500, json_schema_extra=rule(
        "The originator's current receivables in the product's currency, in no other live pool; no payer above "
        "the concentration limit."))


class AbsSubscriptionIn(InputSchema):
    tranche_id: int = Field(ge=1, le=2**53, json_schema_extra=rule("A tranche of this product."))
    investor_id: int = Field(ge=1, le=2**53, json_schema_extra=rule(
        "A verified organisation whose administrator or signatory the caller is."))
    amount: Amount


class AbsCollectionIn(InputSchema):
    instalment_id: int = Field(ge=1, le=2**53, json_schema_extra=rule(
        "An instalment of the pool, listed once, amount no more than is outstanding on it."))
    amount: Amount


class AbsCollectionsIn(InputSchema):
    number: int = Field(ge=1, le=600, json_schema_extra=rule("The next period: one after the last one run."))
    collections: list[AbsCollectionIn] = Field(default_factory=list, max_length=2000)


class AbsTrancheOut(Schema):
    id: int
    name: str
    seniority: str
    size: Decimal
    coupon_percent: Decimal
    legal_maturity: date
    priority: int
    balance: Decimal
    interest_shortfall: Decimal


class AbsHoldingOut(Schema):
    id: int
    tranche_id: int
    investor: AbsPartyOut
    amount: Decimal
    paid_at: datetime | None


class AbsFeeOut(Schema):
    name: str
    payee_id: int
    amount: Decimal
    rate_percent: Decimal


class AbsTriggerOut(Schema):
    name: str
    metric: str
    threshold: Decimal
    action: str


class AbsProductOut(Schema):
    id: int
    name: str
    status: str = Field(description="draft, pooled, structured, issued, servicing, retired or cancelled.")
    originator: AbsPartyOut
    trustee: AbsPartyOut
    servicer: AbsPartyOut
    guarantor: AbsPartyOut | None
    guarantee_limit: Decimal
    guarantor_paid: Decimal
    currency: str
    cut_off: date
    periods_per_year: int
    concentration_percent: Decimal
    reserve_target: Decimal
    tax_percent: Decimal
    sequential: bool
    accelerated: bool
    pool_balance: Decimal | None = Field(description="At the cut-off; for the parties and operators.")
    tranches: list[AbsTrancheOut] = Field(description="An investor sees only the tranches it holds.")
    holdings: list[AbsHoldingOut] = Field(description="An investor sees only its own.")
    fees: list[AbsFeeOut]
    triggers: list[AbsTriggerOut]
    actions: list[str] = Field(description="The caller's steps now.")


class AbsPaymentOut(Schema):
    position: int
    action: str
    source: str
    target: str
    amount: Decimal
    note: str
    tranche_id: int | None


class AbsPeriodOut(Schema):
    number: int
    starts_on: date
    ends_on: date
    collections: Decimal
    ran_at: datetime | None
    pool_balance_after: Decimal | None
    reserve_after: Decimal | None
    coverage: dict[str, str]
    breached: list[str]
    shortfalls: dict[str, str]
    payments: list[AbsPaymentOut] = Field(description="An investor sees the payments to its own tranches.")


class AbsBondScheduleOut(Schema):
    name: str
    seniority: str
    balance: Decimal = Field(description="At the start of the projection.")
    interest: list[Decimal] = Field(description="By period, the first projected period first.")
    principal: list[Decimal]
    wal_years: Decimal | None = Field(description="Weighted average life; null when no principal comes back.")
    loss: Decimal = Field(description="Principal still unpaid after the last period.")
    yield_percent: Decimal | None = Field(description="Annualised; null when the payments give no rate.")


class AbsProjectedPeriodOut(Schema):
    number: int = Field(description="The product's period number.")
    scheduled: Decimal
    prepaid: Decimal
    defaulted: Decimal
    recovered: Decimal
    collections: Decimal
    pool_balance_after: Decimal
    coverage: dict[str, Decimal]
    breached: list[str]


class AbsSensitivityOut(Schema):
    default_percent: Decimal
    prepayment_percent: Decimal
    senior_loss: Decimal
    senior_wal_years: Decimal | None
    senior_yield_percent: Decimal | None


class AbsProjectionOut(Schema):
    periods: list[AbsProjectedPeriodOut]
    bonds: list[AbsBondScheduleOut]
    sensitivity: list[AbsSensitivityOut] = Field(description="The senior notes at other default and prepayment "
                                                             "rates, the rest of the scenario unchanged.")
