"""Negotiation in the API: threads, messages with attachments, agents, offers; and the
detailed documents of listings with their non-disclosure agreements.

Threads and offers are visible to the parties, their agents and operators; everyone else
gets 404, as if they did not exist.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status, UploadedFile
from pydantic import Field

from ipx.accounts.api_auth import user_auth
from ipx.core.api.schemas import ERRORS, Id, Page
from ipx.core.errors import NotAuthenticated, NotFound, ValidationFailed
from ipx.core.pagination import PageRequest
from ipx.deals.models import Attachment, Deal, Message, NdaAcceptance, Offer, Thread, ThreadAgent
from ipx.deals.negotiation import selectors, services
from ipx.deals.negotiation.downloads import file_response
from ipx.deals.timeline import offer_event_text
from ipx.listings import documents
from ipx.listings.models import ListingDocument

router = Router(tags=["negotiation"])
DOCUMENTS = ["listings"]

Amount = Field(None, ge=0, le=Decimal("1e13"))


def _user(request: HttpRequest) -> Any:
    if not request.user.is_authenticated:
        raise NotAuthenticated(_("Log in or send an API token."))
    return request.user


def _page(rows: Any, page: int, size: int) -> dict[str, Any]:
    request_page = PageRequest.parse(page, size)
    items = list(rows[request_page.offset:request_page.offset + request_page.size])
    return {"items": items, "count": rows.count(), "page": request_page.page, "size": request_page.size}


# --- Schemas -------------------------------------------------------------------------------

class ThreadOut(Schema):
    id: int
    listing_id: int
    listing_title: str
    buyer_id: int
    buyer_name: str
    seller_id: int
    seller_name: str
    subject: str
    status: str
    created_at: datetime
    last_activity_at: datetime

    @staticmethod
    def resolve_listing_title(obj: Thread) -> str:
        return obj.listing.title

    @staticmethod
    def resolve_buyer_name(obj: Thread) -> str:
        return obj.buyer.name

    @staticmethod
    def resolve_seller_name(obj: Thread) -> str:
        return obj.seller.name


class AgentOut(Schema):
    organisation_id: int
    organisation_name: str
    side: str
    added_at: datetime

    @staticmethod
    def resolve_organisation_name(obj: ThreadAgent) -> str:
        return obj.organisation.name


class ThreadDetailOut(ThreadOut):
    my_side: str = Field(description="buyer, seller, or empty for an operator")
    acting_for_id: int | None = Field(description="the organisation you act for here")
    is_agent: bool
    agents: list[AgentOut]

    @staticmethod
    def resolve_agents(obj: Any) -> list[ThreadAgent]:
        return list(obj.agent_rows)


class ThreadOpenIn(Schema):
    listing_id: Id
    organisation_id: Id = Field(description="your organisation, the buyer")
    message: str = Field(max_length=10_000)


class AgentIn(Schema):
    organisation_id: Id = Field(description="an IP service agency")


class ReasonIn(Schema):
    reason: str = Field("", max_length=2000)


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str

    @staticmethod
    def resolve_name(obj: Attachment) -> str:
        return obj.original_name


class MessageOut(Schema):
    id: int
    thread_id: int
    author_name: str
    organisation_id: int | None
    organisation_name: str
    body: str
    created_at: datetime
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_author_name(obj: Message) -> str:
        return obj.author.full_name

    @staticmethod
    def resolve_organisation_name(obj: Message) -> str:
        return obj.organisation.name if obj.organisation else _("The exchange operator")

    @staticmethod
    def resolve_attachments(obj: Message) -> list[Attachment]:
        return list(obj.attachments.all())


class MilestoneIn(Schema):
    title: str = Field(max_length=200)
    amount: Decimal = Field(ge=0, le=Decimal("1e13"))
    condition: str = Field(description="on_signing or on_recordal", max_length=20)


class OfferIn(Schema):
    kind: str = Field(description="transfer, licence or use_first", max_length=20)
    commitment: str = Field("concluded", description="intended or concluded", max_length=20)
    price_amount: Decimal = Field(ge=0, le=Decimal("1e13"))
    currency: str | None = Field(None, description="must be the listing's currency", max_length=3)
    payment_structure: str = Field("lump_sum", description="lump_sum, royalty or milestones", max_length=20)
    royalty_percent: Decimal | None = Field(None, ge=0, le=100)
    milestones: list[MilestoneIn] | None = Field(None, max_length=20)
    licence_exclusivity: str | None = Field(None, max_length=20)
    licence_territory: str | None = Field(None, max_length=200)
    licence_field: str | None = Field(None, max_length=200)
    licence_term_months: int | None = Field(None, ge=0, le=10_000)
    trial_months: int | None = Field(None, ge=0, le=10_000)
    notes: str | None = Field(None, max_length=5000)
    expires_at: datetime | None = Field(None, description="at most 90 days ahead; 14 days when left out")

    def terms(self) -> dict[str, Any]:
        data = self.dict(exclude_none=True)
        if self.milestones is not None:
            data["milestones"] = [m.dict() for m in self.milestones]
        return data


class MilestoneOut(Schema):
    position: int
    title: str
    amount: Decimal
    condition: str


class OfferEventOut(Schema):
    from_status: str
    to_status: str
    actor_name: str
    description: str = Field(description="What the exchange recorded (the negotiation closed, the offer "
                                         "expired), in the request's language; empty when nothing.")
    note: str = Field(description="The reason a person gave; on events recorded before `description` existed, "
                                  "the exchange's own text.")
    created_at: datetime

    @staticmethod
    def resolve_actor_name(obj: Any) -> str:
        return obj.actor.full_name if obj.actor else ""

    @staticmethod
    def resolve_description(obj: Any) -> str:
        return offer_event_text(obj)


class OfferOut(Schema):
    id: int
    thread_id: int
    from_organisation_id: int
    from_organisation_name: str
    to_organisation_id: int
    to_organisation_name: str
    counter_to_id: int | None
    status: str
    kind: str
    commitment: str
    price_amount: Decimal
    currency: str
    payment_structure: str
    royalty_percent: Decimal | None
    milestones: list[MilestoneOut]
    licence_exclusivity: str
    licence_territory: str
    licence_field: str
    licence_term_months: int | None
    trial_months: int | None
    notes: str
    expires_at: datetime
    created_at: datetime
    deal_id: int | None
    events: list[OfferEventOut]

    @staticmethod
    def resolve_from_organisation_name(obj: Offer) -> str:
        return obj.from_organisation.name

    @staticmethod
    def resolve_to_organisation_name(obj: Offer) -> str:
        return obj.to_organisation.name

    @staticmethod
    def resolve_milestones(obj: Offer) -> list[Any]:
        return list(obj.milestones.all())

    @staticmethod
    def resolve_events(obj: Offer) -> list[Any]:
        return list(obj.events.all())

    @staticmethod
    def resolve_deal_id(obj: Offer) -> int | None:
        return Deal.objects.filter(offer_id=obj.pk).values_list("pk", flat=True).first()


class DocumentOut(Schema):
    id: int
    title: str
    name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime

    @staticmethod
    def resolve_name(obj: ListingDocument) -> str:
        return obj.original_name


class DocumentsOut(Schema):
    listing_id: int
    requires_nda: bool
    nda_text: str
    nda_accepted: bool = Field(description="an organisation of yours accepted the terms")
    can_see: bool = Field(description="documents are listed and can be downloaded")
    count: int
    documents: list[DocumentOut] = Field(description="empty while the documents are hidden")


class NdaIn(Schema):
    organisation_id: Id = Field(description="the organisation you accept the terms for")


class NdaOut(Schema):
    listing_id: int
    organisation_id: int
    user_id: int
    nda_text: str
    ip_address: str | None
    accepted_at: datetime


# --- Threads and messages -------------------------------------------------------------------

def _thread_detail(request: HttpRequest, thread_id: int) -> Thread:
    thread, role = selectors.thread_for(_user(request), thread_id)
    # How the asking user stands in the thread, for ThreadDetailOut.
    thread.my_side = role.side  # type: ignore[attr-defined]
    thread.acting_for_id = role.organisation.pk if role.organisation else None  # type: ignore[attr-defined]
    thread.is_agent = role.is_agent  # type: ignore[attr-defined]
    thread.agent_rows = list(selectors.agents_of(thread))  # type: ignore[attr-defined]
    return thread


@router.get("/threads", response={200: Page[ThreadOut], **ERRORS}, auth=user_auth,
            summary="My negotiations (as buyer, seller or agent; all for operators)")
def thread_list(request: HttpRequest, status: str = "", page: int = 1, size: int = 20) -> dict[str, Any]:
    if status and status not in Thread.Status.values:
        raise ValidationFailed.for_field("status", _("Unknown status; use open or closed."))
    return _page(selectors.threads_of(_user(request), status=status), page, size)


@router.post("/threads", response={201: ThreadDetailOut, **ERRORS}, auth=user_auth,
             summary="Inquire about a published listing (opens or reuses the thread)")
def thread_open(request: HttpRequest, payload: ThreadOpenIn) -> Status[Any]:
    thread = services.thread_open(listing_id=payload.listing_id, actor=_user(request),
                                  organisation_id=payload.organisation_id, message=payload.message)
    return Status(201, _thread_detail(request, thread.pk))


@router.get("/threads/{thread_id}", response={200: ThreadDetailOut, **ERRORS}, auth=user_auth,
            summary="A negotiation")
def thread_detail(request: HttpRequest, thread_id: Id) -> Thread:
    return _thread_detail(request, thread_id)


@router.post("/threads/{thread_id}/close", response={200: ThreadDetailOut, **ERRORS}, auth=user_auth,
             summary="Close a negotiation (parties and operators); an open offer is withdrawn")
def thread_close(request: HttpRequest, thread_id: Id, payload: ReasonIn) -> Thread:
    services.thread_close(thread_id=thread_id, actor=_user(request), reason=payload.reason)
    return _thread_detail(request, thread_id)


@router.post("/threads/{thread_id}/agents", response={201: AgentOut, **ERRORS}, auth=user_auth,
             summary="Add an IP service agency acting for your side (party administrators)")
def thread_agent_add(request: HttpRequest, thread_id: Id, payload: AgentIn) -> Status[ThreadAgent]:
    agent = services.thread_agent_add(thread_id=thread_id, actor=_user(request),
                                      organisation_id=payload.organisation_id)
    return Status(201, agent)


@router.get("/threads/{thread_id}/messages", response={200: Page[MessageOut], **ERRORS}, auth=user_auth,
            summary="Messages of a negotiation, oldest first")
def message_list(request: HttpRequest, thread_id: Id, page: int = 1, size: int = 50) -> dict[str, Any]:
    thread, _role = selectors.thread_for(_user(request), thread_id)
    return _page(selectors.messages_of(thread), page, size)


@router.post("/threads/{thread_id}/messages", response={201: MessageOut, **ERRORS}, auth=user_auth,
             summary="Write a message, with up to 5 attached PDF or picture files (multipart)")
def message_post(request: HttpRequest, thread_id: Id, body: Form[str] = "",
                 files: File[list[UploadedFile]] = None) -> Status[Message]:  # type: ignore[assignment]
    message = services.message_post(thread_id=thread_id, actor=_user(request), body=body, files=files or [])
    return Status(201, selectors.messages_of(message.thread).get(pk=message.pk))


@router.get("/attachments/{attachment_id}", response={200: None, **ERRORS}, auth=user_auth,
            summary="Download a message's attachment")
def attachment_download(request: HttpRequest, attachment_id: Id) -> FileResponse:
    attachment = selectors.attachment_for(_user(request), attachment_id)
    return file_response(attachment.file, name=attachment.original_name, content_type=attachment.content_type)


# --- Offers --------------------------------------------------------------------------------

def _offer(request: HttpRequest, offer_id: int) -> Offer:
    return selectors.offer_for(_user(request), offer_id)


@router.get("/threads/{thread_id}/offers", response={200: list[OfferOut], **ERRORS}, auth=user_auth,
            summary="Offers of a negotiation, oldest first")
def offer_list(request: HttpRequest, thread_id: Id) -> list[Offer]:
    thread, _role = selectors.thread_for(_user(request), thread_id)
    return selectors.offers_of(thread)


@router.post("/threads/{thread_id}/offers", response={201: OfferOut, **ERRORS}, auth=user_auth,
             summary="Make an offer to the other side (parties and their agents)")
def offer_make(request: HttpRequest, thread_id: Id, payload: OfferIn) -> Status[Offer]:
    offer = services.offer_make(thread_id=thread_id, actor=_user(request), terms=payload.terms())
    return Status(201, _offer(request, offer.pk))


@router.get("/offers/{offer_id}", response={200: OfferOut, **ERRORS}, auth=user_auth, summary="An offer")
def offer_detail(request: HttpRequest, offer_id: Id) -> Offer:
    return _offer(request, offer_id)


@router.post("/offers/{offer_id}/counter", response={201: OfferOut, **ERRORS}, auth=user_auth,
             summary="Answer an open offer with new terms (the side it was made to)")
def offer_counter(request: HttpRequest, offer_id: Id, payload: OfferIn) -> Status[Offer]:
    offer = services.offer_counter(offer_id=offer_id, actor=_user(request), terms=payload.terms())
    return Status(201, _offer(request, offer.pk))


@router.post("/offers/{offer_id}/withdraw", response={200: OfferOut, **ERRORS}, auth=user_auth,
             summary="Withdraw your side's open offer")
def offer_withdraw(request: HttpRequest, offer_id: Id, payload: ReasonIn) -> Offer:
    services.offer_withdraw(offer_id=offer_id, actor=_user(request), reason=payload.reason)
    return _offer(request, offer_id)


@router.post("/offers/{offer_id}/reject", response={200: OfferOut, **ERRORS}, auth=user_auth,
             summary="Reject an open offer made to your side")
def offer_reject(request: HttpRequest, offer_id: Id, payload: ReasonIn) -> Offer:
    services.offer_reject(offer_id=offer_id, actor=_user(request), reason=payload.reason)
    return _offer(request, offer_id)


@router.post("/offers/{offer_id}/accept", response={200: OfferOut, **ERRORS}, auth=user_auth,
             summary="Accept an open offer made to your organisation; it becomes a deal (deal_id)")
def offer_accept(request: HttpRequest, offer_id: Id) -> Offer:
    services.offer_accept(offer_id=offer_id, actor=_user(request))
    return _offer(request, offer_id)


# --- Listing documents and NDAs -------------------------------------------------------------

@router.get("/listings/{listing_id}/documents", response={200: DocumentsOut, **ERRORS}, auth=user_auth,
            tags=DOCUMENTS, summary="A listing's detailed documents (hidden until its NDA is accepted)")
def document_list(request: HttpRequest, listing_id: Id) -> dict[str, Any]:
    access, shown = selectors.listing_documents(_user(request), listing_id)
    return {"listing_id": listing_id, "requires_nda": access.listing.requires_nda,
            "nda_text": access.listing.nda_text,
            "nda_accepted": bool(access.accepted), "can_see": access.can_see,
            "count": selectors.document_count(access.listing), "documents": shown}


@router.post("/listings/{listing_id}/documents", response={201: DocumentOut, **ERRORS}, auth=user_auth,
             tags=DOCUMENTS, summary="Add a PDF or picture to your organisation's listing (multipart)")
def document_upload(request: HttpRequest, listing_id: Id, file: File[UploadedFile],
                    title: Form[str] = "") -> Status[ListingDocument]:
    document = documents.listing_document_add(listing_id=listing_id, actor=_user(request), title=title, file=file)
    return Status(201, document)


@router.get("/listings/{listing_id}/documents/{document_id}", response={200: None, **ERRORS}, auth=user_auth,
            tags=DOCUMENTS, summary="Download a listing document (403 until the NDA is accepted)")
def document_download(request: HttpRequest, listing_id: Id, document_id: Id) -> FileResponse:
    document = selectors.document_for_download(_user(request), document_id)
    if document.listing_id != listing_id:
        raise NotFound(_("No such document."))
    return file_response(document.file, name=document.original_name, content_type=document.content_type)


@router.delete("/listings/{listing_id}/documents/{document_id}", response={204: None, **ERRORS},
               auth=user_auth, tags=DOCUMENTS, summary="Remove a document from your organisation's listing")
def document_delete(request: HttpRequest, listing_id: Id, document_id: Id) -> Status[None]:
    if not ListingDocument.objects.filter(pk=document_id, listing_id=listing_id).exists():
        raise NotFound(_("No such document."))
    documents.listing_document_delete(document_id=document_id, actor=_user(request))
    return Status(204, None)


@router.post("/listings/{listing_id}/nda", response={200: NdaOut, **ERRORS}, auth=user_auth, tags=DOCUMENTS,
             summary="Accept a listing's non-disclosure terms for your organisation")
def nda_accept(request: HttpRequest, listing_id: Id, payload: NdaIn) -> NdaAcceptance:
    return services.nda_accept(listing_id=listing_id, actor=_user(request), organisation_id=payload.organisation_id,
                               ip_address=request.META.get("REMOTE_ADDR"))
