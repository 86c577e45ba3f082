"""The waterfall's invariants over random structures, starting states and runs of periods, and
over random pools run through projections under random scenarios:

- the collection account pays out exactly what came in (collections, reserve and guarantor
  draws, releases), to the cent, and the reserve changes by exactly what went in and out;
- every posting is a positive amount in cents between two different accounts;
- no balance, reserve or carried interest goes below zero, and the guarantor never pays beyond
  its limit;
- a tranche's balance falls by exactly the principal posted to it;
- under sequential pay (or acceleration) no tranche gets principal while one before it in
  priority is outstanding after the period; the subordinated tranches never do while a rated
  one is, and the residual only once every tranche is repaid;
- once sequential or accelerated, a deal stays so.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from ipx.finance.securitisation.projection import PoolFlow, Scenario, project
from ipx.finance.securitisation.waterfall import (
    CENT,
    COLLECTIONS,
    GUARANTOR,
    RANK,
    RESERVE,
    RESIDUAL,
    ZERO,
    Bond,
    Fee,
    PeriodResult,
    Seniority,
    State,
    Structure,
    Trigger,
    initial_state,
    run_period,
)


def amounts(high: int) -> st.SearchStrategy[Decimal]:
    """An amount in cents from 0 to ``high``."""
    return st.integers(min_value=0, max_value=high * 100).map(lambda value: Decimal(value) * CENT)


def rates(high_basis_points: int) -> st.SearchStrategy[Decimal]:
    return st.integers(min_value=0, max_value=high_basis_points).map(lambda value: Decimal(value) / 10000)


# Sizes of every order, and awkward ones, more often than an even draw of cents would give them.
BALANCES = st.one_of(st.sampled_from(["0.01", "999.99", "50000.00", "333333.33", "1000000.00"]).map(Decimal),
                     amounts(1_000_000).filter(lambda value: value > 0))
SHARES = st.sampled_from(["0", "0.001", "0.01", "0.03", "0.1", "0.35", "0.7", "1.2"]).map(Decimal)


def part(amount: Decimal, share: Decimal) -> Decimal:
    return (amount * share).quantize(CENT)


@st.composite
def structures(draw: st.DrawFn) -> Structure:
    bonds: list[Bond] = []
    for seniority, low in ((Seniority.SENIOR, 1), (Seniority.MEZZANINE, 0), (Seniority.SUBORDINATED, 0)):
        for index in range(draw(st.sampled_from(range(low, 3)))):
            bonds.append(Bond(name=f"{seniority.value}-{index}", seniority=seniority,
                              balance=draw(BALANCES),
                              coupon=draw(rates(1500))))
    fees = tuple(Fee(name=f"fee-{index}", amount=draw(amounts(5_000)), rate=draw(rates(200)))
                 for index in range(draw(st.integers(min_value=0, max_value=3))))
    triggers = tuple(Trigger(name=f"trigger-{index}", metric=draw(st.sampled_from(["asset_coverage",
                                                                                   "interest_coverage"])),
                             threshold=draw(st.sampled_from([Decimal("0.5"), Decimal("1"), Decimal("1.1")])),
                             action=draw(st.sampled_from(["sequential", "accelerate"])))
                     for index in range(draw(st.integers(min_value=0, max_value=2))))
    size = sum((bond.balance for bond in bonds), ZERO)
    return Structure(bonds=tuple(bonds), fees=fees, tax_rate=draw(rates(1000)),
                     reserve_target=part(size, draw(SHARES) / 10), guarantor_limit=part(size, draw(SHARES)),
                     triggers=triggers,
                     periods_per_year=draw(st.sampled_from([1, 2, 4, 12])))


@st.composite
def starts(draw: st.DrawFn, structure: Structure) -> State:
    """A state partway through a deal: balances paid down, interest carried, the reserve and the
    guarantor partly used, the mode already switched or not."""
    bonds = tuple(Bond(name=bond.name, seniority=bond.seniority, coupon=bond.coupon,
                       balance=draw(st.sampled_from([bond.balance, ZERO, (bond.balance / 3).quantize(CENT)])),
                       interest_shortfall=draw(st.sampled_from([ZERO, Decimal("123.45")])))
                  for bond in structure.bonds)
    return State(bonds=bonds, reserve=draw(st.sampled_from([ZERO, structure.reserve_target, Decimal("60000.00")])),
                 guarantor_paid=draw(st.sampled_from([ZERO, part(structure.guarantor_limit, Decimal("0.9")),
                                                      structure.guarantor_limit])),
                 sequential=draw(st.booleans()), accelerated=draw(st.booleans()))


def flows(result: PeriodResult, account: str) -> tuple[Decimal, Decimal]:
    """What went into and out of ``account`` in the period."""
    into = sum((step.amount for step in result.steps if step.target == account), ZERO)
    out = sum((step.amount for step in result.steps if step.source == account), ZERO)
    return into, out


def check_period(structure: Structure, before: State, result: PeriodResult) -> None:
    after = result.state_after
    for step in result.steps:
        assert step.amount > 0 and step.amount == step.amount.quantize(CENT), step
        assert step.source != step.target, step
    into, out = flows(result, COLLECTIONS)
    assert result.collections + into == out
    into, out = flows(result, RESERVE)
    assert before.reserve + into - out == after.reserve >= 0
    drawn = flows(result, GUARANTOR)[1]
    assert after.guarantor_paid == before.guarantor_paid + drawn <= structure.guarantor_limit
    paid = {bond.name: sum((step.amount for step in result.steps
                            if step.action == "pay_principal" and step.target == bond.name), ZERO)
            for bond in before.bonds}
    for old, new in zip(before.bonds, after.bonds, strict=True):
        assert new.balance == old.balance - paid[old.name] >= 0
        assert new.interest_shortfall >= 0
    ordered = sorted(after.bonds, key=lambda bond: RANK[bond.seniority])
    for position, bond in enumerate(ordered):
        if paid[bond.name] == 0:
            continue
        earlier = ordered[:position] if before.sequential or before.accelerated else [
            other for other in ordered[:position] if bond.seniority == Seniority.SUBORDINATED
            and other.seniority != Seniority.SUBORDINATED]
        assert all(other.balance == 0 for other in earlier), (bond.name, result.steps)
    if flows(result, RESIDUAL)[0] > 0:
        assert all(bond.balance == 0 for bond in after.bonds)
    assert after.sequential >= before.sequential and after.accelerated >= before.accelerated


@settings(max_examples=150, deadline=None)
@given(data=st.data(), structure=structures())
def test_every_period_conserves_cash_and_keeps_the_order_of_payments(data: st.DataObject,
                                                                     structure: Structure) -> None:
    state = data.draw(starts(structure))
    size = sum((bond.balance for bond in structure.bonds), ZERO)
    pool = size
    periods = data.draw(st.integers(min_value=1, max_value=6))
    for number in range(1, periods + 1):
        # Amounts as shares of the deal's size, so that each period is as likely to fall short of
        # the interest as to repay a tranche or everything.
        collections = part(size, data.draw(SHARES))
        pool = max(pool - part(size, data.draw(SHARES)), ZERO)
        scheduled = {bond.name: part(bond.balance, data.draw(SHARES)) for bond in state.bonds}
        result = run_period(structure, state, collections=collections, pool_balance_after=pool,
                            scheduled_principal=scheduled, final=number == periods and data.draw(st.booleans()))
        check_period(structure, state, result)
        state = result.state_after


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    return Scenario(default_rate=draw(SHARES.filter(lambda share: share <= 1)),
                    prepayment_rate=draw(SHARES.filter(lambda share: share <= 1)),
                    delay_periods=draw(st.sampled_from([0, 0, 1, 3])),
                    recovery_rate=draw(st.sampled_from(["0", "0.4", "1"]).map(Decimal)),
                    recovery_lag=draw(st.sampled_from([0, 2])))


@settings(max_examples=100, deadline=None)
@given(data=st.data(), structure=structures(), scenario=scenarios())
def test_every_projected_period_conserves_cash_and_keeps_the_order_of_payments(
        data: st.DataObject, structure: Structure, scenario: Scenario) -> None:
    size = sum((bond.balance for bond in structure.bonds), ZERO)
    flows = [PoolFlow(period, part(size, data.draw(SHARES) / 3)) for period in range(1, data.draw(
        st.integers(min_value=1, max_value=8)) + 1)]

    projection = project(structure, flows, scenario)

    state = initial_state(structure)
    for result in projection.periods:
        check_period(structure, state, result)
        state = result.state_after
    for bond in projection.bonds:
        assert bond.loss == bond.balance - sum(bond.principal, ZERO) >= 0
