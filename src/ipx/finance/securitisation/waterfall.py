"""One period of a securitisation's payment waterfall, exact to the cent.

The deal's accounts are ``collections`` (the period's cash), ``reserve``, ``guarantor`` (the
shortfall-payment undertaking, 差额支付承诺), ``tax``, ``residual`` (the originator), each fee
and each bond (a tranche), by name. Every payment is a :class:`Step` between two of them, so a
caller can post each step on the ledger as it stands. The collection account starts with the
period's collections, receives what is drawn from the reserve and the guarantor, and pays out
everything: taxes and fees, senior interest, mezzanine interest, the reserve's top-up, senior
and mezzanine principal, then the subordinated tranche, then the residual. Cash in therefore
equals cash out plus the change in the reserve, always.

Choices the issue leaves open, made here once:

- Principal is pass-through: all cash left after interest and the reserve's top-up repays the
  rated tranches (senior and mezzanine), pro rata by balance until a ``sequential`` trigger
  breaches, in order of priority after; ``scheduled_principal`` is what a tranche is *due* this
  period, which is what the guarantor tops senior principal up to (at legal maturity, the
  balance). The subordinated tranche is paid only after every rated tranche is repaid.
- Taxes are ``tax_rate`` × the period's collections; a fee's ``rate`` is an annual rate on the
  pool balance at the period's end. Unpaid fees and taxes are reported as shortfalls and not
  carried; unpaid interest is carried on the bond (without interest on it).
- Triggers are tested on the period's figures after its payments and change the order of
  payments from the next period on; once breached, a trigger's mode stays.
- The reserve is drawn for what taxes, fees, senior and then mezzanine interest lack; the
  guarantor, after it, for senior interest and scheduled senior principal only. The reserve's
  target holds while a rated tranche is outstanding; above it (or at the final period) the
  reserve is released into the collection account.
- Acceleration sends all cash after senior interest to senior principal (no mezzanine interest,
  no top-up) until the senior tranches are repaid, then pays the rest in order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Literal

from django.utils.translation import gettext as _

from ipx.core.money import CENT, ZERO

RATIO = Decimal("0.0001")

COLLECTIONS = "collections"
RESERVE = "reserve"
GUARANTOR = "guarantor"
TAX = "tax"
RESIDUAL = "residual"
DEAL_ACCOUNTS = frozenset({COLLECTIONS, RESERVE, GUARANTOR, TAX, RESIDUAL})

# A fixed coupon or a fee rate above 100 % a year is a typing error, not a deal.
MAX_RATE = Decimal(1)
PERIODS_PER_YEAR = (1, 2, 4, 12)

Action = Literal["pay_fee", "pay_tax", "pay_interest", "pay_principal", "pay_residual", "transfer",
                 "draw_reserve", "draw_guarantor", "top_up_reserve"]
Metric = Literal["asset_coverage", "interest_coverage"]
TriggerAction = Literal["sequential", "accelerate"]


class Seniority(StrEnum):
    SENIOR = "senior"
    MEZZANINE = "mezzanine"
    SUBORDINATED = "subordinated"


RANK = {Seniority.SENIOR: 0, Seniority.MEZZANINE: 1, Seniority.SUBORDINATED: 2}  # paid in this order


@dataclass(frozen=True)
class Bond:  # a tranche
    name: str
    seniority: Seniority
    balance: Decimal  # outstanding
    coupon: Decimal  # fixed, annual: 0.035 is 3.5 %
    interest_shortfall: Decimal = ZERO  # unpaid interest carried from earlier periods


@dataclass(frozen=True)
class Fee:
    name: str
    amount: Decimal = ZERO  # fixed, per period
    rate: Decimal = ZERO  # annual, on the pool balance


@dataclass(frozen=True)
class Trigger:
    name: str
    metric: Metric
    threshold: Decimal  # breached when the metric falls below it
    action: TriggerAction


@dataclass(frozen=True)
class Structure:
    bonds: tuple[Bond, ...]
    fees: tuple[Fee, ...]
    tax_rate: Decimal
    reserve_target: Decimal
    guarantor_limit: Decimal  # what the shortfall-payment undertaking may pay in total
    triggers: tuple[Trigger, ...]
    periods_per_year: int = 4


@dataclass(frozen=True)
class State:  # the deal's accounts at the start of a period
    bonds: tuple[Bond, ...]
    reserve: Decimal
    guarantor_paid: Decimal
    sequential: bool
    accelerated: bool


@dataclass(frozen=True)
class Step:  # one posting between the deal's accounts (account, fee and bond names)
    action: Action
    source: str
    target: str
    amount: Decimal
    note: str = ""


@dataclass(frozen=True)
class PeriodResult:
    steps: tuple[Step, ...]
    state_after: State
    collections: Decimal
    pool_balance_after: Decimal
    coverage: dict[str, Decimal]  # a metric is left out when it has nothing to cover
    breached: tuple[str, ...]
    shortfalls: dict[str, Decimal]  # "tax", "fee:<name>", "interest:<bond>", "principal:<bond>"


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def split(amount: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """``amount`` shared in proportion to ``weights`` to the cent; the cents the rounding
    leaves go to the largest remainders (the earlier on a tie), so the shares sum exactly."""
    if amount < 0:
        return [-share for share in split(-amount, weights)]
    total_cents, units = int(amount / CENT), [int(weight / CENT) for weight in weights]
    whole = sum(units)
    if whole <= 0:  # nothing to share by: only nothing can be shared
        if total_cents:
            raise ValueError("an amount shared by weights that sum to nothing")
        return [ZERO for _weight in weights]
    shares = [total_cents * unit // whole for unit in units]
    leftover = total_cents - sum(shares)
    by_remainder = sorted(range(len(units)), key=lambda i: (-(total_cents * units[i] % whole), i))
    for index in by_remainder[:leftover]:
        shares[index] += 1
    return [Decimal(share) * CENT for share in shares]


def period_interest(bond: Bond, periods_per_year: int) -> Decimal:
    """The period's interest on the balance, rounded half-up to the cent."""
    return cents(bond.balance * bond.coupon / periods_per_year)


