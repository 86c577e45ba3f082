"""Keeping matches: a published demand's best listings, in both directions, notified once.

* ``matches_recompute(demand_id=)`` ranks the published listings for one demand (its own
  organisation's left out) and keeps the top ``TOP_N`` above the thresholds below as
  ``DemandMatch`` rows; pairs that fall out keep their row without a rank (so nobody is
  told twice). A demand no longer published loses its rows.
* ``matches_follow_listing(listing_id=)`` — after a listing changed: the listing is scored
  against every published demand with the engine over demands (the listing's title and
  abstracts as the query); each demand it may fit, and each that listed it before, is
  recomputed. The kept score is therefore always the demand's own ranking score, and a
  demand's list is always its true top ``TOP_N``.
* A pair that enters a demand's list for the first time notifies both sides once: the
  demand's organisation (one notification per run, naming the listing or how many) and
  each seller (its listing matches a demand; an anonymous demand's poster is not named).

Ranking needs the engines (``index``); building one may take seconds, so it happens
before the short transaction that writes the rows, never inside it.

Which ranked listings are kept (chosen from the score distributions of the ten demo
demands and four unrelated control demands over the demo catalogue of 2,600 listings; see
BENCHMARKS.md, "Matching: kept matches"):

* the final score is at least ``MIN_SCORE``. The engine's score is relative — the best
  candidate of a demand scores about 0.7 + 0.3 × its facts — so this cuts the tail of
  candidates with less than about half the best one's text evidence, whatever the demand;
* and the text evidence is real: at least ``MIN_TERMS`` shared terms, or (with vectors) a
  cosine among the demand's top ``MEANING_SHARE`` of the whole catalogue. e5's cosines sit
  in a narrow band whose level depends on the demand and its language (medians 0.79 for an
  English demand, 0.86–0.88 for Chinese ones over Chinese listings), so a fixed cosine
  floor would drop every cross-language match or keep everything; the demand's own top
  1 % is a floor that moves with it.

Both rules are relative, so a demand the exchange has nothing for would still keep its
nearest listings. A demand in Chinese is therefore judged absolutely first (``fit``): the
best of its ranked listings must hold enough of the words of its title, the words of asking
left out (``REQUEST_WORDS``), for ``title_confidence`` to reach ``GOOD_MATCH``; otherwise
nothing is kept and its page says there is no good match yet. A demand in another language
meets the Chinese listings through the dictionary bridge, whose choice among a word's senses
is not sure enough to say that nothing fits ("translation" → 平移 made an unrelated demand
about poetry look covered): it is not judged, and its list follows the relative rules alone.
Nor is any demand while the catalogue has fewer than ``JUDGED_FROM`` listings: over a few
documents a word's idf, and so a title's shares, says little (the coefficients come from a
corpus of 3,720).
"""

from __future__ import annotations

import logging
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from ipx.listings.models import Listing
from ipx.listings.selectors import listings_for_index
from ipx.matching.demands.language import SIMPLIFIED, TRADITIONAL
from ipx.matching.matches import index
from ipx.matching.matches.documents import (
    LISTING,
    demand_facts,
    demand_text,
    listing_facts,
    listing_query_text,
    pk_of,
)
from ipx.matching.models import Demand, DemandMatch, DemandMatchRun
from ipx.matching.retrieval import HybridEngine, Match
from ipx.matching.retrieval.confidence import judged_unfit, title_confidence
from ipx.matching.retrieval.signals import IPC_SHARED
from ipx.notifications.services import notify

logger = logging.getLogger(__name__)

TOP_N = 20
MIN_SCORE = 0.5
MIN_TERMS = 2
MEANING_SHARE = 0.01
# Demands scored for one listing before each is recomputed in full.
REVERSE_CANDIDATES = 50
MAX_TERMS = 40
# Listings a catalogue needs before a demand's fit is judged (see the module's note).
JUDGED_FROM = 200
# Words a demand's title asks with rather than names what it needs (jieba's words, Simplified).
REQUEST_WORDS = frozenset([
    "寻求", "寻找", "求购", "征集", "希望", "引进", "需要", "需求", "我们", "我司", "合作", "提供", "相关", "技术",
    "方案", "服务",
])


