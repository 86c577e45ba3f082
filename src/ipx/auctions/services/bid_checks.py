"""What a bid is checked against before the rules decide it, and how the rules' refusals are
answered: shared by the locked path (``ipx.auctions.services.bidding``) and the refusal of stale
bids before the lock (``ipx.auctions.services.early_refusal``), which must answer alike."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.utils.translation import gettext as _

from ipx.auctions.inputs import BidValues
from ipx.auctions.models import AuctionSession, Lot
from ipx.auctions.rules import BidRefused, IncrementTable, LotState, minimum_bid
from ipx.catalog.rights import offer_refusal_message
from ipx.core.dates import moment_words
from ipx.core.errors import ApplicationError, Conflict, NotFound, ValidationFailed
from ipx.core.money import parse_amount
from ipx.listings.models import Listing

MAX_KEY_LENGTH = 100
# The rules' refusals that are about the moment, not the amount: 409 rather than 400.
CONFLICTS = {"closed", "own_lead", "maximum_not_raised"}


def lot_state(lot: Lot) -> LotState:
    return LotState(start=lot.starting_price, price=lot.price, leader=lot.leader_id, leader_max=lot.leader_max,
                    closes_at=lot.closes_at, hard_end=lot.hard_end,
                    soft_close=timedelta(minutes=lot.soft_close_minutes), bids=lot.last_seq,
                    reserve=lot.reserve_price)


def increment_table(lot: Lot) -> IncrementTable:
    return IncrementTable.from_rows(lot.increments)


def _money(value: object, currency: str, field: str) -> Decimal:
    return parse_amount(value, currency, field=field)


def bid_key(value: object) -> str:
    key = "" if value is None else str(value).strip()
    if len(key) > MAX_KEY_LENGTH or any(ord(ch) < 32 for ch in key):
        raise ValidationFailed.for_field("key", _("The Idempotency-Key must be at most %(n)d printable characters.")
                                         % {"n": MAX_KEY_LENGTH})
    return key


def wanted_organisation(organisation_id: object) -> int | None:
    """The organisation a bid says it is for (None: the one registered; -1: no such number)."""
    if organisation_id in (None, ""):
        return None
    return int(str(organisation_id)) if str(organisation_id).isdigit() else -1


def check_open(lot: Lot, now: datetime) -> None:
    S = Lot.Status
    if lot.status == S.SCHEDULED:
        raise Conflict(_("This lot is not open for bids yet; it opens at %(at)s.") % {"at": moment_words(lot.opens_at)})
    if lot.status == S.PAUSED:
        raise Conflict(_("Bidding on this lot is paused."))
    if lot.status != S.OPEN or now >= lot.closes_at:
        raise Conflict(_("Bidding on this lot has closed."))


def listing_unavailable(lot: Lot) -> str | None:
    """Why the lot's listing (read with the locked lot) can no longer be sold at auction, or None:
    reserved by a deal, sold, withdrawn or otherwise off the market, or one of its rights ended
    (``catalog.rights``; the lot holds the listing, so the clock leaves it on the market), a
    winner could not have it."""
    listing = lot.listing
    if listing.status != Listing.Status.PUBLISHED:
        return _("The listing of this lot is no longer on offer (it is %(status)s); the lot takes no bids and is "
                 "not sold.") % {"status": listing.get_status_display()}
    ended = offer_refusal_message(listing.asset_links.values_list("asset_id", flat=True))
    if ended:
        return _("%(reason)s The lot takes no bids and is not sold.") % {"reason": ended}
    return None


def check_listing_available(lot: Lot) -> None:
    refused = listing_unavailable(lot)
    if refused:
        raise Conflict(refused, code="listing_unavailable")


def read_values(values: BidValues, session_status: str, currency: str) -> tuple[Decimal, Decimal | None, str]:
    """The amount, the maximum and the key of a bid on a lot of a session in that status."""
    if session_status == AuctionSession.Status.DRAFT:  # not public yet
        raise NotFound(_("No such lot."))
    if str(values.currency or "").strip().upper() != currency:
        raise ValidationFailed.for_field("currency", _("This lot is auctioned in %(currency)s.")
                                         % {"currency": currency})
    amount = _money(values.amount, currency, "amount")
    maximum = None if values.maximum in (None, "") else _money(values.maximum, currency, "maximum")
    return amount, maximum, bid_key(values.key)


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


def refusal(refused: BidRefused, lot: Lot) -> ApplicationError:
    message = _(refused.template) % refused.params if refused.params else _(refused.template)
    error: RulesRefused | RulesConflict
    if refused.code in CONFLICTS:
        error = RulesConflict(message)
    else:
        error = RulesRefused(message, fields={"maximum" if refused.code.startswith("maximum") else "amount": message})
    error.lot = {"id": lot.pk, "seq": lot.last_seq, "price": lot.price,
                 "minimum_bid": minimum_bid(lot_state(lot), increment_table(lot))}
    return error
