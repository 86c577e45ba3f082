"""The demo's auctions, on the package's sample load: a finished session whose stored bids are
what the rules give, and a live session the buyer can bid in against the agent's proxy."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from itertools import pairwise

import pytest
from django.utils import timezone

from ipx.accounts.models import User
from ipx.auctions.inputs import BidValues
from ipx.auctions.models import AuctionSession, Bid, BidReceipt, Deposit, Lot, Registration, Settlement
from ipx.auctions.rules import BidAttempt, LotState, PlacedBid, apply_bid, reserve_met
from ipx.auctions.services import control
from ipx.auctions.services.bidding import bid_place, increment_table, lot_state
from ipx.auctions.settlement.services import PAYMENT_DUE_TASK
from ipx.catalog.models import Asset
from ipx.demo.live_auction import LIVE_LOTS
from ipx.demo.loader import LoadResult, load_demo
from ipx.ledger.selectors import available_balance, ledger_check
from ipx.ledger.services import escrow_balance
from ipx.tasks.models import Task

# What the sample holds is the loader's arithmetic, the same on either database; test_loader's
# sample loads on PostgreSQL run the same code (ipx.testing.database_pass).
pytestmark = [pytest.mark.django_db, pytest.mark.once]


def premium(lot: Lot) -> Decimal:
    assert lot.price is not None
    return (lot.price - lot.starting_price) / lot.starting_price


def ip_type(lot: Lot) -> str:
    return str(lot.listing.assets.get().ip_type)


def assert_rows_are_the_rules(lot: Lot) -> None:
    """Bids dense from 1, and the receipts (what bidders sent) replayed through the rules give
    exactly the stored rows and the lot's stored state."""
    rows = list(lot.bids.order_by("seq"))
    assert [row.seq for row in rows] == list(range(1, lot.last_seq + 1))
    assert all(a.placed_at <= b.placed_at for a, b in pairwise(rows))
    table = increment_table(lot)
    state = LotState(start=lot.starting_price, price=None, leader=None, leader_max=None, closes_at=lot.closes_at,
                     hard_end=lot.hard_end, soft_close=timedelta(minutes=lot.soft_close_minutes))
    placed: list[PlacedBid] = []
    for receipt in BidReceipt.objects.filter(lot=lot).order_by("first_seq"):
        at = rows[(receipt.first_seq or 1) - 1].placed_at
        outcome = apply_bid(state, table, BidAttempt(receipt.registration_id, receipt.amount, receipt.maximum, at))
        assert (receipt.first_seq, receipt.last_seq) == (len(placed) + 1, len(placed) + len(outcome.placed))
        placed += outcome.placed
        state = outcome.state
    assert placed == [PlacedBid(row.registration_id, row.amount, row.automatic) for row in rows]
    assert (state.price, state.leader, state.leader_max, state.bids, state.closes_at) == (
        lot.price, lot.leader_id, lot.leader_max, lot.last_seq, lot.closes_at)


