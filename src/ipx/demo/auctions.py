"""Two auction sessions for the demo, in CNY, of published listings offered for transfer or auction.

- A past session, two weeks ago: lots of patents and trademarks sold with premiums like the
  real expo's (up to 30 % for patents, 35 % for trademarks), one unsold without bids and one
  unsold below its reserve. Its bids lie in the past, so they are not placed through the
  bidding service (which bids now): each lot's rows are what ``ipx.auctions.rules.apply_bid``
  gives for a sequence of attempts at past times, its close is the transition the clock would
  have taken, and the deposits go through the ledger as the clock's close moves them.
- A live session whose lots opened at load time and close one a minute from 8 minutes after
  it (``ipx.demo.live_auction``).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import F
from django.utils import timezone

from ipx.accounts.models import Membership, Organisation, User
from ipx.auctions.inputs import SessionValues
from ipx.auctions.models import (
    AuctionSession,
    Bid,
    BidReceipt,
    Deposit,
    Lot,
    LotEvent,
    Registration,
    RegistrationEvent,
    SessionEvent,
    Settlement,
)
from ipx.auctions.rules import (
    BidAttempt,
    LotState,
    apply_bid,
    minimum_bid,
    reserve_met,
)
from ipx.auctions.services.bidding import increment_table, lot_state
from ipx.auctions.services.setup import lot_add, session_create
from ipx.auctions.settlement.services import lot_settle_due, settlement_pay
from ipx.auctions.workflow import LOT, SESSION
from ipx.catalog.models import Asset
from ipx.core.money import Money
from ipx.deals.contracts.services import deal_sign
from ipx.demo.auction_lots import CURRENCY, RIVALS, Bidder, admit, candidates, lot_values, on_step
from ipx.demo.live_auction import LIVE_LOTS, live_session
from ipx.ledger.services import deposit_record, escrow_hold, escrow_refund
from ipx.listings.models import Listing
from ipx.notifications.models import Notification

SEED = 2011
RIVAL_FUNDS = Decimal("2000000.00")
PAST_DAYS = 14


@dataclass(frozen=True)
class PastLot:
    """How a past lot went: ``premium`` over the start it fetched (None: nobody bid), and its
    reserve as a share of the start (None: no reserve)."""

    premium: Decimal | None
    reserve: Decimal | None = None


# In order of importance: with few listings (a sample load) the first ones are kept.
PAST_PATENTS = (PastLot(Decimal("0.30")), PastLot(None), PastLot(Decimal("0.10"), reserve=Decimal("1.20")),
                PastLot(Decimal("0.12"), reserve=Decimal("1.10")), PastLot(Decimal("0.25")),
                PastLot(Decimal("0.05")), PastLot(Decimal("0.18")), PastLot(Decimal(0)))
PAST_TRADEMARKS = (PastLot(Decimal("0.35")), PastLot(Decimal("0.20"), reserve=Decimal("1.05")))


def create_auctions(organisations: dict[str, Organisation], admins: dict[str, User], operator: User) -> dict[str, int]:
    """Both sessions, from listings no other part of the demo uses; {} when there are too few."""
    patents, trademarks = candidates(Asset.Type.PATENT), candidates(Asset.Type.TRADEMARK)
    past_patents = min(len(PAST_PATENTS), max(len(patents) - len(LIVE_LOTS), 0))
    if past_patents < 3:
        return {}
    bidders = {key: Bidder(organisations[key], admins[key]) for key in ("buyer", *RIVALS)}
    for number, key in enumerate(RIVALS, start=1):
        deposit_record(organisation=bidders[key].organisation, money=Money(RIVAL_FUNDS, CURRENCY),
                       provider_reference=f"DEMO-AUCTION-DEPOSIT-{number:04d}", actor=bidders[key].user)
    past = list(zip(patents[:past_patents], PAST_PATENTS, strict=False))
    past += list(zip(trademarks, PAST_TRADEMARKS, strict=False))
    sold = _past_session(operator, bidders, past)
    live = live_session(operator, bidders, patents[past_patents:past_patents + len(LIVE_LOTS)])
    return {"auction lots sold": sold, "auction lots past": len(past), "auction lots live": live}


# --- The past session ---------------------------------------------------------------------------

def _past_session(operator: User, bidders: dict[str, Bidder], lots: Sequence[tuple[Listing, PastLot]]) -> int:
    rng = random.Random(SEED)
    day = timezone.localtime() - timedelta(days=PAST_DAYS)
    starts = day.replace(hour=14, minute=0, second=0, microsecond=0)
    session = session_create(operator=operator, values=SessionValues(
        title="湾区知识产权拍卖会 · 专利与商标专场（示例）", starts_at=starts,
        description="线下与网上同步举行的知识产权拍卖专场，拍品为专利权与商标专用权的转让。"
                    "演示数据：成交结果为虚构。"))
    added = []
    # A lot is set up to close in the future: each is set up a day after now, then moved back to
    # the session's afternoon, as the history below is dated back.
    ahead = timezone.now() - starts + timedelta(days=1)
    for number, (listing, plan) in enumerate(lots):
        closes_at = starts + timedelta(minutes=40 + number)
        lot = lot_add(operator=operator, session_id=session.pk,
                      values=lot_values(listing, starts + ahead, closes_at + ahead, plan.reserve))
        Lot.objects.filter(pk=lot.pk).update(opens_at=F("opens_at") - ahead, closes_at=F("closes_at") - ahead,
                                             scheduled_close=F("scheduled_close") - ahead,
                                             hard_end=F("hard_end") - ahead)
        lot.refresh_from_db()
        added.append((lot, plan))
    # History: announced then, so nothing is put on the clock now.
    SESSION.transition(session, "announce", actor=operator, params={"lots": len(added)})
    registrations = admit(operator, session, bidders.values())
    SESSION.transition(session, "go_live", actor=None, check=False)
    sold = [lot for lot, plan in added if _run_past_lot(lot, plan, registrations, rng)]
    SESSION.transition(session, "finish", actor=None, check=False)
    _date_the_history(session, starts)
    _settle(sold)
    return len(sold)


def _settle(sold: list[Lot]) -> None:
    """Each sold lot's deal, the winner's deposit applied, as the close's task makes them; the
    first one signed by both sides and paid, the others awaiting payment."""
    for number, lot in enumerate(sold):
        settlement_id = lot_settle_due(lot_id=lot.pk)
        if number or settlement_id is None:
            continue
        settlement = Settlement.objects.select_related("deal", "registration").get(pk=settlement_id)
        assert settlement.deal is not None
        buyer = _binding_user(settlement.deal.buyer_id)
        deal_sign(deal_id=settlement.deal.pk, actor=buyer)
        deal_sign(deal_id=settlement.deal.pk, actor=_binding_user(settlement.deal.seller_id))
        settlement_pay(actor=buyer, settlement_id=settlement_id)


def _binding_user(organisation_id: int) -> User:
    return Membership.objects.filter(organisation_id=organisation_id, role=Membership.Role.ADMIN,
                                     user__is_active=True).select_related("user").order_by("pk")[0].user


def _bidding_war(lot: Lot, target: Decimal, bidders: list[int], rng: random.Random, *,
                 drops_out: int | None = None) -> list[BidAttempt]:
    """Attempts that take the lot from its start to exactly ``target``: bidders take turns
    against the leader, a step or a few at a time; one may leave a proxy maximum on the way.
    ``drops_out`` never makes the winning bid (the buyer's money stays as the deals left it)."""
    table, state = increment_table(lot), lot_state(lot)
    at = lot.opens_at  # times are set afterwards; they move the close, never the price
    attempts: list[BidAttempt] = []
    proxy = rng.random() < 0.6
    while state.price != target:
        amount = minimum_bid(state, table)
        for _jump in range(rng.choice((0, 0, 1, 2))):
            amount = min(table.next_step(amount), target)
        challenger = rng.choice([bidder for bidder in bidders if bidder != state.leader
                                 and not (bidder == drops_out and amount == target)])
        maximum = None
        if proxy and attempts:
            ceiling = on_step(table, state.start + (target - state.start) * Decimal("0.6"))
            maximum, proxy = (ceiling if amount < ceiling < target else None), False
        attempt = BidAttempt(bidder=challenger, amount=amount, maximum=maximum, at=at)
        state = apply_bid(state, table, attempt).state
        attempts.append(attempt)
    return attempts


def _timed(attempts: list[BidAttempt], lot: Lot) -> list[BidAttempt]:
    """Spread over the lot's bidding time, the last ones inside its soft-close window."""
    first, last = lot.opens_at + timedelta(minutes=3), lot.closes_at - timedelta(seconds=40)
    gap = (last - first) / max(len(attempts) - 1, 1)
    return [BidAttempt(bidder=attempt.bidder, amount=attempt.amount, maximum=attempt.maximum,
                       at=(first + gap * index).replace(microsecond=0)) for index, attempt in enumerate(attempts)]


def _run_past_lot(lot: Lot, plan: PastLot, registrations: dict[int, Bidder], rng: random.Random) -> bool:
    LOT.transition(lot, "open", actor=None, check=False)
    attempts: list[BidAttempt] = []
    if plan.premium is not None:
        target = on_step(increment_table(lot), lot.starting_price * (1 + plan.premium))
        buyer, *rivals = registrations  # the buyer bids on some lots and wins none
        bidders = rng.sample(rivals, 2) + ([buyer] if rng.random() < 0.5 else [])
        attempts = _timed(_bidding_war(lot, target, bidders, rng, drops_out=buyer), lot)
    state, rows = _rows(lot, attempts, registrations)
    Bid.objects.bulk_create(rows)
    lot.price, lot.leader_id, lot.leader_max, lot.last_seq = state.price, state.leader, state.leader_max, state.bids
    lot.closes_at = lot.closed_at = state.closes_at
    sold = state.leader is not None and reserve_met(state, lot.reserve_price)
    LOT.transition(lot, "sell" if sold else "pass", actor=None, check=False,
                   fields=("price", "leader", "leader_max", "last_seq", "closes_at", "closed_at"),
                   params={"price": str(lot.price) if lot.price is not None else None, "bids": lot.last_seq})
    _release(lot, keep=state.leader if sold else None)
    return sold


def _rows(lot: Lot, attempts: list[BidAttempt], registrations: dict[int, Bidder]) -> tuple[LotState, list[Bid]]:
    """The Bid rows the attempts place, each bidder's deposit held before its first bid, and
    each attempt's receipt (what the bidder sent: amount and maximum), so that the rows can be
    checked against the rules again."""
    table, state = increment_table(lot), lot_state(lot)
    rows: list[Bid] = []
    receipts: list[BidReceipt] = []
    for number, attempt in enumerate(attempts, start=1):
        bidder = registrations[attempt.bidder]
        if not Deposit.objects.filter(lot=lot, registration_id=attempt.bidder).exists():
            _hold(lot, attempt.bidder, bidder, attempt.at)
        outcome = apply_bid(state, table, attempt)
        first = len(rows) + 1
        for placed in outcome.placed:
            rows.append(Bid(lot=lot, seq=len(rows) + 1, registration_id=placed.bidder, amount=placed.amount,
                            automatic=placed.automatic, placed_at=attempt.at,
                            placed_by=None if placed.automatic else registrations[placed.bidder].user))
        receipts.append(BidReceipt(lot=lot, registration_id=attempt.bidder, key=f"demo-{lot.pk}-{number}",
                                   amount=attempt.amount, maximum=attempt.maximum, first_seq=first,
                                   last_seq=len(rows)))
        state = outcome.state
    BidReceipt.objects.bulk_create(receipts)
    return state, rows


def _hold(lot: Lot, registration_id: int, bidder: Bidder, at: datetime) -> None:
    deposit = Deposit(lot=lot, registration_id=registration_id, amount=lot.deposit)
    escrow_hold(payer=bidder.organisation, money=Money(lot.deposit, CURRENCY), reference=deposit.reference,
                actor=bidder.user, memo=f"auction lot {lot.pk} deposit")
    deposit.save()
    Deposit.objects.filter(pk=deposit.pk).update(held_at=at)


def _release(lot: Lot, *, keep: int | None) -> None:
    """Every deposit back but the winner's, as the clock's close gives them back."""
    held = Deposit.objects.filter(lot=lot, status=Deposit.Status.HELD).select_related("registration__organisation")
    for deposit in held.exclude(registration_id=keep) if keep is not None else held:
        escrow_refund(payer=deposit.registration.organisation, money=Money(deposit.amount, CURRENCY),
                      reference=deposit.reference, actor=None, memo=f"auction lot {lot.pk} deposit released")
        deposit.status, deposit.settled_at = Deposit.Status.RELEASED, lot.closed_at
        deposit.save(update_fields=["status", "settled_at"])


def _date_the_history(session: AuctionSession, starts: datetime) -> None:
    """The session's rows written now carry the times they would have had."""
    prepared, announced, applied = starts - timedelta(days=10), starts - timedelta(days=7), starts - timedelta(days=3)
    lots = list(session.lots.all())
    finished = max(lot.closed_at or starts for lot in lots)
    AuctionSession.objects.filter(pk=session.pk).update(created_at=prepared)
    session_events = SessionEvent.objects.filter(session=session)
    for verb, at in (("created", prepared), ("announce", announced), ("go_live", starts), ("finish", finished)):
        session_events.filter(verb=verb).update(created_at=at)
    for lot in lots:
        lot_events = LotEvent.objects.filter(lot=lot)
        lot_events.filter(verb="created").update(created_at=prepared)
        lot_events.filter(verb="open").update(created_at=lot.opens_at)
        lot_events.filter(verb__in=("sell", "pass")).update(created_at=lot.closed_at)
    registrations = Registration.objects.filter(session=session)
    registrations.update(created_at=applied)
    events = RegistrationEvent.objects.filter(registration__session=session)
    events.filter(verb="applied").update(created_at=applied)
    events.filter(verb="admit").update(created_at=applied + timedelta(days=1))
    # The admission notices were read long ago.
    admitted = applied + timedelta(days=1)
    Notification.objects.filter(url=f"/auctions/{session.pk}/").update(created_at=admitted, read_at=admitted)