def initial_state(structure: Structure) -> State:
    """The accounts at closing: the reserve is built from collections, the guarantor untouched."""
    return State(bonds=structure.bonds, reserve=ZERO, guarantor_paid=ZERO, sequential=False, accelerated=False)


class _Accounts:
    """The period's postings as they are made, with the balances they leave."""

    def __init__(self, structure: Structure, state: State, collections: Decimal) -> None:
        self.cash, self.reserve, self.guaranteed = collections, state.reserve, ZERO
        self.room = max(structure.guarantor_limit - state.guarantor_paid, ZERO)  # a lowered limit may be passed
        self.steps: list[Step] = []
        self.shortfalls: dict[str, Decimal] = {}
        self.balance = {bond.name: bond.balance for bond in state.bonds}
        # Interest not paid this period is carried; it starts as all that is due.
        self.carried = {bond.name: period_interest(bond, structure.periods_per_year) + bond.interest_shortfall
                        for bond in state.bonds}

    def post(self, action: Action, source: str, target: str, amount: Decimal, note: str = "") -> None:
        if amount > 0:
            self.steps.append(Step(action=action, source=source, target=target, amount=amount, note=note))

    def pay(self, action: Action, target: str, amount: Decimal, note: str = "") -> None:
        assert ZERO <= amount <= self.cash, "a payment beyond the collection account's cash"
        self.post(action, COLLECTIONS, target, amount, note)
        self.cash -= amount

    def release_reserve(self, amount: Decimal, note: str) -> None:
        self.post("transfer", RESERVE, COLLECTIONS, amount, note)
        self.reserve, self.cash = self.reserve - amount, self.cash + amount

    def raise_cash(self, need: Decimal, *, guarantor: bool, note: str) -> None:
        """Draw what the collection account lacks for ``need``: the reserve first, then (for
        senior interest only) the guarantor."""
        short = need - self.cash
        if short > 0:
            drawn = min(short, self.reserve)
            self.post("draw_reserve", RESERVE, COLLECTIONS, drawn, note)
            self.reserve, self.cash, short = self.reserve - drawn, self.cash + drawn, short - drawn
        if short > 0 and guarantor:
            self.draw_guarantor(short, note)

    def draw_guarantor(self, amount: Decimal, note: str) -> Decimal:
        """Up to ``amount`` from the guarantor, within what it may still pay; what it paid."""
        drawn = min(amount, self.room)
        self.post("draw_guarantor", GUARANTOR, COLLECTIONS, drawn, note)
        self.room, self.guaranteed, self.cash = self.room - drawn, self.guaranteed + drawn, self.cash + drawn
        return drawn

    def pay_due(self, action: Action, target: str, due: Decimal, key: str) -> None:
        """A tax or a fee: drawn from the reserve if need be; what is still short is reported."""
        self.raise_cash(due, guarantor=False, note=target)
        paid = min(due, self.cash)
        self.pay(action, target, paid)
        self.note_shortfall(key, due - paid)

    def note_shortfall(self, key: str, amount: Decimal) -> None:
        if amount > 0:
            self.shortfalls[key] = amount

    def pay_interest(self, bonds: Sequence[Bond], periods_per_year: int, *, reserve: bool, guarantor: bool) -> None:
        """A class's interest (with what earlier periods left unpaid), pro rata by what is due."""
        due = [period_interest(bond, periods_per_year) + bond.interest_shortfall for bond in bonds]
        if reserve:
            self.raise_cash(sum(due, ZERO), guarantor=guarantor, note="interest")
        for bond, owed, paid in zip(bonds, due, split(min(self.cash, sum(due, ZERO)), due), strict=True):
            self.pay("pay_interest", bond.name, paid)
            self.carried[bond.name] = owed - paid

    def pay_principal(self, bonds: Sequence[Bond], amounts: Sequence[Decimal]) -> None:
        for bond, amount in zip(bonds, amounts, strict=True):
            self.pay("pay_principal", bond.name, amount)
            self.balance[bond.name] -= amount

    def sequential_amounts(self, bonds: Sequence[Bond]) -> list[Decimal]:
        amounts, left = [], self.cash
        for bond in bonds:
            amounts.append(min(left, self.balance[bond.name]))
            left -= amounts[-1]
        return amounts

    def outstanding(self, bonds: Sequence[Bond]) -> Decimal:
        return sum((self.balance[bond.name] for bond in bonds), ZERO)


