"""Shapes shared by every app's API: errors and pages of results."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, Any, Generic, TypeVar

from django.db.models import QuerySet
from ninja import Schema
from pydantic import Field

from ipx.core.pagination import PageRequest

T = TypeVar("T")


class ErrorDetail(Schema):
    code: str
    message: str
    fields: dict[str, str]


class ErrorOut(Schema):
    error: ErrorDetail


class Page(Schema, Generic[T]):
    items: list[T]
    count: int
    page: int
    size: int


# Responses every endpoint may give besides its success.
ERRORS: dict[int, type[Schema]] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


# Ids in paths and bodies: positive and within what every database's integer holds.
Id = Annotated[int, Field(ge=1, le=2**53)]


def page_of(rows: Sequence[Any] | QuerySet[Any], page: object, size: object,
            item: Callable[[Any], Any] | None = None) -> dict[str, Any]:
    """One page of ``rows`` in the ``Page`` shape (bad page numbers show page 1, sizes are
    bounded), each row passed through ``item`` when given."""
    request_page = PageRequest.parse(page, size)
    chosen = list(rows[request_page.offset:request_page.offset + request_page.size])
    count = rows.count() if isinstance(rows, QuerySet) else len(rows)
    return {"items": [item(row) for row in chosen] if item else chosen, "count": count,
            "page": request_page.page, "size": request_page.size}
