"""Placing a bid: checked against the lot, the bidder and the rules (``ipx.auctions.rules``)
under the lot's row lock, the deposit frozen before the bidder's first bid on the lot, every
row the bid places numbered in the lot's sequence, and a retry with the same key answered
as the first time.

One transaction per bid with the lot's row locked keeps bids totally ordered, never lost and
never double-counted. Under load nearly every bid is refused as below the minimum (200
bidders race for each step), so a bid below a minimum the lot has already reached is refused
before the lock, from one unlocked read of the lot: the minimum only rises, so the locked path
would refuse it too, with the same answer (a retry with its key, the leader's own lead and
maximum, and lots not open still go to the lock). A refusal by the rules carries the lot's
minimum at that moment, so a bidder bids again without reading the lot.

No sequencer with group commit per lot: measured with ``bench/auction_bench.py`` (200
bidders, 2 vCPUs shared with the load generator), the refusals before the lock took the lot's
lock out of ~98 % of the requests, leaving 3–10 accepted bids/s under it. The limit is the CPU
each refused bid costs, which batching the few locked bids would not reduce; the early path's
reads are therefore prepared queries (``ipx.core.prepared``), which took it from about 3.4 to
1.1 ms in-process (SQLite 150–270 → ~700 handled bids/s); see BENCHMARKS.md, "Auctions".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from ipx.accounts.models import Organisation, User
from ipx.accounts.selectors import memberships_of
from ipx.auctions.inputs import BidValues
from ipx.auctions.models import AuctionSession, Bid, BidReceipt, Deposit, Lot, Registration
from ipx.auctions.rules import BidAttempt, BidRefused, IncrementTable, LotState, apply_bid, minimum_bid
from ipx.auctions.workflow import LOT
from ipx.core.errors import ApplicationError, Conflict, NotFound, PermissionDenied, ValidationFailed
from ipx.core.money import Money, parse_amount
from ipx.core.prepared import PreparedQuery, field_paths, instance
from ipx.ledger.idempotency import IdempotencyKeyReused
from ipx.ledger.services import escrow_hold
from ipx.notifications.services import notify

MAX_KEY_LENGTH = 100
# The rules' refusals that are about the moment, not the amount: 409 rather than 400.
CONFLICTS = {"closed", "own_lead", "maximum_not_raised"}


@dataclass(frozen=True)
class BidResult:
    lot: Lot
    leading: bool
    # The sequence numbers this request placed (none when it only raised a maximum).
    first_seq: int | None
    last_seq: int | None
    replayed: bool = False


def lot_state(lot: Lot) -> LotState:
    return LotState(start=lot.starting_price, price=lot.price, leader=lot.leader_id, leader_max=lot.leader_max,
                    closes_at=lot.closes_at, hard_end=lot.hard_end,
                    soft_close=timedelta(minutes=lot.soft_close_minutes), bids=lot.last_seq,
                    reserve=lot.reserve_price)


def increment_table(lot: Lot) -> IncrementTable:
    return IncrementTable.from_rows(lot.increments)


def _money(value: object, currency: str, field: str) -> Decimal:
    return parse_amount(value, currency, field=field)


def _key(value: object) -> str:
    key = "" if value is None else str(value).strip()
    if len(key) > MAX_KEY_LENGTH or any(ord(ch) < 32 for ch in key):
        raise ValidationFailed.for_field("key", _("The Idempotency-Key must be at most %(n)d printable characters.")
                                         % {"n": MAX_KEY_LENGTH})
    return key


def _wanted_organisation(organisation_id: object) -> int | None:
    """The organisation a bid says it is for (None: the one registered; -1: no such number)."""
    if organisation_id in (None, ""):
        return None
    return int(str(organisation_id)) if str(organisation_id).isdigit() else -1


def _registration(actor: User, lot: Lot, organisation_id: object, key: str = "") -> Registration:
    """The actor's admitted registration for the lot's session (one query when all is well),
    with ``has_receipt``: whether it has a receipt for ``key`` (a retry) when a key is given."""
    wanted = _wanted_organisation(organisation_id)
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
    return registration


def _check_open(lot: Lot, now: datetime) -> None:
    S = Lot.Status
    if lot.status == S.SCHEDULED:
        raise Conflict(_("This lot is not open for bids yet; it opens at %(at)s.") % {"at": lot.opens_at})
    if lot.status == S.PAUSED:
        raise Conflict(_("Bidding on this lot is paused."))
    if lot.status != S.OPEN or now >= lot.closes_at:
        raise Conflict(_("Bidding on this lot has closed."))


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


def _read_values(values: BidValues, session_status: str, currency: str) -> tuple[Decimal, Decimal | None, str]:
    """The amount, the maximum and the key of a bid on a lot of a session in that status."""
    if session_status == AuctionSession.Status.DRAFT:  # not public yet
        raise NotFound(_("No such lot."))
    if str(values.currency or "").strip().upper() != currency:
        raise ValidationFailed.for_field("currency", _("This lot is auctioned in %(currency)s.")
                                         % {"currency": currency})
    amount = _money(values.amount, currency, "amount")
    maximum = None if values.maximum in (None, "") else _money(values.maximum, currency, "maximum")
    return amount, maximum, _key(values.key)


def _checked(actor: User, lot: Lot, values: BidValues) -> _Checked:
    amount, maximum, key = _read_values(values, lot.session.status, lot.session.currency)
    return _Checked(amount=amount, maximum=maximum, key=key,
                    registration=_registration(actor, lot, values.organisation_id, key))


class RulesRefused(ValidationFailed):
    """A bid the rules refuse (400). Its answer also carries the lot as the rules saw it —
    ``lot``: id, seq, price and minimum_bid — so a bidder bids again without reading the lot."""

    lot: dict[str, object]

    def as_dict(self) -> dict[str, object]:
        return {**super().as_dict(), "lot": self.lot}


class RulesConflict(Conflict):
    """A bid the rules refuse for the moment (409: closed, own lead, maximum not raised), with
    the lot as for ``RulesRefused``."""

    lot: dict[str, object]

    def as_dict(self) -> dict[str, object]:
        return {**super().as_dict(), "lot": self.lot}


def _refusal(refused: BidRefused, lot: Lot) -> ApplicationError:
    message = _(refused.template) % refused.params if refused.params else _(refused.template)
    error: RulesRefused | RulesConflict
    if refused.code in CONFLICTS:
        error = RulesConflict(message)
    else:
        error = RulesRefused(message, fields={"maximum" if refused.code.startswith("maximum") else "amount": message})
    error.lot = {"id": lot.pk, "seq": lot.last_seq, "price": lot.price,
                 "minimum_bid": minimum_bid(lot_state(lot), increment_table(lot))}
    return error


def bid_place(*, actor: User, lot_id: int, values: BidValues) -> BidResult:
    _refuse_stale(actor, lot_id, values)
    return _bid_locked(actor=actor, lot_id=lot_id, values=values)


# The two reads a stale bid is refused from, compiled once (ipx.core.prepared): under load
# they run for nearly every bid, and the ORM's compiling them cost more than the rest of it.
_STALE_LOT_COLUMNS = {"id", "session_id", "status", "opens_at", "closes_at", "hard_end", "soft_close_minutes",
                      "starting_price", "price", "leader_id", "leader_max", "last_seq", "reserve_price", "increments"}
_STALE_LOT = PreparedQuery(lambda p: Lot.objects.filter(pk=p.int("lot")).order_by().values_list(
    *field_paths(Lot, only=_STALE_LOT_COLUMNS), "session__status", "session__currency", "listing__organisation_id"))
_STALE_REGISTRATIONS = PreparedQuery(lambda p: Registration.objects.filter(
    session_id=p.int("session"), organisation__memberships__user_id=p.int("user")).annotate(
    has_receipt=Exists(BidReceipt.objects.filter(registration=OuterRef("pk"), key=p.str("key"))),
).order_by().values_list("pk", "organisation_id", "status", "organisation__status", "has_receipt"))


def _refuse_stale(actor: User, lot_id: int, values: BidValues) -> None:
    """Refuse, without taking the lot's lock, a bid below a minimum the lot has already
    reached: the minimum only rises, so the locked path would refuse it too, with the same
    answer. Everything else (the leader's own lead and maximum, replays, closed, paused or
    unknown lots, bad input, a bidder who is not plainly admitted) is left to the locked path,
    which answers it as before."""
    if not isinstance(lot_id, int):
        return
    found = _STALE_LOT.rows(lot=lot_id)
    if not found:
        return
    columns = len(_STALE_LOT_COLUMNS)
    lot = instance(Lot, found[0][:columns], only=_STALE_LOT_COLUMNS)
    session_status, currency, seller_id = found[0][columns:]
    now = timezone.now()
    try:
        amount, maximum, key = _read_values(values, session_status, currency)
        _check_open(lot, now)
    except ApplicationError:
        return
    wanted = _wanted_organisation(values.organisation_id)
    admitted = [row for row in _STALE_REGISTRATIONS.rows(session=lot.session_id, user=actor.pk, key=key)
                if row[2] == Registration.Status.ADMITTED and wanted in (None, row[1])]
    if len(admitted) != 1:
        return
    registration_id, organisation_id, _status, organisation_status, has_receipt = admitted[0]
    if (organisation_status != Organisation.Status.VERIFIED or has_receipt or registration_id == lot.leader_id
            or organisation_id == seller_id):
        return  # refused or answered under the lock, as a retry's first answer is
    try:
        apply_bid(lot_state(lot), increment_table(lot), BidAttempt(
            bidder=registration_id, amount=amount, maximum=maximum, at=now))
    except BidRefused as refused:
        if refused.code == "below_minimum":
            raise _refusal(refused, lot) from None


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
    _check_open(lot, now)
    try:
        outcome = apply_bid(lot_state(lot), increment_table(lot),
                            BidAttempt(bidder=registration.pk, amount=amount, maximum=maximum, at=now))
    except BidRefused as refused:
        raise _refusal(refused, lot) from None
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
