"""Setting an auction up: a session, its lots from published listings, its announcement
(which puts each lot's opening and closing on the clock) and its cancellation."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from ipx.accounts.models import User
from ipx.auctions.inputs import LotValues, SessionValues
from ipx.auctions.models import AuctionSession, Lot
from ipx.auctions.rules import DEFAULT_INCREMENTS, IncrementTable
from ipx.auctions.workflow import LOT, SESSION
from ipx.core.dates import day_out_of_range
from ipx.core.errors import Conflict, ValidationFailed
from ipx.core.money import check_currency, collect_amount
from ipx.core.validation import FieldErrors, clean_choice, clean_text
from ipx.deals.rights import rights_refusal
from ipx.listings.models import Listing, OfferKind

MAX_SOFT_CLOSE_MINUTES = 60
MAX_PERCENT = Decimal(50)
UNFINISHED = (Lot.Status.SCHEDULED, Lot.Status.OPEN, Lot.Status.PAUSED)


def _moment(value: object, *, field: str, errors: FieldErrors) -> datetime | None:
    """An aware date and time from a datetime or ISO text (the site's zone when none is given)."""
    try:
        moment = value if isinstance(value, datetime) else parse_datetime(str(value or "").strip())
    except ValueError:  # the right shape, no such time (2026-02-30T10:00)
        moment = None
    if moment is None:
        errors.add(field, _("Enter a date and time, e.g. 2026-12-08T10:00."))
        return None
    refused = day_out_of_range(moment)
    if refused:
        errors.add(field, refused)
        return None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _percent(value: object, *, field: str, errors: FieldErrors) -> Decimal:
    try:
        percent = Decimal(str(value if value not in (None, "") else 0))
    except InvalidOperation:
        percent = Decimal(-1)
    if not percent.is_finite() or not 0 <= percent <= MAX_PERCENT or percent != percent.quantize(Decimal("0.01")):
        errors.add(field, _("Enter a percentage from 0 to %(max)s with at most two decimals.") % {"max": MAX_PERCENT})
        return Decimal(0)
    return percent


@transaction.atomic
def session_create(*, operator: User, values: SessionValues) -> AuctionSession:
    SESSION.admit("announce", None, operator)
    errors = FieldErrors()
    title = clean_text(values.title, field="title", errors=errors, max_length=200)
    description = clean_text(values.description, field="description", errors=errors, required=False,
                             max_length=5000)
    currency = ""
    try:
        currency = check_currency(values.currency)
    except ValidationFailed as exc:
        errors.collect(exc)
    starts_at = _moment(values.starts_at, field="starts_at", errors=errors)
    errors.raise_if_any()
    assert starts_at is not None
    session = AuctionSession.objects.create(title=title, description=description, currency=currency,
                                            starts_at=starts_at, created_by=operator)
    SESSION.record(session, "created", actor=operator, params={"title": title})
    return session


def _increments(value: object, errors: FieldErrors) -> IncrementTable:
    if value in (None, "", []):
        return DEFAULT_INCREMENTS
    try:
        table = IncrementTable.from_rows(list(value))  # type: ignore[call-overload]
    except (TypeError, ValueError, InvalidOperation, ArithmeticError):
        errors.add("increments", _("Give the increment table as rows of (from price, increment)."))
        return DEFAULT_INCREMENTS
    problems = table.problems()
    if problems:
        errors.add("increments", _("The increment table is not usable: %(problems)s") % {
            "problems": "; ".join(_(problem) for problem in problems)})
        return DEFAULT_INCREMENTS  # the other amounts are still checked, against a usable table
    return table


@transaction.atomic
def lot_add(*, operator: User, session_id: int, values: LotValues) -> Lot:
    """A lot of a published listing, offered for transfer or licence, in a session not yet live."""
    SESSION.admit("announce", None, operator)
    session = SESSION.lock(session_id)
    if session.status not in (AuctionSession.Status.DRAFT, AuctionSession.Status.SCHEDULED):
        raise Conflict(_("Lots are added before the session goes live."))
    errors = FieldErrors()
    listing_id = _whole(values.listing_id)
    # Locked until the lot is stored: an offer accepted on the listing, or another session adding
    # it, waits for this one and then finds the lot (and this one waits for them likewise).
    listing = (Listing.objects.select_for_update(of=("self",))
               .filter(pk=listing_id or 0, status=Listing.Status.PUBLISHED).first())
    if listing is None:
        errors.add("listing_id", _("Choose a published listing."))
    offer_kind = clean_choice(values.offer_kind, Lot.OfferKind, field="offer_kind", errors=errors)
    if listing is not None and offer_kind and not {offer_kind, OfferKind.AUCTION} & set(listing.offer_kinds):
        errors.add("offer_kind", _("The listing is not offered this way (nor for auction)."))
    if listing is not None and Lot.objects.filter(listing=listing, status__in=UNFINISHED).exists():
        errors.add("listing_id", _("This listing is already in an auction that has not ended."))
    elif listing is not None and offer_kind:
        # A winner must be able to have what the lot offers: not rights another deal has taken.
        licence = offer_kind == Lot.OfferKind.LICENCE
        taken = rights_refusal(kind=offer_kind, exclusivity=listing.licence_exclusivity if licence else "",
                               territory=listing.licence_territory if licence else "",
                               field=listing.licence_field if licence else "", buyer_id=None,
                               asset_ids=list(listing.asset_links.values_list("asset_id", flat=True)))
        if taken:
            errors.add("listing_id", taken)
    currency = session.currency
    table = _increments(values.increments, errors)
    start = collect_amount(values.starting_price, currency, field="starting_price", errors=errors)
    if start and not table.on_step(start):
        errors.add("starting_price", _("The starting price must be a step of the increment table (a multiple of "
                                       "%(step)s).") % {"step": table.increment_at(start)})
    reserve = None
    if values.reserve_price not in (None, ""):
        reserve = collect_amount(values.reserve_price, currency, field="reserve_price", errors=errors)
        if reserve and start and reserve < start:
            errors.add("reserve_price", _("The reserve cannot be below the starting price."))
        elif reserve and not table.on_step(reserve):
            # A proxy bid is lifted to the reserve: off the steps, the price would show it exactly.
            errors.add("reserve_price", _("The reserve must be a step of the increment table (a multiple of "
                                          "%(step)s).") % {"step": table.increment_at(reserve)})
    deposit = collect_amount(values.deposit, currency, field="deposit", errors=errors, allow_zero=True)
    opens_at = _moment(values.opens_at, field="opens_at", errors=errors)
    closes_at = _moment(values.closes_at, field="closes_at", errors=errors)
    hard_end = _moment(values.hard_end, field="hard_end", errors=errors)
    if opens_at and opens_at < session.starts_at:
        errors.add("opens_at", _("A lot opens when its session has started, or later."))
    if opens_at and closes_at and closes_at <= opens_at:
        errors.add("closes_at", _("A lot closes after it opens."))
    if closes_at and closes_at <= timezone.now():
        # A lot that has closed before it is offered would count as offered and unsold.
        errors.add("closes_at", _("A lot closes in the future."))
    if closes_at and hard_end and hard_end < closes_at:
        errors.add("hard_end", _("The latest close cannot be before the close."))
    minutes = _whole(values.soft_close_minutes)
    if minutes is None or not 0 <= minutes <= MAX_SOFT_CLOSE_MINUTES:
        errors.add("soft_close_minutes", _("Enter a whole number of minutes from 0 to %(max)d.")
                   % {"max": MAX_SOFT_CLOSE_MINUTES})
    premium = _percent(values.buyer_premium_percent, field="buyer_premium_percent", errors=errors)
    commission = _percent(values.seller_commission_percent, field="seller_commission_percent", errors=errors)
    errors.raise_if_any()
    assert listing is not None and opens_at and closes_at and hard_end and minutes is not None
    number = (session.lots.aggregate(top=Max("number"))["top"] or 0) + 1
    lot = Lot.objects.create(
        session=session, number=number, listing=listing, offer_kind=offer_kind, starting_price=start,
        reserve_price=reserve, increments=table.as_rows(), deposit=deposit, opens_at=opens_at, closes_at=closes_at,
        scheduled_close=closes_at, hard_end=hard_end, soft_close_minutes=minutes, buyer_premium_percent=premium,
        seller_commission_percent=commission)
    LOT.record(lot, "created", actor=operator, params={"listing": listing.pk, "title": listing.title})
    if session.status == AuctionSession.Status.SCHEDULED:
        _put_on_the_clock(lot)
    return lot


def _whole(value: object) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _put_on_the_clock(lot: Lot) -> None:
    from ipx.auctions.services.control import schedule_close, schedule_open

    schedule_open(lot)
    schedule_close(lot)


@transaction.atomic
def session_announce(*, operator: User, session_id: int) -> AuctionSession:
    """Publish the session: bidders may register, and each lot opens and closes at its time."""
    SESSION.admit("announce", None, operator)
    session = SESSION.lock(session_id)
    SESSION.check(session, "announce", operator)
    lots = list(session.lots.filter(status=Lot.Status.SCHEDULED))
    if not lots:
        raise Conflict(_("Add at least one lot before announcing the session."))
    closed = [lot.number for lot in lots if lot.closes_at <= timezone.now()]
    if closed:  # set up days ago: nobody could have bid on them
        raise Conflict(_("Lots %(lots)s would close before anyone could bid: withdraw them and add them again "
                         "with later times.")
                       % {"lots": ", ".join(str(number) for number in closed)}, code="lots_closed")
    SESSION.transition(session, "announce", actor=operator, params={"lots": len(lots)})
    for lot in lots:
        _put_on_the_clock(lot)
    return session


@transaction.atomic
def session_cancel(*, operator: User, session_id: int, reason: str) -> AuctionSession:
    """Cancel the session before any of its lots is sold: every lot not closed is withdrawn and
    its deposits released."""
    from ipx.auctions.services.control import withdraw_locked

    SESSION.admit("cancel", None, operator)
    reason = _reason(reason)
    session = SESSION.lock(session_id)
    SESSION.check(session, "cancel", operator)
    sold = list(session.lots.filter(status=Lot.Status.SOLD).order_by("number").values_list("number", flat=True))
    if sold:  # a sale binds both sides; a cancelled session would hide it from its buyer, who must pay
        raise Conflict(_("Lots %(lots)s of this session are sold: withdraw its other lots one by one instead.")
                       % {"lots": ", ".join(str(number) for number in sold)}, code="lots_sold")
    for lot in Lot.objects.select_for_update().filter(session=session, status__in=UNFINISHED):
        withdraw_locked(lot, actor=operator, reason=reason)
    SESSION.transition(session, "cancel", actor=operator, note=reason)
    return session


def _reason(reason: object) -> str:
    errors = FieldErrors()
    text = clean_text(reason, field="reason", errors=errors, required=False, max_length=2000)
    if not text and not errors:
        errors.add("reason", _("Give the reason; bidders and the seller see it."))
    errors.raise_if_any()
    return text
