"""The projections page: a scenario (defaults, prepayments, delay, recoveries) run through the
waterfall from where the product stands, with each tranche's interest and principal by period,
its weighted average life, yield and loss, the coverage by period, and the senior notes'
sensitivity to defaults and prepayments. For the parties and operators."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ipx.accounts.api_auth import AuthenticatedRequest
from ipx.core.errors import ApplicationError
from ipx.finance.securitisation.forms import ScenarioForm
from ipx.finance.securitisation.projecting import ProjectedProduct, project_product, read_scenario
from ipx.finance.securitisation.views_structure import party_product


def as_percent(rate: Decimal | None) -> str:
    return "—" if rate is None else f"{rate * 100:.2f}"


@login_required
@require_GET
def product_projection(request: AuthenticatedRequest, product_id: int) -> HttpResponse:
    product = party_product(request, product_id)
    asked = any(name in request.GET for name in ScenarioForm.base_fields)
    form = ScenarioForm(request.GET if asked else None)
    projected: ProjectedProduct | None = None
    problem = ""
    if not asked or form.is_valid():
        values = form.cleaned_data if asked else {name: field.initial for name, field in form.fields.items()}
        try:
            projected = project_product(product, read_scenario(values))
        except ApplicationError as exc:
            if exc.fields and asked:
                form.add_service_error(exc)
            else:
                problem = exc.message
    rows, bonds, sensitivity = [], [], []
    if projected is not None:
        bonds = [{"bond": b, "yield": as_percent(b.annual_yield)} for b in projected.result.bonds]
        sensitivity = [{"row": r, "default": as_percent(r.default_rate), "prepayment": as_percent(r.prepayment_rate),
                        "yield": as_percent(r.senior_yield)} for r in projected.sensitivity]
        result = projected.result
        for index, pool in enumerate(result.pool):
            rows.append({"number": projected.first_period + index, "pool": pool,
                         "coverage": sorted(result.periods[index].coverage.items()),
                         "bonds": [(bond.interest[index], bond.principal[index]) for bond in result.bonds]})
    return render(request, "finance/securitisation/projection.html", {
        "product": product, "form": form, "projected": projected, "rows": rows, "problem": problem,
        "bonds": bonds, "sensitivity": sensitivity,
        "title": _("Projections of %(name)s") % {"name": product.name}},
        status=400 if form.errors else 200)