@dataclass(frozen=True)
class Ranked:
    """One listing for one demand, as the engine ranked it."""

    listing_id: int
    score: float
    lexical: float | None
    dense: float | None
    structured: float | None
    explanation: dict[str, Any]


@dataclass(frozen=True)
class Ranking:
    """The listings kept for a demand and how surely the best ranked one fits it (None: not judged)."""

    listings: list[Ranked]
    fit: float | None = None

    @property
    def nothing_fits(self) -> bool:
        return judged_unfit(self.fit)


@dataclass
class Outcome:
    demand_id: int
    method: str = ""
    kept: int = 0
    fit: float | None = None
    new: list[int] = field(default_factory=list)  # listings that entered the list for the first time
    dropped: int = 0
    removed: int = 0


def explanation_of(match: Match) -> dict[str, Any]:
    """What the engine said about a match, as plain JSON: matched terms, shared IPC codes
    (the deepest shared level) and every reason's code, values and weight."""
    ipc: list[str] = []
    level = ""
    for reason in match.reasons:
        if reason.code == IPC_SHARED:
            ipc = list(reason.values.get("codes", []))
            level = str(reason.values.get("level", ""))
    return {
        "terms": match.matched_terms[:MAX_TERMS],
        "ipc": ipc,
        "ipc_level": level,
        "reasons": [{"code": r.code, "values": dict(r.values), "weight": r.weight} for r in match.reasons],
    }


def meaning_floor(engine: HybridEngine, text: str, vector: index.Vectors, exclude: set[str]) -> float:
    """The cosine of the demand's ``MEANING_SHARE`` best listing by meaning alone."""
    k = max(1, math.ceil((len(engine) - len(exclude)) * MEANING_SHARE))
    best = engine.search(text, k=k, method="dense", query_vector=vector, exclude=exclude)
    return float(best[-1].dense) if best and best[-1].dense is not None else math.inf


def relevant(match: Match, floor: float | None) -> bool:
    """Whether a ranked candidate is worth keeping (see the module's note)."""
    if match.score < MIN_SCORE:
        return False
    words = len(match.matched_terms) >= MIN_TERMS and (match.lexical or 0.0) > 0
    meaning = floor is not None and match.dense is not None and match.dense >= floor
    return words or meaning


def title_fit(demand: Demand, engine: HybridEngine, found: list[Match]) -> float | None:
    """How surely the best of ``found`` is what a demand in Chinese asks for (see the module)."""
    if demand.language not in (SIMPLIFIED, TRADITIONAL) or not found or len(engine) < JUDGED_FROM:
        return None
    shares = engine.word_coverage(demand.title, [m.doc_id for m in found], ignore=REQUEST_WORDS)
    return None if shares is None else title_confidence(max(shares))


def rank_listings(demand: Demand, catalogue: index.Catalogue, *, k: int = TOP_N) -> Ranking:
    """The demand's best published listings (its organisation's left out), best first, when
    the best of them fits it."""
    if not len(catalogue):
        return Ranking([])
    text = demand_text(demand)
    exclude = catalogue.ids_of(demand.organisation_id)
    facts = demand_facts(demand)
    vector = index.query_vector(catalogue.engine, text, facts.ipc) if catalogue.dense else None
    floor = meaning_floor(catalogue.engine, text, vector, exclude) if vector is not None else None
    found = catalogue.engine.search(
        text, k=k, method="hybrid" if catalogue.dense else "lexical", query_vector=vector,
        facts=facts, exclude=exclude, explain=True, title=demand.title,
    )
    ranking = Ranking([
        Ranked(listing_id=pk_of(m.doc_id), score=round(m.score, 6), lexical=m.lexical, dense=m.dense,
               structured=m.structured, explanation=explanation_of(m))
        for m in found if relevant(m, floor)
    ], title_fit(demand, catalogue.engine, found))
    return Ranking([], ranking.fit) if ranking.nothing_fits else ranking


