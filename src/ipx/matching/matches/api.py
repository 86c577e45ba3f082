"""Matches in the API: a demand's listings, a listing's demands and likely buyers, each
with its explanation as codes, values and a sentence in the request's language."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from ipx.accounts.api_auth import api_user, user_auth
from ipx.core.api.schemas import ERRORS, Id
from ipx.core.errors import PermissionDenied
from ipx.matching.demands.selectors import is_poster
from ipx.matching.matches import selectors
from ipx.matching.matches.buyers import likely_buyers, market_interest
from ipx.matching.matches.explain import Explained, Reader, reason_sentences
from ipx.matching.matches.preparation import matches_state
from ipx.matching.matches.services import matches_recompute
from ipx.matching.models import DemandMatch, DemandMatchRun
from ipx.matching.retrieval import GOOD_MATCH
from ipx.tasks.runner import enqueue

router = Router()


class ReasonOut(Schema):
    code: str = Field(description="stable reason code, e.g. ipc_shared, in_force, price_within_budget")
    values: dict[str, Any]
    sentence: str = Field(description="the reason in the request's language")


class IpcTitleOut(Schema):
    """An IPC code with its title in the reader's language (the catalog's IpcOut gives all three)."""

    code: str
    title: str


class ScoresOut(Schema):
    score: float = Field(description="final score (comparable within one demand's list)")
    lexical: float | None = Field(description="BM25F score of the shared words")
    dense: float | None = Field(description="cosine similarity of the texts' embeddings (null: not used)")
    structured: float | None = Field(description="weighted fit of IPC, legal status, region and price, 0–1")


class ListingRefOut(Schema):
    id: int
    title: str
    seller_id: int
    seller_name: str
    region: str
    price_type: str
    price_amount: Decimal | None
    price_max_amount: Decimal | None
    currency: str


class DemandRefOut(Schema):
    id: int
    title: str
    organisation_id: int | None = Field(description="null when the demand is anonymous to the reader")
    organisation_name: str | None
    region: str
    budget_min_amount: Decimal | None
    budget_max_amount: Decimal | None
    budget_currency: str
    deadline: str


class MatchFields(Schema):
    rank: int = Field(description="the listing's place in the demand's list, 1 = best")
    scores: ScoresOut
    method: str = Field(description="hybrid (words, meaning and facts) or lexical (words and facts)")
    computed_at: datetime
    matched_terms: list[str]
    ipc_shared: list[IpcTitleOut]
    reasons: list[ReasonOut]


class DemandMatchOut(MatchFields):
    listing: ListingRefOut


class MatchPreparationOut(Schema):
    """Meaning-based ranking is still being prepared: some published listings lack vectors."""

    listings_ready: int = Field(description="published listings whose vectors exist")
    listings_total: int = Field(description="all published listings")
    sentence: str = Field(description="the state in the request's language")
    awaiting_meaning: str | None = Field(
        description="set when none of the demand's matches shares words with it (e.g. an English demand over "
                    "Chinese listings): its matches come by meaning and appear when the preparation finishes; "
                    "the sentence in the request's language")


class DemandMatchesOut(Schema):
    demand_id: int
    status: str
    items: list[DemandMatchOut]
    preparation: MatchPreparationOut | None = Field(
        description="null when every published listing has its vectors (ranking by words, meaning and facts); "
                    "otherwise matches are ranked by words and facts only, and an empty list is not final",
        json_schema_extra={"x-rule": "present while listings lack vectors; gone once they all have them"})
    fit: float | None = Field(
        description="how surely the best ranked listing is what the demand asks for, 0–1, judged from the words of "
                    "its title; below good_match_threshold nothing is kept. Null: not judged (a demand not in "
                    "Chinese meets the listings through a dictionary, its list follows the relative ranking alone) "
                    "or not ranked yet")
    good_match_threshold: float = Field(description="the fit from which the best listing is a good match")
    no_good_match: str | None = Field(
        description="set when the last ranking found no listing that fits: the sentence in the request's language")


class MatchingDemandOut(MatchFields):
    demand: DemandRefOut


class MatchingDemandsOut(Schema):
    listing_id: int
    items: list[MatchingDemandOut]


class BuyerOut(Schema):
    organisation_id: int | None = Field(description="null for an anonymous demand's poster")
    name: str
    score: float
    reasons: list[ReasonOut]


class LikelyBuyersOut(Schema):
    listing_id: int
    items: list[BuyerOut]
    market_interest: list[ReasonOut] = Field(
        description="interest that names nobody: counts of at least three organisations (negotiations in the "
                    "listing's IPC subclasses with other sellers, saved searches that found it)")


class RefreshOut(Schema):
    demand_id: int
    queued: bool


def _reasons(items: list[Explained]) -> list[dict[str, Any]]:
    return [{"code": item.code, "values": item.values, "sentence": item.sentence} for item in items]


def _match_fields(row: DemandMatch, view: selectors.MatchView, reader: Reader) -> dict[str, Any]:
    return {
        "rank": row.rank,
        "scores": {"score": row.score, "lexical": row.lexical_score, "dense": row.dense_score,
                   "structured": row.structured_score},
        "method": row.method, "computed_at": row.computed_at, "matched_terms": view.terms,
        "ipc_shared": [{"code": code, "title": title} for code, title in view.ipc],
        "reasons": _reasons(reason_sentences(row.explanation, reader=reader)),
    }


@router.get("/demands/{demand_id}/matches", response={200: DemandMatchesOut, **ERRORS}, auth=user_auth,
            summary="Listings that may solve a demand, ranked and explained (the poster's members, operators)")
def demand_matches(request: HttpRequest, demand_id: Id) -> dict[str, Any]:
    demand = selectors.demand_for_matches(api_user(request), demand_id)
    items = []
    views = selectors.demand_match_views(demand)
    for view in views:
        listing = view.row.listing
        items.append(_match_fields(view.row, view, "demand") | {"listing": {
            "id": listing.pk, "title": listing.title, "seller_id": listing.organisation_id,
            "seller_name": listing.organisation.name, "region": listing.organisation.region_code,
            "price_type": listing.price_type, "price_amount": listing.price_amount,
            "price_max_amount": listing.price_max_amount, "currency": listing.currency,
        }})
    run = DemandMatchRun.objects.filter(demand=demand).first()
    no_good_match = selectors.no_good_match(run)
    state = matches_state(demand, [view.terms for view in views], nothing_fits=no_good_match is not None)
    preparation = state.preparation and {
        "listings_ready": state.preparation.ready, "listings_total": state.preparation.total,
        "sentence": state.preparation.sentence, "awaiting_meaning": state.awaiting_meaning}
    return {"demand_id": demand.pk, "status": demand.status, "items": items, "preparation": preparation,
            "fit": run.fit if run is not None else None, "good_match_threshold": GOOD_MATCH,
            "no_good_match": no_good_match}


@router.post("/demands/{demand_id}/matches/refresh", response={202: RefreshOut, **ERRORS}, auth=user_auth,
             summary="Rank the listings for a demand again now, in the background (the poster's members)")
def refresh_demand_matches(request: HttpRequest, demand_id: Id) -> Status[Any]:
    user = api_user(request)
    demand = selectors.demand_for_matches(user, demand_id)
    if not is_poster(user, demand):
        raise PermissionDenied(_("Only members of the posting organisation may refresh its matches."))
    enqueue(matches_recompute, demand_id=demand.pk)
    return Status(202, {"demand_id": demand.pk, "queued": True})


@router.get("/listings/{listing_id}/matching-demands", response={200: MatchingDemandsOut, **ERRORS},
            auth=user_auth,
            summary="Published demands a listing may solve, explained (the seller's members, operators)")
def listing_matching_demands(request: HttpRequest, listing_id: Id) -> dict[str, Any]:
    user = api_user(request)
    listing = selectors.listing_for_seller(user, listing_id)
    items = []
    for view in selectors.listing_match_views(user, listing):
        demand = view.row.demand
        items.append(_match_fields(view.row, view, "seller") | {"demand": {
            "id": demand.pk, "title": demand.title,
            "organisation_id": demand.organisation_id if view.shows_organisation else None,
            "organisation_name": demand.organisation.name if view.shows_organisation else None,
            "region": demand.region_code, "budget_min_amount": demand.budget_min_amount,
            "budget_max_amount": demand.budget_max_amount, "budget_currency": demand.budget_currency,
            "deadline": demand.deadline.isoformat(),
        }})
    return {"listing_id": listing.pk, "items": items}


@router.get("/listings/{listing_id}/likely-buyers", response={200: LikelyBuyersOut, **ERRORS}, auth=user_auth,
            summary="Organisations likely to want a listing, from their public demands and negotiations with "
                    "the seller, and anonymous counts of wider interest (the seller's members, operators)")
def listing_likely_buyers(request: HttpRequest, listing_id: Id) -> dict[str, Any]:
    user = api_user(request)
    listing = selectors.listing_for_seller(user, listing_id)
    items = [{"organisation_id": entry.organisation.pk if entry.organisation is not None else None,
              "name": entry.name, "score": entry.score, "reasons": _reasons(entry.reasons)}
             for entry in likely_buyers(user, listing)]
    return {"listing_id": listing.pk, "items": items, "market_interest": _reasons(market_interest(listing))}
