"""Pool pages: setting one up (a government body's administrators or signatories), its
dashboard (the figures sources publish: size, leverage, capacity used and left, loans
covered, defaults, compensation paid, recoveries) and admitting members."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ipx.accounts.api_auth import AuthenticatedRequest
from ipx.core.errors import PermissionDenied
from ipx.finance import selectors
from ipx.finance.forms import AdmitForm, PoolForm
from ipx.finance.services import pools as services
from ipx.finance.views import form_page


@login_required
@require_http_methods(["GET", "POST"])
def pool_new(request: AuthenticatedRequest) -> HttpResponse:
    sponsors = [(o.pk, o.name) for o in selectors.sponsor_choices(request.user)]
    if not sponsors:
        raise PermissionDenied(_("Pools are set up by a verified government body's administrators or signatories."))
    form = PoolForm(request.POST or None, sponsors=sponsors)

    def run(data: dict[str, Any]) -> str:
        values = dict(data)
        pool = services.pool_create(actor=request.user, sponsor_id=values.pop("sponsor_id"), values=values)
        return reverse("finance:pool", args=[pool.pk])

    return form_page(request, form, run, title=_("Set up a risk-compensation pool"), back=reverse("finance:home"),
                     back_label=_("Finance"), done=_("The pool is set up: admit its banks and enterprises."))


@login_required
@require_GET
def pool_detail(request: AuthenticatedRequest, pool_id: int) -> HttpResponse:
    pool = selectors.pool_for(request.user, pool_id)
    return render(request, "finance/pool.html", {
        "pool": pool, "figures": selectors.pool_figures(pool), "members": selectors.pool_members(pool),
        "enrolments": selectors.pool_enrolments(pool, request.user),
        "may_admit": selectors.may_admit(pool, request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def pool_admit(request: AuthenticatedRequest, pool_id: int) -> HttpResponse:
    pool = selectors.pool_for(request.user, pool_id)
    if not selectors.may_admit(pool, request.user):
        raise PermissionDenied(_("Only the pool's sponsor may do this."))
    back = reverse("finance:pool", args=[pool_id])

    def run(data: dict[str, Any]) -> str:
        services.pool_admit(actor=request.user, pool_id=pool.pk, organisation_id=data["organisation_id"])
        return back

    return form_page(request, AdmitForm(request.POST or None), run, title=_("Admit a member"), back=back,
                     back_label=pool.name, done=_("Admitted."), context={"pool": pool})
