"""Deals in the API: read my deals and their contracts, sign, fund and release escrow, record,
cancel or (once signed) ask an operator to cancel; operators check recordals, decide
cancellation requests and read the statistics."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from ninja import Body, HeaderEx, P, Query, Router, Status
from pydantic import Field

from ipx.accounts.api_auth import api_operator, api_user, user_auth
from ipx.accounts.mfa.stepup import StepUpCode, step_up_api
from ipx.core.api.schemas import ERRORS, Id, Page, PageNumber, PageSize, page_of
from ipx.core.api.types import IDEMPOTENCY_KEY, Day, QueryFlag, choice, stated
from ipx.core.errors import ValidationFailed
from ipx.core.files import private_file_response
from ipx.core.network import request_ip
from ipx.deals.access import access_deal, remember_roles
from ipx.deals.contracts import selectors, services
from ipx.deals.contracts.pdf import deal_number
from ipx.deals.contracts.schemas import (
    CancelIn,
    CancellationDecisionIn,
    DealOut,
    DealSummaryOut,
    RecordalCheckIn,
    RecordalIn,
    ReleaseIn,
    StatisticsOut,
    deal_out,
    summary_out,
)
from ipx.deals.contracts.workflow import DEAL
from ipx.deals.models import Commitment, Deal
from ipx.ledger.idempotency import HEADER, idempotent

router = Router(tags=["deals"])
# A day a list may be bounded by; no bound when left out.
ANY_DAY = Query(None)

IDEMPOTENCY = (
    " Moves money, so it needs an `Idempotency-Key` header: any text unique to this request, at most 100 "
    "characters. Retrying with the same key returns the first answer and moves no money twice."
)
IdempotencyKey = HeaderEx[str, P(alias=HEADER, pattern=IDEMPOTENCY_KEY,
                                 description="A key unique to this request; the same key when retrying it.")]
Position = Annotated[int, Field(ge=0, le=32767)]


def _read(request: HttpRequest, deal_id: int) -> DealOut:
    user = api_user(request)
    deal, _role = selectors.deal_detail(user, deal_id)
    return deal_out(deal, user)


def _figures(figures: selectors.CommitmentFigures) -> dict[str, Any]:
    return {"count": figures.count,
            "totals": [{"currency": currency, "amount": amount} for currency, amount in figures.totals.items()]}


@router.get("/deals", response={200: Page[DealSummaryOut], **ERRORS}, auth=user_auth,
            summary="My deals (all deals for operators), newest first")
def deal_list(request: HttpRequest, status: Annotated[str, stated(choice(("", *Deal.Status.values)))] = "",
              commitment: Annotated[str, stated(choice(("", *Commitment.values)))] = "",
              cancellation_requested: Annotated[bool, QueryFlag()] = False,
              page: PageNumber = 1, size: PageSize = 20) -> dict[str, Any]:
    if status and status not in Deal.Status.values:
        raise ValidationFailed.for_field("status", _("Unknown status; use one of %(values)s.")
                                         % {"values": ", ".join(Deal.Status.values)})
    if commitment and commitment not in Commitment.values:
        raise ValidationFailed.for_field("commitment", _("Use intended or concluded."))
    user = api_user(request)
    answer = page_of(selectors.deals_for(user, status=status, commitment=commitment,
                                         disputed=cancellation_requested), page, size)
    remember_roles(user, answer["items"])
    answer["items"] = [summary_out(deal, user) for deal in answer["items"]]
    return answer


@router.get("/deals/statistics", response={200: StatisticsOut, **ERRORS}, auth=user_auth,
            summary="Intended agreements and concluded deals: counts and totals per currency (operators)")
def deal_statistics(request: HttpRequest, since: Day = ANY_DAY, until: Day = ANY_DAY) -> dict[str, Any]:
    api_operator(request)
    figures = selectors.deal_statistics(since=since, until=until)
    return {"intended": _figures(figures.intended), "concluded": _figures(figures.concluded),
            "completed": _figures(figures.completed), "awaiting_signatures": _figures(figures.awaiting_signatures),
            "since": since, "until": until}


@router.get("/deals/{deal_id}", response={200: DealOut, **ERRORS}, auth=user_auth,
            summary="A deal with its milestones, signatures and history")
def deal_detail(request: HttpRequest, deal_id: Id) -> DealOut:
    return _read(request, deal_id)


@router.get("/deals/{deal_id}/contract", response=ERRORS, auth=user_auth, summary="The contract (PDF)",
            openapi_extra={"responses": {200: {"description": "The contract as PDF.", "content": {
                "application/pdf": {"schema": {"type": "string", "format": "binary"}}}}}})
def deal_contract(request: HttpRequest, deal_id: Id) -> HttpResponseBase:
    deal = selectors.contract_of(api_user(request), deal_id)
    return private_file_response(deal.contract_pdf, filename=f"{deal_number(deal)}.pdf",
                                 content_type="application/pdf", as_attachment=False,
                                 missing=_("The contract file is missing."))


@router.post("/deals/{deal_id}/sign", response={200: DealOut, **ERRORS}, auth=user_auth,
             summary="Sign the contract for my organisation (buyer or seller, once)")
def deal_sign(request: HttpRequest, deal_id: Id, otp: StepUpCode = None) -> DealOut:
    user = api_user(request)
    deal, _role = access_deal(user, deal_id)
    step_up_api(user, otp, applies=DEAL.refusal(deal, "sign", user) is None)
    services.deal_sign(deal_id=deal_id, actor=user, ip_address=request_ip(request),
                       user_agent=request.headers.get("User-Agent", ""))
    return _read(request, deal_id)


@router.post("/deals/{deal_id}/conclude", response={200: DealOut, **ERRORS}, auth=user_auth,
             summary="Turn an intended agreement into a concluded contract (both sides sign again)")
def deal_conclude(request: HttpRequest, deal_id: Id) -> DealOut:
    services.deal_conclude(deal_id=deal_id, actor=api_user(request))
    return _read(request, deal_id)


@router.post("/deals/{deal_id}/milestones/{position}/fund", response={200: DealOut, **ERRORS}, auth=user_auth,
             summary="Pay a milestone into escrow (the buyer)",
             description="Moves the milestone's amount from the buyer's available balance into escrow (409 "
                         "`insufficient_funds` when short)." + IDEMPOTENCY)
def milestone_fund(request: HttpRequest, deal_id: Id, position: Position,
                   idempotency_key: IdempotencyKey) -> Status[Any]:
    user = api_user(request)

    def run() -> tuple[int, DealOut]:
        services.milestone_fund(deal_id=deal_id, position=position, actor=user)
        return 200, _read(request, deal_id)

    return Status(*idempotent(request, run))


@router.post("/deals/{deal_id}/milestones/{position}/release", response={200: DealOut, **ERRORS},
             auth=user_auth, summary="Release escrowed money to the seller (the buyer or an operator)",
             description="Releases all that is held for the milestone, or `amount` of it, to the seller less the "
                         "platform fee, once the milestone's condition holds." + IDEMPOTENCY)
def milestone_release(request: HttpRequest, deal_id: Id, position: Position, idempotency_key: IdempotencyKey,
                      payload: ReleaseIn = Body(None)) -> Status[Any]:  # noqa: B008 - ninja's optional body
    user = api_user(request)
    amount = payload.amount if payload is not None else None

    def run() -> tuple[int, DealOut]:
        services.milestone_release(deal_id=deal_id, position=position, actor=user, amount=amount)
        return 200, _read(request, deal_id)

    return Status(*idempotent(request, run))


@router.post("/deals/{deal_id}/recordal", response={200: DealOut, **ERRORS}, auth=user_auth,
             summary="Enter the recordal number from the register (the seller)")
def deal_submit_recordal(request: HttpRequest, deal_id: Id, payload: RecordalIn) -> DealOut:
    services.deal_submit_recordal(deal_id=deal_id, actor=api_user(request), recordal_number=payload.recordal_number)
    return _read(request, deal_id)


@router.post("/deals/{deal_id}/recordal/check", response={200: DealOut, **ERRORS}, auth=user_auth,
             summary="Approve or return the recordal (operators)")
def deal_check_recordal(request: HttpRequest, deal_id: Id, payload: RecordalCheckIn) -> DealOut:
    services.deal_check_recordal(deal_id=deal_id, operator=api_user(request), approve=payload.approve,
                                 note=payload.note)
    return _read(request, deal_id)


@router.post("/deals/{deal_id}/cancel", response={200: DealOut, **ERRORS}, auth=user_auth,
             summary="Cancel the deal; money held in escrow goes back to the buyer",
             description="Either party until both have signed (then it asks an operator: `cancellation-request`), "
                         "or an operator before completion." + IDEMPOTENCY)
def deal_cancel(request: HttpRequest, deal_id: Id, payload: CancelIn,
                idempotency_key: IdempotencyKey) -> Status[Any]:
    user = api_user(request)

    def run() -> tuple[int, DealOut]:
        services.deal_cancel(deal_id=deal_id, actor=user, reason=payload.reason)
        return 200, _read(request, deal_id)

    return Status(*idempotent(request, run))


@router.post("/deals/{deal_id}/cancellation-request", response={200: DealOut, **ERRORS}, auth=user_auth,
             summary="Ask an operator to cancel a signed deal (an administrator or signatory of either party)",
             description="Once both sides have signed, a party cannot cancel the deal itself. The request opens a "
                         "dispute: the other party and the operators are told, and no money held in escrow is "
                         "released until an operator decides it.")
def deal_request_cancellation(request: HttpRequest, deal_id: Id, payload: CancelIn) -> DealOut:
    services.deal_request_cancellation(deal_id=deal_id, actor=api_user(request), reason=payload.reason)
    return _read(request, deal_id)


@router.post("/deals/{deal_id}/cancellation-request/decision", response={200: DealOut, **ERRORS}, auth=user_auth,
             summary="Decide a request to cancel the deal (operators)",
             description="cancel: the deal is cancelled and money held goes back to the buyer; reject: the deal "
                         "goes on." + IDEMPOTENCY)
def deal_decide_cancellation(request: HttpRequest, deal_id: Id, payload: CancellationDecisionIn,
                             idempotency_key: IdempotencyKey) -> Status[Any]:
    user = api_user(request)

    def run() -> tuple[int, DealOut]:
        services.deal_decide_cancellation(deal_id=deal_id, operator=user, cancel=payload.decision == "cancel",
                                          note=payload.decision_note)
        return 200, _read(request, deal_id)

    return Status(*idempotent(request, run))
