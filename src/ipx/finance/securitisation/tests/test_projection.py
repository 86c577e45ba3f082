"""Projections: the pool's cash under a scenario worked out by hand, a small deal's tranches
(schedules, WAL, yield) by hand, and how losses fall on the tranches as defaults rise.

The per-period rates are chosen to come out round: quarterly, an annual rate of 0.3439 is
1 − 0.6561^(1/4) = 1 − 0.9 = 10 % a quarter.
"""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise

import pytest

from ipx.finance.securitisation.projection import (
    BASE,
    PoolFlow,
    Scenario,
    pool_periods,
    project,
    scenario_errors,
    sensitivity,
)
from ipx.finance.securitisation.waterfall import Bond, Fee, Seniority, Structure, Trigger

D = Decimal
TEN_PERCENT_A_QUARTER = D("0.3439")
TWO_PERIODS = [PoolFlow(1, D("10000.00")), PoolFlow(2, D("10000.00"))]
# Senior A 80,000 at 4 % (1 % a quarter) and subordinated S 20,000, nothing else, on four
# quarterly collections of 27,000.
SMALL = Structure(bonds=(Bond("A", Seniority.SENIOR, D("80000.00"), D("0.04")),
                         Bond("S", Seniority.SUBORDINATED, D("20000.00"), D("0"))),
                  fees=(), tax_rate=D("0"), reserve_target=D("0.00"), guarantor_limit=D("0.00"), triggers=())
FOUR_QUARTERS = [PoolFlow(period, D("27000.00")) for period in range(1, 5)]
# Three tranches that can each take a loss: A 60,000 at 4 %, M 20,000 at 6 %, S 20,000; a fee,
# a reserve, a sequential trigger, no guarantor.
LAYERED = Structure(bonds=(Bond("A", Seniority.SENIOR, D("60000.00"), D("0.04")),
                           Bond("M", Seniority.MEZZANINE, D("20000.00"), D("0.06")),
                           Bond("S", Seniority.SUBORDINATED, D("20000.00"), D("0"))),
                    fees=(Fee("trustee", amount=D("100.00")),), tax_rate=D("0"), reserve_target=D("1000.00"),
                    guarantor_limit=D("0.00"), triggers=(Trigger("oc", "asset_coverage", D("1"), "sequential"),))


def scenario(default_rate: str = "0", prepayment_rate: str = "0", delay: int = 0, recovery_rate: str = "0",
             lag: int = 0) -> Scenario:
    return Scenario(default_rate=D(default_rate), prepayment_rate=D(prepayment_rate), delay_periods=delay,
                    recovery_rate=D(recovery_rate), recovery_lag=lag)


def test_defaults_reduce_collections_and_recoveries_come_back_after_the_lag() -> None:
    pool = pool_periods(TWO_PERIODS, scenario(str(TEN_PERCENT_A_QUARTER), recovery_rate="0.5", lag=1), 4)

    # Quarter 1: 10 % of the 20,000 still owed defaults (2,000); the other 90 % pays 9,000 and owes
    # 9,000 more. Quarter 2: 10 % of 9,000 defaults (900), 8,100 paid, and half of quarter 1's
    # default (1,000) recovered. Quarter 3: half of quarter 2's default (450).
    assert [(row.scheduled, row.defaulted, row.recovered, row.collections, row.balance_after) for row in pool] == [
        (D("9000.00"), D("2000.00"), D("0.00"), D("9000.00"), D("9000.00")),
        (D("8100.00"), D("900.00"), D("1000.00"), D("9100.00"), D("0.00")),
        (D("0.00"), D("0.00"), D("450.00"), D("450.00"), D("0.00")),
    ]


def test_prepayments_bring_collections_forward() -> None:
    pool = pool_periods(TWO_PERIODS, scenario(prepayment_rate=str(TEN_PERCENT_A_QUARTER)), 4)

    # Quarter 1 pays its 10,000 and 10 % of quarter 2's early (1,000); quarter 2 the other 9,000.
    assert [(row.prepaid, row.collections, row.balance_after) for row in pool] == [
        (D("1000.00"), D("11000.00"), D("9000.00")), (D("0.00"), D("9000.00"), D("0.00"))]


def test_a_delay_shifts_collections_and_keeps_them_in_the_pool() -> None:
    pool = pool_periods(TWO_PERIODS, scenario(delay=1), 4)

    # Each payment arrives a quarter late; until it does it is still owed (20,000 after quarter 1).
    assert [(row.collections, row.balance_after) for row in pool] == [
        (D("0.00"), D("20000.00")), (D("10000.00"), D("10000.00")), (D("10000.00"), D("0.00"))]


