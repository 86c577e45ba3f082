"""Writes for negotiation: inquiries and threads, messages with attachments, agents, the
non-disclosure agreements of listings, and offers.

Threads: an inquiry opens the one thread between a buyer organisation and the seller of a
listing (or reuses it); the parties, their agents and operators post; a party or an
operator closes it.

Offers move open → withdrawn / rejected / countered / accepted / expired and nothing else.
Each transition locks the thread and then the offer, checks ``TRANSITIONS`` and writes an
OfferEvent. An offer whose time ran out is marked expired (in a transaction of its own)
before any action on it, so the refusal that follows does not undo the mark. Accepting an
offer turns it into a deal (``ipx.deals.contracts``) in the same transaction.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from ipx.accounts.models import Organisation, User
from ipx.accounts.selectors import access_organisation
from ipx.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from ipx.core.uploads import check_uploads
from ipx.core.validation import FieldErrors, clean_text
from ipx.deals.access import Role, access_thread, side_label
from ipx.deals.contracts.services import deal_create_from_offer
from ipx.deals.models import (
    Attachment,
    Deal,
    Message,
    NdaAcceptance,
    Offer,
    OfferEvent,
    OfferMilestone,
    Thread,
    ThreadAgent,
)
from ipx.deals.negotiation.terms import OfferTerms, clean_offer_terms
from ipx.deals.timeline import CAUSE_EXPIRED, CAUSE_THREAD_CLOSED, moment_param
from ipx.listings.models import Listing
from ipx.listings.selectors import listing_visible
from ipx.notifications.services import notify

MAX_MESSAGE_LENGTH = 10_000
MAX_REASON_LENGTH = 2000

S = Offer.Status
TRANSITIONS: dict[str, set[str]] = {
    S.OPEN: {S.WITHDRAWN, S.REJECTED, S.COUNTERED, S.ACCEPTED, S.EXPIRED},
    S.WITHDRAWN: set(),
    S.REJECTED: set(),
    S.COUNTERED: set(),
    S.ACCEPTED: set(),
    S.EXPIRED: set(),
}


# --- Helpers -------------------------------------------------------------------------------

def thread_url(thread: Thread | int) -> str:
    return reverse("negotiation:thread", args=[thread if isinstance(thread, int) else thread.pk])


def _other(side: str) -> str:
    return "seller" if side == "buyer" else "buyer"


def _party(thread: Thread, side: str) -> Organisation:
    return thread.buyer if side == "buyer" else thread.seller


def side_of(thread: Thread, organisation_id: int) -> str:
    return "buyer" if organisation_id == thread.buyer_id else "seller"


def _notify_sides(thread: Thread, sides: Sequence[str], *, verb: str, title: Callable[[], str],
                  body: Callable[[], str], actor: User | None) -> None:
    """Every member of the parties on ``sides`` and of the agencies acting for them."""
    organisations: list[Organisation] = [_party(thread, side) for side in sides]
    agencies = ThreadAgent.objects.filter(thread=thread, side__in=list(sides)).select_related("organisation")
    organisations += [agent.organisation for agent in agencies.order_by("pk")]
    notify(verb=verb, title=title, body=body, url=thread_url(thread), organisations=organisations, exclude=actor)


def _touch(thread: Thread) -> None:
    thread.last_activity_at = timezone.now()
    thread.save(update_fields=["last_activity_at"])


def _require_open_thread(thread: Thread) -> None:
    if thread.status != Thread.Status.OPEN:
        raise Conflict(_("This negotiation is closed."))


def _require_published(listing: Listing) -> None:
    if listing.status != Listing.Status.PUBLISHED:
        raise Conflict(_("The listing is no longer on offer (it is %(status)s).")
                       % {"status": listing.get_status_display()})


def _require_side(role: Role) -> str:
    if not role.side:
        raise PermissionDenied(_("Only the buyer, the seller or their agents may do this."))
    return role.side


def _clean_message(body: object, *, has_files: bool, errors: FieldErrors) -> str:
    text = clean_text(body, field="body", errors=errors, required=False, max_length=MAX_MESSAGE_LENGTH)
    if not text and not has_files and "body" not in errors.errors:
        errors.add("body", _("Write a message or attach a file."))
    return text


def _clean_reason(reason: object) -> str:
    errors = FieldErrors()
    text = clean_text(reason, field="reason", errors=errors, required=False, max_length=MAX_REASON_LENGTH)
    errors.raise_if_any()
    return text


def _store_message(thread: Thread, *, author: User, organisation: Organisation | None, body: str,
                   files: Sequence[Any]) -> Message:
    message = Message.objects.create(thread=thread, author=author, organisation=organisation, body=body)
    for checked in files:
        attachment = Attachment(message=message, original_name=checked.name, content_type=checked.content_type,
                                extension=checked.extension, size=checked.size, sha256=checked.sha256)
        attachment.file.save(checked.name, checked.as_django_file(), save=False)
        attachment.save()
    _touch(thread)
    return message


# --- Threads -------------------------------------------------------------------------------

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
    _require_published(listing)
    errors = FieldErrors()
    body = _clean_message(message, has_files=False, errors=errors)
    errors.raise_if_any()

    thread = Thread.objects.select_for_update().filter(listing=listing, buyer=buyer).first()
    created = False
    if thread is None:
        try:
            with transaction.atomic():
                thread = Thread.objects.create(listing=listing, buyer=buyer, seller=listing.organisation,
                                               subject=listing.title[:200], created_by=actor)
                created = True
        except IntegrityError:
            # Someone of the same buyer opened it a moment ago: use theirs.
            thread = Thread.objects.select_for_update().get(listing=listing, buyer=buyer)
    elif thread.status == Thread.Status.CLOSED:
        thread.status = Thread.Status.OPEN
        thread.save(update_fields=["status"])
    _store_message(thread, author=actor, organisation=buyer, body=body, files=())
    title = listing.title
    buyer_name = buyer.name
    _notify_sides(
        thread, ["seller"], verb="thread.inquiry" if created else "message.posted", actor=actor,
        title=lambda: _("New inquiry about “%(title)s”") % {"title": title},
        body=lambda: _("%(buyer)s wrote: %(text)s") % {"buyer": buyer_name, "text": body[:500]},
    )
    return thread


@transaction.atomic
def message_post(*, thread_id: int, actor: User, body: str, files: Sequence[IO[bytes] | Any] = ()) -> Message:
    """A party, an agent or an operator writes in an open thread, with up to five attachments."""
    thread, role = access_thread(actor, thread_id, for_update=True)
    _require_open_thread(thread)
    errors = FieldErrors()
    text = _clean_message(body, has_files=bool(files), errors=errors)
    checked = []
    if files:
        try:
            checked = check_uploads(list(files), field="files")
        except ValidationFailed as exc:
            errors.collect(exc)
    errors.raise_if_any()
    message = _store_message(thread, author=actor, organisation=role.organisation, body=text, files=checked)
    sides = [_other(role.side)] if role.side else ["buyer", "seller"]
    writer = role.organisation.name if role.organisation else _("The exchange operator")
    subject = thread.subject
    count = len(checked)
    _notify_sides(
        thread, sides, verb="message.posted", actor=actor,
        title=lambda: _("New message about “%(title)s”") % {"title": subject},
        body=lambda: (_("%(writer)s wrote: %(text)s") % {"writer": writer, "text": text[:500]}
                      if text else ngettext("%(writer)s sent %(n)d file.", "%(writer)s sent %(n)d files.", count)
                      % {"writer": writer, "n": count}),
    )
    return message


@transaction.atomic
def thread_agent_add(*, thread_id: int, actor: User, organisation_id: int) -> ThreadAgent:
    """An administrator of a party adds an IP service agency to act for their side."""
    thread, role = access_thread(actor, thread_id, for_update=True)
    if not role.is_party or role.organisation is None:
        raise PermissionDenied(_("Only an administrator of the buyer or the seller may add an agent."))
    access_organisation(actor, role.organisation.pk, admin=True)
    _require_open_thread(thread)
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
    _touch(thread)
    party_name, agency_name, subject = role.organisation.name, agency.name, thread.subject
    notify(verb="thread.agent_added", url=thread_url(thread), organisations=[agency], exclude=actor,
           title=lambda: _("%(party)s asks you to act in “%(title)s”") % {"party": party_name, "title": subject},
           body=lambda: _("%(party)s added %(agency)s as its agent in the negotiation “%(title)s”.")
           % {"party": party_name, "agency": agency_name, "title": subject})
    _notify_sides(thread, [_other(role.side)], verb="thread.agent_added", actor=actor,
                  title=lambda: _("%(agency)s acts for %(party)s") % {"agency": agency_name, "party": party_name},
                  body=lambda: _("%(party)s added %(agency)s as its agent in the negotiation “%(title)s”.")
                  % {"party": party_name, "agency": agency_name, "title": subject})
    return agent


@transaction.atomic
def thread_agent_remove(*, thread_id: int, actor: User, organisation_id: int) -> None:
    """An administrator of a party removes an agency acting for their own side."""
    thread, role = access_thread(actor, thread_id, for_update=True)
    if not role.is_party or role.organisation is None:
        raise PermissionDenied(_("Only an administrator of the buyer or the seller may remove an agent."))
    access_organisation(actor, role.organisation.pk, admin=True)
    agent = ThreadAgent.objects.filter(thread=thread, organisation_id=organisation_id, side=role.side).first()
    if agent is None:
        raise NotFound(_("No such agent for your side."))
    agent.delete()
    _touch(thread)


@transaction.atomic
def thread_close(*, thread_id: int, actor: User, reason: str = "") -> Thread:
    """A party or an operator ends the negotiation; an open offer in it is withdrawn."""
    thread, role = access_thread(actor, thread_id, for_update=True)
    if not (role.is_party or role.is_operator):
        raise PermissionDenied(_("Only the buyer, the seller or an operator may close a negotiation."))
    if thread.status != Thread.Status.OPEN:
        raise InvalidTransition(_("This negotiation is already closed."))
    note = _clean_reason(reason)
    for offer in Offer.objects.select_for_update().filter(thread=thread, status=S.OPEN).order_by("pk"):
        _transition(offer, S.WITHDRAWN, actor=actor, params={"cause": CAUSE_THREAD_CLOSED})
    thread.status = Thread.Status.CLOSED
    thread.last_activity_at = timezone.now()
    thread.save(update_fields=["status", "last_activity_at"])
    closer = role.organisation.name if role.organisation else _("The exchange operator")
    subject = thread.subject
    _notify_sides(thread, ["buyer", "seller"], verb="thread.closed", actor=actor,
                  title=lambda: _("Negotiation closed: “%(title)s”") % {"title": subject},
                  body=lambda: (_("%(who)s closed the negotiation: %(reason)s") % {"who": closer, "reason": note}
                                if note else _("%(who)s closed the negotiation.") % {"who": closer}))
    return thread


# --- Non-disclosure agreements -------------------------------------------------------------

def _clean_ip(value: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


@transaction.atomic
def nda_accept(*, listing_id: int, actor: User, organisation_id: int, ip_address: str | None = None) -> NdaAcceptance:
    """A member accepts a listing's non-disclosure terms for their organisation; the text
    accepted, who, when and from which address are kept. Accepting again changes nothing."""
    organisation = access_organisation(actor, organisation_id)
    listing = listing_visible(actor, listing_id)
    if not listing.requires_nda:
        raise Conflict(_("This listing's documents need no non-disclosure agreement."))
    if listing.organisation_id == organisation.pk:
        raise Conflict(_("The seller does not accept its own non-disclosure terms."))
    if not organisation.is_verified:
        raise PermissionDenied(_("%(name)s is not verified yet; it can accept non-disclosure terms once the "
                                 "operator has verified it.") % {"name": organisation.name})
    existing = NdaAcceptance.objects.filter(listing=listing, organisation=organisation).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            acceptance = NdaAcceptance.objects.create(listing=listing, organisation=organisation, user=actor,
                                                      nda_text=listing.nda_text, ip_address=_clean_ip(ip_address))
    except IntegrityError:
        return NdaAcceptance.objects.get(listing=listing, organisation=organisation)
    name, title = organisation.name, listing.title
    notify(verb="nda.accepted", url=reverse("listings:detail", args=[listing.pk]),
           organisations=[listing.organisation], exclude=actor,
           title=lambda: _("%(name)s accepted the NDA of “%(title)s”") % {"name": name, "title": title},
           body=lambda: _("%(name)s accepted the non-disclosure terms of your listing “%(title)s” and can now see "
                          "its documents.") % {"name": name, "title": title})
    return acceptance


# --- Offers --------------------------------------------------------------------------------

def _record(offer: Offer, *, from_status: str, actor: User | None, note: str = "",
            params: dict[str, Any] | None = None) -> None:
    """``note`` is only what a person typed; what the system records goes in ``params``, put
    into words in each reader's language when shown (``ipx.deals.timeline``)."""
    OfferEvent.objects.create(offer=offer, from_status=from_status, to_status=offer.status, actor=actor, note=note,
                              params=params or {})


