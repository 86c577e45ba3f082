"""Valuation pages: asking for one, its page (the approaches as recorded, the year-by-year and
sensitivity tables, the conclusion and the history, with the viewer's buttons), and the
appraiser's forms for each approach and the sign-off."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ipx.accounts.api_auth import AuthenticatedRequest
from ipx.accounts.models import Organisation
from ipx.catalog.models import Asset
from ipx.core.forms import ServiceForm
from ipx.core.pages import form_step
from ipx.deals.timeline import amount_text
from ipx.finance import selectors
from ipx.finance.forms import CostForm, IncomeForm, MarketForm, ReasonForm, SignOffForm, ValuationRequestForm
from ipx.finance.history import valuation_history
from ipx.finance.report import may_read_report, valuation_report_response
from ipx.finance.services import valuations as services
from ipx.finance.views import form_page, run_step
from ipx.finance.workflow import VALUATION
from ipx.finance.worksheet import worksheet


def verified_memberships(request: AuthenticatedRequest) -> list[tuple[int, str]]:
    return [(m.organisation_id, m.organisation.name) for m in selectors.memberships_of(request.user)
            if m.organisation.is_verified]


def own_assets(organisation_ids: list[int]) -> list[tuple[int, str]]:
    return [(a.pk, f"{a} (#{a.pk})") for a in Asset.objects.filter(holder_id__in=organisation_ids).order_by("pk")[:200]]


@login_required
@require_http_methods(["GET", "POST"])
def valuation_new(request: AuthenticatedRequest) -> HttpResponse:
    requesters = verified_memberships(request)
    appraisers = [(o.pk, o.name) for o in Organisation.objects.filter(
        kind=Organisation.Kind.AGENCY, status=Organisation.Status.VERIFIED).order_by("name")[:200]]
    form = ValuationRequestForm(request.POST or None, requesters=requesters, appraisers=appraisers,
                                assets=own_assets([pk for pk, _name in requesters]))

    def run(data: dict[str, Any]) -> str:
        valuation = services.valuation_request(actor=request.user, **data)
        return reverse("finance:valuation", args=[valuation.pk])

    return form_page(request, form, run, title=_("Ask for a valuation"), back=reverse("finance:home"),
                     back_label=_("Finance"), done=_("Your request is with the appraiser."))


@login_required
@require_GET
def valuation_detail(request: AuthenticatedRequest, valuation_id: int) -> HttpResponse:
    return _valuation_page(request, valuation_id)


def _valuation_page(request: AuthenticatedRequest, valuation_id: int, *, sent: ServiceForm | None = None,
                    ) -> HttpResponse:
    """The valuation's page; ``sent``: the decline sent back with its problems (400)."""
    valuation = selectors.valuation_for(request.user, valuation_id)
    actions = VALUATION.allowed_actions(valuation, request.user)
    return render(request, "finance/valuation.html", {
        "valuation": valuation, "assets": list(valuation.assets.order_by("pk")), "sheet": worksheet(valuation),
        "actions": actions, "history": valuation_history(valuation),
        "decline_form": sent or ReasonForm(prefix="decline"),
        "loans": list(selectors.visible_loans(request.user).filter(valuation=valuation)),
        "report": valuation.status == valuation.Status.SIGNED_OFF and may_read_report(request.user, valuation)},
        status=200 if sent is None else 400)


@login_required
@require_GET
def valuation_report(request: AuthenticatedRequest, valuation_id: int) -> HttpResponse:
    return valuation_report_response(request.user, valuation_id)


DONE = {
    "accept": lambda: _("You accepted the request: record the approaches, then sign off."),
    "decline": lambda: _("You declined the request."),
    "withdraw": lambda: _("The request is withdrawn."),
}


@login_required
@require_POST
def valuation_step(request: AuthenticatedRequest, valuation_id: int, action: str) -> HttpResponse:
    back = reverse("finance:valuation", args=[valuation_id])
    valuation = selectors.valuation_for(request.user, valuation_id)
    if action == "decline" and "decline" in VALUATION.allowed_actions(valuation, request.user):
        # The appraiser, shown the form, sees what is wrong on it; the service answers the others.
        return form_step(request, ReasonForm(request.POST, prefix="decline"), lambda data: services.valuation_decline(
            actor=request.user, valuation_id=valuation_id, reason=data["reason"]), back=back, done=DONE[action](),
            again=lambda form: _valuation_page(request, valuation_id, sent=form))
    steps = {
        "accept": lambda: services.valuation_accept(actor=request.user, valuation_id=valuation_id),
        "decline": lambda: services.valuation_decline(actor=request.user, valuation_id=valuation_id,
                                                      reason=request.POST.get("decline-reason", "")),
        "withdraw": lambda: services.valuation_withdraw(actor=request.user, valuation_id=valuation_id),
    }
    return run_step(request, back, steps[action], DONE[action]())


def _recording_page(request: AuthenticatedRequest, valuation_id: int, form: Any, record: Any, title: str,
                    action: str = "record") -> HttpResponse:
    valuation = selectors.valuation_for(request.user, valuation_id)
    VALUATION.admit(action, valuation, request.user)
    back = reverse("finance:valuation", args=[valuation_id])

    def run(data: dict[str, Any]) -> str:
        record(valuation, data)
        return back

    return form_page(request, form, run, title=title, back=back, back_label=str(valuation),
                     done=_("Recorded."), context={"valuation": valuation, "sheet": worksheet(valuation)})


@login_required
@require_http_methods(["GET", "POST"])
def valuation_income(request: AuthenticatedRequest, valuation_id: int) -> HttpResponse:
    form = IncomeForm(request.POST or None)
    return _recording_page(request, valuation_id, form, lambda v, data: services.valuation_record_income(
        actor=request.user, valuation_id=v.pk, values=form.values()), _("Income approach (relief from royalty)"))


@login_required
@require_http_methods(["GET", "POST"])
def valuation_cost(request: AuthenticatedRequest, valuation_id: int) -> HttpResponse:
    form = CostForm(request.POST or None)
    return _recording_page(request, valuation_id, form, lambda v, data: services.valuation_record_cost(
        actor=request.user, valuation_id=v.pk, values=data), _("Cost approach"))


@login_required
@require_http_methods(["GET", "POST"])
def valuation_market(request: AuthenticatedRequest, valuation_id: int) -> HttpResponse:
    valuation = selectors.valuation_appraised_by(request.user, valuation_id)
    deals = [(d.pk, _("Deal #%(deal)s at %(price)s") % {"deal": d.pk, "price": amount_text(d.price_amount, d.currency)})
             for d in services.comparable_deals(valuation)]
    form = MarketForm(request.POST or None, deals=deals)
    return _recording_page(request, valuation_id, form, lambda v, data: services.valuation_record_market(
        actor=request.user, valuation_id=v.pk, adjustments=form.adjustments()), _("Market approach"))


@login_required
@require_http_methods(["GET", "POST"])
def valuation_sign_off(request: AuthenticatedRequest, valuation_id: int) -> HttpResponse:
    form = SignOffForm(request.POST or None)
    return _recording_page(request, valuation_id, form, lambda v, data: services.valuation_sign_off(
        actor=request.user, valuation_id=v.pk, **data), _("Sign off the valuation"), action="sign_off")
