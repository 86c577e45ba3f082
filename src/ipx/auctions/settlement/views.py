"""The settlement's buttons on a lot's page: the buyer pays (or the runner-up accepts or
declines the lot offered to it), an operator offers the lot to the runner-up. Each posts one
service call; a refusal comes back as a message on the lot's page, the runner-up's offer sent
without its reason as its form with the problem marked."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ipx.accounts.api_auth import AuthenticatedRequest
from ipx.auctions import selectors
from ipx.auctions.forms import ReasonForm
from ipx.auctions.settlement import selectors as settlement_selectors
from ipx.auctions.settlement import services
from ipx.auctions.views import hall_context, run_step

DONE = {
    "pay": lambda: _("Paid: the buyer's premium is charged and the price is held in escrow."),
    "accept": lambda: _("You took the lot: sign the contract and pay by the date shown."),
    "decline": lambda: _("You declined the lot."),
}


@login_required
@require_POST
def settlement_step(request: AuthenticatedRequest, lot_id: int, action: str) -> HttpResponse:
    def run() -> None:
        lot = selectors.lot_for(request.user, lot_id)
        settlement = settlement_selectors.settlement_of(lot, request.user).settlement
        if action == "pay":
            services.settlement_pay(actor=request.user, settlement_id=settlement.pk)
        elif action == "accept":
            services.settlement_accept(actor=request.user, settlement_id=settlement.pk)
        else:
            services.settlement_decline(actor=request.user, settlement_id=settlement.pk,
                                        reason=request.POST.get("reason", ""))

    return run_step(request, reverse("auctions:lot", args=[lot_id]), run, DONE[action]())


@login_required
@require_POST
def runner_up_offer(request: AuthenticatedRequest, lot_id: int) -> HttpResponse:
    form = ReasonForm(request.POST, prefix="runner_up")
    if not form.is_valid():
        # The operator, who has the form, sees what is wrong on it on the lot's page; the
        # service answers anyone else (who may not offer the lot at all).
        context = hall_context(request, lot_id, sent=form)
        if context["runner_up_form"] is form:
            return render(request, "auctions/lot.html", context, status=400)
    return run_step(request, reverse("auctions:lot", args=[lot_id]), lambda: services.lot_offer_runner_up(
        operator=request.user, lot_id=lot_id, reason=request.POST.get("runner_up-reason", "")),
        _("The lot is offered to the runner-up."))
