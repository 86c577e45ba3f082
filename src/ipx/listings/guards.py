"""Rules of apps above listings that a listing's edit must obey.

Listings sit below deals and finance in the layers, so they cannot ask them whether a
listing's assets are promised somewhere. They register checks here instead (in their apps'
``ready``): deals, that an open offer holds a listing's assets (asked before an edit changes
them); finance, that a pledge holds them (asked before a listing is submitted or approved).
"""

from __future__ import annotations

from collections.abc import Callable, Collection

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


# A check says what still holds a listing to a sale under way — an unfinished deal, an auction
# lot not yet ended — naming it, in the reader's language; None when nothing does. While one
# does, the listing is not withdrawn by its seller, reopened, resubmitted or materially edited:
# any of those would let it be offered, and sold, a second time. Each check is registered with
# the name of the app that owns it, so that an app can ask for the others' holds only (deals
# weigh their own deals by kind and exclusivity, ``ipx.deals.negotiation.rights``).
HoldGuard = Callable[[Listing], str | None]
# The same question for many listings at once, by id: which of them are held (one query for
# a page of search hits, whose actions are listed).
HeldAmong = Callable[[Collection[int]], set[int]]

_hold_guards: dict[str, HoldGuard] = {}
_held_among: dict[str, HeldAmong] = {}


def register_hold_guard(owner: str, guard: HoldGuard, held_among: HeldAmong) -> HoldGuard:
    """Ask ``guard`` (``owner``'s, one per owner) before a listing is taken off, or put back on,
    the market, or its terms change; ``held_among`` answers for many listings at once."""
    _hold_guards[owner] = guard
    _held_among[owner] = held_among
    return guard


def held_among(listing_ids: Collection[int]) -> set[int]:
    """Which of ``listing_ids`` something holds (any owner's check)."""
    held: set[int] = set()
    if listing_ids:
        for find in _held_among.values():
            held |= find(listing_ids)
    return held


def hold_refusal(listing: Listing, *, besides: str = "") -> Refusal | None:
    """The first registered hold on ``listing`` (other than ``besides``'s) as a conflict, or None."""
    for owner, guard in _hold_guards.items():
        if owner == besides:
            continue
        message = guard(listing)
        if message:
            return Refusal(message, code="listing_held", error=Conflict)
    return None
