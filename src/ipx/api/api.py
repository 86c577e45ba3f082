"""The versioned API. Each domain app contributes a router from its own api.py."""

from __future__ import annotations

from django.utils.module_loading import import_string
from ninja import NinjaAPI

from ipx.api import errors

api = NinjaAPI(
    title="IPX API",
    version="1",
    description=("The IPX intellectual-property exchange: members, IP catalog, listings, search, negotiation, "
                 "deals and the ledger."),
    urls_namespace="api-1",
)
errors.install(api)

# (prefix, router) pairs; each app's api.py defines ``router``.
ROUTERS = [
    ("", "ipx.accounts.api.router"),
    ("", "ipx.catalog.api.router"),
    ("", "ipx.catalog.importing.api.router"),
    ("", "ipx.listings.api.router"),
    ("", "ipx.search.api.router"),
    ("", "ipx.notifications.api.router"),
    ("", "ipx.ledger.api.router"),
    ("", "ipx.deals.negotiation.api.router"),
    ("", "ipx.deals.contracts.api.router"),
    ("", "ipx.matching.api.router"),
]

for prefix, dotted in ROUTERS:
    api.add_router(prefix, import_string(dotted))
