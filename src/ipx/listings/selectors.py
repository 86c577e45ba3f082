"""Reads for listings, scoped to what the asking user may see."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Prefetch, QuerySet
from django.utils.translation import gettext as _

from ipx.accounts.models import User
from ipx.accounts.selectors import is_member
from ipx.catalog.models import Asset
from ipx.core.errors import NotFound
from ipx.listings.models import PUBLIC_STATUSES, Listing, ListingAsset, ListingEvent

_ASSET_RELATIONS = ("asset", "asset__patent", "asset__trademark", "asset__copyright", "asset__gi_product")


def _with_assets(listings: QuerySet[Listing], *, with_claims: bool = True) -> QuerySet[Listing]:
    links = ListingAsset.objects.select_related(*_ASSET_RELATIONS).order_by("position", "id")
    if not with_claims:
        links = links.defer("asset__patent__claims")  # the longest text, needed only to index
    return listings.select_related("organisation").prefetch_related(Prefetch("asset_links", queryset=links))


def listing_visible(user: User | AnonymousUser, listing_id: int) -> Listing:
    """A listing anyone may see once public; drafts only for the seller's members and operators."""
    listing = _with_assets(Listing.objects.filter(pk=listing_id)).first()
    if listing is None:
        raise NotFound(_("No such listing."))
    if listing.status in PUBLIC_STATUSES:
        return listing
    if user.is_authenticated and (user.is_operator or is_member(user, listing.organisation_id)):
        return listing
    raise NotFound(_("No such listing."))


def can_edit(user: User | AnonymousUser, listing: Listing) -> bool:
    """Whether ``user`` is one of the seller's members (they manage its documents; which
    workflow steps they may take now comes from ``LISTING.allowed_actions``)."""
    return user.is_authenticated and is_member(user, listing.organisation_id)


def sees_history(user: User | AnonymousUser, listing: Listing) -> bool:
    return user.is_authenticated and (user.is_operator or is_member(user, listing.organisation_id))


def listing_events(listing: Listing) -> QuerySet[ListingEvent]:
    """A listing's history, newest first."""
    return ListingEvent.objects.filter(listing=listing).select_related("actor").order_by("-id")


def listings_by_ids(ids: Iterable[int], *, public_only: bool = True, with_claims: bool = True) -> dict[int, Listing]:
    listings = Listing.objects.filter(pk__in=list(ids))
    if public_only:
        listings = listings.filter(status__in=PUBLIC_STATUSES)
    return {listing.pk: listing for listing in _with_assets(listings, with_claims=with_claims)}


def listings_of_organisation(organisation_id: int, *, status: str | None = None) -> QuerySet[Listing]:
    listings = Listing.objects.filter(organisation_id=organisation_id)
    if status:
        listings = listings.filter(status=status)
    return _with_assets(listings).order_by("-updated_at")


def published_listings_of(organisation_id: int) -> QuerySet[Listing]:
    return _with_assets(
        Listing.objects.filter(organisation_id=organisation_id, status=Listing.Status.PUBLISHED)
    ).order_by("-published_at")


def listings_awaiting_review() -> QuerySet[Listing]:
    return _with_assets(Listing.objects.filter(status=Listing.Status.SUBMITTED)).order_by("submitted_at")


def listings_for_index(ids: Iterable[int] | None = None, *, chunk: int = 500) -> Iterator[Listing]:
    """Published listings with everything the search index needs, streamed in chunks."""
    published = Listing.objects.filter(status=Listing.Status.PUBLISHED)
    if ids is not None:
        published = published.filter(pk__in=list(ids))
    last = 0
    while True:
        batch = list(_with_assets(published.filter(pk__gt=last).order_by("pk"))[:chunk])
        if not batch:
            return
        yield from batch
        last = batch[-1].pk


def listing_ids_offering(asset_id: int) -> list[int]:
    return list(ListingAsset.objects.filter(asset_id=asset_id).values_list("listing_id", flat=True))


def published_listing_ids_of(organisation_id: int) -> list[int]:
    return list(Listing.objects.filter(organisation_id=organisation_id, status=Listing.Status.PUBLISHED)
                .values_list("pk", flat=True))


def listing_status(listing_id: int) -> str | None:
    return Listing.objects.filter(pk=listing_id).values_list("status", flat=True).first()


def published_counts_by_ip_type() -> dict[str, int]:
    rows = (
        Asset.objects.filter(listing_links__listing__status=Listing.Status.PUBLISHED)
        .values("ip_type")
        .annotate(n=Count("listing_links__listing", distinct=True))
    )
    return {row["ip_type"]: row["n"] for row in rows}


def published_count() -> int:
    return Listing.objects.filter(status=Listing.Status.PUBLISHED).count()