def _check_inputs(state: State, collections: Decimal, pool_balance_after: Decimal,
                  scheduled_principal: Mapping[str, Decimal]) -> None:
    names = [bond.name for bond in state.bonds]
    if len(set(names)) != len(names):
        raise ValueError("bond names must be unique")
    if state.reserve < 0 or any(bond.balance < 0 or bond.interest_shortfall < 0 for bond in state.bonds):
        raise ValueError("a state with a reserve, balance or carried interest below zero")
    for label, amount in (("collections", collections), ("pool balance", pool_balance_after)):
        if amount < 0 or amount != amount.quantize(CENT):
            raise ValueError(f"the {label} must be an amount in cents of at least zero")
    unknown = set(scheduled_principal) - set(names)
    if unknown or any(amount < 0 for amount in scheduled_principal.values()):
        raise ValueError(f"scheduled principal for unknown bonds or below zero: {sorted(unknown)}")


def run_period(structure: Structure, state: State, *, collections: Decimal, pool_balance_after: Decimal,
               scheduled_principal: dict[str, Decimal] | None = None, final: bool = False) -> PeriodResult:
    """Pay one period's ``collections`` down the waterfall. ``final`` marks the last period
    (legal maturity): the reserve is released into it and not topped up."""
    scheduled = scheduled_principal or {}
    _check_inputs(state, collections, pool_balance_after, scheduled)
    ppy, accounts, bonds = structure.periods_per_year, _Accounts(structure, state, collections), state.bonds
    senior, mezzanine, subordinated = ([bond for bond in bonds if bond.seniority == kind] for kind in Seniority)
    rated = senior + mezzanine

    target = ZERO if final or accounts.outstanding(rated) == 0 else structure.reserve_target
    accounts.release_reserve(max(accounts.reserve - target, ZERO), "release")

    tax_due = cents(collections * structure.tax_rate)
    accounts.pay_due("pay_tax", TAX, tax_due, TAX)
    fees_due = ZERO
    for fee in structure.fees:
        due = fee.amount + cents(fee.rate * pool_balance_after / ppy)
        fees_due += due
        accounts.pay_due("pay_fee", fee.name, due, f"fee:{fee.name}")
    rated_interest_due = sum((period_interest(bond, ppy) + bond.interest_shortfall for bond in rated), ZERO)

    accounts.pay_interest(senior, ppy, reserve=True, guarantor=True)
    if state.accelerated:
        accounts.pay_principal(senior, accounts.sequential_amounts(senior))
    if not state.accelerated or accounts.outstanding(senior) == 0:
        accounts.pay_interest(mezzanine, ppy, reserve=not state.accelerated, guarantor=False)
    if not state.accelerated:
        top_up = min(accounts.cash, max(target - accounts.reserve, ZERO))
        accounts.pay("top_up_reserve", RESERVE, top_up)
        accounts.reserve += top_up
    _pay_rated_principal(accounts, state, senior, rated, scheduled)
    if accounts.outstanding(rated) == 0:
        accounts.pay_interest(subordinated, ppy, reserve=False, guarantor=False)
        accounts.pay_principal(subordinated, accounts.sequential_amounts(subordinated))
    accounts.pay("pay_residual", RESIDUAL, accounts.cash)
    for bond in bonds:
        accounts.note_shortfall(f"interest:{bond.name}", accounts.carried[bond.name])

    coverage = _coverage(accounts, rated, pool_balance_after, collections - tax_due - fees_due, rated_interest_due)
    breached = tuple(trigger.name for trigger in structure.triggers
                     if trigger.metric in coverage and coverage[trigger.metric] < trigger.threshold)
    actions = {trigger.action for trigger in structure.triggers if trigger.name in breached}
    state_after = State(
        bonds=tuple(replace(bond, balance=accounts.balance[bond.name], interest_shortfall=accounts.carried[bond.name])
                    for bond in state.bonds),
        reserve=accounts.reserve, guarantor_paid=state.guarantor_paid + accounts.guaranteed,
        sequential=state.sequential or "sequential" in actions,
        accelerated=state.accelerated or "accelerate" in actions)
    return PeriodResult(steps=tuple(accounts.steps), state_after=state_after, collections=collections,
                        pool_balance_after=pool_balance_after, coverage=coverage, breached=breached,
                        shortfalls=accounts.shortfalls)


