"""The valuation approaches against figures worked out by hand."""

from __future__ import annotations

from decimal import Decimal as D

from ipx.finance.valuation import Comparable, cost_value, income_value, market_value, sensitivity

REVENUES = [D("1000000"), D("1200000"), D("1400000")]


def test_relief_from_royalty_discounts_the_royalty_saved_after_tax_at_each_year_end() -> None:
    # Royalty 5 %, tax 25 %, discount 10 %: 37,500 / 1.1 + 45,000 / 1.21 + 52,500 / 1.331.
    valued = income_value(revenues=REVENUES, royalty_percent=D(5), tax_percent=D(25), discount_percent=D(10))
    assert [(y.royalty, y.after_tax, y.present_value) for y in valued.years] == [
        (D("50000.00"), D("37500.00"), D("34090.91")),
        (D("60000.00"), D("45000.00"), D("37190.08")),
        (D("70000.00"), D("52500.00"), D("39444.03")),
    ]
    assert valued.years[1].discount_factor == D("0.826446")
    assert valued.value == D("110725.02")  # 34,090.909 + 37,190.083 + 39,444.027
    assert valued.useful_life_years == 3


def test_the_remaining_legal_term_caps_the_useful_life_a_part_year_counting_its_part() -> None:
    valued = income_value(revenues=REVENUES, royalty_percent=D(5), tax_percent=D(25), discount_percent=D(10),
                          legal_term_years=D("2.5"))
    assert valued.useful_life_years == D("2.5")
    assert (valued.years[2].share, valued.years[2].royalty) == (D("0.5"), D("35000.00"))
    assert valued.value == D("91003.01")  # 34,090.909 + 37,190.083 + 26,250 / 1.331 (19,722.014)
    expired = income_value(revenues=REVENUES, royalty_percent=D(5), tax_percent=D(25), discount_percent=D(10),
                           legal_term_years=D(0))
    assert (expired.years, expired.value) == ((), D("0.00"))


def test_the_sensitivity_table_moves_the_way_the_rates_do() -> None:
    table = sensitivity(revenues=REVENUES, royalty_percents=[D(4), D(5), D(6)], tax_percent=D(25),
                        discount_percents=[D(8), D(10), D(12)])
    assert table[1][1] == D("110725.02")
    assert all(row[0] > row[1] > row[2] for row in table)  # a higher discount rate lowers the value
    assert all(table[0][col] < table[1][col] < table[2][col] for col in range(3))
    # Value is linear in the royalty rate: 4 % is four fifths of 5 % (to the cent).
    assert abs(table[0][1] - D("110725.02") * 4 / 5) <= D("0.01")


def test_the_cost_approach_takes_each_obsolescence_from_what_is_left() -> None:
    valued = cost_value(reproduction_cost=D("500000"), functional_percent=D(20), economic_percent=D(10))
    assert (valued.functional_loss, valued.economic_loss, valued.value) == (
        D("100000.00"), D("40000.00"), D("360000.00"))


def test_the_market_approach_averages_adjusted_comparables_and_says_when_there_are_too_few() -> None:
    comparables = [Comparable("D-1", D("100000"), D(10)), Comparable("D-2", D("200000"), D(-5)),
                   Comparable("D-3", D("150000"), D(0))]
    valued = market_value(comparables)
    assert (valued.value, valued.low, valued.high) == (D("150000.00"), D("110000.00"), D("190000.00"))
    too_few = market_value(comparables[:2])
    assert not too_few.enough and too_few.value is None and len(too_few.comparables) == 2
