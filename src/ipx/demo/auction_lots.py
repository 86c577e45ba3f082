"""What the demo's auction sessions share: their bidders, the listings they may offer, and a
lot's values from its listing."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_FLOOR, Decimal

from ipx.accounts.models import Membership, Organisation, User
from ipx.auctions.inputs import LotValues
from ipx.auctions.models import AuctionSession, Lot
from ipx.auctions.rules import DEFAULT_INCREMENTS, IncrementTable
from ipx.auctions.services.registration import registration_admit, registration_apply
from ipx.core.money import Money
from ipx.deals.models import Thread
from ipx.demo.organisations import spec
from ipx.demo.people import admin_email
from ipx.listings.models import Listing, OfferKind

CURRENCY = "CNY"
# The demo's bidders besides the buyer, who has money from the demo's deals already.
RIVALS = ("agent", "jp-components", "us-technologies")
SOFT_CLOSE_MINUTES = 3


@dataclass(frozen=True)
class Bidder:
    organisation: Organisation
    user: User


def demo_bidders() -> dict[str, Bidder] | None:
    """The buyer and its rivals, each its organisation and administrator, as a loaded demo holds
    them; None when one is missing (a database someone changed by hand)."""
    bidders = {}
    for key in ("buyer", *RIVALS):
        admin = (Membership.objects.filter(user__email=admin_email(spec(key)), role=Membership.Role.ADMIN)
                 .select_related("organisation", "user").first())
        if admin is None:
            return None
        bidders[key] = Bidder(admin.organisation, admin.user)
    return bidders


def candidates(ip_type: str) -> list[Listing]:
    """Published single-asset listings with a price, offered for transfer or auction: those in
    CNY first (others are priced at the indicative rate), those offered for auction first
    (their price is the starting price), holders taken in turn. Listings under negotiation
    (the demo's deals) are left alone."""
    negotiated = Thread.objects.values("listing_id")
    query = (Listing.objects.filter(status=Listing.Status.PUBLISHED, price_amount__gt=0, assets__ip_type=ip_type)
             .exclude(pk__in=negotiated).distinct().order_by("pk").prefetch_related("asset_links"))
    wanted = {OfferKind.TRANSFER, OfferKind.AUCTION}
    listings = [listing for listing in query
                if wanted & set(listing.offer_kinds) and len(listing.asset_links.all()) == 1]
    taken: list[Listing] = []
    for in_cny in (True, False):
        by_holder: dict[int, list[Listing]] = {}
        for listing in sorted(listings, key=lambda item: (OfferKind.AUCTION not in item.offer_kinds, item.pk)):
            if (listing.currency == CURRENCY) == in_cny:
                by_holder.setdefault(listing.organisation_id, []).append(listing)
        queues = list(by_holder.values())
        while any(queues):
            taken += [queue.pop(0) for queue in queues if queue]
    return taken


def on_step(table: IncrementTable, amount: Decimal) -> Decimal:
    """The highest step of the table at or below ``amount``."""
    amount = amount.quantize(Decimal(1), rounding=ROUND_FLOOR)
    return amount - amount % table.increment_at(amount)


def lot_values(listing: Listing, opens_at: datetime, closes_at: datetime, reserve: Decimal | None) -> LotValues:
    table = DEFAULT_INCREMENTS  # the table lot_add gives a lot without one of its own
    start = on_step(table, Money(listing.price_amount or Decimal(0), listing.currency).in_cny())
    deposit = max(start / 10 // 1000 * 1000, Decimal(5000))
    return LotValues(
        listing_id=listing.pk, offer_kind=Lot.OfferKind.TRANSFER, starting_price=start,
        reserve_price=on_step(table, start * reserve) if reserve else None, deposit=deposit,
        opens_at=opens_at, closes_at=closes_at, hard_end=closes_at + timedelta(minutes=15),
        soft_close_minutes=SOFT_CLOSE_MINUTES)


def admit(operator: User, session: AuctionSession, bidders: Iterable[Bidder]) -> dict[int, Bidder]:
    """Each bidder applied and admitted; keyed by registration, as the rules name bidders."""
    admitted = {}
    for bidder in bidders:
        registration = registration_apply(actor=bidder.user, session_id=session.pk,
                                          organisation_id=bidder.organisation.pk)
        admitted[registration_admit(operator=operator, registration_id=registration.pk).pk] = bidder
    return admitted
