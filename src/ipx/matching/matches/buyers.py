"""Likely buyers of a listing: organisations ranked by what they asked for and did, told to
the seller from what the seller may know — never from another organisation's private
business.

Evidence about a named organisation, each with a reason the seller reads:

* a published demand that lists this listing (public; weight: the match's score, 0–1);
* past interest: negotiations the organisation opened with this seller about its other
  listings that share an IPC subclass with this one (0.3 each, at most three counted).

Negotiations between other organisations and saved searches are private: they never name
anyone. They are shown only as anonymous counts (``market_interest``), and only once at
least ``MIN_CROWD`` organisations make them up, so that no single buyer can be picked out:
how many organisations negotiated listings of the same IPC subclass with other sellers in
the last ``CROWD_DAYS`` days, and how many organisations' saved searches found this listing.

The weights are set by judgement, not fitted: a demand that names the need counts most.
An anonymous demand counts as its own entry, "an organisation that chose not to be
named", never merged with its poster's other evidence (that would name it).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ipx.accounts.models import Membership, Organisation, User
from ipx.catalog.models import Patent
from ipx.deals.models import Thread
from ipx.listings.models import Listing
from ipx.matching.demands.selectors import member_organisation_ids, shows_organisation
from ipx.matching.matches.explain import Explained, ipc_text
from ipx.matching.matches.selectors import current_matches_of_listing
from ipx.matching.models import SavedSearchAlert

THREAD_WEIGHT = 0.3
MAX_THREADS_COUNTED = 3
# Anonymous counts are shown from this many organisations on: fewer could single one out.
MIN_CROWD = 3
CROWD_DAYS = 30
# Negotiations looked at for past interest: the most recent ones.
MAX_THREADS_READ = 5000
MAX_BUYERS = 20

DEMAND_MATCH = "demand_match"
PAST_NEGOTIATIONS = "past_negotiations"
CROWD_NEGOTIATIONS = "subclass_negotiations"
CROWD_SEARCHES = "saved_searches"


@dataclass
class Buyer:
    organisation: Organisation | None  # None: an anonymous demand's poster
    score: float = 0.0
    reasons: list[Explained] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.organisation.name if self.organisation is not None else _(
            "An organisation that chose not to be named")


def _subclasses(codes: list[str]) -> set[str]:
    return {code[:4] for code in codes if len(code) >= 4}


def listing_subclasses(listing_ids: list[int]) -> dict[int, set[str]]:
    """IPC subclasses of the patents each listing offers."""
    found: dict[int, set[str]] = defaultdict(set)
    rows = Patent.objects.filter(asset__listing_links__listing_id__in=listing_ids).values_list(
        "asset__listing_links__listing_id", "ipc_codes")
    for listing_id, codes in rows:
        found[listing_id] |= _subclasses(list(codes or []))
    return found


def _demand_reason(values: dict[str, Any]) -> Explained:
    return Explained(DEMAND_MATCH, values, _("Posted the demand “%(title)s”, which your listing may solve")
                     % {"title": values["title"]})


def likely_buyers(user: User, listing: Listing) -> list[Buyer]:
    """Named organisations (and anonymous demands' posters) likely to want ``listing``, best
    first, from public demands and the seller's own negotiations only."""
    seller = listing.organisation_id
    organisation_ids = member_organisation_ids(user)
    buyers: dict[int, Buyer] = {}
    anonymous: list[Buyer] = []

    def buyer(organisation: Organisation) -> Buyer:
        return buyers.setdefault(organisation.pk, Buyer(organisation))

    for row in current_matches_of_listing(listing):
        demand = row.demand
        values = {"demand_id": demand.pk, "title": demand.title, "score": round(row.score, 4), "rank": row.rank}
        if shows_organisation(user, demand, organisation_ids):
            entry = buyer(demand.organisation)
        else:
            entry = Buyer(None)
            anonymous.append(entry)
        entry.score += row.score
        entry.reasons.append(_demand_reason(values))

    # Past interest: only the seller's own negotiations (its threads about its other listings).
    mine = listing_subclasses([listing.pk]).get(listing.pk, set())
    if mine:
        threads = list(Thread.objects.filter(seller_id=seller).exclude(buyer_id=seller).exclude(listing_id=listing.pk)
                       .select_related("buyer").order_by("-created_at", "-pk")[:MAX_THREADS_READ])
        classes = listing_subclasses(sorted({thread.listing_id for thread in threads}))
        interest: dict[int, tuple[Organisation, set[int], set[str]]] = {}
        for thread in threads:
            shared = classes.get(thread.listing_id, set()) & mine
            if shared:
                organisation, listings, codes = interest.setdefault(thread.buyer_id, (thread.buyer, set(), set()))
                listings.add(thread.listing_id)
                codes |= shared
        for organisation, listings, codes in interest.values():
            entry = buyer(organisation)
            entry.score += THREAD_WEIGHT * min(len(listings), MAX_THREADS_COUNTED)
            values = {"count": len(listings), "subclasses": sorted(codes)}
            entry.reasons.append(Explained(PAST_NEGOTIATIONS, values, ngettext(
                "Negotiated %(n)d listing in the same IPC subclass: %(classes)s",
                "Negotiated %(n)d listings in the same IPC subclass: %(classes)s", len(listings))
                % {"n": len(listings), "classes": ipc_text(sorted(codes))}))

    ranked = [entry for entry in [*buyers.values(), *anonymous] if entry.organisation is None
              or entry.organisation.pk != seller]
    ranked.sort(key=lambda entry: (-entry.score, entry.name))
    for entry in ranked:
        entry.score = round(entry.score, 4)
    return ranked[:MAX_BUYERS]


# --- Anonymous counts ------------------------------------------------------------------------------

def _negotiations_elsewhere(listing: Listing, mine: set[str]) -> list[Explained]:
    """Per IPC subclass of the listing: how many organisations opened negotiations with other
    sellers about listings of that subclass lately, when at least ``MIN_CROWD`` did."""
    seller = listing.organisation_id
    since = timezone.now() - timedelta(days=CROWD_DAYS)
    rows = list(Thread.objects.filter(created_at__gte=since).exclude(seller_id=seller).exclude(buyer_id=seller)
                .order_by("-created_at", "-pk").values_list("listing_id", "buyer_id")[:MAX_THREADS_READ])
    classes = listing_subclasses(sorted({listing_id for listing_id, _buyer in rows}))
    buyers: dict[str, set[int]] = defaultdict(set)
    for listing_id, buyer_id in rows:
        for code in classes.get(listing_id, set()) & mine:
            buyers[code].add(buyer_id)
    found = []
    for code in sorted(buyers):
        count = len(buyers[code])
        if count >= MIN_CROWD:
            values = {"count": count, "subclass": code, "days": CROWD_DAYS}
            # Always three or more organisations: one form of the sentence serves.
            found.append(Explained(CROWD_NEGOTIATIONS, values, _(
                "%(n)d organisations negotiated listings in IPC subclass %(class)s with other sellers in the last "
                "%(days)d days") % {"n": count, "class": ipc_text([code]), "days": CROWD_DAYS}))
    return found


def _searches_that_found(listing: Listing) -> list[Explained]:
    """How many organisations' members have saved searches that found this listing, when at
    least ``MIN_CROWD`` organisations and as many people make up the count."""
    seller = listing.organisation_id
    sellers_people = Membership.objects.filter(organisation_id=seller).values_list("user_id", flat=True)
    searchers = set(SavedSearchAlert.objects.filter(listing=listing).exclude(saved_search__user_id__in=sellers_people)
                    .values_list("saved_search__user_id", flat=True))
    organisations = set(Membership.objects.filter(user_id__in=searchers).exclude(organisation_id=seller)
                        .values_list("organisation_id", flat=True))
    count = len(organisations)
    if min(count, len(searchers)) < MIN_CROWD:
        return []
    return [Explained(CROWD_SEARCHES, {"count": count}, _(
        "Saved searches of members of %(n)d organisations found this listing") % {"n": count})]


def market_interest(listing: Listing) -> list[Explained]:
    """Interest in the listing that names nobody: counts of at least ``MIN_CROWD`` organisations."""
    mine = listing_subclasses([listing.pk]).get(listing.pk, set())
    return [*(_negotiations_elsewhere(listing, mine) if mine else []), *_searches_that_found(listing)]
