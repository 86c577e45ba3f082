"""The bidding rules (ipx.auctions.rules): worked examples on the default CNY table; the
properties over random tables and random sequences of attempts are in ``test_rules_properties``.

Invariants checked after every accepted attempt of a random sequence (``check_accepted``),
against a plain model that remembers each bidder's latest maximum:
- the price never decreases; it is on a step; the leader's maximum is on a step and >= price;
- the leader holds the highest maximum, ties going to the one set first;
- the price is >= every other bidder's maximum (the runner-up's, R) and is exactly
  min(leader's maximum when the price last moved, max(amount the leader typed when it took
  the lead, next_step(R))): one step above the runner-up, capped at the leader's maximum,
  never below the leader's own bid;
- rows: exactly one typed by the bidder, automatic ones for others and never below the typed
  amount (a proxy only answers the attempt); amounts rise strictly,
  except the equal-maximum pair; the first is above the old price, the last sets the new
  price and belongs to the new leader; ``bids`` counts them; ``outbid`` is the lead lost;
- the close never moves back, never past the hard end, moves only with the price and only
  inside the window, to min(at + N, hard end);
- an open lot always accepts a bare bid at ``minimum_bid`` from a non-leader, refuses one
  a step below it, and ``replay`` of the accepted attempts lands on the same final state.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from ipx.auctions.rules import (
    DEFAULT_INCREMENTS,
    FIRST_FLOOR,
    FLOOR_OFF_GRID,
    FLOORS_NOT_INCREASING,
    INCREMENT_NOT_POSITIVE,
    NO_BANDS,
    NOT_A_NUMBER,
    Band,
    BidAttempt,
    BidRefused,
    IncrementTable,
    LotState,
    Outcome,
    apply_bid,
    minimum_bid,
    replay,
    reserve_met,
)

D = Decimal
T0 = datetime(2026, 5, 20, 10, 0, tzinfo=UTC)
TABLE = DEFAULT_INCREMENTS
CODES = {"closed", "not_positive", "below_minimum", "off_step", "maximum_not_positive", "maximum_below_amount",
         "maximum_off_step", "own_lead", "maximum_not_raised"}


def lot(price: int | None = None, leader: int | None = None, leader_max: int | None = None, *,
        start: int = 50_000, closes: int = 60, hard: int = 70, window: int = 5, bids: int = 0) -> LotState:
    """A lot opened at T0, closing ``closes`` minutes later, with a soft-close window of ``window`` minutes."""
    return LotState(start=D(start), price=None if price is None else D(price), leader=leader,
                    leader_max=None if leader_max is None else D(leader_max), closes_at=T0 + timedelta(minutes=closes),
                    hard_end=T0 + timedelta(minutes=hard), soft_close=timedelta(minutes=window), bids=bids)


def bid(bidder: int, amount: int | str, maximum: int | str | None = None, minute: float = 10) -> BidAttempt:
    return BidAttempt(bidder=bidder, amount=D(amount), maximum=None if maximum is None else D(maximum),
                      at=T0 + timedelta(minutes=minute))


def rows(outcome: Outcome) -> list[tuple[int, int, bool]]:
    return [(row.bidder, int(row.amount), row.automatic) for row in outcome.placed]


def refused(state: LotState, attempt: BidAttempt) -> BidRefused:
    with pytest.raises(BidRefused) as caught:
        apply_bid(state, TABLE, attempt)
    return caught.value


# --- The increment table ---------------------------------------------------------------------

def test_default_table_steps_cross_bands_on_one_grid() -> None:
    assert TABLE.problems() == []
    assert [TABLE.next_step(D(p)) for p in (0, 98_500, 99_000, 100_000, 100_001, 999_999, 1_000_000, 9_990_000)] == [
        D(1_000), D(99_000), D(100_000), D(105_000), D(105_000), D(1_000_000), D(1_010_000), D(10_000_000)]
    assert TABLE.increment_at(D(99_999)) == D(1_000)
    assert TABLE.increment_at(D(100_000)) == D(5_000)
    assert TABLE.on_step(D(99_000)) and TABLE.on_step(D(100_000)) and TABLE.on_step(D(105_000))
    assert not TABLE.on_step(D(101_000))
    assert not TABLE.on_step(D("1000.50"))


def test_next_step_finds_the_next_band_when_a_floor_interrupts_the_step() -> None:
    # 0→300, 1000→250: 900 + 300 = 1,200 passes the floor 1,000, which is the next step.
    table = IncrementTable.from_rows([(0, 300), (1_000, 250)])
    assert table.problems() == []
    assert table.next_step(D(900)) == D(1_000)
    assert table.next_step(D(1_000)) == D(1_250)
    state = apply_bid(lot(start=900), table, bid(1, 900)).state
    assert minimum_bid(state, table) == D(1_000)  # not 900 + 300
    assert apply_bid(state, table, bid(2, 1_000)).state.price == D(1_000)


def test_decimal_increments() -> None:
    table = IncrementTable.from_rows([("0", "0.50"), ("10", "1")])
    assert table.problems() == []
    assert table.next_step(D("9.5")) == D(10)
    assert table.next_step(D("3.20")) == D("3.5")
    assert table.on_step(D("3.50")) and not table.on_step(D("10.5"))


def test_problems_name_each_bad_table() -> None:
    assert IncrementTable(bands=()).problems() == [NO_BANDS]
    assert IncrementTable.from_rows([(100, 10)]).problems() == [FIRST_FLOOR % {"floor": 100}]
    assert IncrementTable.from_rows([(0, 10), (100, 20), (100, 50)]).problems() == [
        FLOORS_NOT_INCREASING % {"band": 3, "floor": 100, "previous": 100}]
    assert IncrementTable.from_rows([(0, 10), (200, 20), (100, 50)]).problems() == [  # kept in the order given
        FLOORS_NOT_INCREASING % {"band": 3, "floor": 100, "previous": 200}]
    assert IncrementTable.from_rows([(0, 0), (100, -5)]).problems() == [
        INCREMENT_NOT_POSITIVE % {"band": 1, "increment": 0}, INCREMENT_NOT_POSITIVE % {"band": 2, "increment": -5}]
    assert IncrementTable.from_rows([(0, 1_000), (150_000, 100_000)]).problems() == [
        FLOOR_OFF_GRID % {"band": 2, "floor": 150_000, "increment": 100_000}]
    assert IncrementTable.from_rows([(0, "NaN")]).problems() == [NOT_A_NUMBER % {"band": 1}]


def test_from_rows_refuses_floats_and_words() -> None:
    with pytest.raises(TypeError):
        IncrementTable.from_rows([(0, 0.1)])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="not a number"):
        IncrementTable.from_rows([(0, "ten")])


def test_default_table_as_rows() -> None:
    assert TABLE.as_rows() == [["0", "1000"], ["100000", "5000"], ["1000000", "10000"], ["10000000", "100000"]]
    assert IncrementTable.from_rows([(" 0 ", "1000")]).bands == (Band(D(0), D(1_000)),)


# --- Worked examples on the default table ----------------------------------------------------

def test_first_bid_at_the_starting_price() -> None:
    state = lot()
    assert minimum_bid(state, TABLE) == D(50_000)
    outcome = apply_bid(state, TABLE, bid(1, 50_000))
    assert rows(outcome) == [(1, 50_000, False)]
    assert outcome.state == replace(state, price=D(50_000), leader=1, leader_max=D(50_000), bids=1)
    assert (outcome.extended, outcome.outbid) == (False, None)


def test_first_bid_with_a_maximum_shows_only_the_amount() -> None:
    outcome = apply_bid(lot(), TABLE, bid(1, 50_000, 80_000))
    assert rows(outcome) == [(1, 50_000, False)]
    assert (outcome.state.price, outcome.state.leader_max) == (D(50_000), D(80_000))


def test_outbid_by_a_plain_bid() -> None:
    outcome = apply_bid(lot(50_000, 1, 50_000, bids=1), TABLE, bid(2, 51_000))
    assert rows(outcome) == [(2, 51_000, False)]
    assert (outcome.state.price, outcome.state.leader, outcome.state.leader_max) == (D(51_000), 2, D(51_000))
    assert (outcome.outbid, outcome.state.bids) == (1, 2)


def test_proxy_defends_one_step_above_the_challenger() -> None:
    outcome = apply_bid(lot(50_000, 1, 60_000, bids=1), TABLE, bid(2, 52_000))
    assert rows(outcome) == [(2, 52_000, False), (1, 53_000, True)]
    assert (outcome.state.price, outcome.state.leader, outcome.state.leader_max) == (D(53_000), 1, D(60_000))
    assert (outcome.outbid, outcome.state.bids) == (None, 3)


def test_proxy_defence_uses_the_challengers_maximum() -> None:
    outcome = apply_bid(lot(50_000, 1, 60_000), TABLE, bid(2, 51_000, 55_000))
    assert rows(outcome) == [(2, 51_000, False), (1, 56_000, True)]
    assert outcome.state.leader == 1


def test_challenger_beats_a_proxy_by_one_step() -> None:
    outcome = apply_bid(lot(50_000, 1, 60_000, bids=1), TABLE, bid(2, 51_000, 80_000))
    assert rows(outcome) == [(1, 60_000, True), (2, 61_000, False)]
    assert (outcome.state.price, outcome.state.leader, outcome.state.leader_max) == (D(61_000), 2, D(80_000))
    assert (outcome.outbid, outcome.state.bids) == (1, 3)


def test_the_price_is_capped_at_the_winners_maximum() -> None:
    # One step above 99,000 is 100,000 (band crossing), exactly the challenger's maximum.
    outcome = apply_bid(lot(95_000, 1, 99_000), TABLE, bid(2, 96_000, 100_000))
    assert rows(outcome) == [(1, 99_000, True), (2, 100_000, False)]
    assert outcome.state.price == outcome.state.leader_max == D(100_000)


def test_the_defence_is_capped_at_the_leaders_maximum() -> None:
    outcome = apply_bid(lot(95_000, 1, 100_000), TABLE, bid(2, 96_000, 99_000))
    assert rows(outcome) == [(2, 96_000, False), (1, 100_000, True)]
    assert outcome.state.price == D(100_000)


def test_the_price_is_never_below_the_challengers_own_amount() -> None:
    # The challenger bids past the leader's maximum: the leader's proxy could not answer, so
    # it placed no row (and its maximum stays unseen).
    outcome = apply_bid(lot(50_000, 1, 55_000), TABLE, bid(2, 70_000, 90_000))
    assert rows(outcome) == [(2, 70_000, False)]
    assert (outcome.state.price, outcome.state.leader, outcome.outbid) == (D(70_000), 2, 1)


def test_a_challenger_bidding_exactly_the_leaders_maximum_with_more_behind_it() -> None:
    outcome = apply_bid(lot(50_000, 1, 55_000), TABLE, bid(2, 55_000, 90_000))
    assert rows(outcome) == [(1, 55_000, True), (2, 56_000, False)]
    assert outcome.state.leader == 2


def test_equal_maximums_the_earlier_wins_and_its_row_repeats_the_amount() -> None:
    outcome = apply_bid(lot(50_000, 1, 60_000, bids=1), TABLE, bid(2, 60_000))
    assert rows(outcome) == [(2, 60_000, False), (1, 60_000, True)]
    assert (outcome.state.price, outcome.state.leader, outcome.outbid) == (D(60_000), 1, None)


def test_equal_maximums_behind_a_lower_amount() -> None:
    outcome = apply_bid(lot(50_000, 1, 60_000), TABLE, bid(2, 55_000, 60_000))
    assert rows(outcome) == [(2, 55_000, False), (1, 60_000, True)]
    assert (outcome.state.price, outcome.state.leader) == (D(60_000), 1)


def test_band_crossing_in_the_minimum() -> None:
    state = lot(99_000, 1, 99_000, start=1_000)
    assert minimum_bid(state, TABLE) == D(100_000)
    state = apply_bid(state, TABLE, bid(2, 100_000)).state
    assert minimum_bid(state, TABLE) == D(105_000)
    assert refused(state, bid(1, 101_000)).code == "below_minimum"
    assert refused(state, bid(1, 106_000)).code == "off_step"
    assert apply_bid(state, TABLE, bid(1, 110_000)).state.price == D(110_000)


def test_the_leader_raises_its_maximum() -> None:
    state = lot(50_000, 1, 50_000, bids=1)
    outcome = apply_bid(state, TABLE, bid(1, 50_000, 70_000, minute=58))  # inside the window
    assert outcome == Outcome(state=replace(state, leader_max=D(70_000)), placed=(), extended=False, outbid=None)
    assert refused(outcome.state, bid(1, 0, 70_000)).code == "maximum_not_raised"
    assert refused(outcome.state, bid(1, 0, 70_500)).code == "maximum_off_step"
    assert refused(outcome.state, bid(1, 0, 0)).code == "maximum_not_positive"


def test_the_leader_cannot_raise_its_own_bid() -> None:
    error = refused(lot(50_000, 1, 60_000), bid(1, 51_000))
    assert (error.code, error.message) == ("own_lead", "You already lead at 50000; you can raise your maximum instead.")


def test_refusals_of_amounts() -> None:
    state = lot(50_000, 1, 50_000)
    error = refused(lot(), bid(1, 49_000))
    assert (error.code, error.params) == ("below_minimum", {"minimum": D(50_000)})
    assert error.message == "The lowest bid accepted now is 50000."
    error = refused(state, bid(2, 51_500))
    assert (error.code, error.params) == ("off_step", {"amount": D(51_500), "increment": D(1_000), "next": D(52_000)})
    assert refused(state, bid(2, 50_000)).code == "below_minimum"
    assert refused(state, bid(2, 0)).code == "not_positive"
    assert refused(state, bid(2, -1_000)).code == "not_positive"
    assert refused(state, bid(2, "NaN")).code == "not_positive"
    assert refused(state, bid(2, 52_000, 51_000)).code == "maximum_below_amount"
    assert refused(state, bid(2, 52_000, 52_500)).code == "maximum_off_step"
    assert refused(state, bid(2, 52_000, "Infinity")).code == "maximum_not_positive"


def test_closed_at_the_close_and_after() -> None:
    error = refused(lot(50_000, 1, 50_000), bid(2, 51_000, minute=60))
    assert (error.code, error.params) == ("closed", {"closes_at": "2026-05-20T11:00:00+00:00"})
    assert refused(lot(), bid(2, 51_000, minute=75)).code == "closed"
    assert refused(lot(50_000, 1, 50_000), bid(1, 0, 90_000, minute=60)).code == "closed"


def test_soft_close_extends_then_stops_at_the_hard_end() -> None:
    state = lot(50_000, 1, 50_000, closes=60, hard=62)
    first = apply_bid(state, TABLE, bid(2, 51_000, minute=56))
    assert first.extended and first.state.closes_at == T0 + timedelta(minutes=61)
    second = apply_bid(first.state, TABLE, bid(1, 52_000, minute=60))
    assert second.extended and second.state.closes_at == T0 + timedelta(minutes=62)  # not 65
    third = apply_bid(second.state, TABLE, bid(2, 53_000, minute=61.5))
    assert not third.extended and third.state.closes_at == T0 + timedelta(minutes=62)
    assert refused(third.state, bid(1, 54_000, minute=62)).code == "closed"


def test_a_proxy_defence_inside_the_window_extends() -> None:
    outcome = apply_bid(lot(50_000, 1, 60_000), TABLE, bid(2, 51_000, minute=57))
    assert outcome.extended and outcome.state.closes_at == T0 + timedelta(minutes=62)


def test_no_extension_outside_the_window() -> None:
    outcome = apply_bid(lot(50_000, 1, 50_000), TABLE, bid(2, 51_000, minute=54.9))
    assert not outcome.extended and outcome.state.closes_at == T0 + timedelta(minutes=60)


def test_reserve() -> None:
    assert not reserve_met(lot(), None)
    assert not reserve_met(lot(), D(1))
    assert reserve_met(lot(50_000, 1, 90_000), None)
    assert not reserve_met(lot(50_000, 1, 90_000), D(60_000))  # a maximum is not a bid
    assert reserve_met(lot(60_000, 1, 90_000), D(60_000))


def test_replay_refuses_what_apply_refuses() -> None:
    attempts = [bid(1, 50_000, 60_000), bid(2, 51_000), bid(2, 51_000)]
    with pytest.raises(BidRefused):
        replay(lot(), TABLE, attempts)
    assert replay(lot(), TABLE, attempts[:2]) == replace(lot(), price=D(52_000), leader=1, leader_max=D(60_000), bids=3)


# --- The reserve and proxies ----------------------------------------------------------------

def reserved() -> LotState:
    return replace(lot(start=100_000), reserve=D(150_000))


def test_a_leader_whose_maximum_covers_the_reserve_leads_at_the_reserve() -> None:
    first = apply_bid(reserved(), TABLE, bid(1, 100_000, 200_000))
    assert (first.state.price, rows(first)) == (150_000, [(1, 150_000, False)])
    assert reserve_met(first.state, D(150_000))
    # A challenger below the leader's maximum: its row, then the leader's one step above it.
    second = apply_bid(first.state, TABLE, bid(2, 160_000))
    assert rows(second) == [(2, 160_000, False), (1, 165_000, True)]


def test_a_maximum_below_the_reserve_does_not_lift_the_price() -> None:
    first = apply_bid(reserved(), TABLE, bid(1, 100_000, 140_000))
    assert first.state.price == 100_000 and not reserve_met(first.state, D(150_000))
    # A challenger whose maximum covers the reserve leads at the reserve.
    second = apply_bid(first.state, TABLE, bid(2, 120_000, 300_000))
    assert (second.state.leader, second.state.price) == (2, 150_000)
    assert rows(second) == [(1, 140_000, True), (2, 150_000, False)]


def test_a_leader_raising_its_maximum_over_the_reserve_lifts_the_price_to_it() -> None:
    first = apply_bid(reserved(), TABLE, bid(1, 100_000))
    raised = apply_bid(first.state, TABLE, bid(1, 100_000, 180_000))
    assert (raised.state.price, raised.state.leader_max, raised.state.bids) == (150_000, 180_000, 2)
    assert rows(raised) == [(1, 150_000, True)]
