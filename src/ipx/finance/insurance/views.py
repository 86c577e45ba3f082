"""Insurance pages: the products on sale, the policies and claims of the viewer's organisations
(an insurer's claims to decide among them; operators see all), a product's page with the form
that asks for a quote, a policy's page (pay the premium, cancel or decline the quote, file a
claim), a claim's page (approve, reject, pay). Views are thin: a form collects input, one
service acts, a refusal comes back as form errors or a message, never as a server error."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ipx.accounts.api_auth import AuthenticatedRequest
from ipx.accounts.selectors import memberships_of
from ipx.catalog.models import Asset
from ipx.core.errors import ApplicationError, PermissionDenied
from ipx.core.files import private_file_response
from ipx.core.forms import ServiceForm
from ipx.core.pages import form_step
from ipx.finance.insurance import selectors
from ipx.finance.insurance.forms import ApproveForm, ClaimForm, NewProductForm, PolicyForm, ProductForm, ReasonForm
from ipx.finance.insurance.history import claim_history, policy_history
from ipx.finance.models import InsuranceProduct, Loan
from ipx.finance.services import claims as claim_services
from ipx.finance.services import insurance as services
from ipx.finance.services.insurance import GUARANTEED_LOAN_STATUSES
from ipx.finance.workflow import POLICY
from ipx.ledger.idempotency import form_retry_key


def _step(request: AuthenticatedRequest, back: str, run: Callable[[], object], done: str) -> HttpResponse:
    """A button's step: done, back with ``done``; refused, back with the refusal as an error."""
    try:
        run()
    except ApplicationError as exc:
        messages.error(request, exc.message if not exc.fields else "; ".join(exc.fields.values()))
    else:
        messages.success(request, done)
    return redirect(back)


