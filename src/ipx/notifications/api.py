"""The signed-in user's notifications: read them, mark them read."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from ipx.accounts.api_auth import api_user, user_auth
from ipx.core.api.schemas import ERRORS, Id, Page, PageNumber, PageSize, page_of
from ipx.core.api.types import InputSchema, QueryFlag
from ipx.notifications import selectors, services

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    verb: str
    title: str
    body: str
    url: str
    organisation_id: int | None
    read_at: datetime | None
    created_at: datetime


class MarkReadIn(InputSchema):
    # Leave out to mark every notification read.
    ids: list[Id] | None = Field(None, max_length=500)


class MarkReadOut(Schema):
    marked: int
    unread: int


@router.get("/notifications", response={200: Page[NotificationOut], **ERRORS}, auth=user_auth,
            summary="My notifications, newest first")
def notification_list(request: HttpRequest, unread: Annotated[bool, QueryFlag()] = False, page: PageNumber = 1,
                      size: PageSize = 20) -> dict[str, Any]:
    return page_of(selectors.notifications_for(api_user(request), unread_only=unread), page, size)


@router.post("/notifications/read", response={200: MarkReadOut, **ERRORS}, auth=user_auth,
             summary="Mark notifications read (all of them when no ids are given)")
def notification_mark_read(request: HttpRequest, payload: MarkReadIn) -> dict[str, int]:
    user = api_user(request)
    marked = services.notification_mark_read(user=user, notification_ids=payload.ids)
    return {"marked": marked, "unread": selectors.unread_count(user)}
