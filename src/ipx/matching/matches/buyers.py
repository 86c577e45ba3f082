"""Likely buyers of a listing: organisations ranked by what they asked for and did.

Evidence, each with a reason the seller reads:

* a published demand that lists this listing (weight: the match's score, 0–1);
* past interest: negotiations the organisation opened on other listings that share an
  IPC subclass with this one (0.3 each, at most three counted);
* saved searches of its members that alerted them to this listing (0.5 each, at most two).

The weights are set by judgement, not fitted: a demand that names the need counts most.
An anonymous demand counts as its own entry, "an organisation that chose not to be
named", never merged with its poster's other evidence (that would name it).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

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
ALERT_WEIGHT = 0.5
MAX_ALERTS_COUNTED = 2
# Negotiations looked at for past interest: the most recent ones.
MAX_THREADS_READ = 5000
MAX_BUYERS = 20

DEMAND_MATCH = "demand_match"
PAST_NEGOTIATIONS = "past_negotiations"
SAVED_SEARCH = "saved_search_alert"


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

    mine = listing_subclasses([listing.pk]).get(listing.pk, set())
    if mine:
        threads = list(Thread.objects.exclude(buyer_id=seller).exclude(listing_id=listing.pk)
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

    alerts: dict[int, set[int]] = defaultdict(set)
    alerted = SavedSearchAlert.objects.filter(listing=listing).values_list("saved_search_id", "saved_search__user_id")
    users: dict[int, set[int]] = defaultdict(set)
    for saved_search_id, user_id in alerted:
        users[user_id].add(saved_search_id)
    memberships = Membership.objects.filter(user_id__in=list(users)).exclude(organisation_id=seller)
    organisations = {}
    for membership in memberships.select_related("organisation"):
        alerts[membership.organisation_id] |= users[membership.user_id]
        organisations[membership.organisation_id] = membership.organisation
    for organisation_id, searches in alerts.items():
        entry = buyer(organisations[organisation_id])
        entry.score += ALERT_WEIGHT * min(len(searches), MAX_ALERTS_COUNTED)
        entry.reasons.append(Explained(SAVED_SEARCH, {"count": len(searches)}, ngettext(
            "A saved search of its members found this listing",
            "%(n)d saved searches of its members found this listing", len(searches)) % {"n": len(searches)}))

    ranked = [entry for entry in [*buyers.values(), *anonymous] if entry.organisation is None
              or entry.organisation.pk != seller]
    ranked.sort(key=lambda entry: (-entry.score, entry.name))
    for entry in ranked:
        entry.score = round(entry.score, 4)
    return ranked[:MAX_BUYERS]
