"""What the index holds for a listing, built from the listing and its assets."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ipx.listings.models import Listing
from ipx.search.normalise import index_tokens
from ipx.search.query import price_bucket

# Long claims add little recall beyond their first part and slow indexing down.
MAX_CLAIMS_CHARS = 3000
# A price for listings with none, so that "cheapest first" puts negotiable ones last.
NO_PRICE_SORT_KEY = 1e15


@dataclass(slots=True)
class SearchDocument:
    listing_id: int
    # Normalised tokens joined by single spaces: compact to keep and to pass between processes.
    title_terms: str
    body_terms: str
    ip_types: list[str] = field(default_factory=list)
    offer_kinds: list[str] = field(default_factory=list)
    ipc_sections: list[str] = field(default_factory=list)
    ipc_classes: list[str] = field(default_factory=list)
    nice_classes: list[str] = field(default_factory=list)
    region: str = ""
    currency: str = ""
    price_cny: float | None = None
    published_at: int = 0  # seconds since the epoch

    @property
    def price_sort_key(self) -> float:
        return self.price_cny if self.price_cny is not None else NO_PRICE_SORT_KEY

    def facet_sets(self) -> dict[str, list[str]]:
        """Every facet's values for the document (none: an empty list), the price bucket included."""
        return {
            "ip_type": self.ip_types, "offer_kind": self.offer_kinds, "ipc_section": self.ipc_sections,
            "ipc_class": self.ipc_classes, "nice_class": self.nice_classes,
            "region": [self.region] if self.region else [], "currency": [self.currency] if self.currency else [],
            "price": [price_bucket(self.price_cny)],
        }

    def facet_values(self) -> list[tuple[str, str]]:
        """Every (facet, value) pair of the document, the price bucket included."""
        return [(facet, value) for facet, values in self.facet_sets().items() for value in values]


def listing_texts(listing: Listing, *, with_claims: bool = True) -> tuple[str, str]:
    """The listing's title and the rest of its searchable text (assets included); snippets
    leave the claims out (they are long and rarely what a reader wants to see)."""
    parts = [listing.description, listing.organisation.name, listing.organisation.name_en]
    for link in listing.asset_links.all():
        asset = link.asset
        parts += [asset.title, asset.title_en, asset.abstract, asset.identifier]
        detail = asset.detail
        claims = getattr(detail, "claims", "") if with_claims else ""
        if claims:
            parts.append(claims[:MAX_CLAIMS_CHARS])
        for name in ("goods_services", "protected_region", "producer", "inventors"):
            value = getattr(detail, name, "")
            if value:
                parts.append(value)
        publication_number = getattr(detail, "publication_number", None)
        if publication_number and publication_number != asset.identifier:
            parts.append(publication_number)
    return listing.title, "\n".join(p for p in parts if p)


def document_for(listing: Listing) -> SearchDocument:
    title, body = listing_texts(listing)
    ip_types: list[str] = []
    ipc_codes: list[str] = []
    nice: list[str] = []
    for link in listing.asset_links.all():
        asset = link.asset
        if asset.ip_type not in ip_types:
            ip_types.append(asset.ip_type)
        detail = asset.detail
        ipc_codes += getattr(detail, "ipc_codes", None) or []
        nice += [str(n) for n in (getattr(detail, "nice_classes", None) or [])]
    price = listing.price_in_cny
    published = listing.published_at or datetime.now()
    return SearchDocument(
        listing_id=listing.pk,
        title_terms=" ".join(index_tokens(title)),
        body_terms=" ".join(index_tokens(body)),
        ip_types=ip_types,
        offer_kinds=list(listing.offer_kinds),
        ipc_sections=sorted({code[:1] for code in ipc_codes}),
        ipc_classes=sorted({code[:3] for code in ipc_codes if len(code) >= 3}),
        nice_classes=sorted(set(nice), key=int),
        region=listing.organisation.region_code,
        currency="" if price is None else listing.currency,
        price_cny=None if price is None else float(price),
        published_at=int(published.timestamp()),
    )
