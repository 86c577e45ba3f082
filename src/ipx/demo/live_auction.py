"""The demo's live auction session: lots that opened at load time and close one a minute from 8
minutes after it, through the clock's tasks. The buyer (``buyer@ipx.example``) is admitted and
may bid against the agent (``agent@ipx.example``) and two other bidders, whose opening bids
(some with proxy maximums) are placed through the bidding service.

A session like it opens again each time ``ipx demo`` (``make demo``) runs on a loaded database
whose lots' close times have all passed: a newcomer who starts the demo a second time, an hour
later, still finds lots to bid on, and the rounds before stay as results.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from ipx.accounts.models import User
from ipx.auctions.inputs import BidValues, SessionValues
from ipx.auctions.models import Lot
from ipx.auctions.services.bidding import bid_place, increment_table
from ipx.auctions.services.control import lot_open_due
from ipx.auctions.services.setup import UNFINISHED, lot_add, session_announce, session_create
from ipx.catalog.models import Asset
from ipx.demo.auction_lots import CURRENCY, Bidder, admit, candidates, demo_bidders, lot_values, on_step
from ipx.demo.people import OPERATOR
from ipx.listings.models import Listing

LIVE_FIRST_CLOSE = timedelta(minutes=8)
# The first lot closes on the minute, between this and a minute less after the session opens.
FIRST_CLOSE_WITHIN = LIVE_FIRST_CLOSE + timedelta(minutes=1)
# Fewer listings left than this (a small sample load, or many rounds sold): no new round.
FEWEST_LOTS = 3


@dataclass(frozen=True)
class LiveLot:
    """The opening of a live lot: who bids first (None: nobody yet), with what proxy maximum
    over the start, who answers with a plain bid, and the reserve over the start."""

    opener: str | None = None
    maximum: Decimal | None = None
    answer: str | None = None
    reserve: Decimal | None = None


LIVE_LOTS = (LiveLot("agent", maximum=Decimal("1.20")), LiveLot("jp-components", answer="agent"), LiveLot(),
             LiveLot("agent", maximum=Decimal("1.10"), reserve=Decimal("1.25")), LiveLot("us-technologies"),
             LiveLot(reserve=Decimal("1.15")))


def live_session(operator: User, bidders: dict[str, Bidder], listings: Sequence[Listing]) -> int:
    """The session with a lot for each listing (up to ``LIVE_LOTS``), open now; returns how many."""
    now = timezone.now().replace(microsecond=0)
    opens = now - timedelta(minutes=1)
    first_close = (now + FIRST_CLOSE_WITHIN).replace(second=0)
    session = session_create(operator=operator, values=SessionValues(
        title="知识产权网上拍卖 · 今日专场（示例）", starts_at=opens,
        description="拍品逐一截拍，每分钟一件；截拍前3分钟内出价将顺延截拍时间。演示数据。"))
    lots = []
    for number, (listing, plan) in enumerate(zip(listings, LIVE_LOTS, strict=False)):
        values = lot_values(listing, opens, first_close + timedelta(minutes=number), plan.reserve)
        lots.append((lot_add(operator=operator, session_id=session.pk, values=values), plan))
    session_announce(operator=operator, session_id=session.pk)
    admit(operator, session, bidders.values())
    for lot, plan in lots:
        lot_open_due(lot_id=lot.pk)
        _open_bids(lot, plan, bidders)
    return len(lots)


def _open_bids(lot: Lot, plan: LiveLot, bidders: dict[str, Bidder]) -> None:
    if plan.opener is None:
        return
    table = increment_table(lot)
    maximum = on_step(table, lot.starting_price * plan.maximum) if plan.maximum else None
    bid_place(actor=bidders[plan.opener].user, lot_id=lot.pk, values=BidValues(
        amount=lot.starting_price, currency=CURRENCY, maximum=maximum, key=f"demo-{lot.pk}-1"))
    if plan.answer is not None:
        bid_place(actor=bidders[plan.answer].user, lot_id=lot.pk, values=BidValues(
            amount=table.next_step(lot.starting_price), currency=CURRENCY, key=f"demo-{lot.pk}-2"))


def next_live_round() -> int:
    """On a loaded demo none of whose lots has its close still ahead: a new live session of the
    kind the load made, of listings no lot has sold and none is offering; returns its lots (0: a
    lot's close is still ahead, or too few listings are left). A lot whose close time passed
    while no worker ran (the demo was stopped) counts as over: the clock closes it once the
    workers start, and its listing is left out."""
    unfinished = Lot.objects.filter(status__in=UNFINISHED)
    if unfinished.filter(closes_at__gt=timezone.now()).exists():
        return 0
    operator = User.objects.filter(email=OPERATOR.email).first()
    bidders = demo_bidders()
    taken = set((unfinished | Lot.objects.filter(status=Lot.Status.SOLD)).values_list("listing_id", flat=True))
    listings = [listing for listing in candidates(Asset.Type.PATENT) if listing.pk not in taken][:len(LIVE_LOTS)]
    if operator is None or bidders is None or len(listings) < FEWEST_LOTS:
        return 0
    return live_session(operator, bidders, listings)
