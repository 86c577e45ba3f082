"""Deals in the API: read my deals and their contracts, sign, fund and release escrow, record,
cancel or (once signed) ask an operator to cancel; operators check recordals, decide
cancellation requests and read the statistics."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from ninja import Body, HeaderEx, P, Router, Schema, Status
from pydantic import Field

from ipx.accounts.api_auth import api_operator, api_user, user_auth
from ipx.accounts.mfa.stepup import StepUpCode, step_up_api
from ipx.accounts.models import Organisation, User
from ipx.core.api.schemas import ERRORS, Id, Page, page_of
from ipx.core.errors import ValidationFailed
from ipx.core.files import private_file_response
from ipx.core.network import request_ip
from ipx.deals.access import access_deal, remember_roles
from ipx.deals.contracts import escrow, selectors, services
from ipx.deals.contracts.pdf import deal_number
from ipx.deals.contracts.workflow import DEAL, MILESTONE, open_dispute
from ipx.deals.models import Commitment, Deal, Dispute
from ipx.deals.timeline import deal_event_text
from ipx.ledger.idempotency import HEADER, MAX_KEY_LENGTH, idempotent

router = Router(tags=["deals"])

IDEMPOTENCY = (
    " Moves money, so it needs an `Idempotency-Key` header: any text unique to this request, at most 100 "
    "characters. Retrying with the same key returns the first answer and moves no money twice."
)
IdempotencyKey = HeaderEx[str, P(alias=HEADER, max_length=MAX_KEY_LENGTH, min_length=1,
                                 description="A key unique to this request; the same key when retrying it.")]
Position = Annotated[int, Field(ge=0, le=32767)]


# The shapes below have no resolvers: the builders after them fill them from the models, so
# the same data validates whether it comes fresh or replayed from an idempotency record.

class PartyOut(Schema):
    id: int
    name: str
    uscc: str | None
    region: str = Field(description="Region code: CN-44 for Guangdong, HK, MO, TW or a country code.")


class DealAssetOut(Schema):
    id: int
    ip_type: str
    identifier: str
    title: str


class MilestoneOut(Schema):
    position: int
    title: str
    amount: Decimal
    condition: str = Field(description="on_signing or on_recordal.")
    status: str = Field(description="pending, funded, released or refunded.")
    released_amount: Decimal = Field(description="Paid to the seller so far, before the platform fee.")
    refunded_amount: Decimal
    held_amount: Decimal = Field(description="Held in escrow now.")
    allowed_actions: list[str] = Field(description="What the requesting user may do with the milestone now: "
                                                   "fund, release.")


class SignatureOut(Schema):
    organisation_id: int
    organisation_name: str
    user_name: str
    contract_sha256: str
    signed_at: datetime


class EventOut(Schema):
    id: int
    kind: str = Field(description="The step: created, signed, fully_signed, concluded, funded, released, refunded, "
                                  "recordal_submitted, recordal_approved, recordal_returned, cancelled, "
                                  "cancel_requested, cancel_granted, cancel_rejected.")
    from_status: str
    to_status: str
    actor_name: str
    description: str = Field(description="What the exchange recorded (amounts, milestone, signer), in the "
                                         "request's language; empty when nothing.")
    note: str = Field(description="What a person wrote (a reason, the operator's note); on events recorded "
                                  "before `description` existed, the exchange's own text.")
    params: dict[str, Any] = Field(description="The data `description` is made from; depends on `kind`.")
    created_at: datetime


class DealSummaryOut(Schema):
    id: int
    number: str
    listing_id: int
    listing_title: str
    buyer: PartyOut
    seller: PartyOut
    kind: str
    commitment: str = Field(description="intended (意向) or concluded (成交).")
    price_amount: Decimal
    currency: str
    status: str
    created_at: datetime
    cancellation_requested: bool = Field(description="A party asked to cancel the deal and an operator has not "
                                                     "decided yet; no money held is released meanwhile.")
    allowed_actions: list[str] = Field(description="What the requesting user may do with the deal now: sign, "
                                                   "conclude, submit_recordal, approve_recordal, return_recordal, "
                                                   "cancel, request_cancellation, decide_cancellation.")


class DisputeOut(Schema):
    id: int
    status: str = Field(description="open (waiting for an operator), cancelled (granted: the deal was cancelled) "
                                    "or rejected (the deal goes on).")
    reason: str
    requested_for: PartyOut
    requested_by_name: str
    requested_at: datetime
    decided_at: datetime | None
    decision_note: str


class DealOut(DealSummaryOut):
    payment_structure: str
    royalty_percent: Decimal | None
    licence_exclusivity: str
    licence_territory: str
    licence_field: str
    licence_term_months: int | None
    trial_months: int | None
    notes: str
    fee_percent: Decimal
    contract_language: str
    contract_sha256: str
    recordal_number: str
    recordal_submitted_at: datetime | None
    recordal_checked_at: datetime | None
    completed_at: datetime | None
    cancel_reason: str
    assets: list[DealAssetOut]
    milestones: list[MilestoneOut]
    signatures: list[SignatureOut]
    disputes: list[DisputeOut] = Field(description="Requests to cancel the deal once signed, oldest first.")
    events: list[EventOut]


def _party(organisation: Organisation) -> PartyOut:
    return PartyOut(id=organisation.pk, name=organisation.name, uscc=organisation.uscc,
                    region=organisation.region_code)


def _summary_fields(deal: Deal, user: User) -> dict[str, Any]:
    return {"id": deal.pk, "number": deal_number(deal), "listing_id": deal.listing_id,
            "listing_title": deal.listing.title, "buyer": _party(deal.buyer), "seller": _party(deal.seller),
            "kind": deal.kind, "commitment": deal.commitment, "price_amount": deal.price_amount,
            "currency": deal.currency, "status": deal.status, "created_at": deal.created_at,
            "cancellation_requested": open_dispute(deal) is not None,
            "allowed_actions": DEAL.allowed_actions(deal, user)}


def summary_out(deal: Deal, user: User) -> DealSummaryOut:
    return DealSummaryOut(**_summary_fields(deal, user))


def deal_out(deal: Deal, user: User) -> DealOut:
    """The whole deal as ``user`` sees it; ``deal`` comes from ``selectors.deal_detail``
    (related rows prefetched, the user's role in it remembered)."""
    plain = ("payment_structure", "royalty_percent", "licence_exclusivity", "licence_territory", "licence_field",
             "licence_term_months", "trial_months", "notes", "fee_percent", "contract_language", "contract_sha256",
             "recordal_number", "recordal_submitted_at", "recordal_checked_at", "completed_at", "cancel_reason")
    return DealOut(
        **_summary_fields(deal, user), **{name: getattr(deal, name) for name in plain},
        assets=[DealAssetOut(id=link.asset.pk, ip_type=link.asset.ip_type, identifier=link.asset.identifier,
                             title=link.asset.title) for link in deal.asset_links.all()],
        milestones=[MilestoneOut(position=m.position, title=m.title, amount=m.amount, condition=m.condition,
                                 status=m.status, released_amount=m.released_amount,
                                 refunded_amount=m.refunded_amount, held_amount=escrow.held_amount(m),
                                 allowed_actions=MILESTONE.allowed_actions(m, user))
                    for m in deal.milestones.all()],
        signatures=[SignatureOut(organisation_id=s.organisation_id, organisation_name=s.organisation.name,
                                 user_name=s.user.full_name, contract_sha256=s.contract_sha256,
                                 signed_at=s.signed_at) for s in deal.signatures.all()],
        disputes=[_dispute(dispute) for dispute in deal.disputes.all()],
        events=[EventOut(id=e.pk, kind=e.verb, from_status=e.from_status, to_status=e.to_status,
                         actor_name=e.actor.full_name if e.actor is not None else "",
                         description=deal_event_text(e), note=e.note, params=e.params or {},
                         created_at=e.created_at) for e in deal.events.all()],
    )


def _dispute(dispute: Dispute) -> DisputeOut:
    return DisputeOut(id=dispute.pk, status=dispute.status, reason=dispute.reason,
                      requested_for=_party(dispute.requested_for), requested_by_name=dispute.requested_by.full_name,
                      requested_at=dispute.requested_at, decided_at=dispute.decided_at,
                      decision_note=dispute.decision_note)


class ReleaseIn(Schema):
    amount: Decimal | None = Field(None, ge=0, le=Decimal("1e13"),
                                   description="Leave out to release everything held for the milestone.")


class RecordalIn(Schema):
    recordal_number: str = Field(max_length=100)


class RecordalCheckIn(Schema):
    approve: bool
    note: str = Field("", max_length=2000, description="Required when the recordal is returned.")


class CancelIn(Schema):
    reason: str = Field(max_length=2000)


class CancellationDecisionIn(Schema):
    decision: Literal["cancel", "reject"] = Field(description="cancel: the deal is cancelled and held money goes "
                                                              "back to the buyer; reject: the deal goes on.")
    decision_note: str = Field(max_length=2000, description="Why; both parties see it.")


class TotalOut(Schema):
    currency: str
    amount: Decimal


class FiguresOut(Schema):
    count: int
    totals: list[TotalOut]


class StatisticsOut(Schema):
    intended: FiguresOut = Field(description="Intended agreements (意向) signed by both sides.")
    concluded: FiguresOut = Field(description="Concluded contracts (成交) signed by both sides, not cancelled.")
    completed: FiguresOut = Field(description="Concluded contracts whose recordal was checked.")
    awaiting_signatures: FiguresOut
    since: date | None
    until: date | None


def _read(request: HttpRequest, deal_id: int) -> DealOut:
    user = api_user(request)
    deal, _role = selectors.deal_detail(user, deal_id)
    return deal_out(deal, user)


def _figures(figures: selectors.CommitmentFigures) -> dict[str, Any]:
    return {"count": figures.count,
            "totals": [{"currency": currency, "amount": amount} for currency, amount in figures.totals.items()]}


@router.get("/deals", response={200: Page[DealSummaryOut], **ERRORS}, auth=user_auth,
            summary="My deals (all deals for operators), newest first")
def deal_list(request: HttpRequest, status: str = "", commitment: str = "", cancellation_requested: bool = False,
              page: int = 1, size: int = 20) -> dict[str, Any]:
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
def deal_statistics(request: HttpRequest, since: date | None = None, until: date | None = None) -> dict[str, Any]:
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
