"""The demo's securitisation, on the demo's organisations (without the bulk of patents): about
¥300 m of sub-licence fees from twelve SMEs over three years, senior and subordinated tranches
with a shortfall guarantor, three quarters serviced with one payer late, the ledger balanced."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ipx.demo.organisations import ORGANISATIONS, assign_usccs, register_organisations, review_organisations
from ipx.demo.people import register_admins, register_operator
from ipx.demo.securitisation import PAYERS, create_securitisation
from ipx.demo.sources import read_usccs
from ipx.finance.models import Product, Receivable
from ipx.finance.securitisation.reports.figures import period_figures
from ipx.ledger.selectors import ledger_check

# What the sample holds is the loader's arithmetic, the same on either database; test_loader's
# sample loads on PostgreSQL run the same code (ipx.testing.database_pass).
pytestmark = [pytest.mark.django_db, pytest.mark.once]


def test_the_demo_product_is_issued_and_three_quarters_serviced_with_one_payer_late() -> None:
    operator = register_operator()
    admins = register_admins()
    organisations = register_organisations(admins, assign_usccs(ORGANISATIONS, read_usccs()))
    review_organisations(organisations, operator)

    made = create_securitisation(organisations, admins)

    product = Product.objects.get()
    assert product.status == Product.Status.SERVICING and product.guarantor is not None
    assert len(made.receivables) == len(PAYERS) == 12
    assert sum(r.instalments.count() for r in made.receivables) == 12 * 12
    assert sum(product.entries.values_list("balance", flat=True), Decimal(0)) == Decimal("300000000.00")
    assert [(t.seniority, t.size) for t in product.tranches.order_by("priority")] == [
        ("senior", Decimal("255000000.00")), ("subordinated", Decimal("45000000.00"))]
    assert made.late.status == Receivable.Status.LATE
    assert list(product.periods.filter(ran_at__isnull=False).values_list("number", flat=True)) == [1, 2, 3]
    # The late payer paid its first quarter's 2,000,000 only: each later quarter is 2,000,000 short.
    collected = [p.collections for p in product.periods.order_by("number")]
    assert collected[1] == collected[2] == collected[0] - Decimal("2000000.00")
    third = period_figures(product, product.periods.get(number=3))
    senior = third.tranches[0]
    assert senior.interest > 0 and senior.principal > 0 and senior.after < senior.before
    assert ledger_check().problems == []
