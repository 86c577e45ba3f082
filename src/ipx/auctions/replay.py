"""The replay check of a lot: run the attempts it accepted through the bidding rules again,
from the lot's state before any bid, and compare with what is stored. A read: it writes nothing.

Each accepted attempt sent with an Idempotency-Key left a ``BidReceipt`` (bidder, amount,
maximum, the time the rules were given), in the order the lot's lock let them through (the
receipt's id). From the lot's scheduled close (its close without the extensions bids made), the
rules must place exactly the stored ``Bid`` rows, in sequence order, and land on the lot's
price, leader, maximum and close. Every bidder with a bid holds the lot's deposit, and the
ledger's own check passes.

The check says it cannot replay a lot rather than guessing when the attempts are not all known:
a bid placed without a key (a service call) has no receipt, nor had receipts kept before they
kept the attempt's time; and when the operator moved the close (extend, resume) after the first
bid, those moves interleave with the bids' extensions, which the scheduled close alone does not
tell apart.
"""

from __future__ import annotations

from dataclasses import replace

from django.utils.translation import gettext as _

from ipx.auctions.models import Bid, BidReceipt, Deposit, Lot, LotEvent
from ipx.auctions.rules import BidAttempt, BidRefused, PlacedBid, apply_bid
from ipx.auctions.services.bidding import increment_table, lot_state
from ipx.ledger.selectors import ledger_check

MAX_ROWS_LISTED = 10
OPERATOR_MOVES = ("extend", "resume")
CLOSED = (Lot.Status.SOLD, Lot.Status.UNSOLD, Lot.Status.WITHDRAWN)


def check_lot(lot_id: int) -> list[str]:
    """The lot's problems; an empty list when all is well."""
    lot = Lot.objects.filter(pk=lot_id).first()
    if lot is None:
        return [_("No such lot.")]
    bids = list(Bid.objects.filter(lot=lot).order_by("seq"))
    receipts = list(BidReceipt.objects.filter(lot=lot).order_by("pk"))
    problems = _sequence(lot, bids)
    unknown = _cannot_replay(lot, bids, receipts)
    problems += unknown or _replay(lot, bids, receipts)
    problems += _deposits(lot, bids)
    problems += ledger_check().problems
    return problems


def _sequence(lot: Lot, bids: list[Bid]) -> list[str]:
    """Sequence numbers dense from 1, strictly increasing, ending at the lot's last one."""
    problems = []
    for expected, bid in enumerate(bids, start=1):
        if bid.seq != expected:
            problems.append(_("Bid sequence: number %(expected)d is missing (the next bid is #%(seq)d).")
                            % {"expected": expected, "seq": bid.seq})
            break
    if lot.last_seq != len(bids):
        problems.append(_("The lot counts %(count)d bids but %(rows)d are stored.")
                        % {"count": lot.last_seq, "rows": len(bids)})
    return problems


def _cannot_replay(lot: Lot, bids: list[Bid], receipts: list[BidReceipt]) -> list[str]:
    if lot.scheduled_close is None:
        return [_("Cannot replay: the lot's scheduled close was not kept (the lot is older than the check).")]
    if any(receipt.at is None for receipt in receipts):
        return [_("Cannot replay: some receipts do not keep the time of their attempt.")]
    covered: set[int] = set()
    for receipt in receipts:
        if receipt.first_seq is not None and receipt.last_seq is not None:
            covered.update(range(receipt.first_seq, receipt.last_seq + 1))
    unreceipted = [bid.seq for bid in bids if bid.seq not in covered]
    if unreceipted:
        return [_("Cannot replay: bid #%(seq)d has no receipt (it was placed without an Idempotency-Key).")
                % {"seq": unreceipted[0]}]
    if receipts:
        first = min(receipt.at for receipt in receipts if receipt.at is not None)
        moved = LotEvent.objects.filter(lot=lot, verb__in=OPERATOR_MOVES, created_at__gt=first).first()
        if moved is not None:
            return [_("Cannot replay: the operator moved the close (%(verb)s) after the first bid.")
                    % {"verb": moved.verb}]
    return []


