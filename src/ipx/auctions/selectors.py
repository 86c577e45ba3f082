"""Reading auctions: which sessions a person may see, a lot as the hall shows it (price,
leader by bidder number, reserve met or not — never its amount, never anyone's maximum),
its bid history, and a person's own standing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from ipx.accounts.selectors import memberships_of
from ipx.auctions.models import AuctionSession, Bid, Lot, Registration
from ipx.auctions.rules import minimum_bid, reserve_met
from ipx.auctions.services.bidding import increment_table, lot_state
from ipx.core.errors import NotFound

PUBLIC = (AuctionSession.Status.SCHEDULED, AuctionSession.Status.LIVE, AuctionSession.Status.FINISHED)


def is_operator(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_operator", False))


def visible_sessions(user: Any) -> QuerySet[AuctionSession]:
    # Distinct: the list's count of registrations joins another table beside the lots.
    sessions = AuctionSession.objects.annotate(lot_count=Count("lots", distinct=True))
    return sessions if is_operator(user) else sessions.filter(status__in=PUBLIC)


def listed_sessions(user: Any) -> QuerySet[AuctionSession]:
    """The sessions' list; for operators with what waits for them in each (the back-office's
    "bidders awaiting admission")."""
    if not is_operator(user):
        return visible_sessions(user)
    applied = Count("registrations", filter=Q(registrations__status=Registration.Status.APPLIED), distinct=True)
    return visible_sessions(user).annotate(applied_count=applied)


def session_for(user: Any, session_id: int) -> AuctionSession:
    session = visible_sessions(user).filter(pk=session_id).first()
    if session is None:
        raise NotFound(_("No such auction session."))
    return session


def lot_for(user: Any, lot_id: int) -> Lot:
    lots = Lot.objects.select_related("session", "listing", "listing__organisation", "leader")
    if not is_operator(user):
        lots = lots.filter(session__status__in=PUBLIC)
    lot = lots.filter(pk=lot_id).first()
    if lot is None:
        raise NotFound(_("No such lot."))
    return lot


def lots_of(session: AuctionSession) -> list[Lot]:
    return list(session.lots.select_related("listing", "leader").order_by("number"))


def registrations_of(user: Any, session: AuctionSession) -> list[Registration]:
    """The user's organisations' registrations for the session."""
    if not getattr(user, "is_authenticated", False):
        return []
    organisation_ids = [m.organisation_id for m in memberships_of(user)]
    return list(Registration.objects.filter(session=session, organisation_id__in=organisation_ids)
                .select_related("organisation"))


@dataclass(frozen=True)
class LotView:
    """What everyone in the hall may know about a lot now."""

    lot: Lot
    price: Decimal | None
    minimum: Decimal
    leader_number: int | None
    reserve: str  # "none", "met" or "not_met"
    bids: int
    bidders: int
    closes_at: datetime
    seq: int
    # The viewer's own standing: leading, their maximum (theirs only), their bidder number.
    mine_leading: bool = False
    mine_maximum: Decimal | None = None
    mine_number: int | None = None


def lot_view(lot: Lot, user: Any = None) -> LotView:
    state = lot_state(lot)
    met = lot.reserve_price is None or reserve_met(state, lot.reserve_price)
    reserve = "none" if lot.reserve_price is None else "met" if met else "not_met"
    bidders = Bid.objects.filter(lot=lot).values("registration").distinct().count()
    mine = [r for r in registrations_of(user, lot.session) if r.status == Registration.Status.ADMITTED]
    leading = any(r.pk == lot.leader_id for r in mine)
    return LotView(lot=lot, price=lot.price, minimum=minimum_bid(state, increment_table(lot)),
                   leader_number=lot.leader.bidder_number if lot.leader else None, reserve=reserve,
                   bids=lot.last_seq, bidders=bidders, closes_at=lot.closes_at, seq=lot.last_seq,
                   mine_leading=leading, mine_maximum=lot.leader_max if leading else None,
                   mine_number=mine[0].bidder_number if mine else None)


@dataclass(frozen=True)
class BidLine:
    seq: int
    bidder_number: int | None
    amount: Decimal
    automatic: bool
    placed_at: datetime


def bid_history(lot: Lot, *, after: int | None = None, upto: int | None = None, limit: int = 50) -> list[BidLine]:
    """The newest bids first (or, with ``after``, those after that sequence number, oldest first:
    what a watcher that reconnects has missed; with ``upto``, none after that one)."""
    rows = Bid.objects.filter(lot=lot).select_related("registration")
    if upto is not None:
        rows = rows.filter(seq__lte=upto)
    rows = rows.filter(seq__gt=after).order_by("seq") if after is not None else rows.order_by("-seq")
    return [BidLine(seq=b.seq, bidder_number=b.registration.bidder_number, amount=b.amount, automatic=b.automatic,
                    placed_at=b.placed_at) for b in rows[:limit]]