@pytest.mark.usefixtures("sample")
def test_the_past_session_has_results_the_rules_give() -> None:
    past = AuctionSession.objects.get(status=AuctionSession.Status.FINISHED)
    assert past.starts_at < timezone.now() - timedelta(days=7)
    lots = list(past.lots.select_related("listing"))
    sold = [lot for lot in lots if lot.status == Lot.Status.SOLD]
    unsold = [lot for lot in lots if lot.status == Lot.Status.UNSOLD]
    assert len(sold) + len(unsold) == len(lots) == 10
    # One lot nobody bid on, one whose bids stayed below its reserve.
    assert sorted(lot.last_seq > 0 for lot in unsold) == [False, True]
    below = next(lot for lot in unsold if lot.last_seq)
    assert lot_below_reserve(below)
    premiums: dict[str, list[Decimal]] = {}
    for lot in sold:
        assert lot.leader is not None and lot.closed_at == lot.closes_at < timezone.now()
        assert reserve_met(lot_state(lot), lot.reserve_price)
        premiums.setdefault(ip_type(lot), []).append(premium(lot))
    assert Decimal("0.25") < max(premiums[Asset.Type.PATENT]) <= Decimal("0.30")
    assert Decimal("0.25") < max(premiums[Asset.Type.TRADEMARK]) <= Decimal("0.35")
    assert min(premiums[Asset.Type.PATENT]) == 0  # sold at its start to a single bid
    for lot in lots:
        assert_rows_are_the_rules(lot)
        assert lot.events.filter(verb__in=("sell", "pass")).get().created_at == lot.closed_at
    # The last bids came inside the soft-close window and moved closes (set one a minute from 40).
    assert any(lot.closes_at > lot.opens_at + timedelta(minutes=40 + lot.number - 1) for lot in sold)

    # The winners' deposits went into their deals; every other one went back at the close.
    for lot in lots:
        for deposit in lot.deposits.select_related("registration__organisation"):
            won = lot.status == Lot.Status.SOLD and deposit.registration_id == lot.leader_id
            assert deposit.status == (Deposit.Status.APPLIED if won else Deposit.Status.RELEASED)
            assert escrow_balance(payer=deposit.registration.organisation, currency="CNY",
                                  reference=deposit.reference) == 0
    # Every sold lot is a deal at its hammer price; the first is signed and paid.
    settlements = list(Settlement.objects.filter(lot__in=sold).select_related("deal").order_by("lot__number"))
    assert [(s.lot_id, s.deal.price_amount) for s in settlements if s.deal] == [(lot.pk, lot.price) for lot in sold]
    assert [s.status for s in settlements].count(Settlement.Status.PAID) == 1
    # The buyer bid in the past session and won nothing: its money is as the deals left it.
    buyer = Registration.objects.get(session=past, organisation__memberships__user__email="buyer@ipx.example")
    assert Bid.objects.filter(registration=buyer).exists()
    assert not past.lots.filter(status=Lot.Status.SOLD, leader=buyer).exists()
    assert not Task.objects.filter(kwargs__lot_id__in=[lot.pk for lot in lots]).exists()
    assert ledger_check().ok

    counts = (AuctionSession.objects.count(), Lot.objects.count(), Bid.objects.count(), Task.objects.count())
    assert not load_demo(sample=25).loaded
    assert (AuctionSession.objects.count(), Lot.objects.count(), Bid.objects.count(), Task.objects.count()) == counts


def lot_below_reserve(lot: Lot) -> bool:
    return lot.price is not None and lot.reserve_price is not None and lot.price < lot.reserve_price


