"""Offers: a party or its agent offers terms to the other side; that side counters, rejects
or (an administrator or signatory of the party itself) accepts, and the offer becomes a deal
(``ipx.deals.contracts``) in the same transaction; the side that made it may withdraw it.
An offer records the IP rights its listing held when it was made: the deal takes those, and
the offer cannot be accepted once the listing's rights are no longer the same.

Who may do what, and from which status, is the ``OFFER`` table (``workflow``). Each step
locks the thread, then the offer. An offer whose time ran out is marked expired in a
transaction of its own before any step on it, so the refusal that follows does not undo
the mark.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ipx.accounts.models import Organisation, User
from ipx.core.errors import NotFound, ValidationFailed
from ipx.deals.access import Role, access_thread
from ipx.deals.contracts.services import deal_create_from_offer
from ipx.deals.models import Deal, Offer, OfferAsset, OfferMilestone, Thread
from ipx.deals.negotiation.services import clean_reason, notify_sides, other_side, party, touch
from ipx.deals.negotiation.terms import OfferTerms
from ipx.deals.negotiation.workflow import OFFER, THREAD, side_of
from ipx.deals.rights import exclusivity_refusal
from ipx.deals.timeline import CAUSE_EXPIRED, moment_param, money_params
from ipx.listings.models import Listing

S = Offer.Status


# --- Expiry ----------------------------------------------------------------------------------

def _expire(offer: Offer) -> None:
    thread = offer.thread
    # The clock, not a person: the offer's time is over (checked on the locked row).
    OFFER.transition(offer, "expire", actor=None, check=False,
                     params={"cause": CAUSE_EXPIRED, "open_until": moment_param(offer.expires_at)})
    notify_sides(thread, [side_of(thread, offer.from_organisation_id)], verb="offer.expired", actor=None,
                 params={"title": thread.subject, **money_params(offer.price)})


def _expire_if_due(offer_ids: Sequence[int], *, now: datetime | None = None) -> int:
    """Mark due offers expired, committed on their own: a refusal afterwards keeps the mark."""
    now = now or timezone.now()
    done = 0
    for offer_id in sorted(offer_ids):
        with transaction.atomic():
            offer = (Offer.objects.select_for_update(of=("self",))
                     .select_related("thread", "thread__buyer", "thread__seller")
                     .filter(pk=offer_id, status=S.OPEN, expires_at__lte=now).first())
            if offer is not None:
                _expire(offer)
                done += 1
    return done


def _due_in_thread(thread_id: int) -> list[int]:
    return list(Offer.objects.filter(thread_id=thread_id, status=S.OPEN, expires_at__lte=timezone.now())
                .values_list("pk", flat=True))


def offers_expire_due(*, now: datetime | None = None) -> int:
    """For a periodic run: every open offer past its time becomes expired; returns how many."""
    now = now or timezone.now()
    due = Offer.objects.filter(status=S.OPEN, expires_at__lte=now).values_list("pk", flat=True)
    return _expire_if_due(list(due), now=now)


# --- Helpers ---------------------------------------------------------------------------------

def _offer_in_thread(actor: User, offer_id: int) -> tuple[Offer, Thread, Role]:
    """Lock the thread, then the offer (always in this order); outsiders learn nothing."""
    thread_id = Offer.objects.filter(pk=offer_id).values_list("thread_id", flat=True).first()
    try:
        if thread_id is None:
            raise NotFound(_("No such offer."))
        thread, role = access_thread(actor, thread_id, for_update=True)
    except NotFound:
        raise NotFound(_("No such offer.")) from None
    offer = (Offer.objects.select_for_update(of=("self",)).select_related("from_organisation", "to_organisation")
             .get(pk=offer_id))
    offer.thread = thread
    return offer, thread, role


def _terms_for(thread: Thread, terms: OfferTerms) -> OfferTerms:
    """The terms, still in the currency of the thread's listing, of a kind it offers and no more
    exclusive than it advertises (read under the lock)."""
    terms.check_currency(thread.listing.currency)
    terms.check_kind(thread.listing.offer_kinds)
    refused = exclusivity_refusal(kind=terms.kind, exclusivity=terms.licence.exclusivity if terms.licence else "",
                                  advertised=thread.listing.licence_exclusivity)
    if refused:
        raise ValidationFailed.for_field("licence_exclusivity", refused)
    return terms


def _create_offer(thread: Thread, *, side: str, actor: User, acting_for: Organisation | None,
                  terms: OfferTerms, counter_to: Offer | None = None) -> Offer:
    offer = Offer.objects.create(thread=thread, from_organisation=party(thread, side),
                                 to_organisation=party(thread, other_side(side)), counter_to=counter_to,
                                 created_by=actor, **terms.columns())
    OfferMilestone.objects.bulk_create([
        OfferMilestone(offer=offer, position=m.position, title=m.title, amount=m.amount, condition=m.condition)
        for m in terms.milestones
    ])
    # What is on offer now is what the offer is about, whatever the listing becomes later.
    OfferAsset.objects.bulk_create([
        OfferAsset(offer=offer, asset_id=asset_id, position=position)
        for asset_id, position in thread.listing.asset_links.order_by("position", "pk")
        .values_list("asset_id", "position")
    ])
    OFFER.record(offer, "make", actor=actor, acting_for=acting_for, from_status="")
    touch(thread)
    return offer


def _tell(thread: Thread, offer: Offer, *, verb: str, to_side: str, actor: User, **more: str) -> None:
    """The other side hears of a step: the negotiation, who made the offer, its price."""
    notify_sides(thread, [to_side], verb=verb, actor=actor, params={
        "title": thread.subject, "maker": offer.from_organisation.name, **money_params(offer.price), **more})


# --- Steps -----------------------------------------------------------------------------------

def offer_make(*, thread_id: int, actor: User, terms: OfferTerms) -> Offer:
    """A party or its agent offers terms to the other side of an open thread about a
    published listing; one open offer per thread at a time. ``terms`` are read by
    ``OfferTerms.parse`` for the listing's currency (a form's or the API's values)."""
    _expire_if_due(_due_in_thread(thread_id))
    return _offer_make(thread_id=thread_id, actor=actor, terms=terms)


