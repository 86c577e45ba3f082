"""Placing a bid: checked against the lot, the bidder and the rules (``ipx.auctions.rules``)
under the lot's row lock, the deposit frozen before the bidder's first bid on the lot, every
row the bid places numbered in the lot's sequence, and a retry with the same key answered
as the first time.

One transaction per bid with the lot's row locked keeps bids totally ordered, never lost and
never double-counted. A bid below a minimum the lot has already reached is refused before the
lock (``ipx.auctions.services.early_refusal``), with this path's answer.

No sequencer with group commit per lot: measured with ``bench/auction_bench.py`` (200
bidders, 2 vCPUs shared with the load generator), the refusals before the lock took the lot's
lock out of ~98 % of the requests, leaving 3–10 accepted bids/s under it. The limit is the CPU
each refused bid costs (the server's and the database's), which batching the few locked bids
would not reduce; see BENCHMARKS.md, "Auctions".
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from ipx.accounts.models import User
from ipx.accounts.selectors import binds, memberships_of
from ipx.auctions.inputs import BidValues
from ipx.auctions.models import Bid, BidReceipt, Deposit, Lot, Registration
from ipx.auctions.rules import BidAttempt, BidRefused, apply_bid, minimum_bid
from ipx.auctions.services.bid_checks import (
    check_listing_available,
    check_open,
    increment_table,
    lot_state,
    read_values,
    refusal,
    wanted_organisation,
)
from ipx.auctions.services.early_refusal import refuse_stale
from ipx.auctions.workflow import LOT
from ipx.core.errors import PermissionDenied, ValidationFailed
from ipx.core.money import Money
from ipx.ledger.idempotency import IdempotencyKeyReused
from ipx.ledger.services import escrow_hold
from ipx.notifications.services import notify


@dataclass(frozen=True)
class BidResult:
    lot: Lot
    leading: bool
    # The sequence numbers this request placed (none when it only raised a maximum).
    first_seq: int | None
    last_seq: int | None
    replayed: bool = False


def _registration(actor: User, lot: Lot, organisation_id: object, key: str = "") -> Registration:
    """The actor's admitted registration for the lot's session (one query when all is well),
    with ``has_receipt``: whether it has a receipt for ``key`` (a retry) when a key is given."""
    wanted = wanted_organisation(organisation_id)
    registrations = Registration.objects.filter(session_id=lot.session_id, organisation__memberships__user=actor)
    if wanted is not None:
        registrations = registrations.filter(organisation_id=wanted)
    if key:
        registrations = registrations.annotate(has_receipt=Exists(
            BidReceipt.objects.filter(registration=OuterRef("pk"), key=key)))
    # One membership per user and organisation: no duplicates. The order is the model's
    # within one session, without the join to the session its own ordering would bring.
    found = list(registrations.select_related("organisation").order_by("bidder_number", "pk"))
    if wanted is not None and not found and wanted not in {m.organisation_id for m in memberships_of(actor)}:
        raise PermissionDenied(_("You are not a member of this organisation."))
    admitted = [r for r in found if r.status == Registration.Status.ADMITTED]
    if not admitted:
        if found:
            raise PermissionDenied(_("Your registration for this session has not been admitted (it is %(status)s).")
                                   % {"status": found[0].get_status_display()})
        raise PermissionDenied(_("Register to bid in this session first."))
    if len(admitted) > 1:
        raise ValidationFailed.for_field("organisation_id", _("Say which of your organisations bids."))
    registration = admitted[0]
    if not registration.organisation.is_verified:
        raise PermissionDenied(_("%(name)s is no longer verified; it cannot bid.")
                               % {"name": registration.organisation.name})
    if not binds(actor, registration.organisation_id):  # a bid binds the organisation to buy at its price
        raise PermissionDenied(_("Only an administrator or a signatory of %(name)s may bid for it.")
                               % {"name": registration.organisation.name}, code="not_signatory")
    return registration


def _receipt(registration: Registration, key: str) -> BidReceipt | None:
    return BidReceipt.objects.filter(registration=registration, key=key).first()


def _key_reused() -> IdempotencyKeyReused:
    return IdempotencyKeyReused(_("This Idempotency-Key was used for another bid; send a new key for a new bid."))


def _replayed(receipt: BidReceipt, amount: Decimal, maximum: Decimal | None, lot: Lot) -> BidResult:
    if receipt.lot_id != lot.pk or receipt.amount != amount or receipt.maximum != maximum:
        raise _key_reused()
    return BidResult(lot=lot, leading=lot.leader_id == receipt.registration_id, first_seq=receipt.first_seq,
                     last_seq=receipt.last_seq, replayed=True)


def _freeze_deposit(lot: Lot, registration: Registration, actor: User) -> None:
    if lot.deposit <= 0 or Deposit.objects.filter(lot=lot, registration=registration).exists():
        return
    deposit = Deposit(lot=lot, registration=registration, amount=lot.deposit)
    escrow_hold(payer=registration.organisation, money=Money(lot.deposit, lot.session.currency),
                reference=deposit.reference, actor=actor, memo=f"auction lot {lot.pk} deposit")
    deposit.save()


@dataclass(frozen=True)
class _Checked:
    """A bid's values, read and checked against the lot before the rules."""

    amount: Decimal
    maximum: Decimal | None
    key: str
    registration: Registration


