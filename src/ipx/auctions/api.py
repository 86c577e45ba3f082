"""Auctions in the API: a lot as the hall shows it, its bid history (what a watcher that
reconnects has missed, after a sequence number), and placing a bid — over plain HTTP with an
Idempotency-Key, so a lost answer is retried without bidding twice."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import HeaderEx, P, Query, Router, Schema, Status
from pydantic import Field

from ipx.accounts.api_auth import api_user, optional_auth, user_auth
from ipx.auctions import selectors
from ipx.auctions.inputs import BidValues
from ipx.auctions.services.bidding import bid_place
from ipx.core.api.schemas import ERRORS, ErrorOut, Id
from ipx.core.api.types import IDEMPOTENCY_KEY, Amount, CurrencyCode, InputSchema, rule
from ipx.ledger.idempotency import HEADER

router = Router(tags=["auctions"])

IdempotencyKey = HeaderEx[str, P(alias=HEADER, pattern=IDEMPOTENCY_KEY,
                                 description="A key unique to this bid; the same key when retrying it.")]


class LotOut(Schema):
    id: int
    session_id: int
    number: int
    listing_id: int
    title: str
    status: str = Field(description="scheduled, open, paused, sold, unsold or withdrawn.")
    currency: str
    starting_price: Decimal
    price: Decimal | None = Field(description="The current price; null before the first bid.")
    minimum_bid: Decimal = Field(description="The lowest bid accepted now.")
    leader: int | None = Field(description="The leading bidder's number (never its name).")
    reserve: str = Field(description="none, met or not_met (the reserve's amount is never shown).")
    bids: int
    bidders: int
    opens_at: datetime
    closes_at: datetime = Field(description="The close now; a bid in the last minutes moves it.")
    hard_end: datetime = Field(description="The close is never moved past this.")
    seq: int = Field(description="The sequence number of the last bid.")
    my_bidder_number: int | None = Field(description="The caller's bidder number in this session, if admitted.")
    my_lead: bool = Field(description="Whether the caller's organisation leads.")
    my_maximum: Decimal | None = Field(description="The caller's proxy maximum while it leads (only to the caller).")


class BidLineOut(Schema):
    seq: int
    bidder: int | None = Field(description="The bidder's number.")
    amount: Decimal
    automatic: bool = Field(description="Placed by the bidder's proxy maximum.")
    placed_at: datetime


class BidIn(InputSchema):
    amount: Amount = Field(json_schema_extra=rule(
        "At least the lot's minimum_bid, and a step of its increment table."), examples=["105000"])
    maximum: Amount | None = Field(None, json_schema_extra=rule(
        "A proxy maximum: at least the amount and a step of the increment table; the leader may send only "
        "a higher maximum."))
    currency: CurrencyCode = Field(json_schema_extra=rule("The lot's currency."), examples=["CNY"])
    organisation_id: Id | None = Field(None, json_schema_extra=rule(
        "One of the caller's organisations admitted to bid in the session; needed only when several are."))


class BidOut(Schema):
    lot: LotOut
    leading: bool
    first_seq: int | None = Field(description="The sequence numbers this bid placed (null when it only raised "
                                              "the maximum).")
    last_seq: int | None
    replayed: bool = Field(description="True when this answers a retry of an earlier request with the same key.")


class RefusedLotOut(Schema):
    id: int
    seq: int = Field(description="The sequence number of the lot's last bid when the bid was refused.")
    price: Decimal | None
    minimum_bid: Decimal = Field(description="The lowest bid accepted at that moment.")


class BidRefusalOut(ErrorOut):
    lot: RefusedLotOut | None = Field(None, description="With a refusal by the bidding rules (below the minimum, "
                                                        "off a step, own lead…): the lot as the rules saw it.")


def lot_out(view: selectors.LotView) -> dict[str, Any]:
    lot = view.lot
    return {"id": lot.pk, "session_id": lot.session_id, "number": lot.number, "listing_id": lot.listing_id,
            "title": lot.listing.title, "status": lot.status, "currency": lot.session.currency,
            "starting_price": lot.starting_price, "price": view.price, "minimum_bid": view.minimum,
            "leader": view.leader_number, "reserve": view.reserve, "bids": view.bids, "bidders": view.bidders,
            "opens_at": lot.opens_at, "closes_at": view.closes_at, "hard_end": lot.hard_end, "seq": view.seq,
            "my_bidder_number": view.mine_number, "my_lead": view.mine_leading, "my_maximum": view.mine_maximum}


@router.get("/auctions/lots/{lot_id}", response={200: LotOut, **ERRORS}, auth=optional_auth,
            summary="A lot as the auction hall shows it")
def lot_detail(request: HttpRequest, lot_id: Id) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return lot_out(selectors.lot_view(selectors.lot_for(user, lot_id), user))


@router.get("/auctions/lots/{lot_id}/bids", response={200: list[BidLineOut], **ERRORS}, auth=optional_auth,
            summary="A lot's bids: the newest first, or those after a sequence number, oldest first")
def bids(request: HttpRequest, lot_id: Id,
         after: Annotated[int, Field(ge=0, le=2**31)] = Query(0, description="Only bids after this sequence number"),
         ) -> list[dict[str, Any]]:
    lot = selectors.lot_for(getattr(request, "user", None), lot_id)
    return [{"seq": line.seq, "bidder": line.bidder_number, "amount": line.amount, "automatic": line.automatic,
             "placed_at": line.placed_at} for line in selectors.bid_history(lot, after=after or None, limit=200)]


@router.post("/auctions/lots/{lot_id}/bids", response={201: BidOut, **ERRORS, 400: BidRefusalOut,
                                                     409: BidRefusalOut}, auth=user_auth,
             summary="Bid on a lot (admitted bidders)",
             description="The lot's deposit is frozen from the bidder's available balance before its first bid "
                         "on the lot (409 insufficient_funds when it is short). Bids are refused on lots not open, "
                         "by the seller, below the minimum or off the increment steps. Needs an `Idempotency-Key` "
                         "header: the same key when retrying returns the first answer and bids once; the same "
                         "key with another bid is refused with 409. A refusal by the bidding rules "
                         "carries the lot's `minimum_bid` and `seq` at that moment, to bid again without "
                         "reading the lot.")
def bid(request: HttpRequest, lot_id: Id, payload: BidIn, idempotency_key: IdempotencyKey) -> Status[Any]:
    user = api_user(request)
    result = bid_place(actor=user, lot_id=lot_id, values=BidValues(
        amount=payload.amount, maximum=payload.maximum, currency=payload.currency,
        organisation_id=payload.organisation_id, key=idempotency_key))
    lot = selectors.lot_for(user, lot_id)
    return Status(201, {"lot": lot_out(selectors.lot_view(lot, user)), "leading": result.leading,
                        "first_seq": result.first_seq, "last_seq": result.last_seq, "replayed": result.replayed})
