"""A lot's settlement in the API: its buyer, the seller and operators read it; the buyer pays
(or the runner-up accepts or declines the lot offered to it); an operator offers the lot to the
runner-up. The same services and rules as the lot's page."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from ipx.accounts.api_auth import api_user, user_auth
from ipx.auctions import selectors
from ipx.auctions.models import Settlement
from ipx.auctions.settlement import services
from ipx.auctions.settlement.selectors import settlement_of
from ipx.core.api.schemas import ERRORS, Id
from ipx.core.api.types import InputSchema, rule

router = Router(tags=["auctions"])


class SettlementOut(Schema):
    id: int
    lot_id: int
    status: str = Field(description="offered, awaiting_payment, paid, forfeited, declined, lapsed or "
                        "cancelled (the sale could not go on through no fault of the buyer: nothing forfeited).")
    bidder: int | None = Field(description="The buyer's bidder number.")
    currency: str
    price: Decimal = Field(description="The hammer price, or the runner-up's last bid it is offered at.")
    premium: Decimal = Field(description="The buyer's premium, paid to the exchange.")
    deposit_applied: Decimal = Field(description="The winner's deposit counted towards the price.")
    to_pay: Decimal = Field(description="What paying moves now: unfunded milestones and the unpaid premium.")
    due_at: datetime = Field(description="Pay by (awaiting payment) or answer by (offered).")
    deal_id: int | None
    actions: list[str] = Field(description="The caller's steps now: pay, accept, decline.")


class RunnerUpIn(InputSchema):
    reason: str = Field(json_schema_extra=rule("Why; the bidders and the seller may be shown it."),
                        min_length=1, max_length=2000)


class SettlementDeclineIn(InputSchema):
    reason: str = Field("", max_length=2000)


def _out(request: HttpRequest, lot_id: int) -> dict[str, Any]:
    user = api_user(request)
    view = settlement_of(selectors.lot_for(user, lot_id), user)
    s: Settlement = view.settlement
    return {"id": s.pk, "lot_id": s.lot_id, "status": s.status, "bidder": s.registration.bidder_number,
            "currency": s.lot.session.currency, "price": s.price, "premium": s.premium,
            "deposit_applied": s.deposit_applied, "to_pay": view.to_pay, "due_at": s.due_at,
            "deal_id": s.deal_id, "actions": view.actions}


def _settlement_id(request: HttpRequest, lot_id: int) -> int:
    user = api_user(request)
    return settlement_of(selectors.lot_for(user, lot_id), user).settlement.pk


@router.get("/auctions/lots/{lot_id}/settlement", response={200: SettlementOut, **ERRORS}, auth=user_auth,
            summary="A sold lot's settlement (its buyer, the seller and operators)")
def settlement(request: HttpRequest, lot_id: Id) -> dict[str, Any]:
    return _out(request, lot_id)


@router.post("/auctions/lots/{lot_id}/settlement/pay", response={200: SettlementOut, **ERRORS}, auth=user_auth,
             summary="Pay for a won lot: the buyer's premium, and the price into the deal's escrow",
             description="Once both sides have signed the deal's contract (409 before). Refused whole, nothing "
                         "moved, when the balance is short (409 insufficient_funds).")
def pay(request: HttpRequest, lot_id: Id) -> dict[str, Any]:
    services.settlement_pay(actor=api_user(request), settlement_id=_settlement_id(request, lot_id))
    return _out(request, lot_id)


@router.post("/auctions/lots/{lot_id}/settlement/accept", response={200: SettlementOut, **ERRORS},
             auth=user_auth, summary="Take a lot offered to the runner-up at its last bid")
def accept(request: HttpRequest, lot_id: Id) -> dict[str, Any]:
    services.settlement_accept(actor=api_user(request), settlement_id=_settlement_id(request, lot_id))
    return _out(request, lot_id)


@router.post("/auctions/lots/{lot_id}/settlement/decline", response={200: SettlementOut, **ERRORS},
             auth=user_auth, summary="Decline a lot offered to the runner-up")
def decline(request: HttpRequest, lot_id: Id, payload: SettlementDeclineIn) -> dict[str, Any]:
    services.settlement_decline(actor=api_user(request), settlement_id=_settlement_id(request, lot_id),
                                reason=payload.reason)
    return _out(request, lot_id)


@router.post("/auctions/lots/{lot_id}/runner-up", response={201: SettlementOut, **ERRORS}, auth=user_auth,
             summary="Offer a sold lot to the runner-up at its last bid (operators)",
             description="Once the buyer forfeited (or the previous runner-up declined or let the offer lapse); "
                         "409 otherwise, or when no other bidder is left.")
def runner_up(request: HttpRequest, lot_id: Id, payload: RunnerUpIn) -> Status[Any]:
    services.lot_offer_runner_up(operator=api_user(request), lot_id=lot_id, reason=payload.reason)
    return Status(201, _out(request, lot_id))
