"""Threads: an inquiry opens the one thread between a buyer organisation and the seller of a
listing (or opens it again); party administrators add and remove agents for their side; a
party or an operator closes it, withdrawing the offer still open in it."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ipx.accounts.models import Organisation, User
from ipx.accounts.selectors import access_organisation
from ipx.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from ipx.core.validation import FieldErrors
from ipx.deals.access import access_thread
from ipx.deals.models import Offer, Thread, ThreadAgent
from ipx.deals.negotiation.messages import NOTICE_TEXT_LENGTH, clean_message, store_message
from ipx.deals.negotiation.services import clean_reason, notify_sides, other_side, party, thread_url, touch
from ipx.deals.negotiation.workflow import OFFER, THREAD, listing_not_on_offer
from ipx.deals.timeline import CAUSE_THREAD_CLOSED
from ipx.listings.models import Listing
from ipx.listings.selectors import listing_visible
from ipx.notifications.services import notify


def thread_about(listing: Listing, buyer: Organisation, actor: User) -> tuple[Thread, bool]:
    """The buyer's thread about ``listing``, locked, and whether it was made just now."""
    thread = Thread.objects.select_for_update().filter(listing=listing, buyer=buyer).first()
    if thread is not None:
        return thread, False
    try:
        with transaction.atomic():
            return Thread.objects.create(listing=listing, buyer=buyer, seller=listing.organisation,
                                         subject=listing.title[:200], created_by=actor), True
    except IntegrityError:
        # Someone of the same buyer opened it a moment ago: use theirs.
        return Thread.objects.select_for_update().get(listing=listing, buyer=buyer), False


@transaction.atomic
def thread_open(*, listing_id: int, actor: User, organisation_id: int, message: str) -> Thread:
    """An inquiry about a published listing from a member of another verified organisation:
    opens the one thread between that buyer and the seller (or reuses it, reopening it if it
    was closed) with ``message`` as the next message."""
    buyer = access_organisation(actor, organisation_id)
    listing = listing_visible(actor, listing_id)
    if not buyer.is_verified:
        raise PermissionDenied(_("%(name)s is not verified yet; it can make inquiries once the operator has "
                                 "verified it.") % {"name": buyer.name})
    if listing.organisation_id == buyer.pk:
        raise PermissionDenied(_("This is your own organisation's listing."))
    refusal = listing_not_on_offer(listing)
    if refusal is not None:
        raise refusal.exception()
    errors = FieldErrors()
    body = clean_message(message, has_files=False, errors=errors)
    errors.raise_if_any()

    thread, created = thread_about(listing, buyer, actor)
    if created:
        THREAD.record(thread, "open", actor=actor, acting_for=buyer, from_status="")
    elif thread.status == Thread.Status.CLOSED:
        # The inquiry's rules were checked above; the table offers no button of its own for this.
        THREAD.transition(thread, "reopen", actor=actor, acting_for=buyer, check=False)
    store_message(thread, author=actor, organisation=buyer, body=body, files=())
    params = {"title": listing.title, "writer": buyer.name, "text": body[:NOTICE_TEXT_LENGTH]}
    if created:
        notify_sides(thread, ["seller"], verb="thread.inquiry", params=params, actor=actor)
    else:
        notify_sides(thread, ["seller"], verb="message.posted", params=params | {"files": 0, "inquiry": True},
                     actor=actor)
    return thread


@transaction.atomic
def thread_agent_add(*, thread_id: int, actor: User, organisation_id: int) -> ThreadAgent:
    """An administrator of a party adds an IP service agency to act for their side."""
    thread, role = access_thread(actor, thread_id, for_update=True)
    THREAD.check(thread, "add_agent", actor)
    agency = Organisation.objects.filter(pk=organisation_id).first()
    if agency is None:
        raise ValidationFailed.for_field("organisation_id", _("No such organisation."))
    if agency.kind != Organisation.Kind.AGENCY:
        raise ValidationFailed.for_field("organisation_id", _("%(name)s is not an IP service agency; only agencies "
                                                              "can act for a side.") % {"name": agency.name})
    if not agency.is_verified:
        raise ValidationFailed.for_field("organisation_id", _("%(name)s is not verified yet.") % {"name": agency.name})
    if agency.pk in (thread.buyer_id, thread.seller_id):
        raise ValidationFailed.for_field("organisation_id", _("A party cannot be its own agent."))
    existing = ThreadAgent.objects.filter(thread=thread, organisation=agency).first()
    if existing is not None:
        raise Conflict(_("%(name)s already acts in this negotiation (%(side)s).")
                       % {"name": agency.name, "side": existing.get_side_display()},
                       fields={"organisation_id": _("Already an agent here.")})
    agent = ThreadAgent.objects.create(thread=thread, organisation=agency, side=role.side, added_by=actor)
    touch(thread)
    params = {"title": thread.subject, "party": party(thread, role.side).name, "agency": agency.name}
    notify(verb="thread.agent_added", params=params | {"to_agency": True}, url=thread_url(thread),
           organisations=[agency], exclude=actor)
    notify_sides(thread, [other_side(role.side)], verb="thread.agent_added", params=params, actor=actor)
    return agent


@transaction.atomic
def thread_agent_remove(*, thread_id: int, actor: User, organisation_id: int) -> None:
    """An administrator of a party removes an agency acting for their own side."""
    thread, role = access_thread(actor, thread_id, for_update=True)
    THREAD.check(thread, "remove_agent", actor)
    agent = ThreadAgent.objects.filter(thread=thread, organisation_id=organisation_id, side=role.side).first()
    if agent is None:
        raise NotFound(_("No such agent for your side."))
    agent.delete()
    touch(thread)


@transaction.atomic
def thread_close(*, thread_id: int, actor: User, reason: str = "") -> Thread:
    """A party or an operator ends the negotiation; an open offer in it is withdrawn."""
    thread, role = access_thread(actor, thread_id, for_update=True)
    THREAD.check(thread, "close", actor)
    note = clean_reason(reason)
    for offer in Offer.objects.select_for_update().filter(thread=thread, status=Offer.Status.OPEN).order_by("pk"):
        offer.thread = thread
        # The thread's rule (who may close it) was checked; the offer goes with it.
        OFFER.transition(offer, "withdraw", actor=actor, acting_for=role.organisation, check=False,
                         params={"cause": CAUSE_THREAD_CLOSED})
    thread.last_activity_at = timezone.now()
    THREAD.transition(thread, "close", actor=actor, note=note, acting_for=role.organisation,
                      fields=["last_activity_at"])
    notify_sides(thread, ["buyer", "seller"], verb="thread.closed", actor=actor, params={
        "title": thread.subject, "writer": role.organisation.name if role.organisation else "", "reason": note})
    return thread
