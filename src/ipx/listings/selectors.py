"""Reads for listings, scoped to what the asking user may see.

A listing's detailed documents: the seller's members and operators always see them; other
members through a verified organisation, once it accepted the listing's non-disclosure
terms (when it has any); members of unverified organisations and people without an
organisation never.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Max, Prefetch, QuerySet
from django.utils.translation import gettext as _

from ipx.accounts.models import Organisation, User
from ipx.accounts.selectors import is_member, memberships_of
from ipx.catalog.models import Asset
from ipx.core.errors import NotAuthenticated, NotFound, PermissionDenied
from ipx.listings.models import PUBLIC_STATUSES, Listing, ListingAsset, ListingDocument, ListingEvent, NdaAcceptance

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


def public_listing(listing_id: int) -> Listing | None:
    """A listing anyone may see, with what its answers show (its assets' claims left out)."""
    return _with_assets(Listing.objects.filter(pk=listing_id, status__in=PUBLIC_STATUSES), with_claims=False).first()


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


def listing_ids_offering(asset_ids: Iterable[int]) -> list[int]:
    """The listings offering any of the assets (ids, or a query of them: asked as a subquery,
    however many), each once."""
    wanted = asset_ids if isinstance(asset_ids, QuerySet) else list(asset_ids)
    return sorted(set(ListingAsset.objects.filter(asset_id__in=wanted).values_list("listing_id", flat=True)))


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


# --- Detailed documents and non-disclosure agreements ------------------------------------------

def documents_of(listing: Listing) -> QuerySet[ListingDocument]:
    return ListingDocument.objects.filter(listing=listing).order_by("id")


@dataclass
class DocumentAccess:
    """What a user may see of a listing's documents, and why not. Another organisation's
    members see them through a verified organisation only, as only a verified organisation
    may make inquiries or accept non-disclosure terms."""

    listing: Listing
    is_seller: bool = False
    is_operator: bool = False
    organisations: list[Organisation] = field(default_factory=list)  # the user's, not the seller
    accepted: dict[int, NdaAcceptance] = field(default_factory=dict)  # organisation id → acceptance

    @property
    def is_member(self) -> bool:
        return bool(self.organisations) or self.is_seller

    @property
    def verified(self) -> list[Organisation]:
        """The user's organisations (not the seller) that are verified."""
        return [organisation for organisation in self.organisations if organisation.is_verified]

    @property
    def is_verified_member(self) -> bool:
        return self.is_seller or self.is_operator or bool(self.verified)

    @property
    def needs_nda(self) -> bool:
        # An acceptance counts while the organisation that made it is verified.
        accepted = any(organisation.pk in self.accepted for organisation in self.verified)
        return self.listing.requires_nda and not (self.is_seller or self.is_operator or accepted)

    @property
    def can_see(self) -> bool:
        return self.is_seller or self.is_operator or (bool(self.verified) and not self.needs_nda)

    def refusal(self) -> str:
        if not self.is_member:
            return _("Documents are shown to members of organisations registered with the exchange.")
        if not self.is_verified_member:
            return _("%(name)s is not verified yet; it can open listing documents once the operator has verified "
                     "it.") % {"name": self.organisations[0].name}
        return _("Accept this listing's non-disclosure agreement for your organisation before opening its "
                 "documents.")


def document_access(user: User | AnonymousUser, listing: Listing) -> DocumentAccess:
    if not isinstance(user, User) or not user.is_authenticated:
        return DocumentAccess(listing=listing)
    memberships = list(memberships_of(user))
    own = [m.organisation for m in memberships if m.organisation_id != listing.organisation_id]
    accepted = {row.organisation_id: row for row in NdaAcceptance.objects.filter(
        listing=listing, organisation_id__in=[o.pk for o in own])} if listing.requires_nda else {}
    return DocumentAccess(listing=listing, is_seller=len(own) < len(memberships), is_operator=user.is_operator,
                          organisations=own, accepted=accepted)


def listing_documents(user: User | AnonymousUser, listing_id: int) -> tuple[DocumentAccess, list[ListingDocument]]:
    """The listing's documents as the user may see them: none while they are hidden."""
    listing = listing_visible(user, listing_id)
    access = document_access(user, listing)
    return access, list(documents_of(listing)) if access.can_see else []


def document_count(listing: Listing) -> int:
    return documents_of(listing).count()


def document_for_download(user: User | AnonymousUser, document_id: int) -> ListingDocument:
    """The document if the user may open it: 404 when its listing is not visible to them,
    403 with the reason while the documents are hidden."""
    if not user.is_authenticated:
        raise NotAuthenticated(_("Log in to open documents."))
    document = ListingDocument.objects.filter(pk=document_id).first()
    if document is None:
        raise NotFound(_("No such document."))
    try:
        listing = listing_visible(user, document.listing_id)
    except NotFound:
        raise NotFound(_("No such document.")) from None
    access = document_access(user, listing)
    if not access.can_see:
        raise PermissionDenied(access.refusal())
    return document


# --- What the search index follows (its change feed) --------------------------------------------

def published_listing_ids() -> set[int]:
    return set(Listing.objects.filter(status=Listing.Status.PUBLISHED).values_list("pk", flat=True))


def latest_listing_change() -> datetime | None:
    """When a listing, an asset offered in one, or a seller last changed (what a listing's
    search document is made of)."""
    moments = [
        Listing.objects.aggregate(at=Max("updated_at"))["at"],
        Asset.objects.filter(listing_links__isnull=False).aggregate(at=Max("updated_at"))["at"],
        Organisation.objects.filter(listings__isnull=False).aggregate(at=Max("updated_at"))["at"],
    ]
    known = [moment for moment in moments if moment is not None]
    return max(known) if known else None


def listing_ids_changed_since(since: datetime) -> set[int]:
    """Listings (of any status) whose own row, an asset or the seller changed at or after ``since``."""
    ids = set(Listing.objects.filter(updated_at__gte=since).values_list("pk", flat=True))
    ids |= set(ListingAsset.objects.filter(asset__updated_at__gte=since).values_list("listing_id", flat=True))
    ids |= set(Listing.objects.filter(organisation__updated_at__gte=since).values_list("pk", flat=True))
    return ids
