"""Whether IP rights are free to be pledged: not already pledged (or promised) to another loan,
and not on their way to someone else — offered for sale, at auction or under an exclusive
licence, in an open offer that would take them, or in a deal that is not finished. A bank
takes a pledge only on rights the borrower will still hold; the listing, offer or deal is
named so the borrower knows what to withdraw first."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ipx.core.validation import FieldErrors
from ipx.deals.models import Deal, DealKind, Offer
from ipx.finance.models import Loan, LoanCollateral
from ipx.listings.models import Exclusivity, Listing, OfferKind

L = Loan.Status
# From acceptance the rights are promised to the bank; from disbursement they are pledged.
PLEDGING = (L.ACCEPTED, L.PLEDGE_SUBMITTED, L.ACTIVE)
# Terms that take the rights from their holder: a sale, or an exclusive licence.
TAKING_TERMS = Q(kind=DealKind.TRANSFER) | Q(licence_exclusivity=Exclusivity.EXCLUSIVE)
ON_THE_MARKET = (Listing.Status.SUBMITTED, Listing.Status.PUBLISHED, Listing.Status.RESERVED)
DEAL_UNDER_WAY = (Deal.Status.AWAITING_SIGNATURES, Deal.Status.SIGNED, Deal.Status.RECORDAL_SUBMITTED)


def pledges_of(asset_ids: Iterable[int]) -> dict[int, Loan]:
    """Asset id → the loan it is pledged (or promised) to."""
    links = LoanCollateral.objects.filter(asset_id__in=list(asset_ids), loan__status__in=PLEDGING).select_related(
        "loan__bank")
    return {link.asset_id: link.loan for link in links}


def listing_takes_the_rights(listing: Listing) -> bool:
    kinds = set(listing.offer_kinds)
    return bool(kinds & {OfferKind.TRANSFER, OfferKind.AUCTION}) or (
        OfferKind.LICENCE in kinds and listing.licence_exclusivity == Exclusivity.EXCLUSIVE)


def refuse_pledged(asset_ids: Iterable[int], *, errors: FieldErrors, but: Loan | None = None) -> None:
    for asset_id, loan in sorted(pledges_of(asset_ids).items()):
        if but is None or loan.pk != but.pk:
            errors.add("asset_ids", _("IP right %(asset)s is already pledged to loan #%(loan)s.")
                       % {"asset": asset_id, "loan": loan.pk})


def refuse_on_their_way(asset_ids: Iterable[int], *, errors: FieldErrors) -> None:
    """An error on ``asset_ids`` for each listing, open offer or unfinished deal that would
    take one of the rights from its holder."""
    ids = list(asset_ids)
    # A listing's kinds are a JSON list that SQLite cannot query inside: the few listings
    # holding these rights are read and their kinds checked here.
    listings = Listing.objects.filter(status__in=ON_THE_MARKET, asset_links__asset_id__in=ids).distinct()
    for listing in listings.order_by("pk"):
        if listing_takes_the_rights(listing):
            errors.add("asset_ids", _("“%(title)s” (listing #%(id)s) offers these rights for sale, at auction or "
                                      "under an exclusive licence: withdraw it before pledging them.")
                       % {"title": listing.title, "id": listing.pk})
    offers = Offer.objects.filter(TAKING_TERMS, status=Offer.Status.OPEN, expires_at__gt=timezone.now(),
                                  asset_links__asset_id__in=ids)
    for offer in offers.distinct().order_by("pk"):
        errors.add("asset_ids", _("Offer #%(id)s would take these rights: withdraw or reject it before pledging "
                                  "them.") % {"id": offer.pk})
    deals = Deal.objects.filter(TAKING_TERMS, status__in=DEAL_UNDER_WAY, asset_links__asset_id__in=ids)
    for deal in deals.distinct().order_by("pk"):
        errors.add("asset_ids", _("Deal #%(id)s, not yet completed, takes these rights: they cannot be pledged "
                                  "while it is under way.") % {"id": deal.pk})
