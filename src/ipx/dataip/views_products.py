"""The registrant's pages: its organisations' data products (status and the registry's due
date), the application form (every field, a sample, and the fingerprint typed or the data set
uploaded and hashed as it arrives), and a product's page with its history, certificate,
objections and the steps the workflow allows the viewer. Views are thin: one service acts, a
refusal comes back as form errors or a message, never as a server error."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ipx.accounts.api_auth import AuthenticatedRequest
from ipx.accounts.selectors import memberships_of
from ipx.core.errors import ApplicationError, PermissionDenied
from ipx.core.forms import ServiceForm
from ipx.core.pages import form_step
from ipx.dataip import selectors
from ipx.dataip.forms import ChangeForm, DecisionForm, NoteForm, ProductForm, ReasonForm
from ipx.dataip.history import field_label, product_history
from ipx.dataip.inputs import CHANGEABLE
from ipx.dataip.models import Certificate, DataProduct
from ipx.dataip.services import applications, certificates
from ipx.dataip.services.certificates import verification_url
from ipx.dataip.uploads import hashing_uploads
from ipx.dataip.workflow import DATA_PRODUCT


def run_step(request: AuthenticatedRequest, back: str, run: Callable[[], object], done: str) -> HttpResponse:
    """A button's step: done, back with ``done``; refused, back with the refusal as an error."""
    try:
        run()
    except ApplicationError as exc:
        messages.error(request, exc.message if not exc.fields else "; ".join(str(m) for m in exc.fields.values()))
    else:
        messages.success(request, done)
    return redirect(back)


@login_required
@require_GET
def product_list(request: AuthenticatedRequest) -> HttpResponse:
    products = selectors.products_of(request.user)[:200]
    may_apply = any(m.organisation.is_verified for m in memberships_of(request.user))
    return render(request, "dataip/products.html", {"products": products, "may_apply": may_apply,
                                                    "today": timezone.localdate()})


def _form_page(request: AuthenticatedRequest, form: forms.Form, title: str, back: str) -> HttpResponse:
    return render(request, "dataip/form.html", {"form": form, "title": title, "back": back, "files": True},
                  status=400 if form.errors else 200)


def _files(request: AuthenticatedRequest) -> dict[str, Any]:
    return {"sample": request.FILES.get("sample"), "deposit": request.FILES.get("deposit")}


@login_required
@hashing_uploads
@require_http_methods(["GET", "POST"])
def product_new(request: AuthenticatedRequest) -> HttpResponse:
    registrants = [(m.organisation_id, m.organisation.name) for m in memberships_of(request.user)
                   if m.organisation.is_verified]
    if not registrants:
        raise PermissionDenied(_("Data products are registered by a verified organisation's members."))
    form = ProductForm(request.POST or None, request.FILES or None)
    form.fields["registrant"] = forms.TypedChoiceField(label=_("Registrant"), coerce=int, choices=registrants)
    form.order_fields(["registrant"])
    if request.method == "POST" and form.is_valid():
        values = form.values()
        registrant = values.pop("registrant")
        try:
            product = applications.product_create(actor=request.user, registrant_id=registrant, values=values,
                                                  **_files(request))
        except ApplicationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The application is saved as a draft; apply when it is complete."))
            return redirect("dataip:product", product.pk)
    return _form_page(request, form, _("New data product"), reverse("dataip:products"))


@login_required
@hashing_uploads
@require_http_methods(["GET", "POST"])
def product_edit(request: AuthenticatedRequest, product_id: int) -> HttpResponse:
    product = selectors.product_for(request.user, product_id)
    DATA_PRODUCT.check(product, "edit", request.user)
    initial = {name: getattr(product, name) for name in ProductForm.base_fields if name not in ("sample", "deposit")}
    form = ProductForm(request.POST or None, request.FILES or None, initial=initial, sample_required=False)
    if request.method == "POST" and form.is_valid():
        try:
            applications.product_update(actor=request.user, product_id=product.pk, values=form.values(),
                                        **_files(request))
        except ApplicationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The application is changed."))
            return redirect("dataip:product", product.pk)
    return _form_page(request, form, product.name, reverse("dataip:product", args=[product.pk]))


@login_required
@require_GET
def product_detail(request: AuthenticatedRequest, product_id: int) -> HttpResponse:
    return product_page(request, product_id)


