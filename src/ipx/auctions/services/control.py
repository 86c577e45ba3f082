"""The operator's controls over a lot (pause, resume, extend, withdraw — each with a reason)
and the clock's: each lot opens and closes at its time through scheduled tasks, exactly once
however many workers run them (the lot's row lock and its status decide)."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ipx.accounts.models import User
from ipx.auctions.models import AuctionSession, Deposit, Lot, Registration
from ipx.auctions.rules import reserve_met
from ipx.auctions.services.bid_checks import check_listing_available, listing_unavailable
from ipx.auctions.services.bidding import lot_state
from ipx.auctions.services.setup import UNFINISHED, _moment, _reason
from ipx.auctions.settlement.services import schedule_settlement
from ipx.auctions.workflow import LOT, SESSION
from ipx.core.dates import moment_words
from ipx.core.errors import ValidationFailed
from ipx.core.money import Money
from ipx.core.validation import FieldErrors
from ipx.ledger.services import escrow_refund
from ipx.notifications.services import notify
from ipx.tasks.runner import run_at_once

OPEN_TASK = "ipx.auctions.services.control.lot_open_due"
CLOSE_TASK = "ipx.auctions.services.control.lot_close_due"
CLOSING_SOON_TASK = "ipx.auctions.services.control.lot_closing_soon_due"
CLOSING_SOON = timedelta(minutes=10)


def schedule_open(lot: Lot) -> None:
    run_at_once(f"auction-lot-open:{lot.pk}:{lot.opens_at.isoformat()}", lot.opens_at, OPEN_TASK, lot_id=lot.pk)


def schedule_close(lot: Lot) -> None:
    """A close task at the lot's current close; one that finds the close moved on does nothing.
    And once per lot, a closing-soon notice to its bidders."""
    run_at_once(f"auction-lot-close:{lot.pk}:{lot.closes_at.isoformat()}", lot.closes_at, CLOSE_TASK,
                lot_id=lot.pk)
    run_at_once(f"auction-lot-closing-soon:{lot.pk}", lot.closes_at - CLOSING_SOON, CLOSING_SOON_TASK,
                lot_id=lot.pk)


@transaction.atomic
def lot_closing_soon_due(*, lot_id: int) -> int:
    """Tell the lot's bidders it closes soon (whoever is not watching the hall learns it from
    the inbox and by e-mail); returns how many organisations were told."""
    lot = LOT.lock(lot_id, related=("session", "listing"))
    now = timezone.now()
    if lot.status != Lot.Status.OPEN or not now < lot.closes_at <= now + CLOSING_SOON:
        return 0
    bidders = list(Registration.objects.filter(bids__lot=lot).distinct().select_related("organisation"))
    notify(verb="auction.closing_soon", organisations=[r.organisation for r in bidders],
           url=f"/auctions/lots/{lot.pk}/", params={"title": lot.listing.title, "lot": lot.number,
                                                    "closes_at": lot.closes_at.isoformat()})
    return len(bidders)


@transaction.atomic
def lot_open_due(*, lot_id: int) -> str:
    """The clock opens a scheduled lot of an announced or live session at its time; a lot whose
    listing has left the market meanwhile is withdrawn instead."""
    lot = LOT.lock(lot_id, related=("session", "listing"))
    now = timezone.now()
    if lot.status != Lot.Status.SCHEDULED or now < lot.opens_at:
        return lot.status
    unavailable = listing_unavailable(lot)
    if unavailable:
        lot.closed_at = now
        LOT.transition(lot, "withdraw", actor=None, check=False, note=unavailable, fields=("closed_at",),
                       params={"listing_status": lot.listing.status})
        _release_deposits(lot, keep=None, actor=None)
        _finish_session_if_done(lot.session_id)
        return lot.status
    session = SESSION.lock(lot.session_id)
    if session.status == AuctionSession.Status.SCHEDULED:
        SESSION.transition(session, "go_live", actor=None, check=False)
    elif session.status != AuctionSession.Status.LIVE:
        return lot.status
    LOT.transition(lot, "open", actor=None, check=False)
    return lot.status


@transaction.atomic
def lot_close_due(*, lot_id: int) -> str:
    """The clock closes an open lot at its (possibly extended) time: sold to the leader when
    the reserve is met (its settlement queued), else unsold; deposits of the others are released."""
    lot = LOT.lock(lot_id, related=("session", "listing"))
    if lot.status != Lot.Status.OPEN or timezone.now() < lot.closes_at:
        return lot.status  # closed already, paused (resuming reschedules), or extended meanwhile
    lot.closed_at = timezone.now()
    # A listing that left the market while the lot ran (withdrawn by the exchange) is not sold:
    # the lot passes, every deposit goes back, and no settlement makes a deal on it.
    unavailable = listing_unavailable(lot)
    sold = lot.leader_id is not None and reserve_met(lot_state(lot), lot.reserve_price) and not unavailable
    params: dict[str, object] = {"price": str(lot.price) if lot.price is not None else None, "bids": lot.last_seq}
    if unavailable:
        params["listing_status"] = lot.listing.status
    LOT.transition(lot, "sell" if sold else "pass", actor=None, check=False, fields=("closed_at",), params=params)
    _release_deposits(lot, keep=lot.leader_id if sold else None, actor=None)
    if sold:
        schedule_settlement(lot)
    _tell_result(lot, sold)
    _finish_session_if_done(lot.session_id)
    return lot.status


def _release_deposits(lot: Lot, *, keep: int | None, actor: User | None) -> None:
    """Give back every held deposit but the winner's (applied to the price at settlement)."""
    now = timezone.now()
    held = Deposit.objects.select_for_update().filter(lot=lot, status=Deposit.Status.HELD).select_related(
        "registration__organisation")
    for deposit in held:
        if deposit.registration_id == keep:
            continue
        escrow_refund(payer=deposit.registration.organisation, money=Money(deposit.amount, lot.session.currency),
                      reference=deposit.reference, actor=actor, memo=f"auction lot {lot.pk} deposit released")
        deposit.status, deposit.settled_at = Deposit.Status.RELEASED, now
        deposit.save(update_fields=["status", "settled_at"])


