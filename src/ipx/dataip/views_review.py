"""The registry's reviewers' pages: the queues (formal check, substantive check, publicity with
its objections, change requests), each application with the working day its step is due and the
overdue ones marked, and the reviewers' steps, each with a note or reason, taken from a
product's page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ipx.accounts.api_auth import AuthenticatedRequest
from ipx.core.pages import form_step
from ipx.dataip import selectors
from ipx.dataip.forms import DecisionForm, NoteForm
from ipx.dataip.services import certificates, review
from ipx.dataip.views_products import decision_id, product_page, run_step, step_id
from ipx.dataip.workflow import DATA_PRODUCT

REVIEW_STEPS = ("pass_formal", "return", "reject", "publish", "grant", "refuse", "approve_change", "refuse_change",
                "revoke")


@login_required
@require_GET
def queues(request: AuthenticatedRequest) -> HttpResponse:
    found = selectors.review_queues(request.user)
    return render(request, "dataip/queues.html", {
        "today": timezone.localdate(),
        "queues": [(name, title, found[name][:200]) for name, title in (
            ("formal", _("Awaiting the formal check")), ("substantive", _("Awaiting the substantive check")),
            ("publicity", _("In publicity")), ("changes", _("Changes asked for")))]})


def _steps(operator: AuthenticatedRequest, product_id: int, note: str) -> dict[str, tuple[Callable[[], object], str]]:
    user = operator.user
    return {
        "pass_formal": (lambda: review.review_pass_formal(operator=user, product_id=product_id, note=note),
                        _("Formal check passed: the application awaits the substantive check.")),
        "return": (lambda: review.review_return(operator=user, product_id=product_id, note=note),
                   _("Returned to the registrant for changes.")),
        "reject": (lambda: review.review_reject(operator=user, product_id=product_id, reason=note),
                   _("The application is rejected.")),
        "publish": (lambda: review.review_publish(operator=user, product_id=product_id, note=note),
                    _("Published for objections.")),
        "grant": (lambda: review.registration_grant(operator=user, product_id=product_id, note=note),
                  _("Registered: the certificate is issued.")),
        "refuse": (lambda: review.registration_refuse(operator=user, product_id=product_id, reason=note),
                   _("The registration is refused.")),
        "approve_change": (lambda: certificates.change_approve(operator=user, product_id=product_id),
                           _("Change approved: a new certificate is issued.")),
        "refuse_change": (lambda: certificates.change_refuse(operator=user, product_id=product_id, reason=note),
                          _("The change is refused.")),
        "revoke": (lambda: certificates.revoke(operator=user, product_id=product_id, reason=note),
                   _("The registration is revoked.")),
    }


@login_required
@require_POST
def review_step(request: AuthenticatedRequest, product_id: int, action: str) -> HttpResponse:
    product = selectors.product_for(request.user, product_id)
    back = reverse("dataip:product", args=[product.pk])
    if action in DATA_PRODUCT.allowed_actions(product, request.user):
        # The reviewer, shown the step's form, sees what is wrong on it; the service answers the others.
        return form_step(request, NoteForm(request.POST, auto_id=step_id(action)),
                         lambda data: _steps(request, product.pk, data["note"])[action][0](), back=back,
                         done=_steps(request, product.pk, "")[action][1],
                         again=lambda form: product_page(request, product.pk, sent=form))
    note = request.POST.get("note", "") or request.POST.get("reason", "")
    run, done = _steps(request, product.pk, note)[action]
    return run_step(request, back, run, done)


@login_required
@require_POST
def objection_decide(request: AuthenticatedRequest, objection_id: int) -> HttpResponse:
    objection = selectors.objection_for(request.user, objection_id)
    product = objection.product  # the objector sees the objection, not always the product: its page is the deciders'
    if objection.status == objection.Status.OPEN and "decide_objection" in DATA_PRODUCT.allowed_actions(
            product, request.user):
        # The reviewer, shown the decision's form, sees what is wrong on it; the service answers the others.
        def decide(data: dict[str, Any]) -> None:
            review.objection_decide(operator=request.user, objection_id=objection.pk,
                                    uphold=data["decision"] == "uphold", note=data["note"])

        form = DecisionForm(request.POST, auto_id=decision_id(objection.pk))
        done = _("The objection is upheld.") if request.POST.get("decision") == "uphold" else \
            _("The objection is dismissed.")
        return form_step(request, form, decide, back=reverse("dataip:product", args=[product.pk]), done=done,
                         again=lambda sent: product_page(request, product.pk, sent=sent))
    uphold = request.POST.get("decision") == "uphold"
    return run_step(request, reverse("dataip:product", args=[objection.product_id]),
                    lambda: review.objection_decide(operator=request.user, objection_id=objection.pk, uphold=uphold,
                                                    note=request.POST.get("note", "")),
                    _("The objection is upheld.") if uphold else _("The objection is dismissed."))
