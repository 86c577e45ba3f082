"""The bidding rules of a lot, as pure functions: no models, no database, no clock.

The service locks (or sequences) a lot, builds its ``LotState``, asks ``apply_bid`` what one
attempt does, records the ``placed`` rows in order with their sequence numbers and stores the
new state. Because the answer depends only on the state, the table and the attempt, the
replay check can run the stored attempts through ``replay`` and must land on the stored state.

Rules the issue leaves open, as chosen here (each has a test):

- Steps are whole multiples of the band's increment counted from 0, and a band's floor must
  itself be such a multiple, so the steps form one grid across bands (99,000 → 100,000 →
  105,000 with the default table).
- Proxy bidding: whoever holds the highest maximum leads; at equal maxima the earlier one (the
  leader's) wins. The price is the runner-up's maximum plus one step, capped at the leader's
  maximum, and never below the amount the leader typed when it took the lead.
- A challenger that beats the leader's maximum: the leader's proxy first bids its whole
  maximum (an automatic row) when that maximum is above the price and not below the
  challenger's amount; a maximum the challenger's own amount already passed made no bid, and
  is not written down (maximums are never shown unless a proxy actually bid them).
- A challenger that does not beat the leader's maximum: its row at the amount it typed, then
  the leader's automatic row at the challenger's maximum plus one step (capped at the leader's
  maximum). Tie rule: when both maximums are equal, the leader's row repeats the leader's
  maximum; if the challenger typed exactly that amount, the two rows carry the same amount,
  the later bidder's row first. It is the only case where a row does not rise above the one
  before it.
- A leader can only raise its maximum (price, close and rows unchanged); the amount it sends
  is ignored. A bare bid by the leader is refused ("own_lead").
- Order of checks: closed, then amount (a number above zero, not below the minimum, on a step),
  then the maximum (not below the amount, on a step).
- ``reserve_met``: a lot without bids never meets its reserve; a lot without reserve meets it
  with its first bid.
- The reserve and proxies: when the leader's maximum covers the hidden reserve and the price
  is below it, the price is lifted to the reserve (the leader's row carries it), as auction
  houses do; without it a lot would close unsold though its leader had offered enough. The
  lift shows that the reserve is met, as the hall says anyway; a leader raising its maximum
  over the reserve lifts the price the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation


def gettext_noop(message: str) -> str:
    """Marks a message for makemessages (which finds it by this name) and returns it unchanged.
    Django's own gettext_noop reads the settings, and these rules must import without them."""
    return message


# Refusals, in English with %(name)s placeholders; the service puts them into the reader's words.
NOT_POSITIVE = gettext_noop("A bid must be a number above zero.")
MAXIMUM_NOT_POSITIVE = gettext_noop("A maximum must be a number above zero.")
BELOW_MINIMUM = gettext_noop("The lowest bid accepted now is %(minimum)s.")
OFF_STEP = gettext_noop(
    "%(amount)s is not a step of this lot: at this price bids go up by %(increment)s; the next step is %(next)s.")
MAXIMUM_OFF_STEP = gettext_noop(
    "The maximum %(maximum)s is not a step of this lot: at that price bids go up by %(increment)s; "
    "the next step is %(next)s.")
MAXIMUM_BELOW_AMOUNT = gettext_noop("The maximum (%(maximum)s) cannot be below the bid (%(amount)s).")
OWN_LEAD = gettext_noop("You already lead at %(price)s; you can raise your maximum instead.")
MAXIMUM_NOT_RAISED = gettext_noop("Your maximum is already %(current)s; a new maximum must be above it.")
CLOSED = gettext_noop("Bidding on this lot closed at %(closes_at)s.")

# Setup errors of an increment table.
NO_BANDS = gettext_noop("The increment table has no bands.")
NOT_A_NUMBER = gettext_noop("Band %(band)s: the floor and the increment must be numbers.")
FIRST_FLOOR = gettext_noop("The first band must start at 0, not at %(floor)s.")
FLOORS_NOT_INCREASING = gettext_noop(
    "Band %(band)s: its floor %(floor)s must be above the floor before it (%(previous)s).")