def _tell_result(lot: Lot, sold: bool) -> None:
    bidders = Registration.objects.filter(bids__lot=lot).distinct().select_related("organisation")
    params = {"title": lot.listing.title, "lot": lot.number, "amount": str(lot.price or ""),
              "currency": lot.session.currency}
    url = f"/auctions/lots/{lot.pk}/"
    for registration in bidders:
        won = sold and registration.pk == lot.leader_id
        notify(verb="auction.won" if won else "auction.lost", organisations=[registration.organisation], url=url,
               params=params)
    notify(verb="auction.sold" if sold else "auction.unsold", organisations=[lot.listing.organisation], url=url,
           params=params)


def _finish_session_if_done(session_id: int) -> None:
    session = SESSION.lock(session_id)
    if session.status == AuctionSession.Status.LIVE and not session.lots.filter(status__in=UNFINISHED).exists():
        SESSION.transition(session, "finish", actor=None, check=False)


# --- The operator's controls ----------------------------------------------------------------

@transaction.atomic
def lot_open(*, operator: User, lot_id: int, reason: str) -> Lot:
    """Open a scheduled lot now, before its time (its announced session goes live with it)."""
    LOT.admit("open", None, operator)
    reason = _reason(reason)
    lot = LOT.lock(lot_id, related=("session", "listing"))
    LOT.check(lot, "open", operator)
    check_listing_available(lot)
    session = SESSION.lock(lot.session_id)
    if session.status == AuctionSession.Status.SCHEDULED:
        SESSION.transition(session, "go_live", actor=operator, check=False)
    elif session.status != AuctionSession.Status.LIVE:
        raise ValidationFailed(_("Lots open only in an announced or live session; this one is %(status)s.")
                               % {"status": session.get_status_display()})
    lot.opens_at = timezone.now()
    LOT.transition(lot, "open", actor=operator, note=reason, fields=("opens_at",),
                   params={"opens_at": lot.opens_at.isoformat()})
    return lot


@transaction.atomic
def lot_pause(*, operator: User, lot_id: int, reason: str) -> Lot:
    LOT.admit("pause", None, operator)
    reason = _reason(reason)
    lot = LOT.lock(lot_id)
    lot.paused_at = timezone.now()
    LOT.transition(lot, "pause", actor=operator, note=reason, fields=("paused_at",))
    return lot


@transaction.atomic
def lot_resume(*, operator: User, lot_id: int, reason: str) -> Lot:
    """Resume a paused lot; its close and latest close move on by the time it was paused, so
    the bidders lose none of their bidding time."""
    LOT.admit("resume", None, operator)
    reason = _reason(reason)
    lot = LOT.lock(lot_id)
    LOT.check(lot, "resume", operator)
    paused_for = timezone.now() - (lot.paused_at or timezone.now())
    lot.closes_at += paused_for
    if lot.scheduled_close is not None:  # lots added before it was kept have none
        lot.scheduled_close += paused_for
    lot.hard_end += paused_for
    lot.paused_at = None
    LOT.transition(lot, "resume", actor=operator, note=reason,
                   fields=("closes_at", "scheduled_close", "hard_end", "paused_at"),
                   params={"closes_at": lot.closes_at.isoformat()})
    schedule_close(lot)
    return lot


@transaction.atomic
def lot_extend(*, operator: User, lot_id: int, closes_at: object, reason: str) -> Lot:
    """Move a lot's close later (and its latest close with it when needed)."""
    LOT.admit("extend", None, operator)
    reason = _reason(reason)
    errors = FieldErrors()
    moment = _moment(closes_at, field="closes_at", errors=errors)
    errors.raise_if_any()
    assert moment is not None
    lot = LOT.lock(lot_id)
    LOT.check(lot, "extend", operator)
    if moment <= lot.closes_at:
        raise ValidationFailed.for_field("closes_at", _("An extension moves the close later than %(at)s.")
                                         % {"at": moment_words(lot.closes_at)})
    lot.closes_at = lot.scheduled_close = moment
    lot.hard_end = max(lot.hard_end, moment)
    LOT.transition(lot, "extend", actor=operator, note=reason, fields=("closes_at", "scheduled_close", "hard_end"),
                   params={"closes_at": moment.isoformat()})
    schedule_close(lot)
    return lot


@transaction.atomic
def lot_withdraw(*, operator: User, lot_id: int, reason: str) -> Lot:
    LOT.admit("withdraw", None, operator)
    reason = _reason(reason)
    lot = LOT.lock(lot_id, related=("session", "listing"))
    LOT.check(lot, "withdraw", operator)
    withdraw_locked(lot, actor=operator, reason=reason)
    _finish_session_if_done(lot.session_id)
    return lot


def withdraw_locked(lot: Lot, *, actor: User, reason: str) -> None:
    """Withdraw a locked lot: no sale, every deposit back."""
    lot.closed_at = timezone.now()
    LOT.transition(lot, "withdraw", actor=actor, note=reason, fields=("closed_at",))
    _release_deposits(lot, keep=None, actor=actor)

