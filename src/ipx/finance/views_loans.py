"""Pledge loan pages: applying, the loan's page (offer, schedule, pool cover, history and the
viewer's buttons), the bank's offer, enrolment and recovery forms, the borrower's pledge
number, the operator's pledge check and paying an instalment."""

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
from ipx.core.errors import PermissionDenied
from ipx.core.forms import ServiceForm
from ipx.core.pages import form_step
from ipx.finance import selectors
from ipx.finance.forms import (
    EnrolForm,
    LoanApplyForm,
    NoteForm,
    OfferForm,
    PayForm,
    PledgeForm,
    PrepaymentForm,
    ReasonForm,
    RecoveryForm,
    ValuationChoiceForm,
)
from ipx.finance.history import loan_history
from ipx.finance.models import Loan, Valuation
from ipx.finance.services import loans as services
from ipx.finance.services import pools, prepayment, withdrawals
from ipx.finance.views import form_page, run_step
from ipx.finance.views_valuations import own_assets, verified_memberships
from ipx.finance.workflow import LOAN
from ipx.ledger.idempotency import form_retry_key, idempotent_form


@login_required
@require_http_methods(["GET", "POST"])
def loan_new(request: AuthenticatedRequest) -> HttpResponse:
    borrowers = verified_memberships(request)
    ids = [pk for pk, _name in borrowers]
    banks = [(o.pk, o.name) for o in Organisation.objects.filter(
        kind=Organisation.Kind.FINANCIAL, status=Organisation.Status.VERIFIED).order_by("name")[:200]]
    valuations = [(v.pk, f"#{v.pk} {v.purpose}") for v in Valuation.objects.filter(
        requester_id__in=ids, status=Valuation.Status.SIGNED_OFF).order_by("-pk")[:100]]
    form = LoanApplyForm(request.POST or None, borrowers=borrowers, banks=banks, assets=own_assets(ids),
                         valuations=valuations)

    def run(data: dict[str, Any]) -> str:
        loan = services.loan_apply(actor=request.user, borrower_id=data["borrower_id"], bank_id=data["bank_id"],
                                   asset_ids=data["asset_ids"], amount_asked=data["amount"], months=data["months"],
                                   purpose=data["purpose"], valuation_id=data["valuation_id"])
        return reverse("finance:loan", args=[loan.pk])

    return form_page(request, form, run, title=_("Apply for a pledge loan"), back=reverse("finance:home"),
                     back_label=_("Finance"), done=_("Your application is with the bank."))


def _loan_page(request: AuthenticatedRequest, loan: Loan, *, sent: ServiceForm | None = None) -> HttpResponse:
    """The loan's page; ``sent``: the decline or the return form sent back with its problems (400)."""
    actions = LOAN.allowed_actions(loan, request.user)
    reasoned: dict[str, ServiceForm] = {"decline_form": ReasonForm(prefix="decline"),
                                        "check_form": NoteForm(prefix="check")}
    if sent is not None:
        reasoned["decline_form" if sent.prefix == "decline" else "check_form"] = sent
    enrolment = selectors.enrolment_of(loan)
    return render(request, "finance/loan.html", {
        "loan": loan, "collateral": selectors.collateral_of(loan), "instalments": selectors.instalments_of(loan),
        "outstanding": selectors.outstanding(loan), "enrolment": enrolment, "actions": actions,
        "loss_shares": selectors.loss_shares(enrolment) if enrolment else [],
        "may_enrol": selectors.may_enrol(loan, request.user), "may_recover": selectors.may_recover(loan, request.user),
        "history": loan_history(loan), "pay_form": PayForm(prefix="pay"), **reasoned},
        status=200 if sent is None else 400)


@login_required
@require_GET
def loan_detail(request: AuthenticatedRequest, loan_id: int) -> HttpResponse:
    return _loan_page(request, selectors.loan_for(request.user, loan_id))


DONE = {
    "decline": lambda: _("You declined the application."),
    "accept": lambda: _("You accepted the offer: register the pledge and enter its number."),
    "withdraw": lambda: _("The application is withdrawn."),
    "approve": lambda: _("The pledge is checked and the loan paid out."),
    "return": lambda: _("The pledge registration is returned to the borrower."),
    "pay": lambda: _("The instalment is paid."),
}


@login_required
@require_POST
def loan_step(request: AuthenticatedRequest, loan_id: int, action: str) -> HttpResponse:
    back = reverse("finance:loan", args=[loan_id])
    loan = selectors.loan_for(request.user, loan_id)
    user, post = request.user, request.POST
    if action in REASONED and REASONED[action] in LOAN.allowed_actions(loan, user):
        return _reasoned_step(request, loan, action, back)
    steps = {
        "decline": lambda: services.loan_decline(actor=user, loan_id=loan_id, reason=post.get("decline-reason", "")),
        "accept": lambda: services.loan_accept(actor=user, loan_id=loan_id),
        "withdraw": lambda: withdrawals.loan_withdraw(actor=user, loan_id=loan_id),
        "approve": lambda: services.loan_check_pledge(operator=user, loan_id=loan_id, approve=True),
        "return": lambda: services.loan_check_pledge(operator=user, loan_id=loan_id, approve=False,
                                                     note=post.get("check-note", "")),
        "pay": lambda: services.instalment_pay(actor=user, loan_id=loan_id, key=form_retry_key(post.get("pay-key"))),
    }
    return run_step(request, back, steps[action], DONE[action]())


# The steps with a reason, whose form is on the loan's page, by their action in the table.
REASONED = {"decline": "decline", "return": "return_pledge"}


