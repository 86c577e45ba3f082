"""IP securitisation in the API: the originator's receivables (from its licence deals or
off-platform contracts with their document), products (pool, structure, issue, cancel),
investors' subscriptions, the servicer's collections, the trustee's period runs and each run
period's investor report (PDF, or XLSX in the caller's language). Reads are scoped like the
pages: the parties and operators see a product whole, an investor its own tranches, holdings and
payments, anyone else nothing (404). Each write is one service."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from ninja import File, Form, HeaderEx, P, Router, Status, UploadedFile
from pydantic import Field

from ipx.accounts.api_auth import api_user, user_auth
from ipx.core.api.schemas import ERRORS, Id, Page, PageNumber, PageSize, page_of
from ipx.core.api.types import IDEMPOTENCY_KEY, UPLOAD_RULE, OneOf, form_rules
from ipx.core.errors import NotFound, ValidationFailed
from ipx.core.files import private_file_response
from ipx.finance.models import Product, Receivable
from ipx.finance.securitisation import selectors
from ipx.finance.securitisation.api_schemas import (
    AbsCollectionsIn,
    AbsMarkIn,
    AbsPeriodOut,
    AbsPoolIn,
    AbsProductIn,
    AbsProductOut,
    AbsProjectionOut,
    AbsReceivableOut,
    AbsStructureIn,
    AbsSubscriptionIn,
)
from ipx.finance.securitisation.inputs import (
    CollectionIn,
    CollectionsIn,
    FeeIn,
    InstalmentIn,
    ProductIn,
    ReceivableIn,
    StructureIn,
    TrancheIn,
    TriggerIn,
)
from ipx.finance.securitisation.projecting import project_product, read_scenario
from ipx.finance.securitisation.reports.access import report_response
from ipx.finance.securitisation.services import collections, issue, periods, pools, receivables, structure
from ipx.ledger.idempotency import HEADER

router = Router(tags=["securitisation"])
PREFIX = "/finance/securitisation"
IdempotencyKey = HeaderEx[str, P(alias=HEADER, pattern=IDEMPOTENCY_KEY,
                                 description="A key unique to this step; the same key when retrying it.")]
PeriodNumber = Annotated[int, Field(ge=1, le=600)]
ReportKind = Annotated[str, OneOf(("pdf", "xlsx"))]


def _party(organisation: Any) -> dict[str, Any] | None:
    return None if organisation is None else {"id": organisation.pk, "name": organisation.name}


def receivable_out(receivable: Receivable) -> dict[str, Any]:
    entry = receivables.live_entry(receivable)
    return {"id": receivable.pk, "originator": _party(receivable.originator), "payer_id": receivable.payer_id,
            "payer_name": receivable.payer_label, "source": receivable.source, "deal_id": receivable.deal_id,
            "contract_reference": receivable.contract_reference,
            "has_contract_document": hasattr(receivable, "contract"), "description": receivable.description,
            "currency": receivable.currency, "status": receivable.status,
            "instalments": list(receivable.instalments.values("id", "due_on", "amount", "paid_amount")),
            "pooled_in": entry.product_id if entry is not None else None}


def product_out(request: HttpRequest, product_id: int) -> dict[str, Any]:
    user = api_user(request)
    p: Product = selectors.product_for(user, product_id)
    whole = selectors.sees_all(user, p)
    return {
        "id": p.pk, "name": p.name, "status": p.status, "originator": _party(p.originator),
        "trustee": _party(p.trustee), "servicer": _party(p.servicer), "guarantor": _party(p.guarantor),
        "guarantee_limit": p.guarantee_limit, "guarantor_paid": p.guarantor_paid, "currency": p.currency,
        "cut_off": p.cut_off, "periods_per_year": p.periods_per_year,
        "concentration_percent": p.concentration_percent, "reserve_target": p.reserve_target,
        "tax_percent": p.tax_percent, "sequential": p.sequential, "accelerated": p.accelerated,
        "pool_balance": pools.pool_balance(p) if whole else None,
        "tranches": list(selectors.tranches_for(user, p).values(
            "id", "name", "seniority", "size", "coupon_percent", "legal_maturity", "priority", "balance",
            "interest_shortfall")),
        "holdings": [{"id": h.pk, "tranche_id": h.tranche_id, "investor": _party(h.investor), "amount": h.amount,
                      "paid_at": h.paid_at} for h in selectors.holdings_for(user, p)],
        "fees": list(p.fees.values("name", "payee_id", "amount", "rate_percent")) if whole else [],
        "triggers": list(p.triggers.values("name", "metric", "threshold", "action")),
        "actions": selectors.allowed_actions(user, p),
    }


def period_out(request: HttpRequest, product_id: int, number: int) -> dict[str, Any]:
    user = api_user(request)
    product = selectors.product_for(user, product_id)
    period = selectors.period_for(user, product, number)
    fields = ("number", "starts_on", "ends_on", "collections", "ran_at", "pool_balance_after", "reserve_after",
              "coverage", "breached", "shortfalls")
    payments = selectors.payments_for(user, period).values("position", "action", "source", "target", "amount",
                                                           "note", "tranche_id")
    return {**{name: getattr(period, name) for name in fields}, "payments": list(payments)}


# --- Receivables ----------------------------------------------------------------------------

@router.get(f"{PREFIX}/receivables", response={200: Page[AbsReceivableOut], **ERRORS}, auth=user_auth,
            summary="Receivables the caller's organisations originate, or service and hold in trust while pooled")
def receivable_list(request: HttpRequest, page: PageNumber = 1, size: PageSize = 20) -> dict[str, Any]:
    return page_of(selectors.receivables_for(api_user(request)), page, size, receivable_out)


def _schedule(text: str) -> list[InstalmentIn]:
    try:
        rows = json.loads(text or "[]")
    except ValueError:
        rows = None
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        message = _('Give the schedule as a JSON list of {"due_on": …, "amount": …}.')
        raise ValidationFailed(message, fields={"schedule": message})
    return [InstalmentIn(due_on=row.get("due_on"), amount=row.get("amount")) for row in rows]


@router.post(f"{PREFIX}/receivables", response={201: AbsReceivableOut, **ERRORS}, auth=user_auth,
             summary="Enter a receivable (multipart; the originator's administrators or signatories)",
             description="From a concluded licence deal the originator granted (source deal, deal_id) or from an "
                         "off-platform contract with its document (source contract, contract_file).",
             openapi_extra=form_rules(
                 originator_id="A verified organisation whose administrator or signatory the caller is.",
                 source="deal or contract.", deal_id="With source deal: a concluded licence deal the originator "
                 "granted, not a receivable yet.", payer_id="With source contract: an organisation on the exchange "
                 "(or payer_name).", payer_name="With source contract and no payer_id: required text.",
                 contract_reference="With source contract: required text.", currency="With source contract: a "
                 "currency code; with a deal, its currency or empty.",
                 schedule='A JSON list of {"due_on": "2026-06-15", "amount": "250000"}, 1 to 120 rows.',
                 contract_file=f"With source contract: required. {UPLOAD_RULE}"))
def receivable_create(request: HttpRequest, originator_id: int = Form(..., ge=1, le=2**53),
                      source: str = Form(..., max_length=10), schedule: str = Form("", max_length=20_000),
                      deal_id: str = Form("", max_length=20), payer_id: str = Form("", max_length=20),
                      payer_name: str = Form("", max_length=200), contract_reference: str = Form("", max_length=100),
                      currency: str = Form("", max_length=3), description: str = Form("", max_length=300),
                      contract_file: File[UploadedFile | None] = None) -> Status[Any]:
    receivable = receivables.receivable_add(actor=api_user(request), values=ReceivableIn(
        originator_id=originator_id, source=source, schedule=_schedule(schedule), deal_id=deal_id or None,
        payer_id=payer_id or None, payer_name=payer_name, contract_reference=contract_reference,
        contract_file=contract_file, description=description, currency=currency))
    return Status(201, receivable_out(receivable))


@router.get(f"{PREFIX}/receivables/{{receivable_id}}", response={200: AbsReceivableOut, **ERRORS}, auth=user_auth,
            summary="A receivable")
def receivable_detail(request: HttpRequest, receivable_id: Id) -> dict[str, Any]:
    return receivable_out(selectors.receivable_for(api_user(request), receivable_id))


@router.post(f"{PREFIX}/receivables/{{receivable_id}}/status", response={200: AbsReceivableOut, **ERRORS},
             auth=user_auth, summary="Mark a payer late, defaulted, paid or current again (the servicer)")
def receivable_mark(request: HttpRequest, receivable_id: Id, payload: AbsMarkIn) -> dict[str, Any]:
    user = api_user(request)
    selectors.receivable_for(user, receivable_id)
    return receivable_out(receivables.receivable_mark(actor=user, receivable_id=receivable_id,
                                                      status=payload.status, note=payload.note))


@router.get(f"{PREFIX}/receivables/{{receivable_id}}/contract", response={200: None, **ERRORS}, auth=user_auth,
            summary="Download an off-platform receivable's contract document")
def receivable_contract(request: HttpRequest, receivable_id: Id) -> HttpResponseBase:
    contract = selectors.contract_for(api_user(request), receivable_id)
    return private_file_response(contract.file, filename=contract.original_name, content_type=contract.content_type)


# --- Products -------------------------------------------------------------------------------

@router.get(f"{PREFIX}/products", response={200: Page[AbsProductOut], **ERRORS}, auth=user_auth,
            summary="Securitisations the caller's organisations take part in, and those on offer (operators: all)")
def product_list(request: HttpRequest, page: PageNumber = 1, size: PageSize = 20) -> dict[str, Any]:
    return page_of(selectors.products_for(api_user(request)), page, size, lambda p: product_out(request, p.pk))


@router.post(f"{PREFIX}/products", response={201: AbsProductOut, **ERRORS}, auth=user_auth,
             summary="Set up a securitisation (a verified originator's administrators or signatories)")
def product_create(request: HttpRequest, payload: AbsProductIn) -> Status[Any]:
    product = pools.product_create(actor=api_user(request), values=ProductIn(**payload.model_dump()))
    return Status(201, product_out(request, product.pk))


@router.get(f"{PREFIX}/products/{{product_id}}", response={200: AbsProductOut, **ERRORS}, auth=user_auth,
            summary="A securitisation (an investor sees its own tranches and holdings)")
def product_detail(request: HttpRequest, product_id: Id) -> dict[str, Any]:
    return product_out(request, product_id)


def _party_product(request: HttpRequest, product_id: int) -> Product:
    user = api_user(request)
    product = selectors.product_for(user, product_id)
    if not selectors.sees_all(user, product):
        raise NotFound(_("No such securitisation."))
    return product


@router.post(f"{PREFIX}/products/{{product_id}}/pool", response={200: AbsProductOut, **ERRORS}, auth=user_auth,
             summary="Choose the pool (the originator's signatories); refused whole with each reason")
def product_pool(request: HttpRequest, product_id: Id, payload: AbsPoolIn) -> dict[str, Any]:
    selectors.product_for(api_user(request), product_id)
    pools.pool_select(actor=api_user(request), product_id=product_id, receivable_ids=payload.receivable_ids)
    return product_out(request, product_id)


@router.post(f"{PREFIX}/products/{{product_id}}/structure", response={200: AbsProductOut, **ERRORS},
             auth=user_auth, summary="Set the structure: tranches, fees, triggers, reserve, tax, guarantor")
def product_structure(request: HttpRequest, product_id: Id, payload: AbsStructureIn) -> dict[str, Any]:
    selectors.product_for(api_user(request), product_id)
    data = payload.model_dump()
    values = StructureIn(
        tranches=[TrancheIn(**row) for row in data.pop("tranches")], fees=[FeeIn(**row) for row in data.pop("fees")],
        triggers=[TriggerIn(**row) for row in data.pop("triggers")], **data)
    structure.product_structure(actor=api_user(request), product_id=product_id, values=values)
    return product_out(request, product_id)


@router.post(f"{PREFIX}/products/{{product_id}}/subscriptions", response={200: AbsProductOut, **ERRORS},
             auth=user_auth, summary="Subscribe to a tranche of a structured product (the investor's signatories)",
             description="Binds the investor to pay at issue; subscribing again changes the amount.")
def product_subscribe(request: HttpRequest, product_id: Id, payload: AbsSubscriptionIn) -> dict[str, Any]:
    selectors.product_for(api_user(request), product_id)
    issue.subscription_add(actor=api_user(request), product_id=product_id, tranche_id=payload.tranche_id,
                           investor_id=payload.investor_id, amount=payload.amount)
    return product_out(request, product_id)


@router.post(f"{PREFIX}/products/{{product_id}}/issue", response={200: AbsProductOut, **ERRORS}, auth=user_auth,
             summary="Issue: every subscription paid in, the proceeds to the originator (its signatories)",
             description="Needs an `Idempotency-Key` header: a retry with the same key issues once.")
def product_issue(request: HttpRequest, product_id: Id, idempotency_key: IdempotencyKey) -> dict[str, Any]:
    selectors.product_for(api_user(request), product_id)
    issue.product_issue(actor=api_user(request), product_id=product_id, key=idempotency_key.strip())
    return product_out(request, product_id)


@router.post(f"{PREFIX}/products/{{product_id}}/cancel", response={200: AbsProductOut, **ERRORS}, auth=user_auth,
             summary="Cancel before issue (the originator's signatories): its receivables are free again")
def product_cancel(request: HttpRequest, product_id: Id) -> dict[str, Any]:
    selectors.product_for(api_user(request), product_id)
    pools.product_cancel(actor=api_user(request), product_id=product_id)
    return product_out(request, product_id)


@router.post(f"{PREFIX}/products/{{product_id}}/retire", response={200: AbsProductOut, **ERRORS}, auth=user_auth,
             summary="Retire a repaid product (the trustee's signatories): the reserve left goes to the originator")
def product_retire(request: HttpRequest, product_id: Id) -> dict[str, Any]:
    selectors.product_for(api_user(request), product_id)
    periods.product_retire(actor=api_user(request), product_id=product_id)
    return product_out(request, product_id)


def _percent(rate: Decimal | None) -> Decimal | None:
    return None if rate is None else (rate * 100).quantize(Decimal("0.01"))


@router.get(f"{PREFIX}/products/{{product_id}}/projection", response={200: AbsProjectionOut, **ERRORS},
            auth=user_auth, summary="Project the product under a scenario (the parties and operators)",
            description="Rates in percent a year (default_rate, prepayment_rate; recovery_rate of what defaults); "
                        "delay_periods and recovery_lag in periods. From the product's current balances once issued.")
def product_projection(request: HttpRequest, product_id: Id, default_rate: str = "2", prepayment_rate: str = "0",
                       delay_periods: str = "0", recovery_rate: str = "30", recovery_lag: str = "2"
                       ) -> dict[str, Any]:
    product = _party_product(request, product_id)
    projected = project_product(product, read_scenario({
        "default_rate": default_rate[:20], "prepayment_rate": prepayment_rate[:20], "delay_periods": delay_periods[:5],
        "recovery_rate": recovery_rate[:20], "recovery_lag": recovery_lag[:5]}))
    result = projected.result
    return {
        "periods": [{"number": projected.first_period + i, "scheduled": pool.scheduled, "prepaid": pool.prepaid,
                     "defaulted": pool.defaulted, "recovered": pool.recovered, "collections": pool.collections,
                     "pool_balance_after": pool.balance_after, "coverage": result.periods[i].coverage,
                     "breached": list(result.periods[i].breached)} for i, pool in enumerate(result.pool)],
        "bonds": [{"name": b.name, "seniority": str(b.seniority), "balance": b.balance, "interest": list(b.interest),
                   "principal": list(b.principal), "wal_years": b.wal, "loss": b.loss,
                   "yield_percent": _percent(b.annual_yield)} for b in result.bonds],
        "sensitivity": [{"default_percent": _percent(r.default_rate), "prepayment_percent": _percent(r.prepayment_rate),
                         "senior_loss": r.senior_loss, "senior_wal_years": r.senior_wal,
                         "senior_yield_percent": _percent(r.senior_yield)} for r in projected.sensitivity],
    }


# --- Periods --------------------------------------------------------------------------------

@router.get(f"{PREFIX}/products/{{product_id}}/periods", response={200: list[AbsPeriodOut], **ERRORS},
            auth=user_auth, summary="The product's periods (an investor sees the payments to its tranches)")
def period_list(request: HttpRequest, product_id: Id) -> list[dict[str, Any]]:
    user = api_user(request)
    product = selectors.product_for(user, product_id)
    return [period_out(request, product_id, p.number) for p in selectors.periods_for(user, product)]


@router.post(f"{PREFIX}/products/{{product_id}}/periods", response={201: AbsPeriodOut, **ERRORS}, auth=user_auth,
             summary="Record the next period's collections (the servicer): paid into the collection account",
             description="Needs an `Idempotency-Key` header: a retry with the same key records once.")
def collections_record(request: HttpRequest, product_id: Id, payload: AbsCollectionsIn,
                       idempotency_key: IdempotencyKey) -> Status[Any]:
    _party_product(request, product_id)
    period = collections.collections_record(actor=api_user(request), key=idempotency_key.strip(), values=CollectionsIn(
        product_id=product_id, number=payload.number,
        collections=[CollectionIn(row.instalment_id, row.amount) for row in payload.collections]))
    return Status(201, period_out(request, product_id, period.number))


@router.get(f"{PREFIX}/products/{{product_id}}/periods/{{number}}", response={200: AbsPeriodOut, **ERRORS},
            auth=user_auth, summary="A period, with its waterfall's payments once run")
def period_detail(request: HttpRequest, product_id: Id, number: PeriodNumber) -> dict[str, Any]:
    return period_out(request, product_id, number)


@router.post(f"{PREFIX}/products/{{product_id}}/periods/{{number}}/run", response={200: AbsPeriodOut, **ERRORS},
             auth=user_auth, summary="Run the period's waterfall on its collections (the trustee's signatories)",
             description="Needs an `Idempotency-Key` header: the same key answers as the first run; a period "
                         "run already is refused (409 period_run) with another key.")
def period_run(request: HttpRequest, product_id: Id, idempotency_key: IdempotencyKey,
               number: PeriodNumber) -> dict[str, Any]:
    _party_product(request, product_id)
    periods.period_run(actor=api_user(request), product_id=product_id, number=number, key=idempotency_key.strip())
    return period_out(request, product_id, number)


@router.get(f"{PREFIX}/products/{{product_id}}/periods/{{number}}/report.{{kind}}", response={200: None, **ERRORS},
            auth=user_auth, summary="A run period's investor report: pdf (three languages) or xlsx (the caller's)")
def period_report(request: HttpRequest, product_id: Id, kind: ReportKind,
                  number: PeriodNumber) -> HttpResponse:
    return report_response(api_user(request), product_id, number, kind)
