"""Servicing pages: the servicer records a period's collections (what each payer paid on the
pool's instalments), the trustee runs the period's waterfall, and everyone with a part reads a
period (its steps: an investor only those paying its tranches) and its investor report (PDF in
three languages, XLSX in the reader's)."""

from __future__ import annotations

import secrets

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ipx.accounts.api_auth import AuthenticatedRequest
from ipx.core.errors import NotFound
from ipx.core.money import Money
from ipx.finance.models import Product, ReceivableInstalment
from ipx.finance.securitisation import selectors
from ipx.finance.securitisation.forms import CollectionsForm
from ipx.finance.securitisation.inputs import CollectionIn, CollectionsIn
from ipx.finance.securitisation.reports.access import report_response
from ipx.finance.securitisation.services import collections, periods
from ipx.finance.securitisation.views import form_page
from ipx.finance.securitisation.views_structure import party_product
from ipx.finance.securitisation.workflow import SECURITISATION
from ipx.finance.views import run_step
from ipx.ledger.idempotency import form_retry_key


def step_words() -> dict[str, str]:
    """A waterfall step's action in words."""
    return {"pay_fee": _("Fee"), "pay_tax": _("Tax"), "pay_interest": _("Interest"),
            "pay_principal": _("Principal"), "pay_residual": _("Residual"), "transfer": _("Transfer"),
            "draw_reserve": _("Drawn from the reserve"), "draw_guarantor": _("Paid by the guarantor"),
            "top_up_reserve": _("Reserve topped up")}


def next_number(product: Product) -> int:
    last = product.periods.order_by("-number").first()
    return 1 if last is None else last.number + (1 if last.is_run else 0)


def open_instalments(product: Product, number: int) -> list[ReceivableInstalment]:
    """The pool's instalments still owed and due by the period's end (earlier ones first)."""
    _starts, ends = collections.period_dates(product, number)
    return [row for row in collections.pooled_instalments(product) if row.outstanding > 0 and row.due_on <= ends]


@login_required
@require_http_methods(["GET", "POST"])
def collections_new(request: AuthenticatedRequest, product_id: int) -> HttpResponse:
    product = party_product(request, product_id)
    SECURITISATION.check(product, "record_collections", request.user)
    number = next_number(product)
    rows = open_instalments(product, number)
    form = CollectionsForm(request.POST or None, instalments=[
        (row.pk, _("#%(receivable)s %(payer)s, due %(due)s: %(left)s outstanding") % {
            "receivable": row.receivable_id, "payer": row.receivable.payer_label, "due": row.due_on.isoformat(),
            "left": Money(row.outstanding, product.currency)}) for row in rows])
    sent: list[int] = []

    def run() -> str:
        given = form.rows()
        sent.extend(index for index, _pk, _amount in given)
        collections.collections_record(actor=request.user, key=form_retry_key(request.POST.get("key")),
                                       values=CollectionsIn(product_id=product.pk, number=number, collections=[
                                           CollectionIn(pk, amount) for _index, pk, amount in given]))
        return reverse("securitisation:period", args=[product.pk, number])

    def field_of(name: str) -> str:
        parts = name.split(".")
        if parts[0] == "collections" and len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(sent):
            return f"collections.{sent[int(parts[1])]}.amount"
        return name

    starts, ends = collections.period_dates(product, number)
    return form_page(request, form, run, title=_("Collections of period %(n)d") % {"n": number},
                     back=reverse("securitisation:product", args=[product.pk]),
                     done=_("The collections are paid into the product's collection account."), moved=field_of,
                     context={"key": secrets.token_urlsafe(16), "intro": _(
                         "From %(starts)s to %(ends)s. Leave an instalment empty when its payer paid nothing; "
                         "the total is paid from the servicer's balance.") % {
                         "starts": starts.isoformat(), "ends": ends.isoformat()}})


@login_required
@require_GET
def period_detail(request: AuthenticatedRequest, product_id: int, number: int) -> HttpResponse:
    user = request.user
    product = selectors.product_for(user, product_id)
    if not selectors.roles(user, product):
        raise NotFound(_("No such securitisation."))
    period = selectors.period_for(user, product, number)
    actions = selectors.allowed_actions(user, product)
    return render(request, "finance/securitisation/period.html", {
        "product": product, "period": period, "payments": list(selectors.payments_for(user, period)),
        "sees_all": selectors.sees_all(user, product),
        "may_run": not period.is_run and "run_period" in actions, "key": secrets.token_urlsafe(16),
        "collected": list(period.collections_applied.select_related("instalment__receivable"))
        if selectors.sees_all(user, product) else [],
        "coverage": sorted(period.coverage.items()), "shortfalls": sorted(period.shortfalls.items()),
        "words": step_words(),
    })


@login_required
@require_POST
def period_run(request: AuthenticatedRequest, product_id: int, number: int) -> HttpResponse:
    party_product(request, product_id)
    return run_step(request, reverse("securitisation:period", args=[product_id, number]),
                    lambda: periods.period_run(actor=request.user, product_id=product_id, number=number,
                                               key=form_retry_key(request.POST.get("key"))),
                    _("The period is run: every payment is posted."))


@login_required
@require_GET
def period_report(request: AuthenticatedRequest, product_id: int, number: int, kind: str) -> HttpResponse:
    return report_response(request.user, product_id, number, kind)