def _pay_rated_principal(accounts: _Accounts, state: State, senior: list[Bond], rated: list[Bond],
                         scheduled: Mapping[str, Decimal]) -> None:
    """Senior and mezzanine principal from what is left (none but senior under acceleration,
    whose principal was paid straight after its interest), then the guarantor's top-up of senior
    principal to what is scheduled (in order of priority too, when the pay is)."""
    balances, in_order = [accounts.balance[bond.name] for bond in rated], state.accelerated or state.sequential
    if state.accelerated and accounts.outstanding(senior) > 0:
        amounts = [ZERO for _bond in rated]
    elif in_order or accounts.cash >= sum(balances, ZERO):
        amounts = accounts.sequential_amounts(rated)
    else:
        amounts = split(accounts.cash, balances)
    ahead = False  # a tranche before this one is still outstanding
    for bond, amount in zip(rated, amounts, strict=True):
        if bond.seniority == Seniority.SENIOR:
            due = min(scheduled.get(bond.name, ZERO), bond.balance) - (bond.balance - accounts.balance[bond.name])
            short = max(due - amount, ZERO)
            drawn = accounts.draw_guarantor(short, f"principal:{bond.name}") if not (in_order and ahead) else ZERO
            accounts.note_shortfall(f"principal:{bond.name}", short - drawn)
            amount += drawn
        accounts.pay_principal([bond], [amount])
        ahead = ahead or accounts.balance[bond.name] > 0


