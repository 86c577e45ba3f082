"""The bidding rules' properties over random increment tables and random sequences of
attempts (the invariants are listed in ``test_rules``' docstring; worked examples are there)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ipx.auctions.rules import (
    DEFAULT_INCREMENTS,
    FIRST_FLOOR,
    FLOOR_OFF_GRID,
    FLOORS_NOT_INCREASING,
    INCREMENT_NOT_POSITIVE,
    Band,
    BidAttempt,
    BidRefused,
    IncrementTable,
    LotState,
    Outcome,
    PlacedBid,
    apply_bid,
    minimum_bid,
    replay,
)
from ipx.auctions.tests.test_rules import CODES, T0, D


@st.composite
def tables(draw: st.DrawFn, scale: int = 1) -> IncrementTable:
    """A valid table: each floor above the last and a multiple of its own increment."""
    increments = draw(st.lists(st.sampled_from([1, 2, 3, 5, 10, 25, 50]), min_size=1, max_size=5))
    bands, floor = [Band(D(0), D(increments[0] * scale))], 0
    for increment in increments[1:]:
        floor = (floor // increment + 1 + draw(st.integers(0, 20))) * increment
        bands.append(Band(D(floor * scale), D(increment * scale)))
    return IncrementTable(bands=tuple(bands))


@given(tables(), st.integers(0, 2_000))
def test_next_step_is_the_smallest_step_above(table: IncrementTable, price: int) -> None:
    following = table.next_step(D(price))
    assert following > price and table.on_step(following)
    assert not any(table.on_step(D(amount)) for amount in range(price + 1, int(following)))


@given(tables(), st.sampled_from([1, 1_000]), st.data())
def test_problems_catch_each_bad_table(table: IncrementTable, scale: int, data: st.DataObject) -> None:
    table = IncrementTable(bands=tuple(Band(b.floor * scale, b.increment * scale) for b in table.bands))
    assert table.problems() == []
    bands = list(table.bands)
    at = data.draw(st.integers(0, len(bands) - 1))
    band = bands[at]
    bad_increment = data.draw(st.sampled_from([D(0), -band.increment]))
    expected = {
        "increment": INCREMENT_NOT_POSITIVE % {"band": at + 1, "increment": bad_increment},
        "first": FIRST_FLOOR % {"floor": bands[0].increment},
    }
    broken = {
        "increment": [*bands[:at], Band(band.floor, bad_increment), *bands[at + 1:]],
        "first": [Band(bands[0].increment, bands[0].increment), *bands[1:]],
    }
    if at > 0:
        off_grid = band.floor + band.increment / 2
        expected["grid"] = FLOOR_OFF_GRID % {"band": at + 1, "floor": off_grid, "increment": band.increment}
        broken["grid"] = [*bands[:at], Band(off_grid, band.increment), *bands[at + 1:]]
        expected["order"] = FLOORS_NOT_INCREASING % {"band": at + 1, "floor": bands[at - 1].floor,
                                                     "previous": bands[at - 1].floor}
        broken["order"] = [*bands[:at], Band(bands[at - 1].floor, band.increment), *bands[at + 1:]]
    for kind, rows_ in broken.items():
        assert expected[kind] in IncrementTable(bands=tuple(rows_)).problems(), kind


@given(tables(), st.sampled_from(["1", "1000", "0.01", "0.50"]))
def test_rows_round_trip(table: IncrementTable, unit: str) -> None:
    table = IncrementTable(bands=tuple(Band(b.floor * D(unit), b.increment * D(unit)) for b in table.bands))
    again = IncrementTable.from_rows([(floor, increment) for floor, increment in table.as_rows()])
    assert again == table
    assert again.as_rows() == table.as_rows()
    assert all(isinstance(cell, str) for row in table.as_rows() for cell in row)


# One attempt of a random sequence: who, how much (a number of steps above the minimum, or any
# amount at all), the maximum (none, a number of steps above the amount, or anything), and
# how many seconds (0 to 30) after the attempt before. The lot closes after 3 minutes (window 2,
# hard end at 4), so that extensions, the hard end and the close come up often.
def steps_or_any(most_steps: int) -> st.SearchStrategy[tuple[str, int]]:
    return st.one_of(st.integers(0, most_steps).map(lambda n: ("steps", n)),
                     st.integers(-2, 400).map(lambda n: ("any", n)))


attempts = st.tuples(
    st.integers(1, 4),
    steps_or_any(6),
    st.one_of(st.none(), steps_or_any(12)),
    st.integers(-1, 300).map(lambda n: n if n < 0 else n // 10),  # -1 (rarely): exactly at the current close
)


def steps_above(table: IncrementTable, amount: Decimal, steps: int) -> Decimal:
    for _ in range(steps):
        amount = table.next_step(amount)
    return amount


class Model:
    """Each bidder's latest maximum and when it was set; the leader's amount and maximum at the
    last price change."""

    def __init__(self) -> None:
        self.maximums: dict[int, tuple[Decimal, int]] = {}
        self.lead_amount = D(0)
        self.leader_max_at_price = D(0)


def check_accepted(table: IncrementTable, before: LotState, attempt: BidAttempt, outcome: Outcome,
                   model: Model, turn: int) -> None:
    after, placed = outcome.state, outcome.placed
    assert attempt.at < before.closes_at
    maximum = attempt.amount if attempt.maximum is None else attempt.maximum
    model.maximums[attempt.bidder] = (maximum, turn)
    assert after.price is not None and after.leader is not None and after.leader_max is not None
    if before.leader != after.leader:
        model.lead_amount = attempt.amount
    if placed:
        model.leader_max_at_price = after.leader_max

    # Price and maximums.
    assert before.price is None or after.price >= before.price
    assert table.on_step(after.price) and table.on_step(after.leader_max) and after.leader_max >= after.price
    assert after.leader == min(model.maximums, key=lambda b: (-model.maximums[b][0], model.maximums[b][1]))
    assert after.leader_max == model.maximums[after.leader][0]
    others = [m for b, (m, _) in model.maximums.items() if b != after.leader]
    runner_up = max(others, default=None)
    assert runner_up is None or after.price >= runner_up
    ceiling = model.lead_amount if runner_up is None else max(model.lead_amount, table.next_step(runner_up))
    assert after.price == min(model.leader_max_at_price, ceiling)

    # Rows.
    if placed:  # one row typed by the bidder: at its amount, or at the price it won at
        typed = after.price if after.leader == attempt.bidder else attempt.amount
        assert [row for row in placed if not row.automatic] == [PlacedBid(attempt.bidder, typed, automatic=False)]
    # A proxy bids only in answer to this attempt: for others, never below what was typed.
    assert all(row.bidder != attempt.bidder and row.amount >= attempt.amount for row in placed if row.automatic)
    amounts = [row.amount for row in placed]
    tie = len(placed) == 2 and amounts[0] == amounts[1] and after.leader == before.leader == placed[1].bidder
    assert tie or all(a < b for a, b in pairwise(amounts))
    if placed:
        assert before.price is None or amounts[0] > before.price
        assert (placed[-1].amount, placed[-1].bidder) == (after.price, after.leader)
    else:
        assert (after.price, after.leader) == (before.price, before.leader) and before.leader == attempt.bidder
        assert before.leader_max is not None and after.leader_max > before.leader_max
    assert after.bids == before.bids + len(placed)
    assert outcome.outbid == (before.leader if before.leader not in (None, after.leader) else None)

    # The close.
    assert before.closes_at <= after.closes_at <= max(before.closes_at, before.hard_end)
    assert outcome.extended == (after.closes_at != before.closes_at)
    if outcome.extended:
        assert placed and before.closes_at - attempt.at <= before.soft_close
        assert after.closes_at == min(attempt.at + before.soft_close, before.hard_end)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.just(DEFAULT_INCREMENTS), tables(scale=100)), st.integers(0, 30),
       st.lists(attempts, min_size=5, max_size=40))
def test_random_sequences_keep_the_invariants(table: IncrementTable, start_steps: int,
                                             sequence: list[tuple[int, tuple[str, int], tuple[str, int] | None, int]],
                                             ) -> None:
    initial = LotState(start=steps_above(table, D(0), start_steps + 1), price=None, leader=None, leader_max=None,
                       closes_at=T0 + timedelta(minutes=3), hard_end=T0 + timedelta(minutes=4),
                       soft_close=timedelta(minutes=2))
    state, model, accepted, at = initial, Model(), [], T0
    for turn, (bidder, (amount_kind, amount_n), maximum_spec, seconds) in enumerate(sequence):
        at = state.closes_at if seconds < 0 else at + timedelta(seconds=seconds)
        minimum = minimum_bid(state, table)
        amount = steps_above(table, minimum, amount_n) if amount_kind == "steps" else D(amount_n) * 250
        maximum = None
        if maximum_spec is not None:
            kind, n = maximum_spec
            maximum = steps_above(table, amount, n) if kind == "steps" else D(n) * 250
        attempt = BidAttempt(bidder=bidder, amount=amount, maximum=maximum, at=at)
        is_open = at < state.closes_at
        if is_open and bidder != state.leader:  # liveness: the minimum is always a good bid
            assert apply_bid(state, table, replace(attempt, amount=minimum, maximum=None)).state.price is not None
            if state.price is not None:
                below = replace(attempt, amount=minimum - table.increment_at(state.price), maximum=None)
                with pytest.raises(BidRefused, match="lowest bid"):
                    apply_bid(state, table, below)
        try:
            outcome = apply_bid(state, table, attempt)
        except BidRefused as error:
            assert error.code in CODES
            assert (error.code == "closed") == (not is_open)
            continue
        check_accepted(table, state, attempt, outcome, model, turn)
        state = outcome.state
        accepted.append(attempt)
    assert replay(initial, table, accepted) == state
