from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ipx.accounts.current import current_membership
from ipx.catalog.selectors import assets_of_organisation
from ipx.core.errors import ApplicationError, NotFound, PermissionDenied
from ipx.listings import documents as document_services
from ipx.listings import selectors, services
from ipx.listings.forms import DocumentForm, ListingForm
from ipx.listings.models import Listing


@require_GET
def detail(request: HttpRequest, listing_id: int) -> HttpResponse:
    listing = selectors.listing_visible(request.user, listing_id)  # type: ignore[arg-type]
    can_edit = selectors.can_edit(request.user, listing)  # type: ignore[arg-type]
    sees_history = can_edit or getattr(request.user, "is_operator", False)
    return render(request, "listings/detail.html", {
        "listing": listing,
        "assets": [link.asset for link in listing.asset_links.all()],
        "can_edit": can_edit,
        "events": listing.events.select_related("actor").order_by("-id")[:20] if sees_history else [],
    })


def _asset_choices(organisation_id: int) -> list[tuple[int, str]]:
    return [(asset.pk, f"{asset.title} ({asset.identifier or asset.get_ip_type_display()})")
            for asset in assets_of_organisation(organisation_id)[:2000]]


def _form_page(request: HttpRequest, form: ListingForm, listing: Listing | None) -> HttpResponse:
    return render(request, "listings/form.html", {"form": form, "listing": listing},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    current, _memberships = current_membership(request)
    if current is None:
        return redirect("web:my_organisation")
    initial: dict[str, Any] = {"price_type": "negotiable", "currency": "CNY", "offer_kinds": ["transfer"]}
    if request.GET.get("asset"):
        initial["asset_ids"] = [request.GET["asset"]]
    form = ListingForm(request.POST or None, initial=initial, asset_choices=_asset_choices(current.organisation_id))
    if request.method == "POST" and form.is_valid():
        try:
            listing = services.listing_create(organisation_id=current.organisation_id, actor=request.user,  # type: ignore[arg-type]
                                              data=form.service_data())
        except ApplicationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Draft saved. Submit it for review when it is ready."))
            return redirect("listings:detail", listing.pk)
    return _form_page(request, form, None)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, listing_id: int) -> HttpResponse:
    listing = selectors.listing_visible(request.user, listing_id)  # type: ignore[arg-type]
    if not selectors.can_edit(request.user, listing):  # type: ignore[arg-type]
        raise PermissionDenied(_("Only members of the seller may edit this listing."))
    initial = {name: getattr(listing, name) for name in services.FIELDS}
    initial["asset_ids"] = [str(link.asset_id) for link in listing.asset_links.all()]
    initial = {k: ("" if v is None else v) for k, v in initial.items()}
    form = ListingForm(request.POST or None, initial=initial, asset_choices=_asset_choices(listing.organisation_id))
    if request.method == "POST" and form.is_valid():
        try:
            services.listing_update(listing_id=listing.pk, actor=request.user, data=form.service_data())  # type: ignore[arg-type]
        except ApplicationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("listings:detail", listing.pk)
    return _form_page(request, form, listing)


# Each workflow button posts here; the service decides whether the step is allowed.
_ACTIONS = {
    "submit": (lambda request, pk: services.listing_submit(listing_id=pk, actor=request.user),
               gettext_lazy("Submitted for review.")),
    "withdraw": (lambda request, pk: services.listing_withdraw(listing_id=pk, actor=request.user,
                                                               reason=request.POST.get("reason", "")),
                 gettext_lazy("Withdrawn.")),
    "reopen": (lambda request, pk: services.listing_reopen(listing_id=pk, actor=request.user),
               gettext_lazy("Back to draft; edit it and submit again.")),
    "delete": (lambda request, pk: services.listing_delete(listing_id=pk, actor=request.user),
               gettext_lazy("Deleted.")),
}


@login_required
@require_POST
def action(request: HttpRequest, listing_id: int, name: str) -> HttpResponse:
    if name not in _ACTIONS:
        raise PermissionDenied(_("Unknown action."))
    run, done = _ACTIONS[name]
    try:
        run(request, listing_id)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
        if name == "delete":
            return redirect("web:my_organisation")
    return redirect("listings:detail", listing_id)


@login_required
@require_http_methods(["GET", "POST"])
def documents(request: HttpRequest, listing_id: int) -> HttpResponse:
    """The seller's members add and remove the listing's detailed documents."""
    listing = selectors.listing_visible(request.user, listing_id)  # type: ignore[arg-type]
    if not selectors.can_edit(request.user, listing):  # type: ignore[arg-type]
        raise PermissionDenied(_("Only members of the seller manage this listing's documents."))
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            document_services.listing_document_add(listing_id=listing.pk, actor=request.user,  # type: ignore[arg-type]
                                                   title=form.cleaned_data["title"], file=form.cleaned_data["file"])
        except ApplicationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Document added."))
            return redirect("listings:documents", listing.pk)
    return render(request, "listings/documents.html", {
        "listing": listing, "form": form, "documents": document_services.documents_of(listing),
    }, status=400 if form.errors else 200)


@login_required
@require_POST
def document_delete(request: HttpRequest, listing_id: int, document_id: int) -> HttpResponse:
    listing = selectors.listing_visible(request.user, listing_id)  # type: ignore[arg-type]
    if not document_services.documents_of(listing).filter(pk=document_id).exists():
        raise NotFound(_("No such document."))
    try:
        document_services.listing_document_delete(document_id=document_id, actor=request.user)  # type: ignore[arg-type]
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Document removed."))
    return redirect("listings:documents", listing.pk)
