"""The finance home: what concerns the signed-in member's organisations, by the part each
plays — an enterprise's valuations and loans, a bank's applications, portfolio and overdue
list, an appraiser's requests and reports, a sponsor's pools, and the operators' pledge
checks (operators see everything). Also the two helpers the finance pages share: a form
page and a button's step."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from ipx.accounts.api_auth import AuthenticatedRequest
from ipx.core.errors import ApplicationError
from ipx.core.forms import ServiceForm
from ipx.finance import selectors
from ipx.finance.models import Loan

L = Loan.Status
LIMIT = selectors.HOME_LIMIT


@login_required
@require_GET
def home(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    operator = selectors.is_operator(user)
    lent = selectors.loans_made(user)
    context: dict[str, Any] = {
        "requested": list(selectors.valuations_requested(user)[:LIMIT]),
        "to_value": list(selectors.valuations_to_make(user)[:LIMIT]),
        "borrowed": list(selectors.loans_borrowed(user)[:LIMIT]),
        "to_answer": list(lent.filter(status=L.APPLIED)[:LIMIT]),
        "portfolio": list(lent.exclude(status__in=(L.APPLIED, L.DECLINED, L.WITHDRAWN))[:LIMIT]),
        "overdue": list(selectors.overdue_loans(lent)[:LIMIT]),
        "sponsored": list(selectors.pools_sponsored(user)[:LIMIT]),
        "joined": list(selectors.pools_joined(user)[:LIMIT]),
        "pledge_checks": list(selectors.pledges_to_check(user)[:LIMIT]),
        "operator": operator,
        "all_valuations": list(selectors.visible_valuations(user)[:LIMIT]) if operator else [],
        "all_loans": list(selectors.visible_loans(user)[:LIMIT]) if operator else [],
        "all_pools": list(selectors.visible_pools(user)[:LIMIT]) if operator else [],
        "may_set_up_pool": bool(selectors.sponsor_choices(user)),
    }
    return render(request, "finance/home.html", context)


def run_step(request: AuthenticatedRequest, back: str, run: Callable[[], object], done: str) -> HttpResponse:
    """A button's step: run it and go back to ``back``; a refusal is shown there as an error."""
    try:
        run()
    except ApplicationError as exc:
        messages.error(request, exc.message if not exc.fields else "; ".join(exc.fields.values()))
    else:
        messages.success(request, done)
    return redirect(back)


def form_page(request: AuthenticatedRequest, form: ServiceForm, run: Callable[[dict[str, Any]], str], *,
              title: str, back: str, back_label: str, done: str, context: dict[str, Any] | None = None,
              ) -> HttpResponse:
    """GET shows ``form``; POST runs ``run`` with its cleaned data and goes where it answers,
    or shows the form again with the refusal on its fields (400)."""
    if request.method == "POST" and form.is_valid():
        try:
            target = run(form.cleaned_data)
        except ApplicationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, done)
            return redirect(target)
    return render(request, "finance/form.html",
                  {"form": form, "title": title, "back": back, "back_label": back_label, **(context or {})},
                  status=400 if form.errors else 200)