def _coverage(accounts: _Accounts, rated: Sequence[Bond], pool_balance_after: Decimal, net_income: Decimal,
              interest_due: Decimal) -> dict[str, Decimal]:
    """Asset coverage: the pool balance over the rated tranches left; interest coverage: the
    collections net of taxes and fees over the rated tranches' interest due (four places)."""
    coverage, outstanding = {}, accounts.outstanding(rated)
    if outstanding > 0:
        coverage["asset_coverage"] = (pool_balance_after / outstanding).quantize(RATIO, rounding=ROUND_HALF_UP)
    if interest_due > 0:
        coverage["interest_coverage"] = (net_income / interest_due).quantize(RATIO, rounding=ROUND_HALF_UP)
    return coverage


def _percent(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f} %"


def validate_structure(structure: Structure, *, pool_balance: Decimal) -> dict[str, str]:
    """What is wrong with a structure, by the field it is in (empty when nothing is); rates are
    put in percent, as people enter them."""
    errors: dict[str, list[str]] = {}
    bonds, fees, total = structure.bonds, structure.fees, sum((bond.balance for bond in structure.bonds), ZERO)
    if not any(bond.seniority == Seniority.SENIOR for bond in bonds):
        errors.setdefault("bonds", []).append(_("A structure needs a senior tranche."))
    if total != pool_balance:
        errors.setdefault("bonds", []).append(_("The tranches add up to %(total)s but the pool's balance is "
                                                "%(pool)s.") % {"total": total, "pool": pool_balance})
    for bond in bonds:
        if bond.balance <= 0 or bond.balance != bond.balance.quantize(CENT):
            errors.setdefault("bonds", []).append(
                _("Tranche %(name)s needs a size above zero, in cents.") % {"name": bond.name})
        if not ZERO <= bond.coupon <= MAX_RATE:
            errors.setdefault("coupon", []).append(
                _("Tranche %(name)s has a coupon of %(coupon)s; a fixed coupon is from 0 %% to 100 %% a year.")
                % {"name": bond.name, "coupon": _percent(bond.coupon)})
    for fee in fees:
        if fee.amount < 0 or fee.amount != fee.amount.quantize(CENT) or not ZERO <= fee.rate <= MAX_RATE:
            errors.setdefault("fees", []).append(_("Fee %(name)s must be an amount of at least zero and a rate "
                                                   "from 0 %% to 100 %% a year.") % {"name": fee.name})
    names = [bond.name for bond in bonds] + [fee.name for fee in fees]
    clashes = sorted({name for name in names if names.count(name) > 1 or name in DEAL_ACCOUNTS or not name.strip()})
    if clashes:
        errors["names"] = [_("Each tranche and fee needs its own name, other than the deal's accounts "
                             "(%(accounts)s): %(names)s.") % {"accounts": ", ".join(sorted(DEAL_ACCOUNTS)),
                                                              "names": ", ".join(repr(name) for name in clashes)}]
    if not ZERO <= structure.tax_rate < 1:
        errors["tax_rate"] = [_("The tax rate is %(rate)s; it must be at least 0 %% and below 100 %%.")
                              % {"rate": _percent(structure.tax_rate)}]
    for field in ("reserve_target", "guarantor_limit"):
        if getattr(structure, field) < 0 or getattr(structure, field) != getattr(structure, field).quantize(CENT):
            errors[field] = [_("This must be an amount of at least zero, in cents.")]
    if structure.periods_per_year not in PERIODS_PER_YEAR:
        errors["periods_per_year"] = [_("Periods per year must be 1, 2, 4 or 12.")]
    trigger_names = [trigger.name for trigger in structure.triggers]
    if len(set(trigger_names)) != len(trigger_names) or any(
            trigger.threshold <= 0 or trigger.metric not in ("asset_coverage", "interest_coverage")
            or trigger.action not in ("sequential", "accelerate") for trigger in structure.triggers):
        errors["triggers"] = [_("Each trigger needs its own name, a known metric and action, and a threshold "
                                "above zero.")]
    return {field: " ".join(messages) for field, messages in errors.items()}