INCREMENT_NOT_POSITIVE = gettext_noop("Band %(band)s: the increment must be above 0, not %(increment)s.")
FLOOR_OFF_GRID = gettext_noop(
    "Band %(band)s: its floor %(floor)s must be a whole multiple of its increment %(increment)s.")


def _floor_div(value: Decimal, step: Decimal) -> Decimal:
    """The largest whole number q with q * step <= value (exact, unlike value / step)."""
    quotient, remainder = divmod(value, step)  # Decimal's divmod truncates towards zero
    return quotient - 1 if remainder < 0 else quotient


def _ceil_multiple(value: Decimal, step: Decimal) -> Decimal:
    """The smallest multiple of step that is >= value."""
    quotient = _floor_div(value, step)
    return quotient * step if quotient * step == value else (quotient + 1) * step


@dataclass(frozen=True)
class Band:
    floor: Decimal  # the band applies to prices >= floor
    increment: Decimal


@dataclass(frozen=True)
class IncrementTable:
    """Increments by price band. The methods assume a table without ``problems()``."""

    bands: tuple[Band, ...]  # sorted by floor; the first floor is 0

    def _index(self, price: Decimal) -> int:
        index = 0
        for position, band in enumerate(self.bands):
            if band.floor <= price:
                index = position
            else:
                break
        return index

    def increment_at(self, price: Decimal) -> Decimal:
        return self.bands[self._index(price)].increment

    def on_step(self, amount: Decimal) -> bool:
        return amount % self.increment_at(amount) == 0

    def next_step(self, price: Decimal) -> Decimal:
        start = self._index(price)
        for position in range(start, len(self.bands)):
            band = self.bands[position]
            above = (_floor_div(price, band.increment) + 1) * band.increment
            candidate = max(above, _ceil_multiple(band.floor, band.increment))
            last = position + 1 == len(self.bands)
            if last or candidate < self.bands[position + 1].floor:
                return candidate
        raise ValueError("An increment table needs at least one band.")

    def problems(self) -> list[str]:
        if not self.bands:
            return [NO_BANDS]
        found: list[str] = []
        for number, band in enumerate(self.bands, start=1):
            if not (isinstance(band.floor, Decimal) and isinstance(band.increment, Decimal)
                    and band.floor.is_finite() and band.increment.is_finite()):
                found.append(NOT_A_NUMBER % {"band": number})
        if found:
            return found  # the checks below compare numbers
        if self.bands[0].floor != 0:
            found.append(FIRST_FLOOR % {"floor": self.bands[0].floor})
        for number, band in enumerate(self.bands, start=1):
            if number > 1 and band.floor <= self.bands[number - 2].floor:
                found.append(FLOORS_NOT_INCREASING % {
                    "band": number, "floor": band.floor, "previous": self.bands[number - 2].floor})
            if band.increment <= 0:
                found.append(INCREMENT_NOT_POSITIVE % {"band": number, "increment": band.increment})
            elif number > 1 and band.floor % band.increment != 0:
                found.append(FLOOR_OFF_GRID % {"band": number, "floor": band.floor, "increment": band.increment})
        return found

    @classmethod
    def from_rows(cls, rows: list[tuple[Decimal | str | int, Decimal | str | int]]) -> IncrementTable:
        """Bands from (floor, increment) pairs, in the order given (``problems()`` says if it is wrong).
        Floats are refused: a binary fraction is not the amount anyone typed."""

        def number(value: object) -> Decimal:
            if isinstance(value, bool) or not isinstance(value, Decimal | str | int):
                raise TypeError(f"An increment table holds decimals, strings or integers, not {value!r}.")
            try:
                return Decimal(value.strip() if isinstance(value, str) else value)
            except InvalidOperation:
                raise ValueError(f"{value!r} is not a number.") from None

        return cls(bands=tuple(Band(floor=number(floor), increment=number(increment)) for floor, increment in rows))

    def as_rows(self) -> list[list[str]]:
        return [[str(band.floor), str(band.increment)] for band in self.bands]


DEFAULT_INCREMENTS = IncrementTable.from_rows(
    [(0, 1_000), (100_000, 5_000), (1_000_000, 10_000), (10_000_000, 100_000)])  # CNY


