"""The public publicity list (applications in their objection period: no login), an
application's public details, and the objection form for anyone signed in (a reason and
evidence files); the service's refusal (period over, the registrant objecting) shown on the
form. Evidence is read by its objector, the registrant and the reviewers."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ipx.accounts.api_auth import AuthenticatedRequest
from ipx.accounts.models import User
from ipx.accounts.selectors import memberships_of
from ipx.core.errors import ApplicationError
from ipx.core.files import private_file_response
from ipx.dataip import selectors
from ipx.dataip.forms import ObjectionForm
from ipx.dataip.services import review


@require_GET
def publicity_list(request: HttpRequest) -> HttpResponse:
    return render(request, "dataip/publicity.html", {"products": selectors.in_publicity()[:500]})


@require_http_methods(["GET", "POST"])
def publicity_detail(request: HttpRequest, product_id: int) -> HttpResponse:
    product = selectors.public_product(product_id)
    user = request.user if isinstance(request.user, User) else None
    form = None
    if user is not None:
        organisations = [(m.organisation_id, m.organisation.name) for m in memberships_of(user)
                         if m.organisation_id != product.registrant_id]
        form = ObjectionForm(request.POST or None, request.FILES or None, organisations=organisations)
    if request.method == "POST":
        if form is None or user is None:
            return redirect_to_login(request.get_full_path())
        if form.is_valid():
            try:
                review.objection_make(actor=user, product_id=product.pk,
                                      reason=form.cleaned_data["reason"],
                                      organisation_id=form.cleaned_data.get("organisation"),
                                      evidence=form.cleaned_data["evidence"])
            except ApplicationError as exc:
                form.add_service_error(exc)
            else:
                messages.success(request, _("Your objection is recorded; the registry decides it before the "
                                            "registration."))
                return redirect("dataip:publicity_detail", product.pk)
    return render(request, "dataip/publicity_detail.html", {"product": product, "form": form},
                  status=400 if form is not None and form.errors else 200)


@login_required
@require_GET
def evidence_download(request: AuthenticatedRequest, evidence_id: int) -> HttpResponseBase:
    evidence = selectors.evidence_for(request.user, evidence_id)
    return private_file_response(evidence.file, filename=evidence.original_name, content_type=evidence.content_type)
