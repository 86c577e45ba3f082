"""The shapes of deals in the API: what a deal looks like to each party (filled from the
models by the builders here) and what the deal steps take."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import Field

from ipx.accounts.models import Organisation, User
from ipx.core.api.types import Amount, InputSchema, rule, stated, text
from ipx.deals.contracts import escrow
from ipx.deals.contracts.pdf import deal_number
from ipx.deals.contracts.services.common import MAX_NOTE
from ipx.deals.contracts.workflow import DEAL, MILESTONE, open_dispute
from ipx.deals.models import Deal, Dispute
from ipx.deals.timeline import deal_event_text

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


class ReleaseIn(InputSchema):
    amount: Amount | None = Field(None, description="Leave out to release everything held for the milestone.",
                                  json_schema_extra=rule("At most what is held for the milestone."))


# As the register writes it; the page also reads full-width characters (typed with a Chinese
# input method) as their ASCII forms.
RECORDAL_NUMBER = r"^[0-9A-Za-z.\-]{6,40}$"


class RecordalIn(InputSchema):
    recordal_number: Annotated[str, Field(max_length=100, pattern=RECORDAL_NUMBER)] = Field(
        description="as the register issued it, e.g. 2023990000123")


class RecordalCheckIn(InputSchema):
    approve: bool
    note: Annotated[str, Field(max_length=MAX_NOTE), stated(text(MAX_NOTE, required=False, rule=(
        "Required when approve is false.")))] = Field("", description="Required when the recordal is returned.")


class CancelIn(InputSchema):
    reason: Annotated[str, Field(max_length=MAX_NOTE), stated(text(MAX_NOTE))]


class CancellationDecisionIn(InputSchema):
    decision: Literal["cancel", "reject"] = Field(description="cancel: the deal is cancelled and held money goes "
                                                              "back to the buyer; reject: the deal goes on.")
    decision_note: Annotated[str, Field(max_length=MAX_NOTE), stated(text(MAX_NOTE))] = Field(
        description="Why; both parties see it.")


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
