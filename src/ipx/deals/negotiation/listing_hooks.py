"""What negotiation asks of listings, registered with them (listings sit below deals and
cannot import them): a listing's assets stay as they are while an offer made on them is
open. Imported by ``DealsConfig.ready``, which is what registers the check."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import ngettext

from ipx.deals.models import Offer
from ipx.listings.guards import register_asset_change_guard
from ipx.listings.models import Listing


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
