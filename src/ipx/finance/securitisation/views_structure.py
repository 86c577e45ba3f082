"""The originator's pages that build a product: choosing its pool (every receivable of the
originator shown with what keeps it out, the selection refused whole with the reasons on the
page) and setting its structure (tranches, fees, triggers, reserve, tax and the shortfall
guarantor). Only the parties and operators see them; only the originator's administrators or
signatories send them, and only before issue."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ipx.accounts.api_auth import AuthenticatedRequest
from ipx.core.errors import NotFound
from ipx.finance.models import Product, Receivable
from ipx.finance.securitisation import selectors
from ipx.finance.securitisation.forms import PoolForm, StructureForm
from ipx.finance.securitisation.services import pools, structure
from ipx.finance.securitisation.views import form_page, verified_organisations
from ipx.finance.securitisation.workflow import SECURITISATION

# Where a refusal of the rows of a kind as a whole (the tranches do not add up to the pool, two
# share a priority) is marked: on that field of the first row sent, or on the first row's name
# when none was sent (a row counts when it has a name).
ROWS_AS_A_WHOLE = {"tranches": "size", "fees": "amount", "triggers": "threshold"}


def party_product(request: AuthenticatedRequest, product_id: int) -> Product:
    """The product, for its parties and operators (404 for anyone else, investors included)."""
    product = selectors.product_for(request.user, product_id)
    if not selectors.sees_all(request.user, product):
        raise NotFound(_("No such securitisation."))
    return product


def pool_candidates(product: Product) -> list[pools.Candidate]:
    rows = (Receivable.objects.filter(originator_id=product.originator_id).select_related("payer")
            .prefetch_related("instalments").order_by("pk")[:pools.MAX_POOL])
    return pools.candidates(product, rows)


@login_required
@require_http_methods(["GET", "POST"])
def product_pool(request: AuthenticatedRequest, product_id: int) -> HttpResponse:
    product = party_product(request, product_id)
    SECURITISATION.check(product, "pool", request.user)
    found = pool_candidates(product)
    chosen = set(product.entries.filter(live=True).values_list("receivable_id", flat=True))
    form = PoolForm(request.POST or None, initial={"receivable_ids": sorted(chosen)},
                    receivables=[(c.receivable.pk, f"#{c.receivable.pk} {c.receivable.payer_label}") for c in found])

    def run() -> str:
        pools.pool_select(actor=request.user, product_id=product.pk, receivable_ids=form.cleaned_data["receivable_ids"])
        return reverse("securitisation:product", args=[product.pk])

    total = sum((c.balance for c in found if c.eligible), Decimal(0))
    return form_page(request, form, run, title=_("The pool of %(name)s") % {"name": product.name},
                     back=reverse("securitisation:product", args=[product.pk]),
                     done=_("The pool is chosen: set the structure next."),
                     template="finance/securitisation/pool.html",
                     context={"product": product, "candidates": found, "eligible_total": total})


def structure_initial(product: Product) -> dict[str, Any]:
    """The saved structure as the form's starting values (for a product structured before)."""
    initial: dict[str, Any] = {"reserve_target": product.reserve_target, "tax_percent": product.tax_percent,
                               "guarantor_id": product.guarantor_id or "",
                               "guarantee_limit": product.guarantee_limit}
    for i, t in enumerate(product.tranches.order_by("priority")[:3]):
        initial.update({f"tranches.{i}.{name}": getattr(t, name) for name in (
            "name", "seniority", "size", "coupon_percent", "priority")})
        initial[f"tranches.{i}.legal_maturity"] = t.legal_maturity.isoformat()
    for i, f in enumerate(product.fees.order_by("id")[:3]):
        initial.update({f"fees.{i}.name": f.name, f"fees.{i}.payee_id": f.payee_id, f"fees.{i}.amount": f.amount,
                        f"fees.{i}.rate_percent": f.rate_percent})
    for i, g in enumerate(product.triggers.order_by("id")[:2]):
        initial.update({f"triggers.{i}.{name}": getattr(g, name) for name in ("name", "metric", "threshold",
                                                                                "action")})
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def product_structure(request: AuthenticatedRequest, product_id: int) -> HttpResponse:
    product = party_product(request, product_id)
    SECURITISATION.check(product, "structure", request.user)
    form = StructureForm(request.POST or None, initial=structure_initial(product),
                         organisations=verified_organisations())
    moved: dict[str, str] = {}

    def run() -> str:
        values, where = form.values()
        moved.update(where)
        structure.product_structure(actor=request.user, product_id=product.pk, values=values)
        return reverse("securitisation:product", args=[product.pk])

    def field_of(name: str) -> str:
        for sent, row in moved.items():
            if name.startswith(sent):
                return row + name[len(sent):]
        if name in ROWS_AS_A_WHOLE:
            first = moved.get(f"{name}.0.")
            return first + ROWS_AS_A_WHOLE[name] if first is not None else f"{name}.0.name"
        return name

    return form_page(request, form, run, title=_("The structure of %(name)s") % {"name": product.name},
                     back=reverse("securitisation:product", args=[product.pk]),
                     done=_("The structure is set: investors may subscribe."), moved=field_of,
                     template="finance/securitisation/structure.html",
                     context={"product": product, "pool_balance": pools.pool_balance(product)})
