"""IP finance: valuations, pledge loans with risk-compensation pools, IP insurance.

The arithmetic comes first and stands alone (``valuation``: the income, cost and market
approaches; ``loans``: repayment schedules), pure functions on ``Decimal`` with the present
values and instalments computed by ``numpy-financial``; the workflows build on them."""
