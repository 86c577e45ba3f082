"""Rules of apps above listings that a listing's edit must obey.

Listings sit below deals and finance in the layers, so they cannot ask them whether a
listing's assets are promised somewhere. They register checks here instead (in their apps'
``ready``): deals, that an open offer holds a listing's assets (asked before an edit changes
them); finance, that a pledge holds them (asked before a listing is submitted or approved).
"""

from __future__ import annotations

from collections.abc import Callable

from ipx.core.errors import Conflict
from ipx.core.workflow import Refusal
from ipx.listings.models import Listing

# A check says, in the seller's language, why the listing's assets may not change now, or None.
AssetChangeGuard = Callable[[Listing], str | None]

_asset_change_guards: list[AssetChangeGuard] = []


def register_asset_change_guard(guard: AssetChangeGuard) -> AssetChangeGuard:
    """Ask ``guard`` before a listing's assets change (once, however often it is registered)."""
    if guard not in _asset_change_guards:
        _asset_change_guards.append(guard)
    return guard


def asset_change_refusal(listing: Listing) -> Refusal | None:
    """The first registered check's refusal of a change of ``listing``'s assets, as a conflict
    on the ``asset_ids`` field; None when every check lets it through."""
    for guard in _asset_change_guards:
        message = guard(listing)
        if message:
            return Refusal(message, error=Conflict, fields={"asset_ids": message})
    return None


# A check says why the listing may not offer its assets as it does (e.g. a right pledged to a
# bank cannot be sold or licensed exclusively), naming what holds them; None when nothing does.
OfferGuard = Callable[[Listing], str | None]

_offer_guards: list[OfferGuard] = []


def register_offer_guard(guard: OfferGuard) -> OfferGuard:
    """Ask ``guard`` before a listing goes to review or on the market (finance registers the
    pledges its loans hold)."""
    if guard not in _offer_guards:
        _offer_guards.append(guard)
    return guard


def offer_refusal(listing: Listing) -> Refusal | None:
    for guard in _offer_guards:
        message = guard(listing)
        if message:
            return Refusal(message, error=Conflict, fields={"asset_ids": message})
    return None