def _replay(lot: Lot, bids: list[Bid], receipts: list[BidReceipt]) -> list[str]:
    assert lot.scheduled_close is not None  # _cannot_replay said so otherwise
    table = increment_table(lot)
    state = replace(lot_state(lot), price=None, leader=None, leader_max=None, bids=0,
                    closes_at=lot.scheduled_close)
    problems = []
    placed: list[PlacedBid] = []
    for receipt in receipts:
        assert receipt.at is not None
        attempt = BidAttempt(bidder=receipt.registration_id, amount=receipt.amount, maximum=receipt.maximum,
                             at=receipt.at)
        try:
            outcome = apply_bid(state, table, attempt)
        except BidRefused as refused:
            return [_("Replay: the rules refuse receipt %(key)s (%(code)s: %(message)s).")
                    % {"key": receipt.key, "code": refused.code, "message": refused.message}]
        first = len(placed) + 1 if outcome.placed else None
        last = len(placed) + len(outcome.placed) if outcome.placed else None
        if (receipt.first_seq, receipt.last_seq) != (first, last):
            problems.append(_("Replay: receipt %(key)s placed bids %(stored)s; the rules place %(replayed)s.")
                            % {"key": receipt.key, "stored": _span(receipt.first_seq, receipt.last_seq),
                               "replayed": _span(first, last)})
        placed.extend(outcome.placed)
        state = outcome.state
    problems += _compare_rows(bids, placed)
    stored = {"price": lot.price, "leader": lot.leader_id, "leader_max": lot.leader_max, "closes_at": lot.closes_at}
    replayed = {"price": state.price, "leader": state.leader, "leader_max": state.leader_max,
                "closes_at": state.closes_at}
    for name, value in stored.items():
        if value != replayed[name]:
            problems.append(_("Replay: the lot's %(name)s is %(stored)s; the rules give %(replayed)s.")
                            % {"name": name, "stored": value, "replayed": replayed[name]})
    return problems


def _span(first: int | None, last: int | None) -> str:
    return "—" if first is None else f"#{first}–#{last}"


def _compare_rows(bids: list[Bid], placed: list[PlacedBid]) -> list[str]:
    problems = []
    if len(bids) != len(placed):
        problems.append(_("Replay: %(stored)d bids are stored; the rules place %(replayed)d.")
                        % {"stored": len(bids), "replayed": len(placed)})
    for bid, row in zip(bids, placed, strict=False):
        if (bid.registration_id, bid.amount, bid.automatic) != (row.bidder, row.amount, row.automatic):
            problems.append(_("Replay: bid #%(seq)d is bidder %(bidder)s at %(amount)s%(auto)s; the rules place "
                              "bidder %(r_bidder)s at %(r_amount)s%(r_auto)s.") % {
                "seq": bid.seq, "bidder": bid.registration_id, "amount": bid.amount,
                "auto": _(" (proxy)") if bid.automatic else "", "r_bidder": row.bidder, "r_amount": row.amount,
                "r_auto": _(" (proxy)") if row.automatic else ""})
            if len(problems) >= MAX_ROWS_LISTED:
                break
    return problems


def _deposits(lot: Lot, bids: list[Bid]) -> list[str]:
    """Every bidder with a bid holds the lot's deposit (held while the lot is not closed)."""
    if lot.deposit <= 0:
        return []
    deposits = {d.registration_id: d for d in Deposit.objects.filter(lot=lot)}
    problems = []
    for registration_id in sorted({bid.registration_id for bid in bids}):
        deposit = deposits.get(registration_id)
        if deposit is None:
            problems.append(_("Bidder %(bidder)d bid without a deposit.") % {"bidder": registration_id})
        elif deposit.amount != lot.deposit:
            problems.append(_("Bidder %(bidder)d's deposit is %(amount)s, not the lot's %(deposit)s.")
                            % {"bidder": registration_id, "amount": deposit.amount, "deposit": lot.deposit})
        elif lot.status not in CLOSED and deposit.status != Deposit.Status.HELD:
            problems.append(_("Bidder %(bidder)d's deposit is %(status)s while the lot is open.")
                            % {"bidder": registration_id, "status": deposit.get_status_display()})
    return problems
