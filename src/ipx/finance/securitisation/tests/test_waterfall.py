"""Waterfall periods worked out by hand.

The deal: a pool of 1,000,000.00 in three tranches (senior A 800,000.00 at 4 %, mezzanine M
100,000.00 at 6 %, subordinated S 100,000.00 without a coupon), quarterly, so A's interest is
800,000 × 0.04 / 4 = 8,000.00 and M's 100,000 × 0.06 / 4 = 1,500.00 a period; tax 3 % of the
collections; a trustee fee of 1,000.00 and a servicer fee of 1 % a year on the pool balance;
a reserve target of 10,000.00; a guarantor who pays at most 50,000.00; an asset-coverage
trigger below 1.05 switching to sequential pay and an interest-coverage trigger below 0.5
accelerating.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from ipx.finance.securitisation.waterfall import (
    Bond,
    Fee,
    PeriodResult,
    Seniority,
    State,
    Structure,
    Trigger,
    initial_state,
    run_period,
    split,
    validate_structure,
)

D = Decimal
A = Bond("A", Seniority.SENIOR, D("800000.00"), D("0.04"))
M = Bond("M", Seniority.MEZZANINE, D("100000.00"), D("0.06"))
S = Bond("S", Seniority.SUBORDINATED, D("100000.00"), D("0"))
DEAL = Structure(
    bonds=(A, M, S), fees=(Fee("trustee", amount=D("1000.00")), Fee("servicer", rate=D("0.01"))),
    tax_rate=D("0.03"), reserve_target=D("10000.00"), guarantor_limit=D("50000.00"),
    triggers=(Trigger("oc", "asset_coverage", D("1.05"), "sequential"),
              Trigger("ic", "interest_coverage", D("0.5"), "accelerate")))
POOL = D("1000000.00")


def postings(result: PeriodResult) -> list[tuple[str, str, str, Decimal]]:
    return [(step.action, step.source, step.target, step.amount) for step in result.steps]


def balances(state: State) -> dict[str, Decimal]:
    return {bond.name: bond.balance for bond in state.bonds}


def carried(state: State) -> dict[str, Decimal]:
    return {bond.name: bond.interest_shortfall for bond in state.bonds}


def with_balances(state: State, **amounts: str) -> State:
    return replace(state, bonds=tuple(replace(bond, balance=D(amounts[bond.name])) if bond.name in amounts
                                      else bond for bond in state.bonds))


def test_a_normal_period_pays_down_the_waterfall_pro_rata() -> None:
    result = run_period(DEAL, initial_state(DEAL), collections=D("120000.00"), pool_balance_after=D("890000.00"))

    # tax 3 % × 120,000 = 3,600; servicer 1 % × 890,000 / 4 = 2,225; the reserve filled to 10,000;
    # left for principal 120,000 − 3,600 − 1,000 − 2,225 − 8,000 − 1,500 − 10,000 = 93,675.00,
    # shared 8 : 1 by balance: A 83,266.666…, M 10,408.333…; the odd cent to A's larger remainder.
    assert postings(result) == [
        ("pay_tax", "collections", "tax", D("3600.00")),
        ("pay_fee", "collections", "trustee", D("1000.00")),
        ("pay_fee", "collections", "servicer", D("2225.00")),
        ("pay_interest", "collections", "A", D("8000.00")),
        ("pay_interest", "collections", "M", D("1500.00")),
        ("top_up_reserve", "collections", "reserve", D("10000.00")),
        ("pay_principal", "collections", "A", D("83266.67")),
        ("pay_principal", "collections", "M", D("10408.33")),
    ]
    after = result.state_after
    assert balances(after) == {"A": D("716733.33"), "M": D("89591.67"), "S": D("100000.00")}
    assert after.reserve == D("10000.00")
    assert (after.guarantor_paid, after.sequential, after.accelerated) == (D("0.00"), False, False)
    # 890,000 / (716,733.33 + 89,591.67 = 806,325.00) = 1.10377…; (120,000 − 3,600 − 3,225) / 9,500 = 11.91315…
    assert result.coverage == {"asset_coverage": D("1.1038"), "interest_coverage": D("11.9132")}
    assert result.breached == ()
    assert result.shortfalls == {}


def test_a_shortfall_is_covered_by_the_reserve() -> None:
    state = replace(initial_state(DEAL), reserve=D("10000.00"))

    result = run_period(DEAL, state, collections=D("10000.00"), pool_balance_after=D("960000.00"))

    # tax 300; servicer 960,000 × 1 % / 4 = 2,400; left 10,000 − 300 − 1,000 − 2,400 = 6,300.
    # Senior interest 8,000 lacks 1,700 (drawn from the reserve), mezzanine interest 1,500 all
    # drawn; the reserve ends at 10,000 − 1,700 − 1,500 = 6,800 with no cash to top it up.
    assert postings(result) == [
        ("pay_tax", "collections", "tax", D("300.00")),
        ("pay_fee", "collections", "trustee", D("1000.00")),
        ("pay_fee", "collections", "servicer", D("2400.00")),
        ("draw_reserve", "reserve", "collections", D("1700.00")),
        ("pay_interest", "collections", "A", D("8000.00")),
        ("draw_reserve", "reserve", "collections", D("1500.00")),
        ("pay_interest", "collections", "M", D("1500.00")),
    ]
    assert result.state_after.reserve == D("6800.00")
    assert result.state_after.guarantor_paid == D("0.00")
    assert balances(result.state_after) == balances(state)
    assert result.shortfalls == {}
    # 960,000 / 900,000 = 1.0667 holds; 6,300 / 9,500 = 0.6632 is above the acceleration's 0.5.
    assert result.coverage == {"asset_coverage": D("1.0667"), "interest_coverage": D("0.6632")}
    assert result.breached == ()


def test_a_shortfall_beyond_the_reserve_is_covered_by_the_guarantor() -> None:
    state = replace(initial_state(DEAL), reserve=D("1000.00"))

    result = run_period(DEAL, state, collections=D("5000.00"), pool_balance_after=D("960000.00"),
                        scheduled_principal={"A": D("20000.00")})

    # tax 150; fees 1,000 + 2,400; left 5,000 − 3,550 = 1,450. Senior interest 8,000 lacks 6,550:
    # 1,000 from the reserve, 5,550 from the guarantor. Mezzanine interest finds nothing (the
    # guarantor does not cover it) and is carried. A's scheduled 20,000.00 of principal comes
    # all from the guarantor: 25,550.00 paid in all, within its 50,000.00.
    assert postings(result) == [
        ("pay_tax", "collections", "tax", D("150.00")),
        ("pay_fee", "collections", "trustee", D("1000.00")),
        ("pay_fee", "collections", "servicer", D("2400.00")),
        ("draw_reserve", "reserve", "collections", D("1000.00")),
        ("draw_guarantor", "guarantor", "collections", D("5550.00")),
        ("pay_interest", "collections", "A", D("8000.00")),
        ("draw_guarantor", "guarantor", "collections", D("20000.00")),
        ("pay_principal", "collections", "A", D("20000.00")),
    ]
    after = result.state_after
    assert (after.reserve, after.guarantor_paid) == (D("0.00"), D("25550.00"))
    assert balances(after) == {"A": D("780000.00"), "M": D("100000.00"), "S": D("100000.00")}
    assert carried(after) == {"A": D("0.00"), "M": D("1500.00"), "S": D("0.00")}
    assert result.shortfalls == {"interest:M": D("1500.00")}


def test_the_guarantor_pays_no_more_than_its_limit() -> None:
    state = replace(initial_state(DEAL), guarantor_paid=D("40000.00"))

    result = run_period(DEAL, state, collections=D("5000.00"), pool_balance_after=D("960000.00"),
                        scheduled_principal={"A": D("20000.00")})

    # As above without a reserve: interest lacks 6,550, all from the guarantor, leaving it
    # 50,000 − 40,000 − 6,550 = 3,450 for the 20,000 of principal; 16,550 of it is short.
    assert [(step.action, step.amount) for step in result.steps if step.action == "draw_guarantor"] == [
        ("draw_guarantor", D("6550.00")), ("draw_guarantor", D("3450.00"))]
    assert result.state_after.guarantor_paid == D("50000.00")
    assert balances(result.state_after)["A"] == D("796550.00")
    assert result.shortfalls == {"principal:A": D("16550.00"), "interest:M": D("1500.00")}


def test_a_coverage_breach_switches_to_sequential_pay_for_good() -> None:
    first = run_period(DEAL, initial_state(DEAL), collections=D("50000.00"), pool_balance_after=D("850000.00"))
    # Left for principal 50,000 − 1,500 − 1,000 − 2,125 − 8,000 − 1,500 − 10,000 = 25,875, pro
    # rata 8 : 1: A 23,000, M 2,875. Coverage 850,000 / (777,000 + 97,125) = 0.9724 < 1.05.
    assert balances(first.state_after) == {"A": D("777000.00"), "M": D("97125.00"), "S": D("100000.00")}
    assert first.coverage["asset_coverage"] == D("0.9724")
    assert first.breached == ("oc",)
    assert first.state_after.sequential is True

    second = run_period(DEAL, first.state_after, collections=D("60000.00"), pool_balance_after=D("800000.00"))
    # Interest A 777,000 × 0.01 = 7,770.00, M 97,125 × 0.015 = 1,456.875 → 1,456.88; tax 1,800;
    # fees 1,000 + 2,000; the reserve is full. 60,000 − 1,800 − 3,000 − 7,770 − 1,456.88 =
    # 45,973.12 all to A, none to M.
    assert postings(second)[-1] == ("pay_principal", "collections", "A", D("45973.12"))
    assert balances(second.state_after) == {"A": D("731026.88"), "M": D("97125.00"), "S": D("100000.00")}

    third = run_period(DEAL, second.state_after, collections=D("200000.00"), pool_balance_after=D("700000.00"))
    # Coverage is back (700,000 / (548,544.03 + 97,125) = 1.0841) but the pay stays sequential:
    # A's interest 731,026.88 × 0.01 = 7,310.2688 → 7,310.27; 200,000 − 6,000 − 2,750 −
    # 7,310.27 − 1,456.88 = 182,482.85 all to A.
    assert third.breached == ()
    assert third.coverage["asset_coverage"] == D("1.0841")
    assert third.state_after.sequential is True
    assert [step.target for step in third.steps if step.action == "pay_principal"] == ["A"]
    assert balances(third.state_after) == {"A": D("548544.03"), "M": D("97125.00"), "S": D("100000.00")}


def test_acceleration_sends_everything_after_senior_interest_to_senior_principal() -> None:
    # A period with interest coverage (3,000 − 90 − 1,000 − 2,400) / 9,500 below zero breaches
    # the acceleration trigger, which changes the order from the next period on.
    breach = run_period(DEAL, replace(initial_state(DEAL), reserve=D("5000.00")), collections=D("3000.00"),
                        pool_balance_after=D("960000.00"))
    assert breach.coverage["interest_coverage"] == D("-0.0516")
    assert breach.breached == ("ic",)
    assert breach.state_after.accelerated is True
    state = replace(breach.state_after, reserve=D("5000.00"))

    result = run_period(DEAL, state, collections=D("100000.00"), pool_balance_after=D("900000.00"))

    # tax 3,000; fees 1,000 + 2,250; A's interest 8,000; the other 85,750.00 to A's principal:
    # no mezzanine interest (carried, on top of what the breach period left), no reserve top-up.
    assert postings(result) == [
        ("pay_tax", "collections", "tax", D("3000.00")),
        ("pay_fee", "collections", "trustee", D("1000.00")),
        ("pay_fee", "collections", "servicer", D("2250.00")),
        ("pay_interest", "collections", "A", D("8000.00")),
        ("pay_principal", "collections", "A", D("85750.00")),
    ]
    assert result.state_after.reserve == D("5000.00")
    assert balances(result.state_after)["A"] == D("714250.00")
    # Healthy again (900,000 / 814,250 = 1.1053; 93,750 / (8,000 + 1,500 + 1,500 carried) = 8.5227)
    # yet still accelerated.
    assert result.coverage == {"asset_coverage": D("1.1053"), "interest_coverage": D("8.5227")}
    assert result.breached == ()
    assert result.state_after.accelerated is True
    # The breach period: 3,000 − 90 − 3,400 = −490 is short of the taxes and fees, so the reserve
    # gave 490 to them and its other 4,510 to A's interest, the guarantor the 3,490 A still
    # lacked; M's 1,500 was carried, and is again.
    assert breach.state_after.guarantor_paid == D("3490.00")
    assert carried(breach.state_after) == {"A": D("0.00"), "M": D("1500.00"), "S": D("0.00")}
    assert carried(result.state_after) == {"A": D("0.00"), "M": D("3000.00"), "S": D("0.00")}


def test_acceleration_pays_the_mezzanine_once_the_senior_is_repaid() -> None:
    state = replace(with_balances(initial_state(DEAL), A="50000.00"), accelerated=True)

    result = run_period(DEAL, state, collections=D("100000.00"), pool_balance_after=D("150000.00"))

    # tax 3,000; fees 1,000 + 375; A's interest 50,000 × 0.01 = 500 and its 50,000 principal;
    # then M's interest 1,500 and the other 100,000 − 3,000 − 1,375 − 500 − 50,000 − 1,500 = 43,625 to M.
    assert postings(result)[3:] == [
        ("pay_interest", "collections", "A", D("500.00")),
        ("pay_principal", "collections", "A", D("50000.00")),
        ("pay_interest", "collections", "M", D("1500.00")),
        ("pay_principal", "collections", "M", D("43625.00")),
    ]
    assert balances(result.state_after) == {"A": D("0.00"), "M": D("56375.00"), "S": D("100000.00")}


def test_the_final_period_releases_the_reserve_and_pays_the_subordinated_and_the_residual() -> None:
    state = replace(with_balances(initial_state(DEAL), A="10000.00", M="5000.00"), reserve=D("10000.00"))

    result = run_period(DEAL, state, collections=D("150000.00"), pool_balance_after=D("0.00"), final=True)

    # The reserve's 10,000 joins the collections; tax 4,500; trustee 1,000 (no pool left to
    # charge on); interest A 100, M 75; the rated tranches repaid in full; S gets its 100,000 and
    # the originator the residual 160,000 − 4,500 − 1,000 − 175 − 15,000 − 100,000 = 39,325.
    assert postings(result) == [
        ("transfer", "reserve", "collections", D("10000.00")),
        ("pay_tax", "collections", "tax", D("4500.00")),
        ("pay_fee", "collections", "trustee", D("1000.00")),
        ("pay_interest", "collections", "A", D("100.00")),
        ("pay_interest", "collections", "M", D("75.00")),
        ("pay_principal", "collections", "A", D("10000.00")),
        ("pay_principal", "collections", "M", D("5000.00")),
        ("pay_principal", "collections", "S", D("100000.00")),
        ("pay_residual", "collections", "residual", D("39325.00")),
    ]
    assert result.state_after.reserve == D("0.00")
    assert set(balances(result.state_after).values()) == {D("0.00")}
    # No rated tranche is left to cover with assets; interest: (150,000 − 4,500 − 1,000) / 175 = 825.714285…
    assert result.coverage == {"interest_coverage": D("825.7143")}


def test_split_shares_to_the_cent_by_largest_remainder() -> None:
    # 100.00 in thirds: 33.333… each, the one cent left to the first of the equal remainders.
    assert split(D("100.00"), [D("1.00"), D("1.00"), D("1.00")]) == [D("33.34"), D("33.33"), D("33.33")]
    assert split(D("0.05"), [D("3.00"), D("1.00")]) == [D("0.04"), D("0.01")]
    assert split(D("-100.00"), [D("1.00"), D("2.00")]) == [D("-33.33"), D("-66.67")]
    assert split(D("0.00"), [D("0.00")]) == [D("0.00")]
    with pytest.raises(ValueError, match="sum to nothing"):
        split(D("5.00"), [D("0.00")])


def test_a_sound_structure_has_no_errors() -> None:
    assert validate_structure(DEAL, pool_balance=POOL) == {}


def test_a_structure_without_a_senior_tranche_is_refused() -> None:
    structure = replace(DEAL, bonds=(replace(A, seniority=Seniority.MEZZANINE), M, S))

    assert validate_structure(structure, pool_balance=POOL) == {"bonds": "A structure needs a senior tranche."}


def test_tranches_must_sum_to_the_pool() -> None:
    errors = validate_structure(DEAL, pool_balance=D("1000000.01"))

    assert errors == {"bonds": "The tranches add up to 1000000.00 but the pool's balance is 1000000.01."}


def test_coupons_below_zero_or_above_100_percent_are_refused() -> None:
    for coupon, shown in ((D("-0.01"), "-1 %"), (D("1.5"), "150 %")):
        errors = validate_structure(replace(DEAL, bonds=(A, replace(M, coupon=coupon), S)), pool_balance=POOL)
        assert errors == {"coupon": f"Tranche M has a coupon of {shown}; a fixed coupon is from 0 % to 100 % a year."}


def test_negative_fees_are_refused() -> None:
    for fee in (Fee("trustee", amount=D("-1.00")), Fee("trustee", rate=D("-0.01"))):
        errors = validate_structure(replace(DEAL, fees=(fee,)), pool_balance=POOL)
        assert list(errors) == ["fees"]
        assert errors["fees"].startswith("Fee trustee must be an amount of at least zero")


def test_duplicate_names_and_the_deal_s_own_accounts_are_refused() -> None:
    structure = replace(DEAL, bonds=(A, replace(M, name="A"), S), fees=(Fee("reserve", amount=D("1.00")),))

    errors = validate_structure(structure, pool_balance=POOL)

    assert list(errors) == ["names"]
    assert errors["names"].endswith(": 'A', 'reserve'.")


def test_other_settings_that_make_no_sense_are_refused() -> None:
    structure = replace(DEAL, tax_rate=D("1"), reserve_target=D("-1.00"), guarantor_limit=D("0.001"),
                        periods_per_year=5, triggers=(replace(DEAL.triggers[0], threshold=D("0")),))

    errors = validate_structure(structure, pool_balance=POOL)

    assert sorted(errors) == ["guarantor_limit", "periods_per_year", "reserve_target", "tax_rate", "triggers"]
    assert errors["tax_rate"] == "The tax rate is 100 %; it must be at least 0 % and below 100 %."


def test_under_sequential_pay_the_guarantor_keeps_the_order_of_the_senior_tranches() -> None:
    first, second = replace(A, name="A1", balance=D("500000.00")), replace(A, name="A2", balance=D("300000.00"))
    deal = Structure(bonds=(first, second, replace(S, balance=D("200000.00"))), fees=(), tax_rate=D("0"),
                     reserve_target=D("0.00"), guarantor_limit=D("100000.00"), triggers=())
    state = replace(initial_state(deal), sequential=True)

    result = run_period(deal, state, collections=D("20000.00"), pool_balance_after=D("900000.00"),
                        scheduled_principal={"A1": D("20000.00"), "A2": D("10000.00")})

    # Interest A1 5,000 and A2 3,000; the other 12,000 to A1, whose scheduled 20,000 the guarantor
    # makes up (8,000). A1 is still outstanding, so A2's scheduled 10,000 is not paid but short.
    assert postings(result)[2:] == [
        ("draw_guarantor", "guarantor", "collections", D("8000.00")),
        ("pay_principal", "collections", "A1", D("20000.00")),
    ]
    assert result.shortfalls == {"principal:A2": D("10000.00")}
    assert result.state_after.guarantor_paid == D("8000.00")
