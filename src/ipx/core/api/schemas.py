"""Shapes shared by every app's API: errors and pages of results."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Annotated, Any, Generic, Protocol, TypeVar

from ninja import Schema
from pydantic import Field

from ipx.core.files import StoredFile
from ipx.core.ids import MAX_ID
from ipx.core.pagination import MAX_PAGE_SIZE, PageRequest

T = TypeVar("T")
Row = TypeVar("Row", covariant=True)


class Countable(Protocol[Row]):
    """Rows read a window at a time and counted by the database (a QuerySet, or e.g. a ledger
    statement whose lines carry running balances)."""

    def __getitem__(self, window: slice, /) -> Iterable[Row]: ...

    def count(self) -> int: ...


class ErrorDetail(Schema):
    code: str
    message: str
    fields: dict[str, str]


class ErrorOut(Schema):
    error: ErrorDetail


class StoredFileOut(Schema):
    """A kept file (a message's attachment, a listing's document) as the API shows it: under
    the name it was uploaded with, never its path."""

    id: int
    name: str
    content_type: str
    size: int
    sha256: str

    @staticmethod
    def resolve_name(obj: StoredFile) -> str:
        return obj.original_name


class Page(Schema, Generic[T]):
    items: list[T]
    count: int
    page: int
    size: int


# Responses every endpoint may give besides its success.
ERRORS: dict[int, type[Schema]] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


# Ids in paths and bodies: positive and within what every database's integer holds.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
# A list's page and its size, as ``page_of`` serves them.
PageNumber = Annotated[int, Field(ge=1, le=10_000, description="the page, from 1")]
PageSize = Annotated[int, Field(ge=1, le=MAX_PAGE_SIZE, description="results on a page, at most 100")]


def page_of(rows: Sequence[Any] | Countable[Any], page: object, size: object,
            item: Callable[[Any], Any] | None = None) -> dict[str, Any]:
    """One page of ``rows`` in the ``Page`` shape (bad page numbers show page 1, sizes are
    bounded), each row passed through ``item`` when given."""
    request_page = PageRequest.parse(page, size)
    chosen = list(rows[request_page.offset:request_page.offset + request_page.size])
    # A list's count() counts one value; everything else counts its rows.
    count = len(rows) if isinstance(rows, Sequence) else rows.count()
    return {"items": [item(row) for row in chosen] if item else chosen, "count": count,
            "page": request_page.page, "size": request_page.size}
