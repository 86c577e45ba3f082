"""The versioned API. Each domain app contributes a router from its own api.py."""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema

from ipx.accounts.api import router as accounts
from ipx.accounts.token_api import router as api_tokens
from ipx.api import errors, parameters
from ipx.api.docs import LocalSwagger
from ipx.api.document import OpenApiDocument
from ipx.auctions.api import router as auctions
from ipx.auctions.results.api import router as auction_results
from ipx.auctions.settlement.api import router as auction_settlement
from ipx.catalog.api import router as catalog
from ipx.catalog.importing.api import router as imports
from ipx.dataip.api import router as dataip
from ipx.deals.contracts.api import router as deals
from ipx.deals.negotiation.api import router as negotiation
from ipx.expo.api import router as expo
from ipx.finance.api import router as finance
from ipx.finance.insurance.api import router as insurance
from ipx.finance.securitisation.api import router as securitisation
from ipx.ledger.api import router as ledger
from ipx.listings.api import router as listings
from ipx.matching.api import router as matching
from ipx.notifications.api import router as notifications
from ipx.reports.api import router as reports
from ipx.search.api import router as search


class ExchangeAPI(NinjaAPI):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._documents: dict[str, OpenAPISchema] = {}

    def get_openapi_schema(self, *, path_prefix: str | None = None,
                           path_params: dict[str, Any] | None = None) -> OpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        # The document follows from the mounted routers alone (the same in every language: it
        # is written in English), and takes a second to build: built once per process.
        if path_prefix not in self._documents:
            self._documents[path_prefix] = OpenApiDocument(self, path_prefix)
        return self._documents[path_prefix]


api = ExchangeAPI(
    title="IPX API",
    version="1",
    description=("The IPX intellectual-property exchange: members, IP catalog, listings, search, negotiation, "
                 "deals and the ledger."),
    urls_namespace="api-1",
    docs=LocalSwagger(),
)
errors.install(api)
parameters.install(api)

for router in (accounts, api_tokens, catalog, imports, listings, search, notifications, ledger, negotiation, deals,
               matching, auctions, auction_results, auction_settlement, finance, insurance, securitisation,
               dataip, expo, reports):
    api.add_router("", router)