def candidate_demands(listing: Listing, catalogue: index.Catalogue) -> set[int]:
    """Published demands the listing may fit (the seller's own left out): the best
    ``REVERSE_CANDIDATES`` of the engine over demands, queried with the listing's title,
    abstracts and facts. Each is then ranked again in full, which decides."""
    if not len(catalogue):
        return set()
    text, facts = listing_query_text(listing), listing_facts(listing)
    vector = index.query_vector(catalogue.engine, text, facts.ipc) if catalogue.dense else None
    found = catalogue.engine.search(
        text, k=REVERSE_CANDIDATES, method="hybrid" if catalogue.dense else "lexical", query_vector=vector,
        facts=facts, exclude=catalogue.ids_of(listing.organisation_id), title=listing.title,
    )
    return {pk_of(m.doc_id) for m in found}


# --- Writing the rows ----------------------------------------------------------------------------

@transaction.atomic
def matches_clear(*, demand_id: int) -> Outcome:
    """A demand that left the published state (closed, expired) loses its matches."""
    removed = DemandMatch.objects.filter(demand_id=demand_id).delete()[0]
    DemandMatchRun.objects.filter(demand_id=demand_id).delete()
    return Outcome(demand_id=demand_id, removed=removed)


@transaction.atomic
def _keep(*, demand_id: int, ranking: Ranking, method: str, notify_new: bool) -> Outcome:
    demand = Demand.objects.select_for_update().select_related("organisation").filter(pk=demand_id).first()
    if demand is None or demand.status != Demand.Status.PUBLISHED:
        return matches_clear(demand_id=demand_id)
    now = timezone.now()
    # The engine may lag a change by a moment: keep only listings still on offer.
    ranked = ranking.listings
    live = set(Listing.objects.filter(pk__in=[r.listing_id for r in ranked], status=Listing.Status.PUBLISHED)
               .exclude(organisation_id=demand.organisation_id).values_list("pk", flat=True))
    ranked = [r for r in ranked if r.listing_id in live][:TOP_N]
    existing = {row.listing_id: row for row in
                DemandMatch.objects.select_for_update().filter(demand_id=demand_id).order_by("pk")}
    outcome = Outcome(demand_id=demand_id, method=method, kept=len(ranked), fit=ranking.fit)
    fresh: list[DemandMatch] = []
    for rank, item in enumerate(ranked, start=1):
        row = existing.pop(item.listing_id, None)
        if row is None:
            row = DemandMatch(demand=demand, listing_id=item.listing_id, first_matched_at=now)
        row.rank = rank
        row.score = item.score
        row.lexical_score = item.lexical
        row.dense_score = item.dense
        row.structured_score = item.structured
        row.method = method
        row.explanation = item.explanation
        row.computed_at = now
        row.save()
        if not row.notified:
            fresh.append(row)
    for row in existing.values():
        if row.rank is not None:
            row.rank = None
            row.computed_at = now
            row.save(update_fields=["rank", "computed_at"])
            outcome.dropped += 1
    outcome.new = [row.listing_id for row in fresh]
    DemandMatchRun.objects.update_or_create(demand=demand, defaults={
        "method": method, "kept": len(ranked), "fit": ranking.fit, "computed_at": now})
    if notify_new and fresh:
        _notify(demand, fresh)
        DemandMatch.objects.filter(pk__in=[row.pk for row in fresh]).update(notified=True, notified_at=now)
    return outcome


