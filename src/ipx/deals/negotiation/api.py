"""Negotiation in the API: threads, messages with attachments, agents, offers. (A listing's
documents and non-disclosure agreement are the listings API's.)

Threads and offers are visible to the parties, their agents and operators; everyone else
gets 404, as if they did not exist. Each endpoint reads its input schema, calls one
service and answers with an output schema (``schemas``).
"""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Status, UploadedFile

from ipx.accounts.api_auth import api_user, user_auth
from ipx.core.api.schemas import ERRORS, Id, Page, PageNumber, PageSize, page_of
from ipx.core.api.types import UPLOAD_RULE, choice, form_rules, stated
from ipx.core.errors import ValidationFailed
from ipx.core.files import private_file_response
from ipx.deals.models import Message, Offer, Thread, ThreadAgent
from ipx.deals.negotiation import messages, offers, selectors, threads
from ipx.deals.negotiation.messages import MAX_MESSAGE_LENGTH
from ipx.deals.negotiation.schemas import (
    AgentIn,
    AgentOut,
    MessageOut,
    OfferIn,
    OfferOut,
    ReasonIn,
    ThreadDetailOut,
    ThreadOpenIn,
    ThreadOut,
    ThreadView,
)
from ipx.deals.negotiation.workflow import OFFER, THREAD

router = Router(tags=["negotiation"])


# --- Threads and messages -------------------------------------------------------------------

def _thread_detail(request: HttpRequest, thread_id: int) -> ThreadView:
    thread, role = selectors.thread_for(api_user(request), thread_id)
    return ThreadView(thread, role, list(selectors.agents_of(thread)))


@router.get("/threads", response={200: Page[ThreadOut], **ERRORS}, auth=user_auth,
            summary="My negotiations (as buyer, seller or agent; all for operators)")
def thread_list(request: HttpRequest, status: Annotated[str, stated(choice(("", *Thread.Status.values)))] = "",
                page: PageNumber = 1, size: PageSize = 20) -> dict[str, Any]:
    if status and status not in Thread.Status.values:
        raise ValidationFailed.for_field("status", _("Unknown status; use open or closed."))
    return page_of(selectors.threads_of(api_user(request), status=status), page, size)


@router.post("/threads", response={201: ThreadDetailOut, **ERRORS}, auth=user_auth,
             summary="Inquire about a published listing (opens or reuses the thread)")
def thread_open(request: HttpRequest, payload: ThreadOpenIn) -> Status[Any]:
    thread = threads.thread_open(listing_id=payload.listing_id, actor=api_user(request),
                                 organisation_id=payload.organisation_id, message=payload.message)
    return Status(201, _thread_detail(request, thread.pk))


@router.get("/threads/{thread_id}", response={200: ThreadDetailOut, **ERRORS}, auth=user_auth,
            summary="A negotiation")
def thread_detail(request: HttpRequest, thread_id: Id) -> ThreadView:
    return _thread_detail(request, thread_id)


@router.post("/threads/{thread_id}/close", response={200: ThreadDetailOut, **ERRORS}, auth=user_auth,
             summary="Close a negotiation (parties and operators); an open offer is withdrawn")
def thread_close(request: HttpRequest, thread_id: Id, payload: ReasonIn) -> ThreadView:
    threads.thread_close(thread_id=thread_id, actor=api_user(request), reason=payload.reason)
    return _thread_detail(request, thread_id)


@router.post("/threads/{thread_id}/agents", response={201: AgentOut, **ERRORS}, auth=user_auth,
             summary="Add an IP service agency acting for your side (party administrators)")
def thread_agent_add(request: HttpRequest, thread_id: Id, payload: AgentIn) -> Status[ThreadAgent]:
    agent = threads.thread_agent_add(thread_id=thread_id, actor=api_user(request),
                                     organisation_id=payload.organisation_id)
    return Status(201, agent)


@router.get("/threads/{thread_id}/messages", response={200: Page[MessageOut], **ERRORS}, auth=user_auth,
            summary="Messages of a negotiation, oldest first")
def message_list(request: HttpRequest, thread_id: Id, page: PageNumber = 1, size: PageSize = 50) -> dict[str, Any]:
    thread, _role = selectors.thread_for(api_user(request), thread_id)
    return page_of(selectors.messages_of(thread), page, size)


MESSAGE_BODY = Form("", max_length=MAX_MESSAGE_LENGTH)


