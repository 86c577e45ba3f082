"""The negotiation's two tables on the workflow kernel: a thread's and an offer's.

THREAD: open → closed (a party or an operator closes it; an open offer in it is withdrawn);
closed → open again only through a new inquiry of its buyer (``thread_open``). The steps
that leave the thread open and keep rows of their own (a message, an offer, an agent) are
in the table too, without a target: the page's buttons and the API's ``allowed_actions``
come from it, and the services check the same rows.

OFFER: open → withdrawn (by the side that made it) / rejected, countered, accepted (by the
side it was made to; only an administrator or a signatory of that party accepts, since
accepting commits it: other members and agents negotiate but do not accept) / expired (by
the clock, never by a person). Offers are answered only while the thread is open, countered
and accepted only while the listing is on offer, accepted only while the listing holds the
IP rights the offer was made on, and nothing is done to an offer past its time: the
services mark it expired first, in a transaction of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from ipx.accounts.models import Membership
from ipx.catalog.rights import offer_refusal_message
from ipx.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied
from ipx.core.workflow import Action, Attempt, Guard, Refusal, Workflow
from ipx.deals.access import Role, role_in_thread, side_label
from ipx.deals.models import Offer, OfferEvent, Thread, ThreadEvent
from ipx.deals.negotiation.taking import not_in_auction, rights_free, rights_not_taken
from ipx.listings.models import Listing, ListingAsset

T = Thread.Status
S = Offer.Status


def side_of(thread: Thread, organisation_id: int) -> str:
    """The side of ``thread`` a party organisation is on."""
    return "buyer" if organisation_id == thread.buyer_id else "seller"


# --- Who is acting ---------------------------------------------------------------------------

def _thread(attempt: Attempt) -> Thread:
    subject = attempt.subject
    thread: Thread = subject if isinstance(subject, Thread) else subject.thread
    return thread


def role(attempt: Attempt) -> Role | None:
    """The actor's role in the attempt's thread, looked up once per attempt."""
    found: Role | None = attempt.remember("role", lambda: role_in_thread(attempt.actor, _thread(attempt)))
    return found


def _unseen(attempt: Attempt) -> Refusal:
    # Outsiders learn nothing, not even that the thread or the offer exists.
    if isinstance(attempt.subject, Offer):
        return Refusal(_("No such offer."), error=NotFound)
    return Refusal(_("No such negotiation."), error=NotFound)


def _is_admin(attempt: Attempt, found: Role) -> bool:
    return bool(attempt.remember("party_admin", lambda: Membership.objects.filter(
        user_id=attempt.actor.pk, organisation=found.organisation, role=Membership.Role.ADMIN).exists()))


def _in_thread(attempt: Attempt) -> Refusal | None:
    return _unseen(attempt) if role(attempt) is None else None


def _party_or_agent(attempt: Attempt) -> Refusal | None:
    found = role(attempt)
    if found is None:
        return _unseen(attempt)
    if not found.side:
        return Refusal(_("Only the buyer, the seller or their agents may do this."), error=PermissionDenied)
    return None


def _party_or_operator(attempt: Attempt) -> Refusal | None:
    found = role(attempt)
    if found is None:
        return _unseen(attempt)
    if not (found.is_party or found.is_operator):
        return Refusal(_("Only the buyer, the seller or an operator may close a negotiation."),
                       error=PermissionDenied)
    return None


def _party_admin(not_a_party: Callable[[], str]) -> Guard:
    """Only an administrator of the buyer or the seller manages the agents of its side."""
    def guard(attempt: Attempt) -> Refusal | None:
        found = role(attempt)
        if found is None:
            return _unseen(attempt)
        if not found.is_party or found.organisation is None:
            return Refusal(not_a_party(), error=PermissionDenied)
        if not _is_admin(attempt, found):
            return Refusal(_("Only an administrator of the organisation may do this."), error=PermissionDenied)
        return None

    return guard


def _by_an_inquiry(attempt: Attempt) -> Refusal | None:
    # Taken by ``thread_open`` (with ``check=False``) once it has checked the inquiry; never
    # offered as a button of its own.
    return Refusal(_("A closed negotiation opens again with a new inquiry about its listing."),
                   error=PermissionDenied)


# --- The state around the subject --------------------------------------------------------------

def listing_not_on_offer(listing: Listing) -> Refusal | None:
    """Why nobody may inquire, offer or agree on ``listing`` now, or None."""
    if listing.status != Listing.Status.PUBLISHED:
        return Refusal(_("The listing is no longer on offer (it is %(status)s).")
                       % {"status": listing.get_status_display()}, error=Conflict)
    return None


def _listing_on_offer(attempt: Attempt) -> Refusal | None:
    return listing_not_on_offer(_thread(attempt).listing)


def _thread_open(attempt: Attempt) -> Refusal | None:
    if _thread(attempt).status != T.OPEN:
        return Refusal(_("This negotiation is closed."), error=Conflict)
    return None


def _no_live_offer(attempt: Attempt) -> Refusal | None:
    # An offer past its time does not count: the service marks it expired before making one.
    thread = _thread(attempt)
    if Offer.objects.filter(thread_id=thread.pk, status=S.OPEN, expires_at__gt=timezone.now()).exists():
        return Refusal(_("An offer is already open in this negotiation; it must be answered, withdrawn or expire "
                         "before a new one is made."), error=Conflict)
    return None


def _refuse_thread(thread: Thread, name: str, action: Action) -> Refusal:
    if name == "close":
        return Refusal(_("This negotiation is already closed."))
    if name == "reopen":
        return Refusal(_("This negotiation is open."))
    return Refusal(_("This negotiation is closed."), error=Conflict)


THREAD: Workflow[Thread] = Workflow(
    name="thread",
    model=Thread,
    event_model=ThreadEvent,
    actions={
        # ``who``: asked before the status, as the services always did (an agent trying to
        # close a closed thread hears that it may not close threads).
        "post": Action(sources=(T.OPEN,), who=(_in_thread,)),
        "offer": Action(sources=(T.OPEN,), who=(_party_or_agent,), guards=(_listing_on_offer, _no_live_offer)),
        "add_agent": Action(sources=(T.OPEN,), who=(
            _party_admin(lambda: _("Only an administrator of the buyer or the seller may add an agent.")),)),
        # An agent may be sent away after the end too: it no longer sees the thread.
        "remove_agent": Action(sources=(T.OPEN, T.CLOSED), who=(
            _party_admin(lambda: _("Only an administrator of the buyer or the seller may remove an agent.")),)),
        "close": Action(sources=(T.OPEN,), target=T.CLOSED, who=(_party_or_operator,)),
        "reopen": Action(sources=(T.CLOSED,), target=T.OPEN, who=(_by_an_inquiry,)),
    },
    refuse_status=_refuse_thread,
    not_found=gettext_lazy("No such negotiation."),
)


# --- Offers ------------------------------------------------------------------------------------

def _when(moment: datetime) -> str:
    return str(formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT"))


def _closed_sentence(offer: Offer, status: str) -> str:
    """Why the offer cannot change any more: one whole sentence per status."""
    if status == S.EXPIRED:
        return _("This offer expired on %(when)s.") % {"when": _when(offer.expires_at)}
    sentences: dict[str, str] = {
        S.WITHDRAWN: _("This offer was withdrawn."),
        S.REJECTED: _("This offer was rejected."),
        S.COUNTERED: _("This offer was answered with a counter-offer."),
        S.ACCEPTED: _("This offer was accepted."),
    }
    return sentences[status]


def _refused_sentence(name: str) -> str:
    """What can no longer be done: one whole sentence per action."""
    sentences: dict[str, str] = {
        "withdraw": _("It can no longer be withdrawn."),
        "reject": _("It can no longer be rejected."),
        "counter": _("It can no longer be countered."),
        "accept": _("It can no longer be accepted."),
    }
    return sentences[name]


def _final(offer: Offer, name: str, status: str) -> Refusal:
    closed = _closed_sentence(offer, status)
    if name == "expire":  # only the clock expires offers; nobody reads this
        return Refusal(closed)
    # Two whole sentences, joined as each language joins sentences (Chinese: no space).
    message = pgettext("two sentences", "%(first)s %(second)s") % {"first": closed,
                                                                    "second": _refused_sentence(name)}
    if status == S.EXPIRED:
        return Refusal(message, code="offer_expired", error=Conflict)
    return Refusal(message, error=InvalidTransition)


def _refuse_offer(offer: Offer, name: str, action: Action) -> Refusal:
    return _final(offer, name, offer.status)


def _before_expiry(name: str) -> Guard:
    def guard(attempt: Attempt) -> Refusal | None:
        # Past its time, an offer is refused as if the clock had already marked it expired.
        offer: Offer = attempt.subject
        if offer.expires_at <= timezone.now():
            return _final(offer, name, S.EXPIRED)
        return None

    return guard


def _maker(attempt: Attempt) -> Refusal | None:
    offer: Offer = attempt.subject
    found = role(attempt)
    if found is None:
        return _unseen(attempt)
    if found.side != side_of(offer.thread, offer.from_organisation_id):
        return Refusal(_("Only the side that made an offer may withdraw it."), error=PermissionDenied)
    return None


def _receiving(attempt: Attempt) -> str:
    offer: Offer = attempt.subject
    return side_of(offer.thread, offer.to_organisation_id)


def _receiver_counters(attempt: Attempt) -> Refusal | None:
    found = role(attempt)
    if found is None:
        return _unseen(attempt)
    side = _receiving(attempt)
    if found.side != side:
        return Refusal(_("Only the %(side)s, to whom this offer was made, or its agent may counter it.")
                       % {"side": side_label(side)}, error=PermissionDenied)
    return None


def _receiver_rejects(attempt: Attempt) -> Refusal | None:
    found = role(attempt)
    if found is None:
        return _unseen(attempt)
    side = _receiving(attempt)
    if found.side != side:
        return Refusal(_("Only the %(side)s, to whom this offer was made, or its agent may reject it.")
                       % {"side": side_label(side)}, error=PermissionDenied)
    return None


def _receiver_accepts(attempt: Attempt) -> Refusal | None:
    offer: Offer = attempt.subject
    found = role(attempt)
    if found is None:
        return _unseen(attempt)
    side = _receiving(attempt)
    if found.side == side and found.is_party and found.binds:
        return None
    if found.side == side and found.is_party:
        return Refusal(_("Only an administrator or a signatory of %(name)s may accept this offer.")
                       % {"name": offer.to_organisation.name}, code="not_signatory", error=PermissionDenied)
    if found.side == side and found.is_agent:
        return Refusal(_("An agent cannot accept an offer; a member of %(party)s must accept it.")
                       % {"party": offer.to_organisation.name}, error=PermissionDenied)
    return Refusal(_("Only a member of %(party)s, to whom this offer was made, may accept it.")
                   % {"party": offer.to_organisation.name}, error=PermissionDenied)


def offered_assets_changed(offer: Offer) -> bool:
    """Whether the offer's listing no longer holds exactly the IP rights the offer was made on."""
    offered = set(offer.asset_links.values_list("asset_id", flat=True))
    listed = set(ListingAsset.objects.filter(listing_id=offer.thread.listing_id).values_list("asset_id", flat=True))
    return offered != listed


