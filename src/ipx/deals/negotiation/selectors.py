"""Reads for negotiation, scoped to what the asking user may see.

Threads, their messages and offers: the parties, their agents and operators (everyone else
gets "not found", see ``ipx.deals.access``). Who sees a listing's documents is read by
``ipx.listings.selectors``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ipx.accounts.models import User
from ipx.accounts.selectors import memberships_of
from ipx.core.errors import NotFound
from ipx.deals.access import Role, access_thread, visible_threads
from ipx.deals.models import Attachment, Message, Offer, OfferEvent, Thread, ThreadAgent
from ipx.deals.negotiation.workflow import OFFER
from ipx.deals.timeline import lines, offer_event_text

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
