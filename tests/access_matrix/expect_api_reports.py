"""The statistics bulletin's API: public reads, as its pages (totals that name nobody)."""

from __future__ import annotations

from .matrix import PUBLIC, Entry, ids

ENTRIES: list[Entry] = [
    Entry("/api/v1/reports/bulletins/{slug}", "GET", PUBLIC, args=ids(slug=lambda world: world.reports.edition.slug)),
    Entry("/api/v1/reports/bulletin", "GET", PUBLIC, query="since=2001-06-01&until=2001-06-30"),
]