@dataclass(frozen=True)
class LotState:
    start: Decimal  # starting price (on step)
    price: Decimal | None  # current price; None before the first bid
    leader: int | None  # bidder id (a registration id) leading, None before the first bid
    leader_max: Decimal | None  # the leader's proxy maximum (never shown to others)
    closes_at: datetime  # current close (moves with soft-close extensions)
    hard_end: datetime  # never extended past this
    soft_close: timedelta  # the window N
    bids: int = 0  # bid rows recorded so far (automatic ones included)
    reserve: Decimal | None = None  # the hidden reserve: a leader's maximum that covers it lifts the price to it


@dataclass(frozen=True)
class BidAttempt:
    bidder: int
    amount: Decimal  # what the bidder bids now
    maximum: Decimal | None  # proxy maximum (None: same as amount)
    at: datetime  # server time of acceptance


@dataclass(frozen=True)
class PlacedBid:
    """A row the service records, in this order, each with its own sequence number."""

    bidder: int
    amount: Decimal  # the price this row sets
    automatic: bool  # placed by a proxy on the bidder's behalf


@dataclass(frozen=True)
class Outcome:
    state: LotState  # after the bid
    placed: tuple[PlacedBid, ...]  # rows to record (empty when only a leader's maximum was raised)
    extended: bool  # closes_at moved
    outbid: int | None  # the bidder who lost the lead by this attempt, if any


class BidRefused(Exception):
    """An attempt the rules refuse. ``template`` and ``params`` let the service translate the
    message; ``message`` is the English text with the params filled in."""

    def __init__(self, code: str, message: str, **params: object) -> None:
        self.code = code
        self.template = message
        self.params = params
        self.message = message % params if params else message
        super().__init__(self.message)


def minimum_bid(state: LotState, table: IncrementTable) -> Decimal:
    return state.start if state.price is None else table.next_step(state.price)


def _refuse_off_step(table: IncrementTable, code: str, template: str, value: Decimal, /, **params: object) -> None:
    if not table.on_step(value):
        raise BidRefused(code, template, increment=table.increment_at(value), next=table.next_step(value), **params)


def _positive(value: Decimal) -> bool:
    return value.is_finite() and value > 0


def _check(state: LotState, table: IncrementTable, attempt: BidAttempt) -> Decimal:
    """Refuse what the rules refuse; otherwise the attempt's maximum (its amount when none)."""
    if attempt.at >= state.closes_at:
        raise BidRefused("closed", CLOSED, closes_at=state.closes_at.isoformat())
    if state.leader is not None and attempt.bidder == state.leader:
        assert state.leader_max is not None and state.price is not None
        if attempt.maximum is None:
            raise BidRefused("own_lead", OWN_LEAD, price=state.price)
        if not _positive(attempt.maximum):
            raise BidRefused("maximum_not_positive", MAXIMUM_NOT_POSITIVE)
        if attempt.maximum <= state.leader_max:
            raise BidRefused("maximum_not_raised", MAXIMUM_NOT_RAISED, current=state.leader_max)
        _refuse_off_step(table, "maximum_off_step", MAXIMUM_OFF_STEP, attempt.maximum, maximum=attempt.maximum)
        return attempt.maximum
    if not _positive(attempt.amount):
        raise BidRefused("not_positive", NOT_POSITIVE)
    minimum = minimum_bid(state, table)
    if attempt.amount < minimum:
        raise BidRefused("below_minimum", BELOW_MINIMUM, minimum=minimum)
    _refuse_off_step(table, "off_step", OFF_STEP, attempt.amount, amount=attempt.amount)
    if attempt.maximum is None:
        return attempt.amount
    if not _positive(attempt.maximum):
        raise BidRefused("maximum_not_positive", MAXIMUM_NOT_POSITIVE)
    if attempt.maximum < attempt.amount:
        raise BidRefused("maximum_below_amount", MAXIMUM_BELOW_AMOUNT, maximum=attempt.maximum, amount=attempt.amount)
    _refuse_off_step(table, "maximum_off_step", MAXIMUM_OFF_STEP, attempt.maximum, maximum=attempt.maximum)
    return attempt.maximum


