"""The three approaches to an IP right's value, each with every input kept in its result.

- Income (relief from royalty): what the owner saves by not paying a royalty for the right —
  revenue × royalty rate, less tax — discounted at year ends over the remaining useful life,
  which the right's remaining legal term caps (a part year counts its part of that year).
- Cost: the cost of reproducing the right, less functional and economic obsolescence, each a
  percentage of what is left after the one before.
- Market: comparable concluded deals' prices, each adjusted by a percentage, averaged — and a
  plain statement when there are fewer comparables than a sound comparison needs.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy_financial as npf

from ipx.core.money import ZERO
from ipx.finance.money import to_cents

# Fewer comparable deals than this and the market approach says it cannot conclude.
MIN_COMPARABLES = 3


@dataclass(frozen=True, slots=True)
class IncomeYear:
    year: int
    revenue: Decimal
    share: Decimal  # the part of the year inside the useful life (1 but for a last part year)
    royalty: Decimal  # revenue × share × royalty rate
    after_tax: Decimal
    discount_factor: Decimal  # 1 / (1 + r) ** year, to six places
    present_value: Decimal


@dataclass(frozen=True, slots=True)
class IncomeValuation:
    royalty_percent: Decimal
    tax_percent: Decimal
    discount_percent: Decimal
    useful_life_years: Decimal
    years: tuple[IncomeYear, ...]
    value: Decimal


def useful_life(forecast_years: int, legal_term_years: Decimal | None) -> Decimal:
    """The years the income counts: the forecast, capped by the right's remaining legal term."""
    years = Decimal(forecast_years)
    return years if legal_term_years is None else max(Decimal(0), min(years, legal_term_years))


def income_value(*, revenues: Sequence[Decimal], royalty_percent: Decimal, tax_percent: Decimal,
                 discount_percent: Decimal, legal_term_years: Decimal | None = None) -> IncomeValuation:
    """Relief from royalty over ``revenues`` (one per year from the valuation date)."""
    life = useful_life(len(revenues), legal_term_years)
    royalty, tax, discount = royalty_percent / 100, tax_percent / 100, discount_percent / 100
    flows: list[float] = []
    rows = []
    for year, revenue in enumerate(revenues[:math.ceil(life)], start=1):
        share = min(Decimal(1), life - (year - 1))
        saved = revenue * share * royalty
        after_tax = saved * (1 - tax)
        flows.append(float(after_tax))
        factor = Decimal(1) / (1 + discount) ** year
        rows.append(IncomeYear(year=year, revenue=revenue, share=share, royalty=to_cents(saved),
                               after_tax=to_cents(after_tax), discount_factor=factor.quantize(Decimal("0.000001")),
                               present_value=to_cents(after_tax * factor)))
    # numpy-financial's npv discounts its first value by nothing: year 0 holds no income.
    value = to_cents(float(npf.npv(float(discount), [0.0, *flows]))) if flows else ZERO
    return IncomeValuation(royalty_percent=royalty_percent, tax_percent=tax_percent,
                           discount_percent=discount_percent, useful_life_years=life, years=tuple(rows), value=value)


def sensitivity(*, revenues: Sequence[Decimal], royalty_percents: Sequence[Decimal], tax_percent: Decimal,
                discount_percents: Sequence[Decimal], legal_term_years: Decimal | None = None,
                ) -> list[list[Decimal]]:
    """The income value for each royalty rate (rows) and discount rate (columns)."""
    return [[income_value(revenues=revenues, royalty_percent=royalty, tax_percent=tax_percent,
                          discount_percent=discount, legal_term_years=legal_term_years).value
             for discount in discount_percents] for royalty in royalty_percents]


@dataclass(frozen=True, slots=True)
class CostValuation:
    reproduction_cost: Decimal
    functional_percent: Decimal
    economic_percent: Decimal
    functional_loss: Decimal
    economic_loss: Decimal
    value: Decimal


def cost_value(*, reproduction_cost: Decimal, functional_percent: Decimal, economic_percent: Decimal) -> CostValuation:
    functional = to_cents(reproduction_cost * functional_percent / 100)
    economic = to_cents((reproduction_cost - functional) * economic_percent / 100)
    return CostValuation(reproduction_cost=reproduction_cost, functional_percent=functional_percent,
                         economic_percent=economic_percent, functional_loss=functional, economic_loss=economic,
                         value=reproduction_cost - functional - economic)


@dataclass(frozen=True, slots=True)
class Comparable:
    reference: str  # the deal's number
    price: Decimal
    adjustment_percent: Decimal  # + when the valued right is worth more than the comparable's

    @property
    def adjusted(self) -> Decimal:
        return to_cents(self.price * (1 + self.adjustment_percent / 100))


@dataclass(frozen=True, slots=True)
class MarketValuation:
    comparables: tuple[Comparable, ...]
    value: Decimal | None  # None: too few comparables to conclude
    low: Decimal | None
    high: Decimal | None

    @property
    def enough(self) -> bool:
        return self.value is not None


def market_value(comparables: Sequence[Comparable]) -> MarketValuation:
    """The mean of the adjusted prices, with their range; no value below MIN_COMPARABLES."""
    kept = tuple(comparables)
    if len(kept) < MIN_COMPARABLES:
        return MarketValuation(comparables=kept, value=None, low=None, high=None)
    adjusted = [c.adjusted for c in kept]
    return MarketValuation(comparables=kept, value=to_cents(sum(adjusted) / len(adjusted)), low=min(adjusted),
                           high=max(adjusted))
