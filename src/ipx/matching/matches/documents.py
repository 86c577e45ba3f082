"""A listing or a demand as the matching engine sees it: text (``Document``) and facts."""

from __future__ import annotations

from datetime import date

from ipx.catalog.models import Asset
from ipx.listings.models import Listing, PriceType
from ipx.matching.models import Demand
from ipx.matching.retrieval import Document, Facts
from ipx.matching.retrieval.queries import head_as_query

LISTING = "listing"
DEMAND = "demand"


def doc_id(kind: str, pk: int) -> str:
    return f"{kind}:{pk}"


def pk_of(document_id: str) -> int:
    return int(document_id.rsplit(":", 1)[1])


def _assets(listing: Listing) -> list[Asset]:
    return [link.asset for link in listing.asset_links.all()]


def listing_document(listing: Listing) -> Document:
    """Title; then each asset's title (when it is not the listing's) and abstract, and the
    listing's own description last (it is often boilerplate, and the dense model reads the
    start of this field).

    Claims are left out. Demands describe a need in plain words, and claims are long legal
    text whose generic words ("所述", "装置", "包括") pull long documents — packages of
    several patents most — up every demand's list. Measured on the ten demo demands over
    the demo catalogue: without claims, e.g. the battery-cooling demand's top 20 went from
    about 8 to about 15 listings on the topic, the solar-panel cleaning one's from 11 to 17."""
    body: list[str] = []
    for asset in _assets(listing):
        if asset.title and asset.title != listing.title:
            body.append(asset.title)
        if asset.abstract:
            body.append(asset.abstract)
    if listing.description:
        body.append(listing.description)
    return Document(id=doc_id(LISTING, listing.pk), title=listing.title, abstract="\n".join(body))


def listing_query_text(listing: Listing) -> str:
    """A listing as a query (for the demands that may want it): title and abstracts, no claims."""
    document = listing_document(listing)
    return head_as_query(document.title, document.abstract)


def listing_facts(listing: Listing) -> Facts:
    """IPC codes of its patents, the seller's region, the best legal status among its assets
    (a package is as good as its best right) with the latest expiry of those in force, and
    the asking price."""
    ipc: list[str] = []
    statuses: list[str] = []
    in_force_expiries: list[date | None] = []
    for asset in _assets(listing):
        for code in getattr(asset.detail, "ipc_codes", None) or []:
            if code not in ipc:
                ipc.append(code)
        status = asset.effective_status
        statuses.append(status)
        if status == Asset.LegalStatus.IN_FORCE:
            in_force_expiries.append(asset.expiry_date)
    if Asset.LegalStatus.IN_FORCE in statuses:
        legal = str(Asset.LegalStatus.IN_FORCE)
        known = [d for d in in_force_expiries if d is not None]
        # One right in force without a known end keeps the package's end open.
        expires = max(known) if known and len(known) == len(in_force_expiries) else None
    elif Asset.LegalStatus.PENDING in statuses:
        legal, expires = str(Asset.LegalStatus.PENDING), None
    else:
        legal, expires = (statuses[0] if statuses else ""), None
    negotiable = listing.price_type == PriceType.NEGOTIABLE or listing.price_amount is None
    return Facts(
        ipc=tuple(ipc),
        region=listing.organisation.region_code,
        legal_status=legal,
        expires_on=expires,
        price=None if negotiable else listing.price_amount,
        price_max=listing.price_max_amount if listing.price_type == PriceType.RANGE else None,
        negotiable=negotiable,
        currency=listing.currency,
    )


def demand_text(demand: Demand) -> str:
    """A demand as a query: its title and description, cut to the engine's limit."""
    return head_as_query(demand.title, demand.description)


def demand_document(demand: Demand) -> Document:
    return Document(id=doc_id(DEMAND, demand.pk), title=demand.title, abstract=demand.description)


def demand_facts(demand: Demand) -> Facts:
    return Facts(
        ipc=tuple(demand.ipc_codes),
        region=demand.region_code,
        budget_min=demand.budget_min_amount,
        budget_max=demand.budget_max_amount,
        currency=demand.budget_currency,
    )
