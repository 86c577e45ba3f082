"""The statistics bulletin's pages: public, as the organisers publish the bulletin (its
figures are totals and name nobody). An edition's bulletin and any span of days, as a page
or a file; nothing there is written, so a POST is not served."""

from __future__ import annotations

from .matrix import PUBLIC, Entry, read_only

EDITION = {"args": lambda world: {"slug": world.reports.edition.slug}}

ENTRIES: list[Entry] = [
    *read_only("reports/bulletin/<slug:slug>/", PUBLIC, login=False, **EDITION),
    *read_only("reports/bulletin/", PUBLIC, login=False, query="since=2001-06-01&until=2001-06-30"),
]
