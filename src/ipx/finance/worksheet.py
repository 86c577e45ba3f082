"""A valuation's approaches as pages, the API and the report show them: each recomputed from
the inputs kept with it (``ipx.finance.valuation``), so the year-by-year table, the
sensitivity table, the cost's losses and the comparables' adjusted prices are what the
recorded value came from."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ipx.finance import valuation as approaches
from ipx.finance.models import Valuation

# The sensitivity table's steps around the recorded rates (percentage points).
ROYALTY_STEPS = (Decimal(-2), Decimal(-1), Decimal(0), Decimal(1), Decimal(2))
DISCOUNT_STEPS = (Decimal(-4), Decimal(-2), Decimal(0), Decimal(2), Decimal(4))


@dataclass(frozen=True)
class Sensitivity:
    royalty_percents: list[Decimal]
    discount_percents: list[Decimal]
    rows: list[tuple[Decimal, list[Decimal]]]  # royalty → the value at each discount rate


@dataclass(frozen=True)
class Worksheet:
    income: approaches.IncomeValuation | None
    legal_term_years: Decimal | None
    sensitivity: Sensitivity | None
    cost: approaches.CostValuation | None
    market: approaches.MarketValuation | None


def _around(value: Decimal, steps: tuple[Decimal, ...], low: Decimal) -> list[Decimal]:
    return sorted({value + step for step in steps if value + step >= low})


def income_of(valuation: Valuation) -> tuple[approaches.IncomeValuation, Decimal | None, Sensitivity] | None:
    inputs = valuation.income_inputs
    if not inputs:
        return None
    revenues = [Decimal(r) for r in inputs["revenues"]]
    term = None if inputs.get("legal_term_years") is None else Decimal(inputs["legal_term_years"])
    royalty, tax = Decimal(inputs["royalty_percent"]), Decimal(inputs["tax_percent"])
    discount = Decimal(inputs["discount_percent"])
    income = approaches.income_value(revenues=revenues, royalty_percent=royalty, tax_percent=tax,
                                     discount_percent=discount, legal_term_years=term)
    royalties = _around(royalty, ROYALTY_STEPS, Decimal("0.01"))
    discounts = _around(discount, DISCOUNT_STEPS, Decimal("0.01"))
    grid = approaches.sensitivity(revenues=revenues, royalty_percents=royalties, tax_percent=tax,
                                  discount_percents=discounts, legal_term_years=term)
    return income, term, Sensitivity(royalties, discounts, list(zip(royalties, grid, strict=True)))


def worksheet(valuation: Valuation) -> Worksheet:
    income = income_of(valuation)
    cost = None
    if valuation.cost_inputs:
        c = valuation.cost_inputs
        cost = approaches.cost_value(reproduction_cost=Decimal(c["reproduction_cost"]),
                                     functional_percent=Decimal(c["functional_percent"]),
                                     economic_percent=Decimal(c["economic_percent"]))
    market = None
    if valuation.market_inputs:
        market = approaches.market_value([
            approaches.Comparable(str(c["deal"]), Decimal(c["price"]), Decimal(c["adjustment_percent"]))
            for c in valuation.market_inputs.get("comparables", [])])
    return Worksheet(income=income[0] if income else None, legal_term_years=income[1] if income else None,
                     sensitivity=income[2] if income else None, cost=cost, market=market)