def _close_after(state: LotState, at: datetime) -> datetime:
    """The close after a price change at ``at``: inside the window it moves to at + N, never
    backwards and never past the hard end."""
    if state.closes_at - at > state.soft_close:
        return state.closes_at
    return max(state.closes_at, min(at + state.soft_close, state.hard_end))


def apply_bid(state: LotState, table: IncrementTable, attempt: BidAttempt) -> Outcome:
    """What one attempt does to a lot; raises ``BidRefused`` (and changes nothing) when refused."""
    maximum = _check(state, table, attempt)
    challenger, amount = attempt.bidder, attempt.amount

    if state.leader == challenger:  # a leader raising its maximum: nothing else moves but the reserve's lift
        assert state.price is not None
        lifted = _lift_to_reserve(state, state.price, maximum, (), challenger)
        if lifted is None:
            return Outcome(state=replace(state, leader_max=maximum), placed=(), extended=False, outbid=None)
        closes_at = _close_after(state, attempt.at)
        return Outcome(state=replace(state, price=lifted[0], leader_max=maximum, closes_at=closes_at,
                                     bids=state.bids + 1), placed=lifted[1], extended=closes_at != state.closes_at,
                       outbid=None)

    placed: tuple[PlacedBid, ...]
    outbid: int | None = None
    if state.leader is None or state.price is None or state.leader_max is None:
        leader, price, leader_max = challenger, amount, maximum
        placed = (PlacedBid(challenger, amount, automatic=False),)
    elif maximum > state.leader_max:
        defender, defender_max = state.leader, state.leader_max
        leader, leader_max, outbid = challenger, maximum, defender
        price = max(amount, min(maximum, table.next_step(defender_max)))
        # The leader's proxy bid its whole maximum, unless the challenger's own amount had passed it.
        defends = state.price < defender_max and defender_max >= amount
        defence = (PlacedBid(defender, defender_max, automatic=True),) if defends else ()
        placed = (*defence, PlacedBid(challenger, price, automatic=False))
    else:
        leader, leader_max = state.leader, state.leader_max
        # Equal maximums: the earlier one (the leader's) wins at that very amount.
        price = leader_max if maximum == leader_max else min(leader_max, table.next_step(maximum))
        placed = (PlacedBid(challenger, amount, automatic=False), PlacedBid(leader, price, automatic=True))

    lifted = _lift_to_reserve(state, price, leader_max, placed, leader)
    if lifted is not None:
        price, placed = lifted
    closes_at = _close_after(state, attempt.at)
    new_state = replace(state, price=price, leader=leader, leader_max=leader_max, closes_at=closes_at,
                        bids=state.bids + len(placed))
    return Outcome(state=new_state, placed=placed, extended=closes_at != state.closes_at, outbid=outbid)


def _lift_to_reserve(state: LotState, price: Decimal, leader_max: Decimal, placed: tuple[PlacedBid, ...],
                     leader: int) -> tuple[Decimal, tuple[PlacedBid, ...]] | None:
    """A leader whose maximum covers the reserve leads at the reserve at least: otherwise a lot
    would close unsold though its leader had offered enough. The leader's last row carries the
    lifted price (a row of its own when the last row is another bidder's). None: no lift."""
    if state.reserve is None or price >= state.reserve or leader_max < state.reserve:
        return None
    if placed and placed[-1].bidder == leader:
        return state.reserve, (*placed[:-1], replace(placed[-1], amount=state.reserve))
    return state.reserve, (*placed, PlacedBid(leader, state.reserve, automatic=True))


def replay(state: LotState, table: IncrementTable, attempts: list[BidAttempt]) -> LotState:
    """The state after the accepted attempts, in order; a refused one raises ``BidRefused``."""
    for attempt in attempts:
        state = apply_bid(state, table, attempt).state
    return state


def reserve_met(state: LotState, reserve: Decimal | None) -> bool:
    """Whether the current price would sell the lot: never without a bid; with any bid when
    there is no reserve."""
    if state.price is None:
        return False
    return reserve is None or state.price >= reserve
