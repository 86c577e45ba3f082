"""Securitisation pages: the home (the viewer's products and receivables, by the part each
organisation plays), a product's page (parties, pool, tranches, holdings, periods with their
reports, and the viewer's steps: issue, cancel, retire, subscribe) and setting one up. An
investor sees only the tranches it holds and its own holdings; a party or an operator sees all;
anyone else learns nothing (404). Views are thin: a form collects input, one service acts."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ipx.accounts.api_auth import AuthenticatedRequest
from ipx.accounts.models import Organisation
from ipx.core.errors import ApplicationError, PermissionDenied
from ipx.core.forms import ServiceForm
from ipx.finance.securitisation import selectors
from ipx.finance.securitisation.forms import ProductForm, SubscribeForm
from ipx.finance.securitisation.history import product_history
from ipx.finance.securitisation.inputs import ProductIn
from ipx.finance.securitisation.services import issue, periods, pools
from ipx.finance.views import run_step
from ipx.ledger.idempotency import form_retry_key

LIMIT = 100


def binding_organisations(request: AuthenticatedRequest) -> list[tuple[int, str]]:
    """The verified organisations the viewer may commit (originate, subscribe for)."""
    return [(m.organisation_id, m.organisation.name) for m in selectors.memberships_of(request.user)
            if m.binds and m.organisation.is_verified]


def verified_organisations() -> list[tuple[int, str]]:
    return [(o.pk, o.name) for o in Organisation.objects.filter(status=Organisation.Status.VERIFIED)
            .order_by("name")[:500]]


def placed_on(fields: dict[str, str], moved: Callable[[str], str]) -> dict[str, str]:
    """A service's field errors on the form's fields; two landing on one field are both said."""
    placed: dict[str, str] = {}
    for name, message in fields.items():
        where = moved(name)
        placed[where] = f"{placed[where]} {message}" if where in placed else message
    return placed


def form_page(request: AuthenticatedRequest, form: ServiceForm, run: Callable[[], str], *, title: str, back: str,
              done: str, moved: Callable[[str], str] | None = None, context: dict[str, Any] | None = None,
              template: str = "finance/securitisation/form.html") -> HttpResponse:
    """GET shows ``form``; a valid POST runs ``run`` and goes where it answers; a refusal comes
    back on the form's fields (``moved`` names the field a service's field name belongs to), 400."""
    if request.method == "POST" and form.is_valid():
        try:
            target = run()
        except ApplicationError as exc:
            if moved is not None:
                exc.fields = placed_on(exc.fields, moved)
            form.add_service_error(exc)
        else:
            messages.success(request, done)
            return redirect(target)
    return render(request, template, {"form": form, "title": title, "back": back, **(context or {})},
                  status=400 if form.errors else 200)


@login_required
@require_GET
def home(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    return render(request, "finance/securitisation/home.html", {
        "products": list(selectors.products_for(user)[:LIMIT]),
        "receivables": list(selectors.receivables_for(user)[:LIMIT]),
        "may_originate": bool(binding_organisations(request)),
    })


@login_required
@require_http_methods(["GET", "POST"])
def product_new(request: AuthenticatedRequest) -> HttpResponse:
    originators = binding_organisations(request)
    if not originators:
        raise PermissionDenied(_("A securitisation is set up by a verified originator's administrators or "
                                 "signatories."))
    form = ProductForm(request.POST or None, originators=originators, organisations=verified_organisations())

    def run() -> str:
        data = form.cleaned_data
        product = pools.product_create(actor=request.user, values=ProductIn(
            originator_id=data["originator_id"], name=data["name"], trustee_id=data["trustee_id"],
            servicer_id=data["servicer_id"], cut_off=data["cut_off"], currency=data["currency"],
            periods_per_year=data["periods_per_year"], concentration_percent=data["concentration_percent"]))
        return reverse("securitisation:product", args=[product.pk])

    return form_page(request, form, run, title=_("New securitisation"), back=reverse("securitisation:home"),
                     done=_("The securitisation is set up: choose its pool next."))


def _subscribe_form(request: AuthenticatedRequest, product: Any, data: Any = None) -> SubscribeForm | None:
    if "subscribe" not in selectors.allowed_actions(request.user, product):
        return None
    investors = binding_organisations(request)
    if not investors:
        return None
    tranches = [(t.pk, f"{t.name} · {t.get_seniority_display()}") for t in product.tranches.order_by("priority")]
    return SubscribeForm(data, tranches=tranches, investors=investors, prefix="subscribe")


@login_required
@require_GET
def product_detail(request: AuthenticatedRequest, product_id: int) -> HttpResponse:
    return _product_page(request, product_id)


def _product_page(request: AuthenticatedRequest, product_id: int, subscribe: SubscribeForm | None = None
                  ) -> HttpResponse:
    user = request.user
    product = selectors.product_for(user, product_id)
    actions = selectors.allowed_actions(user, product)
    form = subscribe if subscribe is not None else _subscribe_form(request, product)
    entries = list(selectors.pool_for(user, product))
    return render(request, "finance/securitisation/product.html", {
        "product": product, "actions": actions, "sees_all": selectors.sees_all(user, product),
        "roles": selectors.roles(user, product), "tranches": list(selectors.tranches_for(user, product)),
        "holdings": list(selectors.holdings_for(user, product)), "entries": entries,
        "pool_balance": pools.pool_balance(product), "periods": list(selectors.periods_for(user, product)),
        "fees": list(product.fees.select_related("payee")) if selectors.sees_all(user, product) else [],
        "triggers": list(product.triggers.all()), "subscribe_form": form, "key": secrets.token_urlsafe(16),
        "history": product_history(product) if selectors.sees_all(user, product) else [],
    }, status=400 if subscribe is not None and subscribe.errors else 200)


@login_required
@require_POST
def product_subscribe(request: AuthenticatedRequest, product_id: int) -> HttpResponse:
    product = selectors.product_for(request.user, product_id)
    form = _subscribe_form(request, product, request.POST)
    if form is None:
        raise PermissionDenied(_("Investors subscribe for a verified organisation whose administrator or "
                                 "signatory they are, while the securitisation is on offer."))
    if form.is_valid():
        data = form.cleaned_data
        try:
            issue.subscription_add(actor=request.user, product_id=product.pk, tranche_id=data["tranche_id"],
                                   investor_id=data["investor_id"], amount=data["amount"])
        except ApplicationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Your subscription is recorded; it is paid when the product is issued."))
            return redirect("securitisation:product", product.pk)
    return _product_page(request, product.pk, subscribe=form)


@login_required
@require_POST
def product_step(request: AuthenticatedRequest, product_id: int, action: str) -> HttpResponse:
    selectors.product_for(request.user, product_id)
    back = reverse("securitisation:product", args=[product_id])
    key = form_retry_key(request.POST.get("key"))
    steps: dict[str, tuple[Callable[[], object], str]] = {
        "issue": (lambda: issue.product_issue(actor=request.user, product_id=product_id, key=key),
                  _("The securitisation is issued: the investors paid, the proceeds went to the originator.")),
        "cancel": (lambda: pools.product_cancel(actor=request.user, product_id=product_id),
                   _("The securitisation is cancelled; its receivables are free again.")),
        "retire": (lambda: periods.product_retire(actor=request.user, product_id=product_id),
                   _("The securitisation is retired.")),
    }
    run, done = steps[action]
    return run_step(request, back, run, done)