def matches_recompute(*, demand_id: int, notify_new: bool = True) -> Outcome:
    """Rank the listings for one demand again and keep its top ``TOP_N`` (see the module)."""
    demand = Demand.objects.select_related("organisation").filter(pk=demand_id).first()
    if demand is None or demand.status != Demand.Status.PUBLISHED:
        return matches_clear(demand_id=demand_id)
    catalogue = index.listing_catalogue()
    ranking = rank_listings(demand, catalogue)
    return _keep(demand_id=demand_id, ranking=ranking, method=catalogue.method, notify_new=notify_new)


def matches_follow_listing(*, listing_id: int) -> list[Outcome]:
    """After a listing changed (published, edited, withdrawn, sold): recompute every demand
    it may fit now and every demand that listed it before."""
    listing = next(iter(listings_for_index([listing_id])), None)
    affected = set(DemandMatch.objects.filter(listing_id=listing_id, rank__isnull=False)
                   .values_list("demand_id", flat=True))
    if listing is not None:
        affected |= candidate_demands(listing, index.demand_catalogue())
    return [matches_recompute(demand_id=demand_id) for demand_id in sorted(affected)]


def matches_recompute_many(demand_ids: Iterable[int], *, notify_new: bool = True) -> list[Outcome]:
    return [matches_recompute(demand_id=demand_id, notify_new=notify_new) for demand_id in demand_ids]


# --- Notifications --------------------------------------------------------------------------------

def _reasons(row: DemandMatch) -> list[Any]:
    # Codes and values only: the notice says them in its reader's language (notices.py).
    return [reason for reason in row.explanation.get("reasons", []) if isinstance(reason, dict)]


def _notify(demand: Demand, rows: list[DemandMatch]) -> None:
    """Tell the demand's organisation (once for this run) and each seller about new matches."""
    listings = {listing.pk: listing for listing in
                Listing.objects.filter(pk__in=[row.listing_id for row in rows]).select_related("organisation")}
    rows = [row for row in rows if row.listing_id in listings]
    if not rows:
        return
    demand_url = reverse("matching:detail", args=[demand.pk])
    first = rows[0]
    if len(rows) == 1:
        listing = listings[first.listing_id]
        notify(
            verb="demand.match",
            params={"n": 1, "demand": demand.title, "listing": listing.title, "seller": listing.organisation.name,
                    "reasons": _reasons(first)},
            url=reverse("listings:detail", args=[listing.pk]),
            organisations=[demand.organisation],
        )
    else:
        notify(
            verb="demand.match",
            params={"n": len(rows), "demand": demand.title,
                    "listings": [listings[row.listing_id].title for row in rows[:10]]},
            url=f"{demand_url}#demand-matches",
            organisations=[demand.organisation],
        )
    by_seller: dict[int, list[DemandMatch]] = defaultdict(list)
    for row in rows:
        by_seller[listings[row.listing_id].organisation_id].append(row)
    for seller_rows in by_seller.values():
        seller = listings[seller_rows[0].listing_id].organisation
        _notify_seller(demand, seller_rows, [listings[row.listing_id] for row in seller_rows], seller, demand_url)


def _notify_seller(demand: Demand, rows: list[DemandMatch], listings: list[Listing], seller: Any,
                   demand_url: str) -> None:
    # An anonymous demand's poster is not named to sellers, not even in the stored params.
    params: dict[str, Any] = {"n": len(rows), "demand": demand.title,
                              "poster": None if demand.is_anonymous else demand.organisation.name}
    if len(rows) == 1:
        params |= {"listing": listings[0].title, "reasons": _reasons(rows[0])}
    else:
        params["listings"] = [listing.title for listing in listings[:10]]
    notify(verb="listing.match", params=params, url=demand_url, organisations=[seller])


__all__ = [
    "LISTING",
    "MEANING_SHARE",
    "MIN_SCORE",
    "MIN_TERMS",
    "TOP_N",
    "Outcome",
    "Ranked",
    "Ranking",
    "candidate_demands",
    "matches_clear",
    "matches_follow_listing",
    "matches_recompute",
    "matches_recompute_many",
    "rank_listings",
]
