"""What pledges ask of listings, registered with them (listings sit below finance): a right
pledged (or promised) to a bank is not offered for transfer, at auction or under an exclusive
licence until its loan is repaid. Imported by ``FinanceConfig.ready``."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ipx.finance.services.loans import pledges_of
from ipx.listings.guards import register_offer_guard
from ipx.listings.models import Exclusivity, Listing, OfferKind

# Offers that would take a pledged right from its bank: selling it, or licensing it exclusively.
TAKING = {OfferKind.TRANSFER, OfferKind.AUCTION}


def pledges_hold_the_assets(listing: Listing) -> str | None:
    kinds = set(listing.offer_kinds)
    exclusive = OfferKind.LICENCE in kinds and listing.licence_exclusivity == Exclusivity.EXCLUSIVE
    if not (kinds & TAKING or exclusive):
        return None
    pledged = pledges_of(listing.asset_links.values_list("asset_id", flat=True))
    if not pledged:
        return None
    asset_id, loan = min(pledged.items())
    title = listing.asset_links.get(asset_id=asset_id).asset.title
    return _("“%(asset)s” is pledged to %(bank)s for loan #%(loan)s: until the loan is repaid it cannot be "
             "transferred, auctioned or licensed exclusively.") % {"asset": title, "bank": loan.bank.name,
                                                                   "loan": loan.pk}


register_offer_guard(pledges_hold_the_assets)