@transaction.atomic
def _offer_make(*, thread_id: int, actor: User, terms: OfferTerms) -> Offer:
    thread, role = access_thread(actor, thread_id, for_update=True)
    THREAD.check(thread, "offer", actor)
    checked = _terms_for(thread, terms)
    offer = _create_offer(thread, side=role.side, actor=actor, acting_for=role.organisation, terms=checked)
    _tell(thread, offer, verb="offer.received", to_side=other_side(role.side), actor=actor)
    return offer


def offer_counter(*, offer_id: int, actor: User, terms: OfferTerms) -> Offer:
    """The side an open offer was made to answers with new terms; returns the new offer."""
    _expire_if_due([offer_id])
    return _offer_counter(offer_id=offer_id, actor=actor, terms=terms)


@transaction.atomic
def _offer_counter(*, offer_id: int, actor: User, terms: OfferTerms) -> Offer:
    offer, thread, role = _offer_in_thread(actor, offer_id)
    OFFER.check(offer, "counter", actor)
    # The new terms are checked before the old offer changes, so a refusal leaves both as they were.
    checked = _terms_for(thread, terms)
    OFFER.transition(offer, "counter", actor=actor, acting_for=role.organisation)
    counter = _create_offer(thread, side=role.side, actor=actor, acting_for=role.organisation, terms=checked,
                            counter_to=offer)
    _tell(thread, counter, verb="offer.countered", to_side=other_side(role.side), actor=actor)
    return counter


def offer_withdraw(*, offer_id: int, actor: User, reason: str = "") -> Offer:
    """The side that made an open offer (a party or its agent) takes it back."""
    _expire_if_due([offer_id])
    return _offer_end(offer_id=offer_id, actor=actor, reason=reason, step="withdraw", verb="offer.withdrawn")


def offer_reject(*, offer_id: int, actor: User, reason: str = "") -> Offer:
    """The side an open offer was made to (a party or its agent) turns it down; the reason,
    if any, is told to the side that made it."""
    _expire_if_due([offer_id])
    return _offer_end(offer_id=offer_id, actor=actor, reason=reason, step="reject", verb="offer.rejected",
                      tell_reason=True)


@transaction.atomic
def _offer_end(*, offer_id: int, actor: User, reason: str, step: str, verb: str, tell_reason: bool = False) -> Offer:
    """Withdraw or reject: the offer ends with the reason a person gave, the other side hears."""
    offer, thread, role = _offer_in_thread(actor, offer_id)
    OFFER.check(offer, step, actor)
    note = clean_reason(reason)
    OFFER.transition(offer, step, actor=actor, note=note, acting_for=role.organisation)
    touch(thread)
    _tell(thread, offer, verb=verb, to_side=other_side(role.side), actor=actor,
          **({"reason": note} if tell_reason else {}))
    return offer


def offer_accept(*, offer_id: int, actor: User) -> Deal:
    """An administrator or signatory of the organisation an open offer was made to accepts it
    (agents and other members cannot); the offer becomes a deal on its terms and IP rights,
    unless the listing's rights changed since. Returns the deal."""
    _expire_if_due([offer_id])
    return _offer_accept(offer_id=offer_id, actor=actor)


@transaction.atomic
def _offer_accept(*, offer_id: int, actor: User) -> Deal:
    # The listing's row first (before the thread's, the order an auction's sale takes): an
    # operator adding the listing to a lot at the same moment waits, or is waited for, so the
    # listing is either sold by this offer or held by the lot, never both.
    listing_id = Offer.objects.filter(pk=offer_id).values_list("thread__listing_id", flat=True).first()
    list(Listing.objects.select_for_update(of=("self",)).filter(pk=listing_id or 0).values_list("pk", flat=True))
    offer, thread, role = _offer_in_thread(actor, offer_id)
    OFFER.transition(offer, "accept", actor=actor, acting_for=role.organisation)
    touch(thread)
    deal = deal_create_from_offer(offer=offer, actor=actor)
    _tell(thread, offer, verb="offer.accepted", to_side=other_side(role.side), actor=actor)
    return deal
