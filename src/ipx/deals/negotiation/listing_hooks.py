"""What negotiation asks of listings, registered with them (listings sit below deals and
cannot import them): a listing's assets stay as they are while an offer made on them is
open, and the listing stays on the market as it is while a deal on it is unfinished.
Imported by ``DealsConfig.ready``, which is what registers the checks."""

from __future__ import annotations

from collections.abc import Collection

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ipx.deals.contracts.pdf import deal_number
from ipx.deals.models import Deal, Offer
from ipx.listings.guards import register_asset_change_guard, register_hold_guard
from ipx.listings.models import Listing

# The name deals' hold is registered under (``ipx.listings.guards.hold_refusal``).
HOLD_OWNER = "deals"
UNFINISHED = (Deal.Status.AWAITING_SIGNATURES, Deal.Status.SIGNED, Deal.Status.RECORDAL_SUBMITTED)


def open_offers_hold_the_assets(listing: Listing) -> str | None:
    """Why ``listing``'s assets may not change now: offers in its threads are still open (not
    yet accepted, rejected, countered, withdrawn, or past their time). None when none is."""
    count = Offer.objects.filter(thread__listing_id=listing.pk, status=Offer.Status.OPEN,
                                 expires_at__gt=timezone.now()).count()
    if not count:
        return None
    return ngettext(
        "An offer on this listing is open; its assets cannot change until the offer is accepted, rejected, "
        "withdrawn or expires.",
        "%(n)d offers on this listing are open; its assets cannot change until each is accepted, rejected, "
        "withdrawn or expires.", count) % {"n": count}


register_asset_change_guard(open_offers_hold_the_assets)


def unfinished_deal_holds(listing: Listing) -> str | None:
    """Why ``listing`` may not leave the market, come back to it or change its terms now: a deal
    on it (of any kind or commitment) is neither completed nor cancelled. None when none is."""
    deal = Deal.objects.filter(listing_id=listing.pk, status__in=UNFINISHED).order_by("pk").first()
    if deal is None:
        return None
    return _("Deal %(number)s on this listing is under way (%(status)s): the listing cannot be withdrawn, reopened, "
             "resubmitted or have its terms changed until the deal is completed or cancelled.") % {
        "number": deal_number(deal), "status": deal.get_status_display()}


def listings_with_unfinished_deals(listing_ids: Collection[int]) -> set[int]:
    return set(Deal.objects.filter(listing_id__in=listing_ids, status__in=UNFINISHED)
               .values_list("listing_id", flat=True))


register_hold_guard(HOLD_OWNER, unfinished_deal_holds, listings_with_unfinished_deals)
