"""What pledges ask of listings and deals, registered with them (both sit below finance): a
right pledged (or promised) to a bank is not offered for transfer, at auction or under an
exclusive licence, and no offer that would take it is accepted, until its loan is repaid.
Imported by ``FinanceConfig.ready``."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from ipx.catalog.models import Asset
from ipx.deals.negotiation.taking import register_taking_guard
from ipx.finance.services.collateral import listing_takes_the_rights, pledges_of
from ipx.listings.guards import register_offer_guard
from ipx.listings.models import Listing


def pledges_hold(asset_ids: Sequence[int]) -> str | None:
    pledged = pledges_of(asset_ids)
    if not pledged:
        return None
    asset_id, loan = min(pledged.items())
    title = Asset.objects.values_list("title", flat=True).get(pk=asset_id)
    return _("“%(asset)s” is pledged to %(bank)s for loan #%(loan)s: until the loan is repaid it cannot be "
             "transferred, auctioned or licensed exclusively.") % {"asset": title, "bank": loan.bank.name,
                                                                   "loan": loan.pk}


def pledges_hold_the_assets(listing: Listing) -> str | None:
    if not listing_takes_the_rights(listing):
        return None
    return pledges_hold(list(listing.asset_links.values_list("asset_id", flat=True)))


register_offer_guard(pledges_hold_the_assets)
register_taking_guard(pledges_hold)