@login_required
@require_GET
def home(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    return render(request, "finance/insurance/home.html", {
        "products": selectors.products_for(user)[:100], "policies": selectors.visible_policies(user)[:100],
        "to_decide": selectors.claims_to_decide(user)[:100], "may_create": bool(selectors.insurers_of(user)),
        "claims": selectors.visible_claims(user)[:100]})


# --- Products -------------------------------------------------------------------------------

def _form_page(request: AuthenticatedRequest, form: Any, title: str, back: str) -> HttpResponse:
    return render(request, "finance/insurance/form.html", {"form": form, "title": title, "back": back},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def product_new(request: AuthenticatedRequest) -> HttpResponse:
    insurers = selectors.insurers_of(request.user)
    if not insurers:
        raise PermissionDenied(_("Insurance products are set up by a verified financial institution's "
                                 "administrators or signatories."))
    form = NewProductForm(request.POST or None, insurers=insurers)
    if request.method == "POST" and form.is_valid():
        try:
            product = services.product_create(actor=request.user, insurer_id=form.cleaned_data["insurer"],
                                              values=form.values())
        except ApplicationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The product is set up."))
            return redirect("insurance:product", product.pk)
    return _form_page(request, form, _("New insurance product"), reverse("insurance:home"))


@login_required
@require_http_methods(["GET", "POST"])
def product_edit(request: AuthenticatedRequest, product_id: int) -> HttpResponse:
    product = selectors.product_for(request.user, product_id)
    if not selectors.may_manage(request.user, product):
        raise PermissionDenied(_("Only the insurer's administrators or signatories may do this."))
    initial = {name: getattr(product, name) for name in ProductForm.base_fields}
    form = ProductForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.product_update(actor=request.user, product_id=product.pk, values=form.values())
        except ApplicationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The product is changed; quotes made before keep their terms."))
            return redirect("insurance:product", product.pk)
    return _form_page(request, form, product.name, reverse("insurance:product", args=[product.pk]))


def _policy_form(request: AuthenticatedRequest, product: InsuranceProduct, data: Any = None) -> PolicyForm | None:
    """The quote form, for the viewer's verified organisations other than the insurer."""
    memberships = [m for m in memberships_of(request.user)
                   if m.organisation.is_verified and m.organisation_id != product.insurer_id]
    if not memberships:
        return None
    ids = [m.organisation_id for m in memberships]
    loans = None
    assets: list[tuple[int, str]] = []
    if product.kind == InsuranceProduct.Kind.LOAN_GUARANTEE:
        rows = Loan.objects.filter(status__in=GUARANTEED_LOAN_STATUSES, currency=product.currency).filter(
            borrower_id__in=ids) | Loan.objects.filter(status__in=GUARANTEED_LOAN_STATUSES,
                                                       currency=product.currency, bank_id__in=ids)
        loans = [(loan.pk, _("Loan #%(loan)s, %(amount)s") % {"loan": loan.pk, "amount": loan.amount})
                 for loan in rows.order_by("-pk")[:200]]
    else:
        assets = [(asset.pk, str(asset)) for asset in Asset.objects.filter(holder_id__in=ids).order_by("-pk")[:200]]
    return PolicyForm(data, holders=[(m.organisation_id, m.organisation.name) for m in memberships],
                      assets=assets, loans=loans)


@login_required
@require_http_methods(["GET", "POST"])
def product_detail(request: AuthenticatedRequest, product_id: int) -> HttpResponse:
    product = selectors.product_for(request.user, product_id)
    form = _policy_form(request, product, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("Policies are bought for a verified organisation you belong to."))
        if form.is_valid():
            data = form.cleaned_data
            try:
                policy = services.policy_request(
                    actor=request.user, policyholder_id=data["policyholder"], product_id=product.pk,
                    asset_ids=data.get("asset_ids") or [], loan_id=data.get("loan_id"),
                    cover=data["cover"] if data["cover"] is not None else None)
            except ApplicationError as exc:
                form.add_service_error(exc)
            else:
                messages.success(request, _("Here is your quote: pay the premium to put the policy in force."))
                return redirect("insurance:policy", policy.pk)
    return render(request, "finance/insurance/product.html", {
        "product": product, "form": form, "may_manage": selectors.may_manage(request.user, product)},
        status=400 if form is not None and form.errors else 200)


# --- Policies and claims --------------------------------------------------------------------

@login_required
@require_GET
def policy_detail(request: AuthenticatedRequest, policy_id: int) -> HttpResponse:
    return _policy_page(request, policy_id)


def _policy_page(request: AuthenticatedRequest, policy_id: int, sent: ServiceForm | None = None) -> HttpResponse:
    """The policy's page; ``sent``: the insurer's decline sent back with its problems (400)."""
    view = selectors.policy_view(request.user, policy_id)
    return render(request, "finance/insurance/policy.html", {
        "view": view, "policy": view.policy, "pay_key": secrets.token_urlsafe(16),
        "history": policy_history(view.policy),
        "decline_form": (sent or ReasonForm(prefix="decline")) if "decline" in view.actions else None},
        status=200 if sent is None else 400)


@login_required
@require_POST
def policy_step(request: AuthenticatedRequest, policy_id: int, action: str) -> HttpResponse:
    view = selectors.policy_view(request.user, policy_id)
    back = reverse("insurance:policy", args=[policy_id])
    if action == "decline" and "decline" in view.actions:
        # The insurer, shown the form, sees what is wrong on it; the service answers the others.
        return form_step(request, ReasonForm(request.POST, prefix="decline"), lambda data: services.policy_decline(
            actor=request.user, policy_id=policy_id, reason=data["reason"]), back=back,
            done=_("The request is declined."), again=lambda form: _policy_page(request, policy_id, form))
    steps: dict[str, tuple[Callable[[], object], str]] = {
        "pay": (lambda: services.policy_pay(actor=request.user, policy_id=policy_id,
                                            key=form_retry_key(request.POST.get("key"))),
                _("The premium is paid: the policy is in force.")),
        "cancel": (lambda: services.policy_cancel(actor=request.user, policy_id=policy_id),
                   _("The quote is cancelled.")),
        "decline": (lambda: services.policy_decline(actor=request.user, policy_id=policy_id,
                                                    reason=request.POST.get("decline-reason", "")),
                    _("The request is declined.")),
    }
    run, done = steps[action]
    return _step(request, back, run, done)


@login_required
@require_http_methods(["GET", "POST"])
def claim_new(request: AuthenticatedRequest, policy_id: int) -> HttpResponse:
    view = selectors.policy_view(request.user, policy_id)
    if "claim" not in view.actions:
        POLICY.check(view.policy, "claim", request.user)  # says why: not theirs, or not in force
    form = ClaimForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            claim = claim_services.claim_file(actor=request.user, policy_id=policy_id,
                                              amount=form.cleaned_data["amount"],
                                              description=form.cleaned_data["description"],
                                              files=form.cleaned_data["files"])
        except ApplicationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Your claim is with the insurer."))
            return redirect("insurance:claim", claim.pk)
    return render(request, "finance/insurance/claim_form.html", {"form": form, "view": view,
                                                                "policy": view.policy},
                  status=400 if form.errors else 200)


@login_required
@require_GET
def claim_detail(request: AuthenticatedRequest, claim_id: int) -> HttpResponse:
    return _claim_page(request, selectors.claim_view(request.user, claim_id))


def _claim_page(request: AuthenticatedRequest, view: selectors.ClaimView, sent: ServiceForm | None = None,
                ) -> HttpResponse:
    """The claim's page; ``sent``: the approval or the rejection sent back with its problems (400)."""
    approve = ApproveForm(prefix="approve", initial={"amount": view.claim.amount_claimed})
    reject = ReasonForm(prefix="reject")
    return render(request, "finance/insurance/claim.html", {
        "view": view, "claim": view.claim, "history": claim_history(view.claim),
        "approve_form": (sent if sent is not None and sent.prefix == "approve" else approve)
        if "approve" in view.actions else None,
        "reject_form": (sent if sent is not None and sent.prefix == "reject" else reject)
        if "reject" in view.actions else None}, status=200 if sent is None else 400)


def _decision(request: AuthenticatedRequest, view: selectors.ClaimView, action: str, done: str) -> HttpResponse:
    """The insurer's approval or rejection, sent from its form: refused, the form comes back on
    the claim's page with its problems marked."""
    claim_id = view.claim.pk

    def again(form: ServiceForm) -> HttpResponse:
        return _claim_page(request, selectors.claim_view(request.user, claim_id), sent=form)

    back = reverse("insurance:claim", args=[claim_id])
    if action == "approve":
        return form_step(request, ApproveForm(request.POST, prefix="approve"),
                         lambda data: claim_services.claim_approve(actor=request.user, claim_id=claim_id,
                                                                   amount=data["amount"]),
                         back=back, done=done, again=again)
    return form_step(request, ReasonForm(request.POST, prefix="reject"), lambda data: claim_services.claim_reject(
        actor=request.user, claim_id=claim_id, reason=data["reason"]), back=back, done=done, again=again)


@login_required
@require_POST
def claim_step(request: AuthenticatedRequest, claim_id: int, action: str) -> HttpResponse:
    view = selectors.claim_view(request.user, claim_id)
    back = reverse("insurance:claim", args=[claim_id])
    steps: dict[str, tuple[Callable[[], object], str]] = {
        "approve": (lambda: claim_services.claim_approve(actor=request.user, claim_id=claim_id,
                                                         amount=request.POST.get("approve-amount", "")),
                    _("The claim is approved.")),
        "reject": (lambda: claim_services.claim_reject(actor=request.user, claim_id=claim_id,
                                                       reason=request.POST.get("reject-reason", "")),
                   _("The claim is rejected.")),
        "pay": (lambda: claim_services.claim_pay(actor=request.user, claim_id=claim_id),
                _("The claim is paid out to the policyholder.")),
    }
    run, done = steps[action]
    if action in view.actions and action in ("approve", "reject"):
        # Whoever is shown the form sees what is wrong on it; the service answers the others.
        return _decision(request, view, action, done)
    return _step(request, back, run, done)


@login_required
@require_GET
def evidence_download(request: AuthenticatedRequest, evidence_id: int) -> HttpResponseBase:
    evidence = selectors.evidence_for(request.user, evidence_id)
    return private_file_response(evidence.file, filename=evidence.original_name, content_type=evidence.content_type)
