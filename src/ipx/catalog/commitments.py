"""Whether an asset is committed — pledged to a bank, offered by a listing past its draft, in
an auction lot not yet over, named by an open offer or an unfinished deal — and what may not
change while it is.

A commitment names the right as it stood when it was made: the pledge registered with the
office, the contract signed, the listing an operator reviewed. So while one holds, the fields
that say which right it is, whose, under what title and in what legal status stay as they
are; descriptive text (the abstract, the classification, inventors, claims) may still be
improved.

The catalog sits below the apps that make these commitments (ARCHITECTURE.md, layers) and
cannot import them: it reads them through ``Asset``'s reverse relations, by name, read only,
as ``asset_delete`` relies on the listings' PROTECT. Their statuses are spelled here; the
tests build each commitment with those apps' own models, so a renamed status fails there.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ipx.catalog.cleaning import current_values
from ipx.catalog.inputs import AssetInput
from ipx.catalog.models import Asset
from ipx.core.errors import Conflict

# Descriptive fields: improving them misleads no bank or buyer about what they were promised.
# Every other field (a new one too, until judged harmless) is held by a commitment.
DESCRIPTIVE_FIELDS = frozenset({
    "abstract", "ipc_main", "ipc_codes", "inventors", "claims", "work_category", "version", "category",
})

# finance.Loan: promised to the bank from acceptance, pledged from disbursement (as finance's
# own ``collateral.PLEDGING``).
_PLEDGING = ("accepted", "pledge_submitted", "active")
# deals.Deal before it is completed or cancelled.
_DEAL_UNDER_WAY = ("awaiting_signatures", "signed", "recordal_submitted")
# listings.Listing in review or on the market; a draft is the seller's own, a sold, withdrawn
# or expired one offers nothing any more.
_LISTED = ("submitted", "published", "reserved")
# auctions.Lot before its hammer, and auctions.Settlement of a sale still to be paid.
_LOT_OPEN = ("scheduled", "open", "paused")
_SETTLING = ("offered", "awaiting_payment")


def _first(asset_id: int, condition: Q, *fields: str) -> tuple[object, ...] | None:
    row = Asset.objects.filter(condition, pk=asset_id).values_list(*fields).order_by(*fields).first()
    return tuple(row) if row is not None else None


def _pledge(asset_id: int) -> str | None:
    found = _first(asset_id, Q(pledges__loan__status__in=_PLEDGING), "pledges__loan_id", "pledges__loan__bank__name")
    if found is None:
        return None
    return _("This asset is pledged to %(bank)s for loan #%(loan)s: its numbers, owners, title and legal status "
             "cannot change until the loan is repaid.") % {"bank": found[1], "loan": found[0]}


def _deal(asset_id: int) -> str | None:
    found = _first(asset_id, Q(deal_links__deal__status__in=_DEAL_UNDER_WAY), "deal_links__deal_id")
    if found is None:
        return None
    return _("This asset is in deal #%(deal)s, which is not finished: its numbers, owners, title and legal status "
             "cannot change until the deal is completed or cancelled.") % {"deal": found[0]}


def _lot(asset_id: int) -> str | None:
    lots = "listing_links__listing__auction_lots"
    live = Q(**{f"{lots}__status__in": _LOT_OPEN}) | Q(**{f"{lots}__settlements__status__in": _SETTLING})
    found = _first(asset_id, live, f"{lots}__id")
    if found is None:
        return None
    return _("This asset is offered in auction lot #%(lot)s: its numbers, owners, title and legal status cannot "
             "change until the lot is withdrawn or its sale is settled.") % {"lot": found[0]}


def _listing(asset_id: int) -> str | None:
    found = _first(asset_id, Q(listing_links__listing__status__in=_LISTED), "listing_links__listing_id",
                   "listing_links__listing__title")
    if found is None:
        return None
    return _("This asset is offered by listing “%(title)s” (#%(listing)s), which is in review or on the market: "
             "withdraw the listing before changing its numbers, owners, title or legal status.") % {
        "title": found[1], "listing": found[0]}


def _offer(asset_id: int) -> str | None:
    found = _first(asset_id, Q(offer_links__offer__status="open", offer_links__offer__expires_at__gt=timezone.now()),
                   "offer_links__offer_id")
    if found is None:
        return None
    return _("Offer #%(offer)s, still open, names this asset: its numbers, owners, title and legal status cannot "
             "change until the offer is withdrawn, rejected or expired.") % {"offer": found[0]}


# In the order a holder would have to undo them: a pledge outlasts the deals and listings.
_COMMITMENTS: tuple[Callable[[int], str | None], ...] = (_pledge, _deal, _lot, _listing, _offer)


def commitment(asset_id: int) -> str | None:
    """Why the asset is committed, in the reader's language, or None when it is free."""
    for check in _COMMITMENTS:
        message = check(asset_id)
        if message:
            return message
    return None


def held_fields_changed(asset: Asset, new: AssetInput, owners: Sequence[str] | None = None) -> list[str]:
    """The fields a commitment holds that ``new`` would change (``owners`` as in
    ``cleaning.current_values``)."""
    now = current_values(asset, owners)
    after = new.asset_columns() | new.detail_columns()
    # No owners of record means the holder alone (``services._owner_rows``), on either side.
    now["owners"] = _owners_or_holder(now["owners"], asset)
    after["owners"] = _owners_or_holder(new.owners, asset)
    return [name for name, value in after.items()
            if name not in DESCRIPTIVE_FIELDS and name in now and now[name] != value]


def _owners_or_holder(owners: object, asset: Asset) -> list[str]:
    names = [str(name) for name in owners] if isinstance(owners, list | tuple) else []
    return names or [asset.holder.name]


def refuse_held_changes(asset: Asset, new: AssetInput, owners: Sequence[str] | None = None) -> None:
    """Raise Conflict, naming each held field ``new`` would change, if the asset is committed."""
    changed = held_fields_changed(asset, new, owners)
    if not changed:
        return
    message = commitment(asset.pk)
    if message:
        raise Conflict(message, code="asset_committed", fields=dict.fromkeys(changed, message))
