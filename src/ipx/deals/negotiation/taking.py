"""Whether an offer takes its IP rights from the seller, and the checks of apps above deals
that such an offer must pass before it is accepted; and the OFFER table's guards that no other
deal or auction lot takes the rights first (``ipx.deals.rights``).

Deals sit below finance, so they cannot ask it whether a right is pledged to a bank. Finance
registers its check here instead (in its app's ``ready``); accepting an offer that would sell
a pledged right, or license it exclusively, is then refused naming the loan.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ipx.core.errors import Conflict
from ipx.core.workflow import Attempt, Refusal
from ipx.deals.models import DealKind, Offer
from ipx.deals.negotiation.listing_hooks import HOLD_OWNER
from ipx.deals.rights import exclusivity_refusal, rights_refusal
from ipx.listings.guards import hold_refusal
from ipx.listings.models import Exclusivity

# A check says, in the reader's language, why these rights may not be taken now, or None.
TakingGuard = Callable[[Sequence[int]], str | None]

_taking_guards: list[TakingGuard] = []


def register_taking_guard(guard: TakingGuard) -> TakingGuard:
    """Ask ``guard`` before an offer that takes its rights is accepted (once, however often
    it is registered)."""
    if guard not in _taking_guards:
        _taking_guards.append(guard)
    return guard


def takes_the_rights(kind: str, exclusivity: str) -> bool:
    """A sale takes the rights from the seller; so does an exclusive licence (not even the
    holder may use them)."""
    return kind == DealKind.TRANSFER or exclusivity == Exclusivity.EXCLUSIVE


def rights_free(attempt: Attempt) -> Refusal | None:
    """The OFFER workflow's guard on acceptance."""
    offer: Offer = attempt.subject
    if not takes_the_rights(offer.kind, offer.licence_exclusivity):
        return None
    asset_ids = list(offer.asset_links.values_list("asset_id", flat=True))
    for guard in _taking_guards:
        message = guard(asset_ids)
        if message:
            return Refusal(message, code="rights_pledged", error=Conflict)
    return None


def not_in_auction(attempt: Attempt) -> Refusal | None:
    """No offer is accepted while an auction lot not yet ended offers the listing: the lot's
    winner would buy what the offer's buyer already has."""
    offer: Offer = attempt.subject
    return hold_refusal(offer.thread.listing, besides=HOLD_OWNER)


def rights_not_taken(attempt: Attempt) -> Refusal | None:
    """The offer asks no more exclusivity than its listing advertises, and no live deal has
    taken the rights it would take (``ipx.deals.rights``)."""
    offer: Offer = attempt.subject
    thread = offer.thread
    message = exclusivity_refusal(kind=offer.kind, exclusivity=offer.licence_exclusivity,
                                  advertised=thread.listing.licence_exclusivity) or rights_refusal(
        kind=offer.kind, exclusivity=offer.licence_exclusivity, territory=offer.licence_territory,
        field=offer.licence_field, asset_ids=list(offer.asset_links.values_list("asset_id", flat=True)),
        buyer_id=thread.buyer_id)
    return Refusal(message, code="rights_taken", error=Conflict) if message else None
