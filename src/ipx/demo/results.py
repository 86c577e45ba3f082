"""What loading a record gives: the new asset, or the reason it was left out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ipx.catalog.models import Asset
from ipx.core.errors import ApplicationError


@dataclass(frozen=True, slots=True)
class Skipped:
    """A record the demo could not load, and what validation said about it."""

    source: str
    ref: str
    message: str


@dataclass(frozen=True, slots=True)
class Created:
    """A new asset with its cleaned type-specific values (kind, IPC codes, ...), kept so that
    pricing the listings needs no further queries."""

    asset: Asset
    detail: dict[str, Any]

    @property
    def ip_type(self) -> str:
        return self.asset.ip_type

    @property
    def ipc_section(self) -> str:
        codes = self.detail.get("ipc_codes") or []
        return str(codes[0])[:1] if codes else ""


def describe(error: ApplicationError) -> str:
    if error.fields:
        return "; ".join(f"{field}: {message}" for field, message in error.fields.items())
    return error.message
