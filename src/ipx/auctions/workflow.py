"""The transition tables of sessions, lots and registrations (``ipx.core.workflow``).

Operators run auctions: every control is theirs and takes a reason. The clock's steps
(opening and closing a lot at its time) are the same actions taken with no actor, by the
scheduled tasks in ``ipx.auctions.services.clock``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ipx.accounts.selectors import binds
from ipx.auctions.models import (
    AuctionSession,
    Lot,
    LotEvent,
    Registration,
    RegistrationEvent,
    SessionEvent,
    Settlement,
    SettlementEvent,
)
from ipx.core.errors import PermissionDenied
from ipx.core.workflow import Action, Attempt, Refusal, Workflow, the_exchange_only


def operators_only(attempt: Attempt) -> Refusal | None:
    if getattr(attempt.actor, "is_operator", False):
        return None
    return Refusal(_("Only the exchange's operators run auctions."), error=PermissionDenied)


S = AuctionSession.Status
SESSION = Workflow(name="session", model=AuctionSession, event_model=SessionEvent,
                   not_found=_("No such auction session."), actions={
    "announce": Action(sources=(S.DRAFT,), target=S.SCHEDULED, who=(operators_only,)),
    "go_live": Action(sources=(S.SCHEDULED,), target=S.LIVE, who=(operators_only,)),
    "finish": Action(sources=(S.LIVE,), target=S.FINISHED, who=(operators_only,)),
    "cancel": Action(sources=(S.DRAFT, S.SCHEDULED, S.LIVE), target=S.CANCELLED, who=(operators_only,)),
})

L = Lot.Status
LOT = Workflow(name="lot", model=Lot, event_model=LotEvent, not_found=_("No such lot."), actions={
    "open": Action(sources=(L.SCHEDULED,), target=L.OPEN, who=(operators_only,), publishes=("lot.changed",)),
    "pause": Action(sources=(L.OPEN,), target=L.PAUSED, who=(operators_only,), publishes=("lot.changed",)),
    "resume": Action(sources=(L.PAUSED,), target=L.OPEN, who=(operators_only,), publishes=("lot.changed",)),
    # Not while paused: resuming moves the close on by the pause, which would move a close chosen
    # during it too. Resume first, then extend.
    "extend": Action(sources=(L.SCHEDULED, L.OPEN), who=(operators_only,), publishes=("lot.changed",)),
    "withdraw": Action(sources=(L.SCHEDULED, L.OPEN, L.PAUSED), target=L.WITHDRAWN, who=(operators_only,),
                       publishes=("lot.changed",)),
    "sell": Action(sources=(L.OPEN,), target=L.SOLD, who=(operators_only,), publishes=("lot.changed",)),
    "pass": Action(sources=(L.OPEN,), target=L.UNSOLD, who=(operators_only,), publishes=("lot.changed",)),
})

R = Registration.Status
REGISTRATION = Workflow(name="registration", model=Registration, event_model=RegistrationEvent,
                        not_found=_("No such registration."), actions={
    "admit": Action(sources=(R.APPLIED, R.REFUSED), target=R.ADMITTED, who=(operators_only,)),
    "refuse": Action(sources=(R.APPLIED,), target=R.REFUSED, who=(operators_only,)),
})


def the_buyer(attempt: Attempt) -> Refusal | None:
    """An administrator or signatory of the settlement's buyer: paying and answering an offer
    commit the organisation."""
    settlement = attempt.subject
    if attempt.actor is not None and getattr(attempt.actor, "is_authenticated", False) and binds(
            attempt.actor, settlement.registration.organisation_id):
        return None
    return Refusal(_("Only an administrator or a signatory of the buyer may do this."), error=PermissionDenied)


T = Settlement.Status
SETTLEMENT = Workflow(name="settlement", model=Settlement, event_model=SettlementEvent,
                      not_found=_("No such settlement."), actions={
    "pay": Action(sources=(T.AWAITING_PAYMENT,), target=T.PAID, who=(the_buyer,)),
    "accept": Action(sources=(T.OFFERED,), target=T.AWAITING_PAYMENT, who=(the_buyer,)),
    "decline": Action(sources=(T.OFFERED,), target=T.DECLINED, who=(the_buyer,)),
    "forfeit": Action(sources=(T.AWAITING_PAYMENT,), target=T.FORFEITED, who=(the_exchange_only,)),
    "lapse": Action(sources=(T.OFFERED,), target=T.LAPSED, who=(the_exchange_only,)),
    # Paid too: the exchange may still cancel the deal a paid sale made (the premium is refunded).
    "cancel": Action(sources=(T.AWAITING_PAYMENT, T.PAID), target=T.CANCELLED, who=(the_exchange_only,)),
})