def product_page(request: AuthenticatedRequest, product_id: int, *, sent: ServiceForm | None = None,
                 ) -> HttpResponse:
    """The product's page; ``sent``: one of its forms sent back with its problems (400) — the
    cancellation, a reviewer's step or an objection's decision, told apart by their ids."""
    product = selectors.product_for(request.user, product_id)
    actions = DATA_PRODUCT.allowed_actions(product, request.user)
    certificate = product.certificates.filter(status=Certificate.Status.VALID).first()
    objections = list(selectors.objections_of(product))

    def shown(form: ServiceForm) -> ServiceForm:
        return sent if sent is not None and sent.auto_id == form.auto_id else form

    return render(request, "dataip/product.html", {
        "product": product, "actions": actions, "history": product_history(product),
        "certificate": certificate, "verify_url": verification_url(certificate.number) if certificate else "",
        "certificates": product.certificates.all(), "objections": objections,
        "decisions": [(objection, shown(DecisionForm(auto_id=decision_id(objection.pk))))
                      for objection in objections],
        "open_objections": [o for o in objections if o.status == "open"],
        "today": timezone.localdate(), "reason_form": shown(ReasonForm()), "pending": _pending(product),
        "review_steps": [(step, label, shown(NoteForm(auto_id=step_id(step)))) for step, label in _review_labels()]},
        status=200 if sent is None else 400)


def step_id(step: str) -> str:
    """The ids of a reviewer's step's form: each step's note has its own, all sent as "note"."""
    return f"id_{step}_%s"


def decision_id(objection_id: int) -> str:
    return f"id_objection{objection_id}_%s"


def _review_labels() -> list[tuple[str, str]]:
    return [("pass_formal", _("Pass the formal check")), ("return", _("Return for changes")),
            ("reject", _("Reject the application")), ("publish", _("Publish for objections")),
            ("grant", _("Grant the registration")), ("refuse", _("Refuse the registration")),
            ("approve_change", _("Approve the change")), ("refuse_change", _("Refuse the change")),
            ("revoke", _("Revoke the registration"))]


def _pending(product: DataProduct) -> list[tuple[str, object, object]]:
    """A change asked for: each field's label, registered value and proposed value."""
    return [(field_label(name), getattr(product, name), value)
            for name, value in product.pending_change.items()]


def _back(product_id: int) -> str:
    return reverse("dataip:product", args=[product_id])


@login_required
@require_POST
def registrant_step(request: AuthenticatedRequest, product_id: int, action: str) -> HttpResponse:
    product = selectors.product_for(request.user, product_id)
    user, reason = request.user, request.POST.get("reason", "")
    steps: dict[str, tuple[Callable[[], object], str]] = {
        "submit": (lambda: applications.product_submit(actor=user, product_id=product.pk),
                   _("Applied: the application is in the registry's formal-check queue.")),
        "withdraw": (lambda: applications.product_withdraw(actor=user, product_id=product.pk),
                     _("The application is withdrawn.")),
        "renew": (lambda: certificates.renew(actor=user, product_id=product.pk),
                  _("Renewed: a new certificate is issued.")),
        "cancel": (lambda: certificates.cancel(actor=user, product_id=product.pk, reason=reason),
                   _("The registration is cancelled.")),
    }
    run, done = steps[action]
    if action == "cancel" and "cancel" in DATA_PRODUCT.allowed_actions(product, user):
        return _cancel(request, product.pk, done)
    return run_step(request, _back(product.pk), run, done)


def _cancel(request: AuthenticatedRequest, product_id: int, done: str) -> HttpResponse:
    """The registrant, shown the cancellation's form, sees what is wrong on it on the product's
    page; the service answers anyone else (who may not cancel at all) in ``registrant_step``."""
    return form_step(request, ReasonForm(request.POST), lambda data: certificates.cancel(
        actor=request.user, product_id=product_id, reason=data["reason"]), back=_back(product_id), done=done,
        again=lambda form: product_page(request, product_id, sent=form))


@login_required
@require_http_methods(["GET", "POST"])
def change_request(request: AuthenticatedRequest, product_id: int) -> HttpResponse:
    product = selectors.product_for(request.user, product_id)
    DATA_PRODUCT.check(product, "request_change", request.user)
    form = ChangeForm(request.POST or None, initial={name: getattr(product, name) for name in CHANGEABLE})
    if request.method == "POST" and form.is_valid():
        try:
            certificates.change_request(actor=request.user, product_id=product.pk, values=form.values())
        except ApplicationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The change is with the registry's reviewers."))
            return redirect("dataip:product", product.pk)
    return render(request, "dataip/form.html", {"form": form, "title": _("Ask for a change"),
                                                "back": _back(product.pk)}, status=400 if form.errors else 200)
