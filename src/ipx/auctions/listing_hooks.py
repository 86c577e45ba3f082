"""What auctions ask of listings, registered with them (listings sit below auctions and cannot
import them): a listing in an auction lot that has not ended stays on the market as it is, and
no deal is made on it otherwise. Imported by ``AuctionsConfig.ready``, which registers the check."""

from __future__ import annotations

from collections.abc import Collection

from django.db.models import Q
from django.utils.translation import gettext as _

from ipx.auctions.models import Lot, Settlement
from ipx.auctions.settlement.services import NOT_SETTLED
from ipx.listings.guards import register_hold_guard
from ipx.listings.models import Listing

HOLD_OWNER = "auctions"
L = Lot.Status
T = Settlement.Status


# A lot scheduled, open or paused, or sold and not yet settled (no settlement yet, or one
# offered to the runner-up or awaiting payment — a paid one has its deal, which holds the
# listing in its turn).
_UNSETTLED = (Q(settlements__isnull=True) & ~Q(events__verb=NOT_SETTLED)
              | Q(settlements__status__in=(T.OFFERED, T.AWAITING_PAYMENT)))
_NOT_ENDED = Q(status__in=(L.SCHEDULED, L.OPEN, L.PAUSED)) | Q(status=L.SOLD) & _UNSETTLED


def lot_holds(listing: Listing) -> str | None:
    """Why ``listing`` may not leave the market, change its terms or be sold otherwise: a lot of
    it is scheduled, open or paused, or sold and not yet settled (no settlement yet, or one
    offered to the runner-up or awaiting payment — a paid one has its deal, which holds the
    listing in its turn). None when no lot does."""
    lot = Lot.objects.filter(Q(listing_id=listing.pk) & _NOT_ENDED).select_related("session").order_by("pk").first()
    if lot is None:
        return None
    return _("The listing is lot %(lot)d of the auction “%(session)s” (%(status)s): it cannot be withdrawn, "
             "reopened, resubmitted, have its terms changed or be sold otherwise until that lot has ended.") % {
        "lot": lot.number, "session": lot.session.title, "status": lot.get_status_display()}


def listings_in_lots(listing_ids: Collection[int]) -> set[int]:
    return set(Lot.objects.filter(Q(listing_id__in=listing_ids) & _NOT_ENDED).values_list("listing_id", flat=True))


register_hold_guard(HOLD_OWNER, lot_holds, listings_in_lots)
