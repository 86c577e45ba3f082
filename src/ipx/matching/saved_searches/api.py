"""Saved listing searches in the API: keep a search, switch its alerts, delete it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Schema, Status
from pydantic import Field

from ipx.accounts.api_auth import api_user, user_auth
from ipx.accounts.models import User
from ipx.core.api.schemas import ERRORS, Id, Page, PageNumber, PageSize, page_of
from ipx.core.api.types import InputSchema, stated, text
from ipx.matching.models import SavedSearch
from ipx.matching.saved_searches import selectors, services
from ipx.matching.saved_searches.inputs import MAX_NAME, MAX_QUERY_STRING, SavedSearchChanges, SavedSearchInput

router = Router()


class SavedSearchIn(InputSchema):
    name: Annotated[str | None, Field(max_length=1000), stated(text(MAX_NAME))]
    query: Annotated[str, Field(max_length=4000), stated(text(MAX_QUERY_STRING, rule=(
        "Parameters the search takes with values it accepts, at least one word or filter; not saved already under "
        "another name.")))] = Field(description="The search's query string as /api/v1/search/listings and the "
                                                "search page take it, e.g. q=锂电池&ip_type=patent&region=CN-44")
    alerts: bool = Field(True, description="notify me of new listings that match")


class SavedSearchPatch(InputSchema):
    """What to change; a field left out or null stays as it is."""

    name: Annotated[str | None, Field(max_length=1000), stated(text(MAX_NAME), null=True)] = None
    alerts: bool | None = None


class SavedSearchOut(Schema):
    id: int
    name: str
    query: str
    alerts: bool
    alert_count: int = Field(description="alerts sent so far")
    search_url: str
    created_at: datetime


def saved_search_out(saved: SavedSearch) -> dict[str, Any]:
    return {"id": saved.pk, "name": saved.name, "query": saved.query_string, "alerts": saved.alerts,
            "alert_count": getattr(saved, "alert_count", 0),
            "search_url": f"{reverse('search:listings')}?{saved.query_string}", "created_at": saved.created_at}


def _read(user: User, saved_search_id: int) -> dict[str, Any]:
    return saved_search_out(selectors.saved_search_of(user, saved_search_id))


@router.get("/saved-searches", response={200: Page[SavedSearchOut], **ERRORS}, auth=user_auth,
            summary="My saved listing searches")
def list_saved_searches(request: HttpRequest, page: PageNumber = 1, size: PageSize = 20) -> dict[str, Any]:
    return page_of(selectors.saved_searches_of(api_user(request)), page, size, item=saved_search_out)


@router.post("/saved-searches", response={201: SavedSearchOut, **ERRORS}, auth=user_auth,
             summary="Save a listing search, with alerts on new matching listings")
def create_saved_search(request: HttpRequest, payload: SavedSearchIn) -> Status[Any]:
    user = api_user(request)
    search = SavedSearchInput.parse(name=payload.name, query=payload.query, alerts=payload.alerts)
    saved = services.saved_search_create(user=user, search=search)
    return Status(201, _read(user, saved.pk))


@router.get("/saved-searches/{saved_search_id}", response={200: SavedSearchOut, **ERRORS}, auth=user_auth,
            summary="One of my saved searches")
def saved_search_detail(request: HttpRequest, saved_search_id: Id) -> dict[str, Any]:
    return _read(api_user(request), saved_search_id)


@router.patch("/saved-searches/{saved_search_id}", response={200: SavedSearchOut, **ERRORS}, auth=user_auth,
              summary="Rename a saved search or switch its alerts on or off")
def update_saved_search(request: HttpRequest, saved_search_id: Id, payload: SavedSearchPatch) -> dict[str, Any]:
    user = api_user(request)
    changes = SavedSearchChanges.parse(name=payload.name, alerts=payload.alerts)
    services.saved_search_update(saved_search_id=saved_search_id, user=user, changes=changes)
    return _read(user, saved_search_id)


@router.delete("/saved-searches/{saved_search_id}", response={204: None, **ERRORS}, auth=user_auth,
               summary="Delete a saved search")
def delete_saved_search(request: HttpRequest, saved_search_id: Id) -> Status[Any]:
    services.saved_search_delete(saved_search_id=saved_search_id, user=api_user(request))
    return Status(204, None)
