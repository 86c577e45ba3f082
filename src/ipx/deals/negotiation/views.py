"""Negotiation pages: my negotiations, a thread with its messages and offers, the offer
forms, and the listing page's panel (the listing's documents and NDA, from the listings
module, and the inquiry).

Views are thin: a form collects input, one service acts, a refusal comes back as form
errors (or a message on the page it returns to), never as a server error. HTMX requests get
the fragment they replace; a plain request gets the whole page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ipx.accounts.api_auth import AuthenticatedRequest
from ipx.accounts.current import current_membership
from ipx.accounts.models import Organisation, User
from ipx.core.errors import ApplicationError, NotFound
from ipx.core.files import private_file_response
from ipx.core.htmx import is_htmx_fragment
from ipx.core.ids import parse_id
from ipx.deals.access import Role
from ipx.deals.models import Offer, Thread
from ipx.deals.negotiation import offers, selectors, threads
from ipx.deals.negotiation.forms import AgentForm, InquiryForm, MessageForm, OfferForm
from ipx.deals.negotiation.messages import message_post
from ipx.deals.negotiation.workflow import OFFER, THREAD
from ipx.listings.selectors import listing_visible
from ipx.listings.views import documents_panel

# --- My negotiations ------------------------------------------------------------------------

@login_required
@require_GET
def thread_list(request: AuthenticatedRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in Thread.Status.values:
        status = ""
    threads_shown = selectors.threads_of(request.user, status=status)[:200]
    _current, memberships = current_membership(request)
    mine = {m.organisation_id for m in memberships}
    rows = []
    for thread in threads_shown:
        side = "buyer" if thread.buyer_id in mine else "seller" if thread.seller_id in mine else ""
        rows.append({"thread": thread, "side": side,
                     "counterpart": thread.seller if side == "buyer" else thread.buyer if side else None})
    return render(request, "deals/negotiation/list.html", {"rows": rows, "status_filter": status})


# --- A thread -------------------------------------------------------------------------------

def _agency_choices(thread: Thread) -> list[tuple[int, str]]:
    taken = set(selectors.agents_of(thread).values_list("organisation_id", flat=True))
    agencies = Organisation.objects.filter(kind=Organisation.Kind.AGENCY, status=Organisation.Status.VERIFIED)
    return [(o.pk, o.name) for o in agencies.order_by("name")[:500] if o.pk not in taken]


def _thread_context(request: AuthenticatedRequest, thread: Thread, role: Role, *,
                    message_form: MessageForm | None = None, agent_form: AgentForm | None = None) -> dict[str, Any]:
    # Every button of the page is shown exactly when the thread's or the offer's table lists
    # its action for this user (the API's ``allowed_actions``); the services refuse the rest.
    actions = THREAD.allowed_actions(thread, request.user)
    agencies = _agency_choices(thread) if "add_agent" in actions else []
    return {
        "thread": thread, "role": role, "actions": actions,
        "offers": list(reversed(selectors.offer_cards(request.user, thread))),  # newest first
        "messages_list": selectors.messages_of(thread),
        "message_form": message_form or MessageForm(),
        "agents": selectors.agents_of(thread),
        "agent_form": agent_form or (AgentForm(agencies=agencies) if agencies else None),
    }


@login_required
@require_GET
def thread_detail(request: AuthenticatedRequest, thread_id: int) -> HttpResponse:
    thread, role = selectors.thread_for(request.user, thread_id)
    return render(request, "deals/negotiation/thread.html", _thread_context(request, thread, role))


@login_required
@require_http_methods(["GET", "POST"])
def thread_messages(request: AuthenticatedRequest, thread_id: int) -> HttpResponse:
    """GET: the conversation fragment. POST: write a message; HTMX gets the conversation
    again (with the form's errors, if any), a plain form post the thread page."""
    thread, role = selectors.thread_for(request.user, thread_id)
    form = MessageForm(request.POST or None, request.FILES or None) if request.method == "POST" else MessageForm()
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            message_post(thread_id=thread.pk, actor=request.user, body=form.cleaned_data["body"],
                         files=form.cleaned_data["files"])
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
def agent_add(request: AuthenticatedRequest, thread_id: int) -> HttpResponse:
    thread, role = selectors.thread_for(request.user, thread_id)
    agencies = _agency_choices(thread) if "add_agent" in THREAD.allowed_actions(thread, request.user) else []
    form = AgentForm(request.POST, agencies=agencies)
    if agencies and not form.is_valid():
        # Whoever is shown the form sees what is wrong on it; the service answers the others.
        return render(request, "deals/negotiation/thread.html",
                      _thread_context(request, thread, role, agent_form=form), status=400)
    organisation_id = parse_id(request.POST.get("organisation_id"))
    if organisation_id is None:
        messages.error(request, _("Choose an agency."))
        return _back_to_thread(thread.pk)
    try:
        agent = threads.thread_agent_add(thread_id=thread.pk, actor=request.user, organisation_id=organisation_id)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(name)s now acts for your side.") % {"name": agent.organisation.name})
    return _back_to_thread(thread.pk)


@login_required
@require_POST
def agent_remove(request: AuthenticatedRequest, thread_id: int, organisation_id: int) -> HttpResponse:
    thread, _role = selectors.thread_for(request.user, thread_id)
    try:
        threads.thread_agent_remove(thread_id=thread.pk, actor=request.user, organisation_id=organisation_id)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The agent no longer acts in this negotiation."))
    return _back_to_thread(thread.pk)


@login_required
@require_POST
def thread_close(request: AuthenticatedRequest, thread_id: int) -> HttpResponse:
    thread, _role = selectors.thread_for(request.user, thread_id)
    try:
        threads.thread_close(thread_id=thread.pk, actor=request.user, reason=request.POST.get("reason", ""))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The negotiation is closed."))
    return _back_to_thread(thread.pk)


@login_required
@require_GET
def attachment_download(request: AuthenticatedRequest, attachment_id: int) -> HttpResponseBase:
    attachment = selectors.attachment_for(request.user, attachment_id)
    return private_file_response(attachment.file, filename=attachment.original_name,
                                 content_type=attachment.content_type)


# --- Offers ---------------------------------------------------------------------------------

def _offer_page(request: AuthenticatedRequest, form: OfferForm, thread: Thread, *,
                answering: Offer | None = None) -> HttpResponse:
    return render(request, "deals/negotiation/offer_form.html",
                  {"form": form, "thread": thread, "answering": answering},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def offer_new(request: AuthenticatedRequest, thread_id: int) -> HttpResponse:
    thread, _role = selectors.thread_for(request.user, thread_id)
    form = OfferForm(request.POST or None, initial=OfferForm.initial_for(currency=thread.listing.currency))
    if request.method == "POST" and form.is_valid():
        try:
            # Who may offer is told before what is wrong with the terms, as the service tells it.
            THREAD.admit("offer", thread, request.user)
            terms = form.offer_terms(listing_currency=thread.listing.currency)
            offers.offer_make(thread_id=thread.pk, actor=request.user, terms=terms)
        except ApplicationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Your offer was sent."))
            return redirect(reverse("negotiation:thread", args=[thread.pk]) + "#offers")
    return _offer_page(request, form, thread)


@login_required
@require_http_methods(["GET", "POST"])
def offer_counter(request: AuthenticatedRequest, offer_id: int) -> HttpResponse:
    offer = selectors.offer_for(request.user, offer_id)
    thread = offer.thread
    form = OfferForm(request.POST or None, initial=OfferForm.initial_for(currency=thread.listing.currency,
                                                                        offer=offer))
    if request.method == "POST" and form.is_valid():
        try:
            OFFER.admit("counter", offer, request.user)
            terms = form.offer_terms(listing_currency=thread.listing.currency)
            offers.offer_counter(offer_id=offer.pk, actor=request.user, terms=terms)
        except ApplicationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Your counter-offer was sent."))
            return redirect(reverse("negotiation:thread", args=[thread.pk]) + "#offers")
    return _offer_page(request, form, thread, answering=offer)


@login_required
@require_POST
def offer_action(request: AuthenticatedRequest, offer_id: int, action: str) -> HttpResponse:
    """Withdraw, reject or accept: each button posts here; the service decides."""
    if action not in ("withdraw", "reject", "accept"):
        raise NotFound(_("Unknown action."))
    offer = selectors.offer_for(request.user, offer_id)
    user = request.user
    reason = request.POST.get("reason", "")
    target = reverse("negotiation:thread", args=[offer.thread_id]) + "#offers"
    try:
        if action == "withdraw":
            offers.offer_withdraw(offer_id=offer.pk, actor=user, reason=reason)
            messages.success(request, _("Your offer was withdrawn."))
        elif action == "reject":
            offers.offer_reject(offer_id=offer.pk, actor=user, reason=reason)
            messages.success(request, _("The offer was rejected."))
        else:
            deal = offers.offer_accept(offer_id=offer.pk, actor=user)
            messages.success(request, _("The offer was accepted; the deal is ready to sign."))
            target = reverse("deals:detail", args=[deal.pk])
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect(target)


# --- The listing page's panel: documents (the listings module's), inquiry --------------------

def _panel(request: HttpRequest, listing_id: int, *, inquiry_form: InquiryForm | None = None,
           status: int = 200) -> HttpResponse:
    context = documents_panel(request, listing_id)
    listing, acting, is_seller_side = context["listing"], context["acting"], context["is_seller_side"]
    user = request.user if isinstance(request.user, User) and request.user.is_authenticated else None
    thread = None
    if user is not None and acting is not None and not is_seller_side:
        thread = selectors.thread_for_listing(user, listing.pk, acting.pk)
    context |= {
        "thread": thread,
        "can_inquire": (acting is not None and not is_seller_side and acting.is_verified
                        and listing.status == listing.Status.PUBLISHED),
        "inquiry_form": inquiry_form or InquiryForm(),
        "seller_threads": (selectors.threads_of(user).filter(listing=listing)[:50]
                           if user is not None and (is_seller_side or user.is_operator) else []),
    }
    template = ("deals/negotiation/_listing_panel.html" if is_htmx_fragment(request)
                else "deals/negotiation/listing_panel.html")
    return render(request, template, context, status=200 if is_htmx_fragment(request) else status)


@require_GET
def listing_panel(request: HttpRequest, listing_id: int) -> HttpResponse:
    return _panel(request, listing_id)


@login_required
@require_POST
def inquire(request: AuthenticatedRequest, listing_id: int) -> HttpResponse:
    listing_visible(request.user, listing_id)
    current, _memberships = current_membership(request)
    form = InquiryForm(request.POST)
    if current is None:
        form.add_error(None, _("Register your organisation with the exchange to make inquiries."))
    elif form.is_valid():
        try:
            thread = threads.thread_open(listing_id=listing_id, actor=request.user,
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
