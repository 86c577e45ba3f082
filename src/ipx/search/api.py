"""Search in the API: the same engine, parameters and facets as the search page."""

from __future__ import annotations

from typing import Annotated, Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, JsonResponse
from ninja import Query, Router, Schema
from pydantic import Field

from ipx.accounts.api_auth import optional_auth
from ipx.accounts.models import User
from ipx.accounts.schemas import RegionCode
from ipx.catalog.models import Asset
from ipx.core.api.schemas import ERRORS, ErrorOut
from ipx.core.api.types import OMITTED, CurrencyCode, OneOf, rule
from ipx.core.pagination import MAX_PAGE_SIZE
from ipx.listings.api import ListingSummaryOut
from ipx.listings.models import OfferKind
from ipx.listings.selectors import listings_by_ids
from ipx.listings.shared import SharedAnswers, acts_on, allowed_actions_of, member_organisation_ids
from ipx.search.query import PRICE_BUCKET_KEYS, SORTS
from ipx.search.selectors import (
    MAX_FILTER_VALUES,
    MAX_QUERY_CHARS,
    MAX_RESULTS_WINDOW,
    SearchUnavailable,
    parse_search,
    search_listings,
)

router = Router(tags=["search"])


Values: Any = Field(default_factory=list, max_length=MAX_FILTER_VALUES)


class SearchParams(Schema):
    """The search page's parameters; a filter's values may repeat the parameter."""

    q: str = Field("", max_length=MAX_QUERY_CHARS, description="Keywords in Simplified, Traditional Chinese or "
                                                                "English")
    ip_type: list[Annotated[str, OneOf(Asset.Type)]] = Values
    offer_kind: list[Annotated[str, OneOf(OfferKind)]] = Values
    ipc_section: list[Annotated[str, OneOf(tuple("ABCDEFGH"))]] = Values
    ipc_class: list[Annotated[str, Field(pattern=r"^[A-H][0-9]{2}$")]] = Values
    nice_class: list[Annotated[int, Field(ge=1, le=45)]] = Values
    region: list[RegionCode] = Field(default_factory=list, max_length=MAX_FILTER_VALUES,
                                     description="CN-44 (a mainland province), CN, HK, MO, TW or a country")
    currency: list[CurrencyCode] = Values
    price: list[Annotated[str, OneOf((*PRICE_BUCKET_KEYS, "negotiable"))]] = Field(
        default_factory=list, max_length=MAX_FILTER_VALUES, description="Price buckets, or 'negotiable'")
    price_min: float = Field(OMITTED, ge=0, le=1e13)
    price_max: float = Field(OMITTED, ge=0, le=1e13, json_schema_extra=rule("Not below price_min."))
    sort: Annotated[str, OneOf(SORTS)] = "relevance"
    page: int = Field(1, ge=1, le=MAX_RESULTS_WINDOW, json_schema_extra=rule(
        "Only the first 2000 results can be paged through: page × size at most 2000."))
    size: int = Field(20, ge=1, le=MAX_PAGE_SIZE)


class FacetOptionOut(Schema):
    value: str
    label: str
    count: int
    selected: bool


class FacetOut(Schema):
    name: str
    title: str
    options: list[FacetOptionOut]


class HitOut(Schema):
    listing: ListingSummaryOut
    title_html: str
    snippet_html: str


class SearchOut(Schema):
    hits: list[HitOut]
    total: int
    page: int
    size: int
    facets: list[FacetOut]
    total_estimated: bool = Field(description="true when the total and the facet counts are estimates from a "
                                              "sample of the matches, rounded to two significant digits "
                                              "(searches matching many thousands of listings)")


# Answers without actions: every reader's but the seller's side's (``ipx.listings.shared``).
_ANSWERS: SharedAnswers[SearchOut] = SharedAnswers(limit=2000)


def _with_actions(answer: SearchOut, user: User | AnonymousUser) -> SearchOut:
    """The answer with the actions ``user`` may take on the hits; only the seller's members and
    operators have any, read from the database for their hits alone."""
    if not isinstance(user, User) or not user.is_authenticated:
        return answer
    member_of = member_organisation_ids(user)
    theirs = [hit.listing.id for hit in answer.hits if acts_on(user, hit.listing.organisation_id, member_of)]
    if not theirs:
        return answer
    actions = allowed_actions_of(user, listings_by_ids(theirs, with_claims=False).values(), member_of)
    hits = [hit.model_copy(update={"listing": hit.listing.model_copy(
        update={"allowed_actions": actions[hit.listing.id]})}) if hit.listing.id in actions else hit
        for hit in answer.hits]
    return answer.model_copy(update={"hits": hits})


@router.get("/search/listings", response={200: SearchOut, **ERRORS, 503: ErrorOut}, auth=optional_auth,
            summary="Search published listings",
            description="503 with the code search_index_rebuilding and a Retry-After header while the index "
                        "is being rebuilt: an empty answer then would read as \"nothing matches\".")
def search(request: HttpRequest, params: Query[SearchParams]) -> Any:
    values = params.dict()
    query, page, size = parse_search(values, lambda name: values.get(name) or [])
    try:
        answer = _ANSWERS.get(query.key, lambda: SearchOut.model_validate(search_listings(query, page=page, size=size)))
    except SearchUnavailable as exc:
        response = JsonResponse(exc.as_dict(), status=exc.status)
        response["Retry-After"] = str(exc.retry_after)
        return response
    return _with_actions(answer, request.user)
