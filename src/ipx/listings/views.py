"""The listing pages: a listing with the workflow buttons its reader may use, the form to
write or edit one, the seller's documents, and reading them once the listing's
non-disclosure terms are accepted."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ipx.accounts.api_auth import AuthenticatedRequest
from ipx.accounts.current import current_membership
from ipx.catalog.selectors import assets_of_organisation
from ipx.core.errors import ApplicationError, NotFound, PermissionDenied
from ipx.core.files import private_file_response
from ipx.core.htmx import is_htmx_fragment
from ipx.core.network import request_ip
from ipx.core.redirects import local_url
from ipx.listings import documents as document_services
from ipx.listings import ndas, notices, selectors, services
from ipx.listings.forms import DocumentForm, ListingForm
from ipx.listings.inputs import FIELDS
from ipx.listings.models import Listing
from ipx.listings.shared import SharedAnswers, acts_on
from ipx.listings.workflow import LISTING


@dataclass(frozen=True)
class ShownListing:
    """A listing's page as every reader sees it: its facts and its assets as HTML, and what the
    reader's own parts of the page (the workflow's buttons, the panels) need."""

    pk: int
    title: str
    status: str
    organisation_id: int
    head_html: SafeString
    assets_html: SafeString


def _shown(listing: Listing) -> ShownListing:
    # Without the request's context processors: these parts hold nothing of the reader's.
    context = {"listing": listing, "assets": [link.asset for link in listing.asset_links.all()]}
    return ShownListing(pk=listing.pk, title=listing.title, status=listing.status,
                        organisation_id=listing.organisation_id,
                        head_html=SafeString(render_to_string("listings/_detail_head.html", context)),
                        assets_html=SafeString(render_to_string("listings/_detail_assets.html", context)))


def _public_shown(listing_id: int) -> ShownListing | None:
    listing = selectors.public_listing(listing_id)
    return None if listing is None else _shown(listing)


# A public listing's page parts: every reader's but the seller's side's (``ipx.listings.shared``).
_PUBLIC_PAGES: SharedAnswers[ShownListing | None] = SharedAnswers(limit=2000)


@require_GET
def detail(request: HttpRequest, listing_id: int) -> HttpResponse:
    user = request.user
    shared = _PUBLIC_PAGES.get(listing_id, lambda: _public_shown(listing_id))
    if shared is not None and not acts_on(user, shared.organisation_id, _member_of(request)):
        # No actions, no history, no operator's note: those are the seller's side's alone.
        return render(request, "listings/detail.html", {"shown": shared, "allowed": []})
    listing = selectors.listing_visible(user, listing_id)
    # The buttons are exactly the actions the services would accept from this user now.
    allowed = LISTING.allowed_actions(listing, user)
    can_edit = selectors.can_edit(user, listing)
    held_back = None
    if can_edit and listing.status == Listing.Status.DRAFT and "submit" not in allowed:
        # Tell the seller why their draft cannot be submitted yet (no asset, an asset on offer
        # elsewhere, the organisation not verified).
        refusal = LISTING.refusal(listing, "submit", user)
        held_back = refusal.message if refusal else None
    events = selectors.listing_events(listing)[:20] if selectors.sees_history(user, listing) else []
    return render(request, "listings/detail.html", {
        "listing": listing,
        "shown": _shown(listing),
        "can_edit": can_edit,
        "allowed": allowed,
        "held_back": held_back,
        "history": notices.history(events),
    })


def _member_of(request: HttpRequest) -> frozenset[int]:
    """The reader's organisations, from the memberships the page's menu reads anyway."""
    if not request.user.is_authenticated:
        return frozenset()
    return frozenset(membership.organisation_id for membership in current_membership(request)[1])


def _asset_choices(organisation_id: int) -> list[tuple[int, str]]:
    return [(asset.pk, f"{asset.title} ({asset.identifier or asset.get_ip_type_display()})")
            for asset in assets_of_organisation(organisation_id)[:2000]]


def _form_page(request: HttpRequest, form: ListingForm, listing: Listing | None) -> HttpResponse:
    return render(request, "listings/form.html", {"form": form, "listing": listing},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def new(request: AuthenticatedRequest) -> HttpResponse:
    current, _memberships = current_membership(request)
    if current is None:
        return redirect("web:my_organisation")
    initial: dict[str, Any] = {"price_type": "negotiable", "currency": "CNY", "offer_kinds": ["transfer"]}
    if request.GET.get("asset"):
        initial["asset_ids"] = [request.GET["asset"]]
    form = ListingForm(request.POST or None, initial=initial, asset_choices=_asset_choices(current.organisation_id))
    if request.method == "POST" and form.is_valid():
        try:
            listing = services.listing_create(organisation_id=current.organisation_id, actor=request.user,
                                              data=form.listing_input())
        except ApplicationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Draft saved. Submit it for review when it is ready."))
            return redirect("listings:detail", listing.pk)
    return _form_page(request, form, None)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: AuthenticatedRequest, listing_id: int) -> HttpResponse:
    listing = selectors.listing_visible(request.user, listing_id)
    if not selectors.can_edit(request.user, listing):
        raise PermissionDenied(_("Only members of the seller may edit this listing."))
    initial = {name: getattr(listing, name) for name in FIELDS}
    initial["asset_ids"] = [str(link.asset_id) for link in listing.asset_links.all()]
    initial = {k: ("" if v is None else v) for k, v in initial.items()}
    form = ListingForm(request.POST or None, initial=initial, asset_choices=_asset_choices(listing.organisation_id))
    if request.method == "POST" and form.is_valid():
        try:
            edited = services.listing_update(listing_id=listing.pk, actor=request.user,
                                             changes=form.listing_changes())
        except ApplicationError as exc:
            form.add_service_error(exc)
        else:
            if listing.status == Listing.Status.PUBLISHED and edited.status == Listing.Status.SUBMITTED:
                messages.success(request, _("Saved. Its assets, price or terms changed, so the listing is back in "
                                            "review and off the market until the operator approves it again."))
            else:
                messages.success(request, _("Saved."))
            return redirect("listings:detail", listing.pk)
    return _form_page(request, form, listing)


def _reason(request: AuthenticatedRequest) -> str:
    return request.POST.get("reason", "")


# Each workflow button posts here; the service decides whether the step is allowed.
_ACTIONS: dict[str, tuple[Callable[[AuthenticatedRequest, int], object], Promise]] = {
    "submit": (lambda request, pk: services.listing_submit(listing_id=pk, actor=request.user),
               gettext_lazy("Submitted for review.")),
    "recall": (lambda request, pk: services.listing_recall(listing_id=pk, actor=request.user, reason=_reason(request)),
               gettext_lazy("Back to draft; edit it and submit again.")),
    "withdraw": (lambda request, pk: services.listing_withdraw(listing_id=pk, actor=request.user,
                                                               reason=_reason(request)),
                 gettext_lazy("Withdrawn.")),
    "reopen": (lambda request, pk: services.listing_reopen(listing_id=pk, actor=request.user),
               gettext_lazy("Back to draft; edit it and submit again.")),
    "delete": (lambda request, pk: services.listing_delete(listing_id=pk, actor=request.user),
               gettext_lazy("Deleted.")),
    "approve": (lambda request, pk: services.listing_approve(listing_id=pk, operator=request.user,
                                                             note=request.POST.get("note", "")),
                gettext_lazy("Published.")),
    "reject": (lambda request, pk: services.listing_reject(listing_id=pk, operator=request.user,
                                                           reason=_reason(request)),
               gettext_lazy("Sent back to the seller.")),
}


@login_required
@require_POST
def action(request: AuthenticatedRequest, listing_id: int, name: str) -> HttpResponse:
    if name not in _ACTIONS:
        raise PermissionDenied(_("Unknown action."))
    run, done = _ACTIONS[name]
    try:
        run(request, listing_id)
    except ApplicationError as exc:
        if isinstance(exc, NotFound):  # a listing this member may not see: as if there were none
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, str(done))
        if name == "delete":
            return redirect("web:my_organisation")
    return redirect("listings:detail", listing_id)


@login_required
@require_http_methods(["GET", "POST"])
def documents(request: AuthenticatedRequest, listing_id: int) -> HttpResponse:
    """The seller's members add and remove the listing's detailed documents."""
    listing = selectors.listing_visible(request.user, listing_id)
    if not selectors.can_edit(request.user, listing):
        raise PermissionDenied(_("Only members of the seller manage this listing's documents."))
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            document_services.listing_document_add(listing_id=listing.pk, actor=request.user,
                                                   title=form.cleaned_data["title"], file=form.cleaned_data["file"])
        except ApplicationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Document added."))
            return redirect("listings:documents", listing.pk)
    return render(request, "listings/documents.html", {
        "listing": listing, "form": form, "documents": selectors.documents_of(listing),
        "allowed": LISTING.allowed_actions(listing, request.user),
    }, status=400 if form.errors else 200)


@login_required
@require_POST
def document_delete(request: AuthenticatedRequest, listing_id: int, document_id: int) -> HttpResponse:
    listing = selectors.listing_visible(request.user, listing_id)
    if not selectors.documents_of(listing).filter(pk=document_id).exists():
        raise NotFound(_("No such document."))
    try:
        document_services.listing_document_delete(document_id=document_id, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Document removed."))
    return redirect("listings:documents", listing.pk)


# --- Reading the documents, and the non-disclosure agreement that opens them --------------------

def documents_panel(request: HttpRequest, listing_id: int) -> dict[str, Any]:
    """What the documents part of the listing page's panel shows this reader (the template
    ``listings/_documents_panel.html``): the documents or why they are hidden, and for whom
    the reader may accept the listing's non-disclosure terms."""
    access, shown = selectors.listing_documents(request.user, listing_id)
    listing = access.listing
    current = current_membership(request)[0] if request.user.is_authenticated else None
    acting = current.organisation if current is not None else None
    return {"listing": listing, "access": access, "documents": shown,
            "document_count": selectors.document_count(listing), "acting": acting,
            "is_seller_side": acting is not None and acting.pk == listing.organisation_id}


