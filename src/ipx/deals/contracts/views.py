"""Deal pages: my deals, and one deal with its contract, signatures, escrow, recordal, requests
to cancel it and history.

Each action posts to its own URL. An HTMX request gets the deal's part of the page back
(with the refusal shown in it, if any); a plain form post is redirected back to the page,
or, when refused, gets the page again with the message and the refusal's status. Outsiders
get "not found" from the services, which the error middleware shows as a 404 page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ipx.accounts.api_auth import AuthenticatedRequest
from ipx.accounts.mfa.stepup import step_up_page
from ipx.core.api.schemas import page_of
from ipx.core.errors import ApplicationError, NotFound, ValidationFailed
from ipx.core.files import private_file_response
from ipx.core.htmx import is_htmx_fragment
from ipx.core.network import request_ip
from ipx.core.pagination import DEFAULT_PAGE_SIZE, page_count
from ipx.deals.access import access_deal
from ipx.deals.contracts import escrow, live, selectors, services
from ipx.deals.contracts.pdf import deal_number
from ipx.deals.contracts.workflow import DEAL, MILESTONE, open_dispute, release_condition
from ipx.deals.models import Commitment, Deal, DealMilestone
from ipx.deals.timeline import deal_event_label, deal_event_text, lines
from ipx.ledger.idempotency import FORM_FIELD, idempotent_form, new_form_key
from ipx.live.selectors import stream_url


@login_required
@require_GET
def deal_list(request: AuthenticatedRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    commitment = request.GET.get("commitment", "")
    if status not in Deal.Status.values:
        status = ""
    if commitment not in Commitment.values:
        commitment = ""
    # Operators find the requests to cancel waiting for their decision here.
    disputed = request.GET.get("cancellation") == "requested"
    found = page_of(selectors.deals_for(request.user, status=status, commitment=commitment, disputed=disputed),
                    request.GET.get("page", 1), DEFAULT_PAGE_SIZE,
                    item=lambda deal: (deal, deal_number(deal), open_dispute(deal) is not None))
    return render(request, "deals/contracts/list.html", {
        "deals": found["items"], "total": found["count"], "page": found["page"],
        "pages": page_count(found["count"], found["size"]), "status": status, "commitment": commitment,
        "statuses": Deal.Status.choices, "commitments": Commitment.choices, "disputed": disputed,
    })


def _error_links(error: ApplicationError | None, actions: Iterable[str]) -> list[tuple[str, str]]:
    """The summary's items: each field's problem and the id of the control on the page it is
    about ("" for one without a control, such as the decision of a pair of buttons)."""
    if error is None or not error.fields:
        return []
    # Two forms send a "reason": the one shown is the request's once both sides have signed.
    controls = {"recordal_number": "recordal_number", "note": "note", "decision_note": "decision_note",
                "reason": "request_reason" if "request_cancellation" in actions else "reason"}
    return [(controls.get(name, ""), str(message)) for name, message in error.fields.items()]


def _context(request: AuthenticatedRequest, deal_id: int, *, error: ApplicationError | None = None,
             notice: str = "", values: dict[str, str] | None = None) -> dict[str, Any]:
    user = request.user
    # The stream's number before the deal is read: a step made in between is shown, not missed.
    live_url = stream_url(live.STREAM, deal_id)
    deal, role = selectors.deal_detail(user, deal_id)
    signed = {s.organisation_id: s for s in deal.signatures.all()}
    actions = DEAL.allowed_actions(deal, user)
    # Each button shows exactly when the workflow lists its action (the services ask the
    # same table), and each money form gets its own key: a second submission moves nothing.
    milestones = [{"milestone": m, "held": escrow.held_amount(m), "actions": MILESTONE.allowed_actions(m, user),
                   "waits": m.status == DealMilestone.Status.FUNDED and release_condition(m) is not None,
                   "fund_key": new_form_key(), "release_key": new_form_key()} for m in deal.milestones.all()]
    return {
        "deal": deal,
        "number": deal_number(deal),
        "actions": actions,
        "signed_by_mine": role.is_party and role.organisation is not None and role.organisation.pk in signed,
        "milestones": milestones,
        "parties": [(deal.seller, _("Seller"), signed.get(deal.seller_id)),
                    (deal.buyer, _("Buyer"), signed.get(deal.buyer_id))],
        "assets": [link.asset for link in deal.asset_links.all()],
        "events": [(event, deal_event_label(event), lines(deal_event_text(event), event.note))
                   for event in deal.events.all()],
        "dispute": open_dispute(deal),
        "live_url": live_url,
        "error": error,
        "error_links": _error_links(error, actions),
        "notice": notice,
        "values": values or {},
        "form_field": FORM_FIELD,
        "cancel_key": new_form_key(),
        "decision_key": new_form_key(),
    }


@login_required
@require_GET
def detail(request: AuthenticatedRequest, deal_id: int) -> HttpResponse:
    template = "deals/contracts/_deal.html" if is_htmx_fragment(request) else "deals/contracts/detail.html"
    return render(request, template, _context(request, deal_id))


@login_required
@require_GET
def contract(request: AuthenticatedRequest, deal_id: int) -> HttpResponseBase:
    """The contract PDF, only to those who may see the deal (never a public media URL)."""
    deal = selectors.contract_of(request.user, deal_id)
    return private_file_response(deal.contract_pdf, filename=f"{deal_number(deal)}.pdf",
                                 content_type="application/pdf", as_attachment=False,
                                 missing=_("The contract file is missing; ask the operator to regenerate it."))


def _act(request: AuthenticatedRequest, deal_id: int, run: Callable[[], object], done: str) -> HttpResponse:
    values = {key: request.POST.get(key, "")
              for key in ("amount", "recordal_number", "reason", "note", "decision_note")}
    try:
        run()
    except NotFound:
        raise  # nothing to show an outsider: the middleware answers 404
    except ApplicationError as exc:
        if is_htmx_fragment(request):
            # HTMX swaps only successful answers; the refusal is shown inside the fragment.
            return render(request, "deals/contracts/_deal.html",
                          _context(request, deal_id, error=exc, values=values))
        return render(request, "deals/contracts/detail.html", _context(request, deal_id, error=exc, values=values),
                      status=exc.status)
    if is_htmx_fragment(request):
        return render(request, "deals/contracts/_deal.html", _context(request, deal_id, notice=done))
    messages.success(request, done)
    return redirect("deals:detail", deal_id)


def _money_act(request: AuthenticatedRequest, deal_id: int, run: Callable[[], object], done: str) -> HttpResponse:
    """An action that moves money: run once per rendered form (a double click or a re-post of
    the same form finds the first one's record and moves nothing again)."""
    access_deal(request.user, deal_id)  # outsiders get 404 before anything about the form

    def once() -> None:
        def action() -> dict[str, bool]:
            run()
            return {"done": True}

        idempotent_form(request, action)

    return _act(request, deal_id, once, done)


@login_required
@require_POST
def sign(request: AuthenticatedRequest, deal_id: int) -> HttpResponse:
    # Binding the organisation: a second factor passed minutes ago (then back to the deal).
    deal, _role = access_deal(request.user, deal_id)
    asked = step_up_page(request, back=reverse("deals:detail", args=[deal_id]),
                         applies=DEAL.refusal(deal, "sign", request.user) is None)
    if asked is not None:
        return asked
    return _act(request, deal_id, lambda: services.deal_sign(
        deal_id=deal_id, actor=request.user, ip_address=request_ip(request),
        user_agent=request.headers.get("User-Agent", "")), _("Signed."))


@login_required
@require_POST
def conclude(request: AuthenticatedRequest, deal_id: int) -> HttpResponse:
    return _act(request, deal_id, lambda: services.deal_conclude(deal_id=deal_id, actor=request.user),
                _("The intended agreement is now a contract; both sides sign it again."))


@login_required
@require_POST
def fund(request: AuthenticatedRequest, deal_id: int, position: int) -> HttpResponse:
    return _money_act(request, deal_id, lambda: services.milestone_fund(deal_id=deal_id, position=position,
                                                                  actor=request.user),
                _("The milestone is funded; the money is held in escrow."))


@login_required
@require_POST
def release(request: AuthenticatedRequest, deal_id: int, position: int) -> HttpResponse:
    amount = request.POST.get("amount", "").strip() or None
    return _money_act(request, deal_id, lambda: services.milestone_release(deal_id=deal_id, position=position,
                                                                     actor=request.user, amount=amount),
                _("Released to the seller."))


@login_required
@require_POST
def recordal(request: AuthenticatedRequest, deal_id: int) -> HttpResponse:
    return _act(request, deal_id, lambda: services.deal_submit_recordal(
        deal_id=deal_id, actor=request.user, recordal_number=request.POST.get("recordal_number", "")),
        _("Recordal number submitted; an operator will check it."))


@login_required
@require_POST
def check_recordal(request: AuthenticatedRequest, deal_id: int) -> HttpResponse:
    approve = request.POST.get("decision") == "approve"
    return _act(request, deal_id, lambda: services.deal_check_recordal(
        deal_id=deal_id, operator=request.user, approve=approve, note=request.POST.get("note", "")),
        _("Recordal approved; the deal is complete.") if approve else _("Recordal returned to the seller."))


@login_required
@require_POST
def cancel(request: AuthenticatedRequest, deal_id: int) -> HttpResponse:
    return _money_act(request, deal_id, lambda: services.deal_cancel(deal_id=deal_id, actor=request.user,
                                                               reason=request.POST.get("reason", "")),
                _("The deal is cancelled; any money held was returned to the buyer."))


@login_required
@require_POST
def request_cancellation(request: AuthenticatedRequest, deal_id: int) -> HttpResponse:
    return _act(request, deal_id, lambda: services.deal_request_cancellation(
        deal_id=deal_id, actor=request.user, reason=request.POST.get("reason", "")),
        _("Your request to cancel the deal is sent; an operator will decide it."))


@login_required
@require_POST
def decide_cancellation(request: AuthenticatedRequest, deal_id: int) -> HttpResponse:
    decision = request.POST.get("decision", "")

    def decide() -> None:
        DEAL.admit("decide_cancellation", None, request.user)  # who may decide hears so before what is wrong
        if decision not in ("cancel", "reject"):
            raise ValidationFailed.for_field("decision", _("Choose whether the deal is cancelled or goes on."))
        services.deal_decide_cancellation(deal_id=deal_id, operator=request.user, cancel=decision == "cancel",
                                          note=request.POST.get("decision_note", ""))

    return _money_act(request, deal_id, decide,
                      _("The deal is cancelled; any money held was returned to the buyer.") if decision == "cancel"
                      else _("The request is rejected; the deal goes on."))