def _same_assets(attempt: Attempt) -> Refusal | None:
    if offered_assets_changed(attempt.subject):
        return Refusal(_("The listing's IP rights have changed since this offer was made, so it can no longer be "
                         "accepted; make or ask for a new offer on the listing as it is now."),
                       code="listing_changed", error=Conflict)
    return None


def _rights_not_ended(attempt: Attempt) -> Refusal | None:
    # The clock takes such a listing off the market within minutes (``listings_expire_due``);
    # an offer answered before it does, or on a listing a deal holds, is refused here.
    message = offer_refusal_message(attempt.subject.asset_links.values_list("asset_id", flat=True))
    return Refusal(message, code="right_ended", error=Conflict) if message else None


def _by_the_clock(attempt: Attempt) -> Refusal | None:
    # The periodic run and the services expire offers (``check=False``); no person does.
    return Refusal(_("An offer expires by itself when its time runs out."), error=PermissionDenied)


OFFER: Workflow[Offer] = Workflow(
    name="offer",
    model=Offer,
    event_model=OfferEvent,
    actions={
        # ``who``: the side that may take the step, asked before the offer's status.
        "withdraw": Action(sources=(S.OPEN,), target=S.WITHDRAWN, who=(_maker,),
                           guards=(_before_expiry("withdraw"), _thread_open)),
        "reject": Action(sources=(S.OPEN,), target=S.REJECTED, who=(_receiver_rejects,),
                         guards=(_before_expiry("reject"), _thread_open)),
        "counter": Action(sources=(S.OPEN,), target=S.COUNTERED, who=(_receiver_counters,),
                          guards=(_before_expiry("counter"), _thread_open, _listing_on_offer)),
        "accept": Action(sources=(S.OPEN,), target=S.ACCEPTED, who=(_receiver_accepts,),
                         guards=(_before_expiry("accept"), _thread_open, _listing_on_offer, _same_assets,
                                 _rights_not_ended, rights_free, not_in_auction, rights_not_taken)),
        "expire": Action(sources=(S.OPEN,), target=S.EXPIRED, who=(_by_the_clock,)),
    },
    refuse_status=_refuse_offer,
    not_found=gettext_lazy("No such offer."),
)