@router.post("/threads/{thread_id}/messages", response={201: MessageOut, **ERRORS}, auth=user_auth,
             summary="Write a message, with up to 5 attached PDF or picture files (multipart)",
             openapi_extra=form_rules(body="A message, or at least one file.", files=UPLOAD_RULE + " At most 5."))
def message_post(request: HttpRequest, thread_id: Id,
                 body: str = MESSAGE_BODY,
                 files: File[list[UploadedFile] | None] = None) -> Status[Message]:
    message = messages.message_post(thread_id=thread_id, actor=api_user(request), body=body, files=files or [])
    return Status(201, selectors.messages_of(message.thread).get(pk=message.pk))


@router.get("/attachments/{attachment_id}", response={200: None, **ERRORS}, auth=user_auth,
            summary="Download a message's attachment")
def attachment_download(request: HttpRequest, attachment_id: Id) -> HttpResponseBase:
    attachment = selectors.attachment_for(api_user(request), attachment_id)
    return private_file_response(attachment.file, filename=attachment.original_name,
                                 content_type=attachment.content_type)


# --- Offers --------------------------------------------------------------------------------

def _offer(request: HttpRequest, offer_id: int) -> Offer:
    return selectors.offer_for(api_user(request), offer_id)


@router.get("/threads/{thread_id}/offers", response={200: list[OfferOut], **ERRORS}, auth=user_auth,
            summary="Offers of a negotiation, oldest first")
def offer_list(request: HttpRequest, thread_id: Id) -> list[Offer]:
    thread, _role = selectors.thread_for(api_user(request), thread_id)
    return selectors.offers_of(thread)


@router.post("/threads/{thread_id}/offers", response={201: OfferOut, **ERRORS}, auth=user_auth,
             summary="Make an offer to the other side (parties and their agents)")
def offer_make(request: HttpRequest, thread_id: Id, payload: OfferIn) -> Status[Offer]:
    user = api_user(request)
    thread, _role = selectors.thread_for(user, thread_id)
    # Who may offer is told before what is wrong with the terms, as the service tells it.
    THREAD.admit("offer", thread, user)
    terms = payload.offer_terms(listing_currency=thread.listing.currency)
    offer = offers.offer_make(thread_id=thread_id, actor=user, terms=terms)
    return Status(201, _offer(request, offer.pk))


@router.get("/offers/{offer_id}", response={200: OfferOut, **ERRORS}, auth=user_auth, summary="An offer")
def offer_detail(request: HttpRequest, offer_id: Id) -> Offer:
    return _offer(request, offer_id)


@router.post("/offers/{offer_id}/counter", response={201: OfferOut, **ERRORS}, auth=user_auth,
             summary="Answer an open offer with new terms (the side it was made to)")
def offer_counter(request: HttpRequest, offer_id: Id, payload: OfferIn) -> Status[Offer]:
    user = api_user(request)
    answered = _offer(request, offer_id)
    OFFER.admit("counter", answered, user)
    terms = payload.offer_terms(listing_currency=answered.thread.listing.currency)
    offer = offers.offer_counter(offer_id=offer_id, actor=user, terms=terms)
    return Status(201, _offer(request, offer.pk))


@router.post("/offers/{offer_id}/withdraw", response={200: OfferOut, **ERRORS}, auth=user_auth,
             summary="Withdraw your side's open offer")
def offer_withdraw(request: HttpRequest, offer_id: Id, payload: ReasonIn) -> Offer:
    offers.offer_withdraw(offer_id=offer_id, actor=api_user(request), reason=payload.reason)
    return _offer(request, offer_id)


@router.post("/offers/{offer_id}/reject", response={200: OfferOut, **ERRORS}, auth=user_auth,
             summary="Reject an open offer made to your side")
def offer_reject(request: HttpRequest, offer_id: Id, payload: ReasonIn) -> Offer:
    offers.offer_reject(offer_id=offer_id, actor=api_user(request), reason=payload.reason)
    return _offer(request, offer_id)


@router.post("/offers/{offer_id}/accept", response={200: OfferOut, **ERRORS}, auth=user_auth,
             summary="Accept an open offer made to your organisation; it becomes a deal (deal_id)")
def offer_accept(request: HttpRequest, offer_id: Id) -> Offer:
    offers.offer_accept(offer_id=offer_id, actor=api_user(request))
    return _offer(request, offer_id)