def _reasoned_step(request: AuthenticatedRequest, loan: Loan, action: str, back: str) -> HttpResponse:
    """Whoever is shown the step's form sees what is wrong on it, back on the loan's page; the
    service answers anyone else (who may not take the step at all) in ``loan_step``."""
    user = request.user
    if action == "decline":
        return form_step(request, ReasonForm(request.POST, prefix="decline"), lambda data: services.loan_decline(
            actor=user, loan_id=loan.pk, reason=data["reason"]), back=back, done=DONE[action](),
            again=lambda form: _loan_page(request, selectors.loan_for(user, loan.pk), sent=form))
    return form_step(request, NoteForm(request.POST, prefix="check"), lambda data: services.loan_check_pledge(
        operator=user, loan_id=loan.pk, approve=False, note=data["note"]), back=back, done=DONE[action](),
        again=lambda form: _loan_page(request, selectors.loan_for(user, loan.pk), sent=form))


def _loan_form(request: AuthenticatedRequest, loan_id: int, action: str, form: Any, run: Any, title: str,
               done: str) -> HttpResponse:
    loan = selectors.loan_for(request.user, loan_id)
    if action in LOAN.actions:
        LOAN.admit(action, loan, request.user)
    back = reverse("finance:loan", args=[loan_id])

    def step(data: dict[str, Any]) -> str:
        run(loan, data)
        return back

    return form_page(request, form, step, title=title, back=back, back_label=_("Loan #%(id)s") % {"id": loan.pk},
                     done=done, context={"loan": loan})


@login_required
@require_http_methods(["GET", "POST"])
def loan_offer(request: AuthenticatedRequest, loan_id: int) -> HttpResponse:
    return _loan_form(request, loan_id, "offer", OfferForm(request.POST or None), lambda loan, d: services.loan_offer(
        actor=request.user, loan_id=loan.pk, amount_offered=d["amount"], annual_percent=d["annual_percent"],
        months=d["months"], method=d["method"], ltv_percent=d["ltv_percent"], penalty_percent=d["penalty_percent"],
        default_after_days=d["default_after_days"]), _("Offer the loan"), _("The offer is sent to the borrower."))


@login_required
@require_http_methods(["GET", "POST"])
def loan_pledge(request: AuthenticatedRequest, loan_id: int) -> HttpResponse:
    return _loan_form(request, loan_id, "submit_pledge", PledgeForm(request.POST or None),
                      lambda loan, d: services.loan_submit_pledge(actor=request.user, loan_id=loan.pk,
                                                                  number=d["pledge_number"]),
                      _("Enter the pledge registration number"), _("The operator will check the registration."))


def _bank_only(request: AuthenticatedRequest, loan_id: int) -> Any:
    loan = selectors.loan_for(request.user, loan_id)
    if loan.bank_id not in selectors.binding_ids(request.user):
        raise PermissionDenied(_("Only the lending bank's administrators or signatories may do this."))
    return loan


@login_required
@require_http_methods(["GET", "POST"])
def loan_enrol(request: AuthenticatedRequest, loan_id: int) -> HttpResponse:
    loan = _bank_only(request, loan_id)
    choices = [(p.pk, f"{p.name} ({p.region})") for p in selectors.pools_for_enrolment(loan)]
    return _loan_form(request, loan_id, "enrol", EnrolForm(request.POST or None, pools=choices),
                      lambda loan, d: pools.loan_enrol(actor=request.user, loan_id=loan.pk, pool_id=d["pool_id"]),
                      _("Enrol the loan in a risk-compensation pool"), _("The loan is covered by the pool."))


@login_required
@require_http_methods(["GET", "POST"])
def loan_recover(request: AuthenticatedRequest, loan_id: int) -> HttpResponse:
    _bank_only(request, loan_id)
    return _loan_form(request, loan_id, "recover", RecoveryForm(request.POST or None),
                      lambda loan, d: idempotent_form(request, lambda: str(pools.enrolment_recover(
                          actor=request.user, loan_id=loan.pk, recovered=d["amount"]).recovered)),
                      _("Record a recovery"), _("The recovery is shared back with the fund and the insurer."))


@login_required
@require_http_methods(["GET", "POST"])
def loan_valuation(request: AuthenticatedRequest, loan_id: int) -> HttpResponse:
    loan = selectors.loan_for(request.user, loan_id)
    choices = [(v.pk, _("#%(id)s · %(purpose)s · %(value)s") % {
        "id": v.pk, "purpose": v.purpose, "value": f"{v.concluded_value:,} {v.currency}"})
        for v in selectors.valuations_for_loan(loan)]
    form = ValuationChoiceForm(request.POST or None, valuations=choices)
    return _loan_form(request, loan_id, "attach_valuation", form,
                      lambda loan, d: services.loan_attach_valuation(actor=request.user, loan_id=loan.pk,
                                                                     valuation_id=d["valuation_id"]),
                      _("Attach a valuation"), _("The valuation is attached: the bank can offer on it."))


@login_required
@require_http_methods(["GET", "POST"])
def loan_prepay(request: AuthenticatedRequest, loan_id: int) -> HttpResponse:
    return _loan_form(request, loan_id, "pay", PrepaymentForm(request.POST or None),
                      lambda loan, d: prepayment.loan_prepay(actor=request.user, loan_id=loan.pk, amount=d["amount"],
                                                             key=d["key"]),
                      _("Repay early"), _("Repaid: the rest of the schedule is made again."))
