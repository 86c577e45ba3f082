"""Figures the home page shows, read through each app's selectors."""

from __future__ import annotations

from dataclasses import dataclass

from ipx.accounts.selectors import organisations_verified
from ipx.catalog.models import Asset
from ipx.listings.selectors import published_count, published_counts_by_ip_type


@dataclass(frozen=True)
class ExchangeCounts:
    organisations: int
    listings: int
    by_type: list[tuple[str, str, int]]


def exchange_counts() -> ExchangeCounts:
    per_type = published_counts_by_ip_type()
    return ExchangeCounts(
        organisations=organisations_verified().count(),
        listings=published_count(),
        by_type=[(value, str(label), per_type.get(value, 0)) for value, label in Asset.Type.choices],
    )