def _when(moment: datetime) -> str:
    return str(formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT"))


def _closed_sentence(offer: Offer) -> str:
    """Why the offer cannot change any more: one whole sentence per status."""
    if offer.status == S.EXPIRED:
        return _("This offer expired on %(when)s.") % {"when": _when(offer.expires_at)}
    sentences: dict[str, str] = {
        S.WITHDRAWN: _("This offer was withdrawn."),
        S.REJECTED: _("This offer was rejected."),
        S.COUNTERED: _("This offer was answered with a counter-offer."),
        S.ACCEPTED: _("This offer was accepted."),
    }
    return sentences[offer.status]


def _refused_sentence(to_status: str) -> str:
    """What can no longer be done: one whole sentence per action."""
    sentences: dict[str, str] = {
        S.WITHDRAWN: _("It can no longer be withdrawn."),
        S.REJECTED: _("It can no longer be rejected."),
        S.COUNTERED: _("It can no longer be countered."),
        S.ACCEPTED: _("It can no longer be accepted."),
    }
    return sentences[to_status]


def _check_transition(offer: Offer, to_status: str) -> None:
    if to_status in TRANSITIONS[offer.status]:
        return
    # Two whole sentences, joined as each language joins sentences (Chinese: no space).
    message = pgettext("two sentences", "%(first)s %(second)s") % {
        "first": _closed_sentence(offer), "second": _refused_sentence(to_status)}
    if offer.status == S.EXPIRED:
        raise Conflict(message, code="offer_expired")
    raise InvalidTransition(message)


def _transition(offer: Offer, to_status: str, *, actor: User | None, note: str = "",
                params: dict[str, Any] | None = None) -> Offer:
    previous = offer.status
    offer.status = to_status
    offer.save(update_fields=["status"])
    _record(offer, from_status=previous, actor=actor, note=note, params=params)
    return offer


def _expire(offer: Offer) -> None:
    _transition(offer, S.EXPIRED, actor=None,
                params={"cause": CAUSE_EXPIRED, "open_until": moment_param(offer.expires_at)})
    thread = offer.thread
    subject = thread.subject
    _notify_sides(thread, [side_of(thread, offer.from_organisation_id)], verb="offer.expired", actor=None,
                  title=lambda: _("Your offer on “%(title)s” expired") % {"title": subject},
                  body=lambda: _("Your offer of %(price)s expired without an answer.") % {"price": str(offer.price)})


def _expire_if_due(offer_ids: Sequence[int], *, now: datetime | None = None) -> int:
    """Mark due offers expired, committed on their own: a refusal afterwards keeps the mark."""
    now = now or timezone.now()
    done = 0
    for offer_id in sorted(offer_ids):
        with transaction.atomic():
            offer = (Offer.objects.select_for_update(of=("self",)).select_related("thread", "thread__buyer",
                                                                                  "thread__seller")
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


def _offer_in_thread(actor: User, offer_id: int) -> tuple[Offer, Thread, Role]:
    """Lock the thread, then the offer (always in this order); outsiders learn nothing."""
    thread_id = Offer.objects.filter(pk=offer_id).values_list("thread_id", flat=True).first()
    try:
        if thread_id is None:
            raise NotFound(_("No such offer."))
        thread, role = access_thread(actor, thread_id, for_update=True)
    except NotFound:
        raise NotFound(_("No such offer.")) from None
    offer = Offer.objects.select_for_update().get(pk=offer_id)
    offer.thread = thread
    return offer, thread, role


def _create_offer(thread: Thread, *, side: str, actor: User, cleaned: OfferTerms,
                  counter_to: Offer | None = None) -> Offer:
    offer = Offer.objects.create(thread=thread, from_organisation=_party(thread, side),
                                 to_organisation=_party(thread, _other(side)), counter_to=counter_to,
                                 created_by=actor, **cleaned.fields)
    OfferMilestone.objects.bulk_create([
        OfferMilestone(offer=offer, position=m.position, title=m.title, amount=m.amount, condition=m.condition)
        for m in cleaned.milestones
    ])
    _record(offer, from_status="", actor=actor)
    _touch(thread)
    return offer


def _offer_notice(thread: Thread, offer: Offer, *, verb: str, actor: User,
                  title: Callable[[str], str], body: Callable[[str, str], str], to_side: str) -> None:
    subject, price, maker = thread.subject, str(offer.price), offer.from_organisation.name
    _notify_sides(thread, [to_side], verb=verb, actor=actor, title=lambda: title(subject),
                  body=lambda: body(maker, price))


def offer_make(*, thread_id: int, actor: User, terms: dict[str, Any]) -> Offer:
    """A party or its agent offers terms to the other side of an open thread about a
    published listing; one open offer per thread at a time."""
    _expire_if_due(_due_in_thread(thread_id))
    return _offer_make(thread_id=thread_id, actor=actor, terms=terms)


@transaction.atomic
def _offer_make(*, thread_id: int, actor: User, terms: dict[str, Any]) -> Offer:
    thread, role = access_thread(actor, thread_id, for_update=True)
    side = _require_side(role)
    _require_open_thread(thread)
    _require_published(thread.listing)
    if Offer.objects.filter(thread=thread, status=S.OPEN).exists():
        raise Conflict(_("An offer is already open in this negotiation; it must be answered, withdrawn or expire "
                         "before a new one is made."))
    offer = _create_offer(thread, side=side, actor=actor, cleaned=clean_offer_terms(terms, thread.listing))
    _offer_notice(thread, offer, verb="offer.received", actor=actor, to_side=_other(side),
                  title=lambda subject: _("New offer on “%(title)s”") % {"title": subject},
                  body=lambda maker, price: _("%(maker)s offers %(price)s.") % {"maker": maker, "price": price})
    return offer


def _receiving_side(thread: Thread, offer: Offer) -> str:
    return side_of(thread, offer.to_organisation_id)


def offer_counter(*, offer_id: int, actor: User, terms: dict[str, Any]) -> Offer:
    """The side an open offer was made to answers with new terms; returns the new offer."""
    _expire_if_due([offer_id])
    return _offer_counter(offer_id=offer_id, actor=actor, terms=terms)


@transaction.atomic
def _offer_counter(*, offer_id: int, actor: User, terms: dict[str, Any]) -> Offer:
    offer, thread, role = _offer_in_thread(actor, offer_id)
    side = _receiving_side(thread, offer)
    if role.side != side:
        raise PermissionDenied(_("Only the %(side)s, to whom this offer was made, or its agent may counter it.")
                               % {"side": side_label(side)})
    _check_transition(offer, S.COUNTERED)
    _require_open_thread(thread)
    _require_published(thread.listing)
    # The new terms are checked before the old offer changes, so a refusal leaves both as they were.
    cleaned = clean_offer_terms(terms, thread.listing)
    _transition(offer, S.COUNTERED, actor=actor)
    counter = _create_offer(thread, side=side, actor=actor, cleaned=cleaned, counter_to=offer)
    _offer_notice(thread, counter, verb="offer.countered", actor=actor, to_side=_other(side),
                  title=lambda subject: _("Counter-offer on “%(title)s”") % {"title": subject},
                  body=lambda maker, price: _("%(maker)s answers your offer with %(price)s.")
                  % {"maker": maker, "price": price})
    return counter


def offer_withdraw(*, offer_id: int, actor: User, reason: str = "") -> Offer:
    """The side that made an open offer (a party or its agent) takes it back."""
    _expire_if_due([offer_id])
    return _offer_withdraw(offer_id=offer_id, actor=actor, reason=reason)


@transaction.atomic
def _offer_withdraw(*, offer_id: int, actor: User, reason: str) -> Offer:
    offer, thread, role = _offer_in_thread(actor, offer_id)
    side = side_of(thread, offer.from_organisation_id)
    if role.side != side:
        raise PermissionDenied(_("Only the side that made an offer may withdraw it."))
    _check_transition(offer, S.WITHDRAWN)
    note = _clean_reason(reason)
    _transition(offer, S.WITHDRAWN, actor=actor, note=note)
    _touch(thread)
    _offer_notice(thread, offer, verb="offer.withdrawn", actor=actor, to_side=_other(side),
                  title=lambda subject: _("Offer withdrawn on “%(title)s”") % {"title": subject},
                  body=lambda maker, price: _("%(maker)s withdrew its offer of %(price)s.")
                  % {"maker": maker, "price": price})
    return offer


def offer_reject(*, offer_id: int, actor: User, reason: str = "") -> Offer:
    """The side an open offer was made to (a party or its agent) turns it down."""
    _expire_if_due([offer_id])
    return _offer_reject(offer_id=offer_id, actor=actor, reason=reason)


@transaction.atomic
def _offer_reject(*, offer_id: int, actor: User, reason: str) -> Offer:
    offer, thread, role = _offer_in_thread(actor, offer_id)
    side = _receiving_side(thread, offer)
    if role.side != side:
        raise PermissionDenied(_("Only the %(side)s, to whom this offer was made, or its agent may reject it.")
                               % {"side": side_label(side)})
    _check_transition(offer, S.REJECTED)
    note = _clean_reason(reason)
    _transition(offer, S.REJECTED, actor=actor, note=note)
    _touch(thread)
    _offer_notice(thread, offer, verb="offer.rejected", actor=actor, to_side=_other(side),
                  title=lambda subject: _("Offer rejected on “%(title)s”") % {"title": subject},
                  body=lambda maker, price: (_("Your offer of %(price)s was rejected: %(reason)s")
                                             % {"price": price, "reason": note} if note else
                                             _("Your offer of %(price)s was rejected.") % {"price": price}))
    return offer


def offer_accept(*, offer_id: int, actor: User) -> Deal:
    """A member of the organisation an open offer was made to accepts it (agents cannot);
    the offer becomes a deal on its terms. Returns the deal."""
    _expire_if_due([offer_id])
    return _offer_accept(offer_id=offer_id, actor=actor)


@transaction.atomic
def _offer_accept(*, offer_id: int, actor: User) -> Deal:
    offer, thread, role = _offer_in_thread(actor, offer_id)
    side = _receiving_side(thread, offer)
    if role.side != side or not role.is_party:
        if role.side == side and role.is_agent:
            raise PermissionDenied(_("An agent cannot accept an offer; a member of %(party)s must accept it.")
                                   % {"party": offer.to_organisation.name})
        raise PermissionDenied(_("Only a member of %(party)s, to whom this offer was made, may accept it.")
                               % {"party": offer.to_organisation.name})
    _check_transition(offer, S.ACCEPTED)
    _require_open_thread(thread)
    _require_published(thread.listing)
    _transition(offer, S.ACCEPTED, actor=actor)
    _touch(thread)
    deal = deal_create_from_offer(offer=offer, actor=actor)
    _offer_notice(thread, offer, verb="offer.accepted", actor=actor, to_side=_other(side),
                  title=lambda subject: _("Offer accepted on “%(title)s”") % {"title": subject},
                  body=lambda maker, price: _("Your offer of %(price)s was accepted; the deal is ready to sign.")
                  % {"price": price})
    return deal