def test_without_defaults_every_tranche_is_paid_in_full() -> None:
    projection = project(SMALL, FOUR_QUARTERS, BASE)

    # A's interest is 1 % of its balance; all else repays it:
    #   Q1 interest 800.00,  principal 27,000 − 800 = 26,200.00, balance 53,800.00
    #   Q2 interest 538.00,  principal 26,462.00, balance 27,338.00
    #   Q3 interest 273.38,  principal 26,726.62, balance 611.38
    #   Q4 interest 6.11 (6.1138), principal 611.38; S gets its 20,000, the originator 6,382.51.
    senior, subordinated = projection.bond("A"), projection.bond("S")
    assert senior.interest == (D("800.00"), D("538.00"), D("273.38"), D("6.11"))
    assert senior.principal == (D("26200.00"), D("26462.00"), D("26726.62"), D("611.38"))
    assert subordinated.principal == (D("0.00"), D("0.00"), D("0.00"), D("20000.00"))
    assert (senior.loss, subordinated.loss) == (D("0.00"), D("0.00"))
    assert projection.periods[-1].steps[-1].amount == D("6382.51")
    # WAL: (1 × 26,200 + 2 × 26,462 + 3 × 26,726.62 + 4 × 611.38) / 80,000 = 161,749.38 / 80,000
    # = 2.0218672… quarters = 0.5054668… years; S is repaid at once after a year.
    assert (senior.wal, subordinated.wal) == (D("0.5055"), D("1.0000"))
    # 1 % a quarter is 1.01^4 − 1 = 4.0604 % a year (the cent rounding of Q4's interest is far
    # below the sixth place); S gets back what it paid, nothing more.
    assert (senior.annual_yield, subordinated.annual_yield) == (D("0.040604"), D("0.000000"))
    assert len(projection.coverage) == 4
    # After Q1: 81,000 still owed over A's 53,800; interest 27,000 / 800.
    assert projection.coverage[0] == {"asset_coverage": D("1.5056"), "interest_coverage": D("33.7500")}


def test_a_projection_from_a_later_state_continues_where_the_deal_stands() -> None:
    after_first = project(SMALL, FOUR_QUARTERS, BASE).periods[0].state_after
    rest = [PoolFlow(period, D("27000.00")) for period in range(1, 4)]

    senior = project(SMALL, rest, BASE, state=after_first).bond("A")
    table = sensitivity(SMALL, rest, default_rates=[D("0")], prepayment_rates=[D("0")], state=after_first)

    # The last three quarters above, from A's 53,800.00: WAL (1 × 26,462 + 2 × 26,726.62 +
    # 3 × 611.38) / 53,800 = 81,749.38 / 53,800 = 1.5195052… quarters = 0.3798763… years.
    assert senior.balance == D("53800.00")
    assert senior.principal == (D("26462.00"), D("26726.62"), D("611.38"))
    assert senior.wal == D("0.3799")
    assert [(row.senior_loss, row.senior_wal) for row in table] == [(D("0.00"), D("0.3799"))]


def test_losses_reach_the_subordinated_tranche_before_the_senior() -> None:
    losses = {rate: {bond.name: bond.loss for bond in project(LAYERED, FOUR_QUARTERS, scenario(
        rate, recovery_rate="0.4", lag=2)).bonds} for rate in ("0", "0.3", "0.9")}

    assert losses["0"] == {"A": D("0.00"), "M": D("0.00"), "S": D("0.00")}
    assert losses["0.3"]["S"] > 0
    assert (losses["0.3"]["A"], losses["0.3"]["M"]) == (D("0.00"), D("0.00"))
    assert losses["0.9"]["S"] == D("20000.00")
    assert losses["0.9"]["A"] > 0


def test_the_guarantor_makes_up_the_senior_tranche_at_maturity() -> None:
    guaranteed = Structure(bonds=LAYERED.bonds, fees=LAYERED.fees, tax_rate=D("0"), reserve_target=D("1000.00"),
                           guarantor_limit=D("100000.00"), triggers=LAYERED.triggers)

    projection = project(guaranteed, FOUR_QUARTERS, scenario("0.9"))

    assert projection.bond("A").loss == D("0.00")
    assert projection.bond("M").loss > 0
    final = projection.periods[-1]
    assert final.state_after.guarantor_paid == sum(
        (step.amount for period in projection.periods for step in period.steps if step.action == "draw_guarantor"),
        D("0"))
    assert D("0") < final.state_after.guarantor_paid <= D("100000.00")


def test_senior_loss_rises_with_the_default_rate() -> None:
    rates = [D(rate) for rate in ("0", "0.1", "0.3", "0.5", "0.7", "0.8", "0.9", "0.95")]

    table = sensitivity(LAYERED, FOUR_QUARTERS, default_rates=rates, prepayment_rates=[D("0"), D("0.2")],
                        base=scenario(recovery_rate="0.4", lag=2))

    assert [(row.default_rate, row.prepayment_rate) for row in table] == [
        (rate, prepayment) for rate in rates for prepayment in (D("0"), D("0.2"))]
    for prepayment in (D("0"), D("0.2")):
        column = [row for row in table if row.prepayment_rate == prepayment]
        assert all(low.senior_loss <= high.senior_loss for low, high in pairwise(column))
        assert column[0].senior_loss == D("0.00") < column[-1].senior_loss
        assert column[0].senior_yield == D("0.040604")
        assert column[-1].senior_yield is not None and column[-1].senior_yield < 0


def test_scenarios_and_flows_that_make_no_sense_are_refused() -> None:
    assert scenario_errors(BASE) == {}
    wrong = Scenario(default_rate=D("-0.1"), prepayment_rate=D("1.5"), delay_periods=-1, recovery_rate=D("2"),
                     recovery_lag=41)
    assert sorted(scenario_errors(wrong)) == ["default_rate", "delay_periods", "prepayment_rate", "recovery_lag",
                                              "recovery_rate"]
    assert scenario_errors(wrong)["prepayment_rate"] == "A rate must be from 0 % to 100 %."
    with pytest.raises(ValueError, match="scenario"):
        project(SMALL, FOUR_QUARTERS, wrong)
    for flows in ([PoolFlow(1, D("1.00")), PoolFlow(1, D("2.00"))], [PoolFlow(0, D("1.00"))],
                  [PoolFlow(1, D("-1.00"))], [PoolFlow(1, D("0.001"))]):
        with pytest.raises(ValueError, match="pool flows"):
            project(SMALL, flows, BASE)
