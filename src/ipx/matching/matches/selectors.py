"""Reads of kept matches for pages and the API, scoped to who may see them.

A demand's matches: members of the organisation that posted it, and operators. A listing's
matching demands and likely buyers: members of the seller, and operators. Everyone else
gets 403 (or 404 for what they may not even see).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from ipx.accounts.models import User
from ipx.accounts.selectors import is_member
from ipx.core.errors import PermissionDenied
from ipx.listings.models import Listing, ListingAsset
from ipx.listings.selectors import listing_visible
from ipx.matching.demands.selectors import (
    demand_visible,
    is_poster,
    member_organisation_ids,
    shows_organisation,
)
from ipx.matching.matches.explain import Explained, Reader, display_terms, ipc_entries, reason_sentences
from ipx.matching.models import Demand, DemandMatch, DemandMatchRun
from ipx.matching.retrieval.confidence import judged_unfit
from ipx.search.highlight import highlight, snippet


def demand_for_matches(user: User, demand_id: int) -> Demand:
    demand = demand_visible(user, demand_id)
    if not (user.is_operator or is_poster(user, demand)):
        raise PermissionDenied(_("Only members of the posting organisation see a demand's matches."))
    return demand


def listing_for_seller(user: User, listing_id: int) -> Listing:
    listing = listing_visible(user, listing_id)
    if not (user.is_operator or is_member(user, listing.organisation_id)):
        raise PermissionDenied(_("Only members of the seller see which demands and buyers a listing may suit."))
    return listing


def current_matches_of_demand(demand: Demand) -> QuerySet[DemandMatch]:
    """The demand's list, best first (listings no longer on offer left out until the next run)."""
    links = ListingAsset.objects.select_related("asset").order_by("position", "id")
    return (DemandMatch.objects.filter(demand=demand, rank__isnull=False, listing__status=Listing.Status.PUBLISHED)
            .select_related("listing", "listing__organisation")
            .prefetch_related(Prefetch("listing__asset_links", queryset=links))
            .order_by("rank"))


def no_good_match(run: DemandMatchRun | None) -> str | None:
    """What a demand's list says when its last ranking found no listing that fits it (the
    best one's ``fit`` below ``GOOD_MATCH``); None otherwise."""
    if run is None or run.kept or not judged_unfit(run.fit):
        return None
    return _("No good match yet: no listing on the exchange holds enough of what this demand's title asks for. "
             "Listings are checked against it whenever they are published or change, and you are told when one fits.")


def current_matches_of_listing(listing: Listing) -> QuerySet[DemandMatch]:
    """Published demands that list the listing, best score first."""
    return (DemandMatch.objects.filter(listing=listing, rank__isnull=False, demand__status=Demand.Status.PUBLISHED)
            .select_related("demand", "demand__organisation")
            .order_by("-score", "rank", "demand_id"))


@dataclass(frozen=True)
class MatchView:
    """A kept match as one reader sees it."""

    row: DemandMatch
    title_html: SafeString
    snippet_html: SafeString
    terms: list[str]
    ipc: list[tuple[str, str]]
    reasons: list[Explained] = field(default_factory=list)
    shows_organisation: bool = True


def _listing_text(listing: Listing) -> str:
    parts = [link.asset.abstract for link in listing.asset_links.all() if link.asset.abstract]
    return "\n".join([*parts, listing.description])


def _view(row: DemandMatch, *, title: str, body: str, reader: Reader, shows_organisation: bool = True) -> MatchView:
    terms = display_terms(row.explanation.get("terms", []))
    return MatchView(
        row=row, title_html=highlight(title, terms), snippet_html=snippet(body, terms), terms=terms,
        ipc=ipc_entries(row.explanation.get("ipc", [])),
        reasons=reason_sentences(row.explanation, reader=reader, text=False),
        shows_organisation=shows_organisation,
    )


def demand_match_views(demand: Demand) -> list[MatchView]:
    return [_view(row, title=row.listing.title, body=_listing_text(row.listing), reader="demand")
            for row in current_matches_of_demand(demand)]


def listing_match_views(user: User, listing: Listing) -> list[MatchView]:
    organisation_ids = member_organisation_ids(user)
    views: list[MatchView] = []
    for row in current_matches_of_listing(listing):
        shown = shows_organisation(user, row.demand, organisation_ids)
        views.append(_view(row, title=row.demand.title, body=row.demand.description, reader="seller",
                           shows_organisation=shown))
    return views
