"""Shapes shared by every app's API: errors and pages of results."""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from ninja import Schema
from pydantic import Field

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
