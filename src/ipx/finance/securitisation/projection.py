"""A deal's future under a scenario: the pool's expected collections turned into cash by
period (defaults, prepayments, delay, recoveries), run down the waterfall period by period,
and read back per tranche (principal and interest by period, weighted average life, loss,
yield), with a sensitivity table over default and prepayment rates.

The pool is what its receivables are still expected to pay (undiscounted), which is also its
balance for coverage and fees. A scenario's rates are annual and converted to the period:
a default rate D becomes 1 − (1 − D)^(1/periods per year) of the performing pool defaulting
each period (all that a defaulting receivable still owed is lost, less what is recovered
``recovery_lag`` periods later at ``recovery_rate``); a prepayment rate likewise becomes the
share of the rest of the performing pool paid early each period, after its scheduled payment.
A delay makes every scheduled payment and prepayment arrive ``delay_periods`` later; what is
late stays in the pool's balance. The last period is the legal maturity: the reserve is
released and the guarantor is asked for what senior principal is left.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

import numpy_financial as npf
from django.utils.translation import gettext as _

from ipx.finance.securitisation.waterfall import (
    ZERO,
    PeriodResult,
    Seniority,
    State,
    Structure,
    cents,
    initial_state,
    run_period,
)

ONE = Decimal(1)
YEARS = Decimal("0.0001")
YIELD = Decimal("0.000001")
MAX_DELAY = 40  # periods: ten years of quarters


@dataclass(frozen=True)
class Scenario:
    default_rate: Decimal  # annual, 0.05 = 5 % of the performing pool a year
    prepayment_rate: Decimal  # annual
    delay_periods: int
    recovery_rate: Decimal  # share of a default recovered
    recovery_lag: int  # periods after the default


BASE = Scenario(default_rate=ZERO, prepayment_rate=ZERO, delay_periods=0, recovery_rate=ZERO, recovery_lag=0)


@dataclass(frozen=True)
class PoolFlow:
    period: int  # from 1
    scheduled: Decimal  # what the pool's receivables are due to pay in the period


@dataclass(frozen=True)
class PoolPeriod:
    """The pool's performance in a period under the scenario."""

    period: int
    scheduled: Decimal  # paid as scheduled by the receivables still performing (due now, may arrive later)
    prepaid: Decimal
    defaulted: Decimal  # what defaulting receivables still owed
    recovered: Decimal
    collections: Decimal  # the cash that arrives in the period
    balance_after: Decimal


@dataclass(frozen=True)
class BondProjection:
    name: str
    seniority: Seniority
    balance: Decimal  # at the start of the projection
    interest: tuple[Decimal, ...]  # by period, the first period first
    principal: tuple[Decimal, ...]
    wal: Decimal | None  # weighted average life in years; None when no principal is repaid
    loss: Decimal  # principal still unpaid after the last period
    annual_yield: Decimal | None  # None when the payments give no rate (nothing comes back)


@dataclass(frozen=True)
class Projection:
    scenario: Scenario
    pool: tuple[PoolPeriod, ...]
    periods: tuple[PeriodResult, ...]
    bonds: tuple[BondProjection, ...]

    @property
    def coverage(self) -> tuple[dict[str, Decimal], ...]:
        return tuple(period.coverage for period in self.periods)

    def bond(self, name: str) -> BondProjection:
        return next(bond for bond in self.bonds if bond.name == name)


@dataclass(frozen=True)
class SensitivityRow:
    default_rate: Decimal
    prepayment_rate: Decimal
    senior_loss: Decimal
    senior_wal: Decimal | None
    senior_yield: Decimal | None


def scenario_errors(scenario: Scenario) -> dict[str, str]:
    """What is wrong with a scenario, by field (empty when nothing is)."""
    errors = {}
    for field in ("default_rate", "prepayment_rate", "recovery_rate"):
        if not ZERO <= getattr(scenario, field) <= ONE:
            errors[field] = _("A rate must be from %(low)s to %(high)s.") % {"low": "0 %", "high": "100 %"}
    for field in ("delay_periods", "recovery_lag"):
        if not 0 <= getattr(scenario, field) <= MAX_DELAY:
            errors[field] = _("This must be a whole number of periods from 0 to %(most)s.") % {"most": MAX_DELAY}
    return errors


def per_period(annual: Decimal, periods_per_year: int) -> Decimal:
    """The per-period rate that compounds to ``annual`` over a year."""
    return ONE - (ONE - annual) ** (ONE / periods_per_year)