@pytest.mark.usefixtures("sample")
def test_the_live_session_closes_lot_by_lot_and_the_buyer_can_bid_against_the_agent() -> None:
    live = AuctionSession.objects.get(status=AuctionSession.Status.LIVE)
    lots = list(live.lots.order_by("number"))
    assert len(lots) == 6 and {lot.status for lot in lots} == {Lot.Status.OPEN}
    assert all(lot.opens_at <= timezone.now() < lot.closes_at for lot in lots)
    # Staggered one a minute, the first at least 8 minutes after the lots opened.
    assert lots[0].closes_at - lots[0].opens_at >= timedelta(minutes=9)
    assert [b.closes_at - a.closes_at for a, b in pairwise(lots)] == [timedelta(minutes=1)] * 5
    for lot in lots:
        close = Task.objects.get(name=control.CLOSE_TASK, kwargs__lot_id=lot.pk)
        # On the clock at its close, waiting for the worker's first round to hand it over.
        assert (close.run_after, close.status, close.pushed_at) == (lot.closes_at, Task.Status.QUEUED, None)
        assert_rows_are_the_rules(lot)
    # So is everything else the load put on the clock (closing-soon notices, payment deadlines):
    # the store never heard of it, so none may count as handed over.
    clock = Task.objects.filter(status=Task.Status.QUEUED, run_after__isnull=False)
    on_the_clock = set(clock.values_list("name", flat=True))
    assert {control.CLOSE_TASK, control.CLOSING_SOON_TASK, PAYMENT_DUE_TASK} <= on_the_clock
    assert not clock.filter(pushed_at__isnull=False).exists()
    assert [lot.last_seq for lot in lots] == [1, 2, 0, 1, 1, 0]

    users = {user.email.split("@")[0]: user for user in User.objects.filter(email__in=[
        "buyer@ipx.example", "agent@ipx.example"])}
    admitted = Registration.objects.filter(session=live, status=Registration.Status.ADMITTED)
    for role, user in users.items():
        registration = admitted.get(organisation__memberships__user=user)
        assert available_balance(registration.organisation_id, "CNY") >= max(lot.deposit for lot in lots), role
    assert ledger_check().ok

    # The buyer outbids the agent's opening bid; the agent's proxy answers at once.
    first = lots[0]
    buyer = users["buyer"]
    result = bid_place(actor=buyer, lot_id=first.pk, values=BidValues(
        amount=increment_table(first).next_step(first.starting_price), currency="CNY", key="newcomer-1"))
    assert not result.leading and (result.first_seq, result.last_seq) == (2, 3)
    rows = list(first.bids.order_by("seq").values_list("registration__organisation__memberships__user__email",
                                                         "automatic"))
    assert rows == [("agent@ipx.example", False), ("buyer@ipx.example", False), ("agent@ipx.example", True)]
    assert Deposit.objects.filter(lot=first, registration__organisation__memberships__user=buyer,
                                  status=Deposit.Status.HELD).exists()
    assert ledger_check().ok


def test_a_new_live_round_opens_when_the_demo_starts_again_after_its_lots_closed(sample: LoadResult) -> None:
    first = sample
    assert first.loaded and first.live_lots == 0
    live = AuctionSession.objects.get(status=AuctionSession.Status.LIVE)
    live_lots = list(live.lots.order_by("number"))
    # Their close times pass; the clock closes all but the last (the demo was stopped before it).
    Lot.objects.filter(session=live).update(closes_at=timezone.now() - timedelta(seconds=1))
    for lot in live_lots[:-1]:
        control.lot_close_due(lot_id=lot.pk)
    sold = set(Lot.objects.filter(status=Lot.Status.SOLD).values_list("listing_id", flat=True))
    overdue = Lot.objects.get(pk=live_lots[-1].pk)
    assert overdue.status == Lot.Status.OPEN
    journaled = Task.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    again = load_demo(sample=25)

    assert not again.loaded and again.live_lots == len(LIVE_LOTS)
    lots = list(Lot.objects.filter(status=Lot.Status.OPEN).exclude(session=live).order_by("number"))
    assert len(lots) == len(LIVE_LOTS) and len({lot.session_id for lot in lots}) == 1
    assert not (sold | {overdue.listing_id}) & {lot.listing_id for lot in lots}
    assert [b.closes_at - a.closes_at for a, b in pairwise(lots)] == [timedelta(minutes=1)] * (len(lots) - 1)
    assert Registration.objects.filter(session_id=lots[0].session_id, status=Registration.Status.ADMITTED,
                                       organisation__memberships__user__email="buyer@ipx.example").exists()
    for lot in lots:
        assert_rows_are_the_rules(lot)
    assert ledger_check().ok
    # Its clock is left for the workers' first round, as the load's is.
    clock = Task.objects.filter(pk__gt=journaled, status=Task.Status.QUEUED, run_after__isnull=False)
    assert clock.filter(name=control.CLOSE_TASK).count() == len(lots)
    assert not clock.filter(pushed_at__isnull=False).exists()
    # While those are open, starting again opens nothing more.
    assert load_demo(sample=25).live_lots == 0
