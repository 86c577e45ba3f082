"""Negotiation pages: my negotiations, a thread with its messages and offers, the offer
forms, and the listing page's panel (documents, NDA, inquiry).

Views are thin: a form collects input, one service acts, a refusal comes back as form
errors (or a message on the page it returns to), never as a server error. HTMX requests get
the fragment they replace; a plain request gets the whole page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ipx.accounts.current import current_membership
from ipx.accounts.models import Membership, Organisation
from ipx.core.errors import ApplicationError, NotFound
from ipx.core.htmx import is_htmx_fragment
from ipx.deals.access import Role
from ipx.deals.models import Thread
from ipx.deals.negotiation import selectors, services
from ipx.deals.negotiation.downloads import file_response
from ipx.deals.negotiation.forms import AgentForm, InquiryForm, MessageForm, OfferForm, ReasonForm
from ipx.listings.selectors import listing_visible


def _client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


# --- My negotiations ------------------------------------------------------------------------

@login_required
@require_GET
def thread_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in Thread.Status.values:
        status = ""
    threads = selectors.threads_of(request.user, status=status)[:200]  # type: ignore[arg-type]
    _current, memberships = current_membership(request)
    mine = {m.organisation_id for m in memberships}
    rows = []
    for thread in threads:
        side = "buyer" if thread.buyer_id in mine else "seller" if thread.seller_id in mine else ""
        rows.append({"thread": thread, "side": side,
                     "counterpart": thread.seller if side == "buyer" else thread.buyer if side else None})
    return render(request, "deals/negotiation/list.html", {"rows": rows, "status_filter": status})


# --- A thread -------------------------------------------------------------------------------

def _agency_choices(thread: Thread) -> list[tuple[int, str]]:
    taken = set(selectors.agents_of(thread).values_list("organisation_id", flat=True))
    agencies = Organisation.objects.filter(kind=Organisation.Kind.AGENCY, status=Organisation.Status.VERIFIED)
    return [(o.pk, o.name) for o in agencies.order_by("name")[:500] if o.pk not in taken]


def _is_admin_of(request: HttpRequest, role: Role) -> bool:
    if not role.is_party or role.organisation is None:
        return False
    return Membership.objects.filter(user=request.user, organisation=role.organisation,  # type: ignore[misc]
                                     role=Membership.Role.ADMIN).exists()


def _deal_url(deal_id: int | None) -> str:
    if deal_id is None:
        return ""
    try:
        return reverse("deals:detail", args=[deal_id])
    except NoReverseMatch:
        return ""


def _thread_context(request: HttpRequest, thread: Thread, role: Role, *,
                    message_form: MessageForm | None = None) -> dict[str, Any]:
    offers = selectors.offers_of(thread)
    deal_ids = dict(thread.deals.values_list("offer_id", "pk"))
    for offer in offers:
        offer.deal_url = _deal_url(deal_ids.get(offer.pk))  # type: ignore[attr-defined]
        receiving = services.side_of(thread, offer.to_organisation_id)
        live = offer.is_live  # type: ignore[attr-defined]
        offer.can_answer = live and role.side == receiving  # type: ignore[attr-defined]
        offer.can_accept = live and role.side == receiving and role.is_party  # type: ignore[attr-defined]
        offer.can_withdraw = live and bool(role.side) and role.side != receiving  # type: ignore[attr-defined]
    is_open = thread.status == Thread.Status.OPEN
    has_live_offer = any(offer.is_live for offer in offers)  # type: ignore[attr-defined]
    is_admin = _is_admin_of(request, role)
    # Only a party's administrators add agents, while the thread is open and agencies are left to add.
    agencies = _agency_choices(thread) if is_open and is_admin else []
    return {
        "thread": thread, "role": role, "offers": list(reversed(offers)),  # newest first
        "is_party_admin": is_admin,
        "messages_list": selectors.messages_of(thread),
        "message_form": message_form or MessageForm(),
        "agents": selectors.agents_of(thread),
        "agent_form": AgentForm(agencies=agencies) if agencies else None,
        "can_offer": is_open and bool(role.side) and not has_live_offer
        and thread.listing.status == thread.listing.Status.PUBLISHED,
        "can_close": is_open and (role.is_party or role.is_operator),
        "can_post": is_open,
        "reason_form": ReasonForm(),
    }


@login_required
@require_GET
def thread_detail(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread, role = selectors.thread_for(request.user, thread_id)  # type: ignore[arg-type]
    return render(request, "deals/negotiation/thread.html", _thread_context(request, thread, role))


@login_required
@require_http_methods(["GET", "POST"])
def thread_messages(request: HttpRequest, thread_id: int) -> HttpResponse:
    """GET: the conversation fragment. POST: write a message; HTMX gets the conversation
    again (with the form's errors, if any), a plain form post the thread page."""
    thread, role = selectors.thread_for(request.user, thread_id)  # type: ignore[arg-type]
    form = MessageForm(request.POST or None, request.FILES or None) if request.method == "POST" else MessageForm()
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.message_post(thread_id=thread.pk, actor=request.user,  # type: ignore[arg-type]
                                  body=form.cleaned_data["body"], files=form.cleaned_data["files"])
        except ApplicationError as exc:
            form.add_service_error(exc)
            status = 400
        else:
            if not is_htmx_fragment(request):
                return redirect(reverse("negotiation:thread", args=[thread.pk]) + "#conversation")
            form = MessageForm()
    elif request.method == "POST":
        status = 400
    thread.refresh_from_db()
    context = _thread_context(request, thread, role, message_form=form)
    if is_htmx_fragment(request):
        # HTMX swaps only 2xx answers; the errors are in the fragment itself.
        return render(request, "deals/negotiation/_conversation.html", context)
    return render(request, "deals/negotiation/thread.html", context, status=status)


def _back_to_thread(thread_id: int) -> HttpResponse:
    return redirect("negotiation:thread", thread_id)


@login_required
@require_POST
def agent_add(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread, _role = selectors.thread_for(request.user, thread_id)  # type: ignore[arg-type]
    try:
        organisation_id = int(request.POST.get("organisation_id", ""))
    except ValueError:
        messages.error(request, _("Choose an agency."))
        return _back_to_thread(thread.pk)
    try:
        agent = services.thread_agent_add(thread_id=thread.pk, actor=request.user,  # type: ignore[arg-type]
                                          organisation_id=organisation_id)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(name)s now acts for your side.") % {"name": agent.organisation.name})
    return _back_to_thread(thread.pk)


@login_required
@require_POST
def agent_remove(request: HttpRequest, thread_id: int, organisation_id: int) -> HttpResponse:
    thread, _role = selectors.thread_for(request.user, thread_id)  # type: ignore[arg-type]
    try:
        services.thread_agent_remove(thread_id=thread.pk, actor=request.user,  # type: ignore[arg-type]
                                     organisation_id=organisation_id)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The agent no longer acts in this negotiation."))
    return _back_to_thread(thread.pk)


@login_required
@require_POST
def thread_close(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread, _role = selectors.thread_for(request.user, thread_id)  # type: ignore[arg-type]
    try:
        services.thread_close(thread_id=thread.pk, actor=request.user,  # type: ignore[arg-type]
                              reason=request.POST.get("reason", ""))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The negotiation is closed."))
    return _back_to_thread(thread.pk)


@login_required
@require_GET
def attachment_download(request: HttpRequest, attachment_id: int) -> FileResponse:
    attachment = selectors.attachment_for(request.user, attachment_id)  # type: ignore[arg-type]
    return file_response(attachment.file, name=attachment.original_name, content_type=attachment.content_type)


# --- Offers ---------------------------------------------------------------------------------

def _offer_page(request: HttpRequest, form: OfferForm, thread: Thread, *, answering: Any = None) -> HttpResponse:
    return render(request, "deals/negotiation/offer_form.html",
                  {"form": form, "thread": thread, "answering": answering},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def offer_new(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread, _role = selectors.thread_for(request.user, thread_id)  # type: ignore[arg-type]
    form = OfferForm(request.POST or None, initial=OfferForm.initial_for(currency=thread.listing.currency))
    if request.method == "POST" and form.is_valid():
        try:
            services.offer_make(thread_id=thread.pk, actor=request.user,  # type: ignore[arg-type]
                                terms=form.service_data())
        except ApplicationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Your offer was sent."))
            return redirect(reverse("negotiation:thread", args=[thread.pk]) + "#offers")
    return _offer_page(request, form, thread)


@login_required
@require_http_methods(["GET", "POST"])
def offer_counter(request: HttpRequest, offer_id: int) -> HttpResponse:
    offer = selectors.offer_for(request.user, offer_id)  # type: ignore[arg-type]
    thread, _role = selectors.thread_for(request.user, offer.thread_id)  # type: ignore[arg-type]
    form = OfferForm(request.POST or None, initial=OfferForm.initial_for(currency=thread.listing.currency,
                                                                        offer=offer))
    if request.method == "POST" and form.is_valid():
        try:
            services.offer_counter(offer_id=offer.pk, actor=request.user,  # type: ignore[arg-type]
                                   terms=form.service_data())
        except ApplicationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Your counter-offer was sent."))
            return redirect(reverse("negotiation:thread", args=[thread.pk]) + "#offers")
    return _offer_page(request, form, thread, answering=offer)


@login_required
@require_POST
def offer_action(request: HttpRequest, offer_id: int, action: str) -> HttpResponse:
    """Withdraw, reject or accept: each button posts here; the service decides."""
    if action not in ("withdraw", "reject", "accept"):
        raise NotFound(_("Unknown action."))
    offer = selectors.offer_for(request.user, offer_id)  # type: ignore[arg-type]
    user: Any = request.user
    reason = request.POST.get("reason", "")
    target = reverse("negotiation:thread", args=[offer.thread_id]) + "#offers"
    try:
        if action == "withdraw":
            services.offer_withdraw(offer_id=offer.pk, actor=user, reason=reason)
            messages.success(request, _("Your offer was withdrawn."))
        elif action == "reject":
            services.offer_reject(offer_id=offer.pk, actor=user, reason=reason)
            messages.success(request, _("The offer was rejected."))
        else:
            deal = services.offer_accept(offer_id=offer.pk, actor=user)
            messages.success(request, _("The offer was accepted; the deal is ready to sign."))
            target = _deal_url(deal.pk) or target
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect(target)


# --- The listing page's panel: documents, NDA, inquiry ---------------------------------------

def _panel(request: HttpRequest, listing_id: int, *, inquiry_form: InquiryForm | None = None,
           status: int = 200) -> HttpResponse:
    access, shown = selectors.listing_documents(request.user, listing_id)  # type: ignore[arg-type]
    listing = access.listing
    current, _memberships = current_membership(request) if request.user.is_authenticated else (None, [])
    acting = current.organisation if current is not None else None
    is_seller_side = acting is not None and acting.pk == listing.organisation_id
    user: Any = request.user
    thread = None
    if acting is not None and not is_seller_side:
        thread = selectors.thread_for_listing(user, listing.pk, acting.pk)
    context = {
        "listing": listing, "access": access, "documents": shown,
        "document_count": selectors.document_count(listing),
        "acting": acting, "is_seller_side": is_seller_side, "thread": thread,
        "can_inquire": (acting is not None and not is_seller_side and acting.is_verified
                        and listing.status == listing.Status.PUBLISHED),
        "inquiry_form": inquiry_form or InquiryForm(),
        "seller_threads": (selectors.threads_of(user).filter(listing=listing)[:50]
                           if is_seller_side or getattr(user, "is_operator", False) else []),
    }
    template = ("deals/negotiation/_listing_panel.html" if is_htmx_fragment(request)
                else "deals/negotiation/listing_panel.html")
    return render(request, template, context, status=200 if is_htmx_fragment(request) else status)


@require_GET
def listing_panel(request: HttpRequest, listing_id: int) -> HttpResponse:
    return _panel(request, listing_id)


@login_required
@require_POST
def inquire(request: HttpRequest, listing_id: int) -> HttpResponse:
    listing_visible(request.user, listing_id)  # type: ignore[arg-type]
    current, _memberships = current_membership(request)
    form = InquiryForm(request.POST)
    if current is None:
        form.add_error(None, _("Register your organisation with the exchange to make inquiries."))
    elif form.is_valid():
        try:
            thread = services.thread_open(listing_id=listing_id, actor=request.user,  # type: ignore[arg-type]
                                          organisation_id=current.organisation_id,
                                          message=form.cleaned_data["message"])
        except ApplicationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Your inquiry was sent to the seller."))
            url = reverse("negotiation:thread", args=[thread.pk])
            if is_htmx_fragment(request):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = url
                return response
            return redirect(url)
    return _panel(request, listing_id, inquiry_form=form, status=400)


@login_required
@require_POST
def nda_accept(request: HttpRequest, listing_id: int) -> HttpResponse:
    current, _memberships = current_membership(request)
    if current is None:
        messages.error(request, _("Register your organisation with the exchange to see documents."))
    else:
        try:
            services.nda_accept(listing_id=listing_id, actor=request.user,  # type: ignore[arg-type]
                                organisation_id=current.organisation_id, ip_address=_client_ip(request))
        except ApplicationError as exc:
            if isinstance(exc, NotFound):
                raise
            messages.error(request, exc.message)
        else:
            messages.success(request, _("You accepted the non-disclosure terms for %(name)s; the documents are "
                                        "open to you.") % {"name": current.organisation.name})
    if is_htmx_fragment(request):
        return _panel(request, listing_id)
    return redirect("negotiation:listing_panel", listing_id)


@login_required
@require_GET
def document_download(request: HttpRequest, document_id: int) -> FileResponse:
    document = selectors.document_for_download(request.user, document_id)  # type: ignore[arg-type]
    return file_response(document.file, name=document.original_name, content_type=document.content_type)
