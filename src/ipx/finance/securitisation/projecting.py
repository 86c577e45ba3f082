"""A product's projection as the pages and the API show it: the pool's expected cash flows by
period (what its receivables still owe, each instalment in the period it falls due), run through
the engine (``projection``) from where the product stands under a scenario given in percent,
with the sensitivity table of the senior notes around it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from ipx.core.errors import ValidationFailed
from ipx.core.money import ZERO
from ipx.core.validation import FieldErrors
from ipx.finance.inputs import percent, whole
from ipx.finance.models import Product, Receivable
from ipx.finance.securitisation import projection
from ipx.finance.securitisation.services.collections import period_dates, pooled_instalments
from ipx.finance.securitisation.services.periods import engine_state
from ipx.finance.securitisation.services.structure import engine_structure

HUNDRED = Decimal(100)
DEFAULT_STEPS = (Decimal(0), Decimal(2), Decimal(5), Decimal(10), Decimal(20))  # % a year
PREPAYMENT_STEPS = (Decimal(0), Decimal(5), Decimal(10))
MAX_PERIODS = 120


@dataclass(frozen=True)
class ProjectedProduct:
    result: projection.Projection
    first_period: int  # the product's number of the projection's first period
    sensitivity: tuple[projection.SensitivityRow, ...]


def read_scenario(values: dict[str, object]) -> projection.Scenario:
    """A scenario from percentages (defaults 2 means 2 % a year) and whole periods; a refusal names its field."""
    errors = FieldErrors()
    rates = {name: percent(values.get(name, "0"), field=name, errors=errors, high=HUNDRED)
             for name in ("default_rate", "prepayment_rate", "recovery_rate")}
    lags = {name: whole(values.get(name, "0"), field=name, errors=errors, low=0, high=projection.MAX_DELAY)
            for name in ("delay_periods", "recovery_lag")}
    errors.raise_if_any()
    scenario = projection.Scenario(default_rate=rates["default_rate"] / HUNDRED,
                                   prepayment_rate=rates["prepayment_rate"] / HUNDRED,
                                   delay_periods=lags["delay_periods"], recovery_rate=rates["recovery_rate"] / HUNDRED,
                                   recovery_lag=lags["recovery_lag"])
    problems = projection.scenario_errors(scenario)
    if problems:
        raise ValidationFailed(_("Check the scenario."), fields=problems)
    return scenario


def pool_flows(product: Product) -> tuple[list[projection.PoolFlow], int]:
    """What the pool still expects, by period after the last one run (numbered from 1 for the
    engine), and that first period's number in the product's count."""
    last = product.periods.filter(ran_at__isnull=False).order_by("-number").first()
    first = 1 if last is None else last.number + 1
    by_period: dict[int, Decimal] = defaultdict(Decimal)
    for row in pooled_instalments(product):
        if row.receivable.status == Receivable.Status.DEFAULTED or row.outstanding <= 0:
            continue
        number = first
        while period_dates(product, number)[1] < row.due_on and number < first + MAX_PERIODS:
            number += 1
        by_period[number] += row.outstanding
    if not by_period:
        return [], first
    count = max(by_period) - first + 1
    return [projection.PoolFlow(period=i + 1, scheduled=by_period.get(first + i, ZERO))
            for i in range(count)], first


def project_product(product: Product, scenario: projection.Scenario) -> ProjectedProduct:
    """The product projected from now: issued ones from their current balances and reserve."""
    structure = engine_structure(product)
    flows, first = pool_flows(product)
    if not flows or not structure.bonds:
        raise ValidationFailed(_("This securitisation has no pool and structure to project yet."),
                               code="nothing_to_project")
    issued = product.status in (Product.Status.ISSUED, Product.Status.SERVICING)
    result = projection.project(structure, flows, scenario, state=engine_state(product) if issued else None)
    table = projection.sensitivity(structure, flows, default_rates=[d / HUNDRED for d in DEFAULT_STEPS],
                                   prepayment_rates=[p / HUNDRED for p in PREPAYMENT_STEPS], base=scenario)
    return ProjectedProduct(result=result, first_period=first, sensitivity=table)