def pool_periods(flows: Sequence[PoolFlow], scenario: Scenario, periods_per_year: int) -> list[PoolPeriod]:
    """The pool's cash by period: up to the last scheduled payment, plus as long as delays and
    recoveries still bring cash in."""
    errors = scenario_errors(scenario)
    if errors:
        raise ValueError(f"a scenario that makes no sense: {errors}")
    due = {flow.period: flow.scheduled for flow in flows}
    if len(due) != len(flows) or any(period < 1 for period in due) or any(
            amount < 0 or amount != cents(amount) for amount in due.values()):
        raise ValueError("pool flows need distinct periods from 1 and amounts in cents of at least zero")
    last = max(due, default=0)
    horizon = max(last + max(scenario.delay_periods, scenario.recovery_lag), 1)
    default, prepay = (per_period(rate, periods_per_year) for rate in (scenario.default_rate,
                                                                       scenario.prepayment_rate))
    performing = ONE  # the share of the original receivables still paying
    paying = [ZERO] * (horizon + 1)  # scheduled payments and prepayments, by the period they fall due in
    recovering = [ZERO] * (horizon + 1)  # recoveries by the period they arrive in
    rows = [PoolPeriod(period=period, scheduled=ZERO, prepaid=ZERO, defaulted=ZERO, recovered=ZERO,
                       collections=ZERO, balance_after=ZERO) for period in range(1, horizon + 1)]
    for period in range(1, last + 1):
        ahead = sum((amount for later, amount in due.items() if later > period), ZERO)
        defaulted = cents((due.get(period, ZERO) + ahead) * performing * default)
        performing *= ONE - default
        scheduled = cents(due.get(period, ZERO) * performing)
        prepaid = cents(ahead * performing * prepay)
        performing *= ONE - prepay
        paying[period] = scheduled + prepaid
        recovering[period + scenario.recovery_lag] += cents(defaulted * scenario.recovery_rate)
        rows[period - 1] = replace(rows[period - 1], scheduled=scheduled, prepaid=prepaid, defaulted=defaulted,
                                   balance_after=cents(ahead * performing))
    delay = scenario.delay_periods
    for index, row in enumerate(rows):
        period = row.period
        arriving = paying[period - delay] if period > delay else ZERO
        late = sum(paying[max(period - delay + 1, 1):period + 1], ZERO)  # fallen due, not yet arrived
        rows[index] = replace(row, recovered=recovering[period], collections=arriving + recovering[period],
                              balance_after=row.balance_after + late)
    return rows


def project(structure: Structure, flows: Sequence[PoolFlow], scenario: Scenario, *,
            state: State | None = None) -> Projection:
    """Run the deal from ``state`` (closing when not given) over the pool's flows."""
    state = state or initial_state(structure)
    start = state
    pool = pool_periods(flows, scenario, structure.periods_per_year)
    results = []
    for row in pool:
        final = row.period == len(pool)
        at_maturity = {bond.name: bond.balance for bond in state.bonds if bond.seniority == Seniority.SENIOR}
        result = run_period(structure, state, collections=row.collections, pool_balance_after=row.balance_after,
                            scheduled_principal=at_maturity if final else None, final=final)
        results.append(result)
        state = result.state_after
    bonds = tuple(_bond(structure, results, [bond.name], bond.name, bond.seniority, bond.balance)
                  for bond in start.bonds)
    return Projection(scenario=scenario, pool=tuple(pool), periods=tuple(results), bonds=bonds)


def _bond(structure: Structure, results: Sequence[PeriodResult], names: Sequence[str], name: str,
          seniority: Seniority, balance: Decimal) -> BondProjection:
    """The payments to ``names`` (one tranche, or a class read as one) by period."""
    def paid(result: PeriodResult, action: str) -> Decimal:
        return sum((step.amount for step in result.steps if step.action == action and step.target in names), ZERO)

    interest = tuple(paid(result, "pay_interest") for result in results)
    principal = tuple(paid(result, "pay_principal") for result in results)
    repaid = sum(principal, ZERO)
    wal = None
    if repaid > 0:
        weighted = sum((number * amount for number, amount in enumerate(principal, start=1)), ZERO)
        wal = (weighted / repaid / structure.periods_per_year).quantize(YEARS, rounding=ROUND_HALF_UP)
    return BondProjection(name=name, seniority=seniority, balance=balance, interest=interest, principal=principal,
                          wal=wal, loss=balance - repaid,
                          annual_yield=annual_yield(balance, [i + p for i, p in zip(interest, principal, strict=True)],
                                                    structure.periods_per_year))


def annual_yield(price: Decimal, payments: Iterable[Decimal], periods_per_year: int) -> Decimal | None:
    """The internal rate of return of paying ``price`` for ``payments`` (one a period),
    compounded to a year."""
    flows = [-float(price), *(float(amount) for amount in payments)]
    if price <= 0 or not any(flows[1:]):
        return None
    rate = float(npf.irr(flows))
    if rate != rate:  # numpy-financial's "no rate found" (not a number)
        return None
    return Decimal(repr((1 + rate) ** periods_per_year - 1)).quantize(YIELD, rounding=ROUND_HALF_UP)


def sensitivity(structure: Structure, flows: Sequence[PoolFlow], *, default_rates: Sequence[Decimal],
                prepayment_rates: Sequence[Decimal], base: Scenario = BASE,
                state: State | None = None) -> tuple[SensitivityRow, ...]:
    """The senior tranches (read as one) under each default rate × prepayment rate, the rest of
    the scenario as in ``base``, from ``state`` (closing when not given): their loss, weighted
    average life and yield."""
    rows = []
    senior = [bond for bond in (state or initial_state(structure)).bonds if bond.seniority == Seniority.SENIOR]
    for default_rate in default_rates:
        for prepayment_rate in prepayment_rates:
            scenario = Scenario(default_rate=default_rate, prepayment_rate=prepayment_rate,
                                delay_periods=base.delay_periods, recovery_rate=base.recovery_rate,
                                recovery_lag=base.recovery_lag)
            projection = project(structure, flows, scenario, state=state)
            read = _bond(structure, projection.periods, [bond.name for bond in senior], "senior",
                         Seniority.SENIOR, sum((bond.balance for bond in senior), ZERO))
            rows.append(SensitivityRow(default_rate=default_rate, prepayment_rate=prepayment_rate,
                                       senior_loss=read.loss, senior_wal=read.wal, senior_yield=read.annual_yield))
    return tuple(rows)