def _checked(actor: User, lot: Lot, values: BidValues) -> _Checked:
    amount, maximum, key = read_values(values, lot.session.status, lot.session.currency)
    return _Checked(amount=amount, maximum=maximum, key=key,
                    registration=_registration(actor, lot, values.organisation_id, key))


def bid_place(*, actor: User, lot_id: int, values: BidValues) -> BidResult:
    refuse_stale(actor, lot_id, values)
    return _bid_locked(actor=actor, lot_id=lot_id, values=values)


@transaction.atomic
def _bid_locked(*, actor: User, lot_id: int, values: BidValues) -> BidResult:
    lot = LOT.lock(lot_id, related=("session", "listing"))
    checked = _checked(actor, lot, values)
    amount, maximum, key, registration = checked.amount, checked.maximum, checked.key, checked.registration
    if getattr(registration, "has_receipt", False):
        receipt = _receipt(registration, key)
        if receipt is not None:
            return _replayed(receipt, amount, maximum, lot)
    if registration.organisation_id == lot.listing.organisation_id:
        raise PermissionDenied(_("A seller cannot bid on its own lot."))
    now = timezone.now()
    check_open(lot, now)
    # Under the lot's lock: the fast path before it (``early_refusal``) refuses only bids below
    # the minimum, so this is where a lot whose listing left the market stops taking bids.
    check_listing_available(lot)
    try:
        outcome = apply_bid(lot_state(lot), increment_table(lot),
                            BidAttempt(bidder=registration.pk, amount=amount, maximum=maximum, at=now))
    except BidRefused as refused:
        raise refusal(refused, lot) from None
    _freeze_deposit(lot, registration, actor)
    first_seq = lot.last_seq + 1 if outcome.placed else None
    rows = []
    for placed in outcome.placed:
        lot.last_seq += 1
        rows.append(Bid(lot=lot, seq=lot.last_seq, registration_id=placed.bidder, amount=placed.amount,
                        automatic=placed.automatic, placed_by=None if placed.automatic else actor, placed_at=now))
    Bid.objects.bulk_create(rows)
    state = outcome.state
    lot.price, lot.leader_id, lot.leader_max, lot.closes_at = state.price, state.leader, state.leader_max, \
        state.closes_at
    lot.save(update_fields=["price", "leader", "leader_max", "closes_at", "last_seq"])
    last_seq = lot.last_seq if outcome.placed else None
    if key:
        try:
            with transaction.atomic():
                BidReceipt.objects.create(lot=lot, registration=registration, key=key, amount=amount,
                                          maximum=maximum, first_seq=first_seq, last_seq=last_seq, at=now)
        except IntegrityError:
            # The same key sent at once for a bid on another lot (whose lock this one does not
            # hold): that bid took the key first, and this whole bid is undone.
            raise _key_reused() from None
    if outcome.placed:
        from ipx.auctions.live import published_bids

        published_bids(lot, lot.last_seq - len(outcome.placed) + 1, lot.last_seq)
    if outcome.extended:
        from ipx.auctions.services.control import schedule_close

        LOT.record(lot, "extended", actor=None, params={"closes_at": lot.closes_at.isoformat(), "by": "bid"})
        schedule_close(lot)
        _tell_extended(lot, registration)
    if outcome.outbid is not None:
        _tell_outbid(lot, outcome.outbid)
    return BidResult(lot=lot, leading=lot.leader_id == registration.pk, first_seq=first_seq, last_seq=last_seq)


def _tell_outbid(lot: Lot, registration_id: int) -> None:
    outbid = Registration.objects.select_related("organisation").get(pk=registration_id)
    notify(verb="auction.outbid", organisations=[outbid.organisation], url=f"/auctions/lots/{lot.pk}/",
           params={"title": lot.listing.title, "lot": lot.number, "amount": str(lot.price),
                   "currency": lot.session.currency, "minimum": str(minimum_bid(lot_state(lot), increment_table(lot)))})


def _tell_extended(lot: Lot, bidder: Registration) -> None:
    """The lot's other bidders learn that a late bid moved the close, on the page or not."""
    others = Registration.objects.filter(bids__lot=lot).exclude(pk=bidder.pk).distinct().select_related(
        "organisation")
    notify(verb="auction.extended", organisations=[r.organisation for r in others], url=f"/auctions/lots/{lot.pk}/",
           params={"title": lot.listing.title, "lot": lot.number, "amount": str(lot.price),
                   "currency": lot.session.currency, "closes_at": lot.closes_at.isoformat()})
