"""Rules of apps above listings that a listing's edit must obey.

Listings sit below deals in the layers, so they cannot ask deals whether a listing's assets
are promised somewhere. Deals register a check here instead (in ``DealsConfig.ready``); an
edit that changes the listing's assets asks every registered check before it touches them.
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
