"""Search in the API: the same engine, parameters and facets as the search page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from ipx.accounts.api_auth import optional_auth
from ipx.core.api.schemas import ERRORS
from ipx.listings.api import ListingSummaryOut
from ipx.search.selectors import parse_search, search_listings

router = Router(tags=["search"])


class SearchParams(Schema):
    q: str = Field("", max_length=200, description="Keywords in Simplified, Traditional Chinese or English")
    ip_type: list[str] = Field(default_factory=list)
    offer_kind: list[str] = Field(default_factory=list)
    ipc_section: list[str] = Field(default_factory=list)
    ipc_class: list[str] = Field(default_factory=list)
    nice_class: list[str] = Field(default_factory=list)
    region: list[str] = Field(default_factory=list)
    currency: list[str] = Field(default_factory=list)
    price: list[str] = Field(default_factory=list, description="Price buckets, or 'negotiable'")
    price_min: float | None = Field(None, ge=0)
    price_max: float | None = Field(None, ge=0)
    sort: str = "relevance"
    page: int = Field(1, ge=1, le=2000)
    size: int = Field(20, ge=1, le=100)


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


@router.get("/search/listings", response={200: SearchOut, **ERRORS}, auth=optional_auth,
            summary="Search published listings")
def search(request: HttpRequest, params: Query[SearchParams]) -> Any:
    values = params.dict()
    query, page, size = parse_search(values, lambda name: values.get(name) or [])
    return search_listings(query, page=page, size=size)
