"""Reads for negotiation, scoped to what the asking user may see.

Threads, their messages and offers: the parties, their agents and operators (everyone else
gets "not found", see ``ipx.deals.access``). Listing documents: the seller's members and
operators always; other members once their organisation accepted the listing's
non-disclosure terms (when it has any).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ipx.accounts.models import Organisation, User
from ipx.accounts.selectors import memberships_of
from ipx.core.errors import NotAuthenticated, NotFound, PermissionDenied
from ipx.deals.access import Role, access_thread, visible_threads
from ipx.deals.models import Attachment, Message, NdaAcceptance, Offer, OfferEvent, Thread, ThreadAgent
from ipx.deals.negotiation.workflow import OFFER
from ipx.deals.timeline import lines, offer_event_text
from ipx.listings.documents import documents_of
from ipx.listings.models import Listing, ListingDocument
from ipx.listings.selectors import listing_visible

# --- Threads -------------------------------------------------------------------------------

def threads_of(user: User, *, status: str = "") -> QuerySet[Thread]:
    threads = visible_threads(user).select_related("listing", "buyer", "seller")
    if status:
        threads = threads.filter(status=status)
    return threads.order_by("-last_activity_at", "-id")


def thread_for(user: User, thread_id: int) -> tuple[Thread, Role]:
    return access_thread(user, thread_id)


def thread_for_listing(user: User, listing_id: int, organisation_id: int) -> Thread | None:
    """The thread an organisation the user belongs to has about a listing, if any."""
    if not memberships_of(user).filter(organisation_id=organisation_id).exists():
        return None
    return Thread.objects.filter(listing_id=listing_id, buyer_id=organisation_id).first()


def agents_of(thread: Thread) -> QuerySet[ThreadAgent]:
    return ThreadAgent.objects.filter(thread=thread).select_related("organisation").order_by("pk")


def messages_of(thread: Thread) -> QuerySet[Message]:
    return (Message.objects.filter(thread=thread).select_related("author", "organisation")
            .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("pk")))
            .order_by("pk"))


def offers_of(thread: Thread) -> list[Offer]:
    """Every offer of a thread, oldest first, with milestones and events."""
    offers = list(Offer.objects.filter(thread=thread)
                  .select_related("from_organisation", "to_organisation", "created_by")
                  .prefetch_related("milestones", "events", "events__actor")
                  .order_by("pk"))
    for offer in offers:
        offer.thread = thread  # the offer's workflow asks about the thread of each one
    return offers


@dataclass(frozen=True, slots=True)
class HistoryRow:
    """One step of an offer's history in the active language: the statuses it went from and
    to, and the words of what the exchange recorded and of the reason a person gave."""

    event: OfferEvent
    from_status: str
    to_status: str
    texts: list[str]


@dataclass(frozen=True, slots=True)
class OfferCard:
    """An offer as a page shows it to one user."""

    offer: Offer
    is_live: bool  # open and within its time (the periodic run may not have marked it expired yet)
    history: list[HistoryRow]
    allowed_actions: list[str]
    deal_id: int | None


def _offer_status(value: str) -> str:
    return str(Offer.Status(value).label) if value in Offer.Status.values else value


def offer_cards(user: User, thread: Thread, *, now: datetime | None = None) -> list[OfferCard]:
    """The thread's offers, oldest first, with what ``user`` may do with each."""
    now = now or timezone.now()
    deal_ids = dict(thread.deals.values_list("offer_id", "pk"))
    return [
        OfferCard(
            offer=offer,
            is_live=offer.status == Offer.Status.OPEN and offer.expires_at > now,
            history=[HistoryRow(event, _offer_status(event.from_status), _offer_status(event.to_status),
                                lines(offer_event_text(event), event.note)) for event in offer.events.all()],
            allowed_actions=OFFER.allowed_actions(offer, user),
            deal_id=deal_ids.get(offer.pk),
        )
        for offer in offers_of(thread)
    ]


def offer_for(user: User, offer_id: int) -> Offer:
    thread_id = Offer.objects.filter(pk=offer_id).values_list("thread_id", flat=True).first()
    try:
        if thread_id is None:
            raise NotFound(_("No such offer."))
        access_thread(user, thread_id)
    except NotFound:
        raise NotFound(_("No such offer.")) from None
    return (Offer.objects.select_related("from_organisation", "to_organisation", "thread", "thread__listing",
                                         "thread__buyer", "thread__seller")
            .prefetch_related("milestones").get(pk=offer_id))


def attachment_for(user: User, attachment_id: int) -> Attachment:
    attachment = Attachment.objects.select_related("message").filter(pk=attachment_id).first()
    try:
        if attachment is None:
            raise NotFound(_("No such file."))
        access_thread(user, attachment.message.thread_id)
    except NotFound:
        raise NotFound(_("No such file.")) from None
    return attachment


# --- Listing documents and NDAs -------------------------------------------------------------

@dataclass
class DocumentAccess:
    """What a user may see of a listing's documents, and why not."""

    listing: Listing
    is_seller: bool = False
    is_operator: bool = False
    organisations: list[Organisation] = field(default_factory=list)  # the user's, not the seller
    accepted: dict[int, NdaAcceptance] = field(default_factory=dict)  # organisation id → acceptance

    @property
    def is_member(self) -> bool:
        return bool(self.organisations) or self.is_seller

    @property
    def needs_nda(self) -> bool:
        return self.listing.requires_nda and not (self.is_seller or self.is_operator or self.accepted)

    @property
    def can_see(self) -> bool:
        return self.is_seller or self.is_operator or (self.is_member and not self.needs_nda)

    def refusal(self) -> str:
        if not self.is_member:
            return _("Documents are shown to members of organisations registered with the exchange.")
        return _("Accept this listing's non-disclosure agreement for your organisation before opening its "
                 "documents.")


def document_access(user: User | AnonymousUser, listing: Listing) -> DocumentAccess:
    if not isinstance(user, User) or not user.is_authenticated:
        return DocumentAccess(listing=listing)
    memberships = list(memberships_of(user))
    own = [m.organisation for m in memberships if m.organisation_id != listing.organisation_id]
    accepted = {row.organisation_id: row for row in NdaAcceptance.objects.filter(
        listing=listing, organisation_id__in=[o.pk for o in own])} if listing.requires_nda else {}
    return DocumentAccess(listing=listing, is_seller=len(own) < len(memberships), is_operator=user.is_operator,
                          organisations=own, accepted=accepted)


def listing_documents(user: User | AnonymousUser, listing_id: int) -> tuple[DocumentAccess, list[ListingDocument]]:
    """The listing's documents as the user may see them: none while they are hidden."""
    listing = listing_visible(user, listing_id)
    access = document_access(user, listing)
    return access, list(documents_of(listing)) if access.can_see else []


def document_count(listing: Listing) -> int:
    return documents_of(listing).count()


def document_for_download(user: User, document_id: int) -> ListingDocument:
    """The document if the user may open it: 404 when its listing is not visible to them,
    403 with the reason while the documents are hidden."""
    if not user.is_authenticated:
        raise NotAuthenticated(_("Log in to open documents."))
    document = ListingDocument.objects.filter(pk=document_id).first()
    if document is None:
        raise NotFound(_("No such document."))
    try:
        listing = listing_visible(user, document.listing_id)
    except NotFound:
        raise NotFound(_("No such document.")) from None
    access = document_access(user, listing)
    if not access.can_see:
        raise PermissionDenied(access.refusal())
    return document