@login_required
@require_POST
def nda_accept(request: AuthenticatedRequest, listing_id: int) -> HttpResponse:
    """Accept the listing's non-disclosure terms for the organisation the member acts for.
    HTMX gets the documents part again; a plain form post goes back to ``next``."""
    current, _memberships = current_membership(request)
    if current is None:
        messages.error(request, _("Register your organisation with the exchange to see documents."))
    else:
        try:
            ndas.nda_accept(listing_id=listing_id, actor=request.user, organisation_id=current.organisation_id,
                            ip_address=request_ip(request))
        except ApplicationError as exc:
            if isinstance(exc, NotFound):
                raise
            messages.error(request, exc.message)
        else:
            messages.success(request, _("You accepted the non-disclosure terms for %(name)s; the documents are "
                                        "open to you.") % {"name": current.organisation.name})
    if is_htmx_fragment(request):
        return render(request, "listings/_documents_panel.html", documents_panel(request, listing_id))
    return redirect(local_url(request, request.POST.get("next"), reverse("listings:detail", args=[listing_id])))


@login_required
@require_GET
def document_download(request: AuthenticatedRequest, document_id: int) -> HttpResponseBase:
    document = selectors.document_for_download(request.user, document_id)
    return private_file_response(document.file, filename=document.original_name, content_type=document.content_type)
