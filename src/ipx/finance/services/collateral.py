"""Whether IP rights are free to be pledged: not ended (past its term, lapsed: ``catalog.rights``),
not already pledged (or promised) to another loan,
and not on their way to someone else — offered for sale, at auction or under an exclusive
licence, in an open offer that would take them, or in a deal that is not finished. A bank
takes a pledge only on rights the borrower will still hold; the listing, offer or deal is
named so the borrower knows what to withdraw first. Each step of a loan towards pay-out checks
again that the borrower still holds every right and that none has ended (``refuse_unavailable``):
a deal completed meanwhile may have moved one to another organisation, and a term may have run
out."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ipx.catalog.models import Asset, AssetLicence
from ipx.catalog.rights import has_ended, not_pledgeable_message
from ipx.core.errors import Conflict
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


def refuse_ended(assets: Iterable[Asset], *, errors: FieldErrors) -> None:
    """An error on ``asset_ids`` for each right that has ended (``catalog.rights``)."""
    for asset in assets:
        if has_ended(asset):
            errors.add("asset_ids", not_pledgeable_message(asset))


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


def refuse_unavailable(loan: Loan) -> None:
    """``Conflict`` naming the first of the loan's rights that can no longer back it: held by
    another organisation now, licensed exclusively to one, pledged or promised to another loan,
    or on its way to someone else. The caller holds the loan's lock; the rights' rows are
    locked too, so that no recorded transfer moves one before the step commits."""
    ids = sorted(loan.collateral_links.values_list("asset_id", flat=True))
    # Primary-key order, as a deal's recordal takes them one by one in the same order.
    assets = list(Asset.objects.select_for_update(of=("self",)).select_related("holder").filter(pk__in=ids)
                  .order_by("pk"))
    today = timezone.localdate()
    exclusive = {licence.asset_id: licence for licence in AssetLicence.objects.filter(
        asset_id__in=ids, exclusivity=Exclusivity.EXCLUSIVE, starts_on__lte=today).exclude(
        licensee_id=loan.borrower_id).exclude(ends_on__lt=today).select_related("licensee").order_by("pk")}
    for asset in assets:
        if asset.holder_id != loan.borrower_id:
            raise Conflict(_("IP right %(asset)s (“%(title)s”) is now held by %(holder)s, not by the borrower: it "
                             "can no longer be pledged for loan #%(loan)s.")
                           % {"asset": asset.pk, "title": asset.title, "holder": asset.holder.name, "loan": loan.pk},
                           code="collateral_not_held")
        if asset.pk in exclusive:
            raise Conflict(_("IP right %(asset)s (“%(title)s”) is licensed exclusively to %(licensee)s: it can no "
                             "longer be pledged for loan #%(loan)s.")
                           % {"asset": asset.pk, "title": asset.title, "licensee": exclusive[asset.pk].licensee.name,
                              "loan": loan.pk}, code="collateral_not_held")
        if has_ended(asset, today=today):
            raise Conflict(not_pledgeable_message(asset), code="collateral_ended")
    errors = FieldErrors()
    refuse_pledged(ids, errors=errors, but=loan)
    refuse_on_their_way(ids, errors=errors)
    if errors:
        raise Conflict(errors.errors["asset_ids"])
