"""Searching published listings: parse what the reader asked, ask the engine, and return
listings with highlighted snippets and labelled facets."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from ipx.accounts.regions import Province, is_country_code
from ipx.catalog.models import Asset
from ipx.core.errors import ApplicationError, ValidationFailed
from ipx.core.money import Currency
from ipx.core.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, page_count
from ipx.listings.models import Listing, OfferKind
from ipx.listings.selectors import listings_by_ids, published_count
from ipx.search.backends import get_backend
from ipx.search.documents import listing_texts
from ipx.search.highlight import highlight, snippet
from ipx.search.labels import facet_labels, facet_titles
from ipx.search.query import KEYWORD_FACETS, PRICE_BUCKET_KEYS, SORTS, SearchQuery, SearchResults
from ipx.search.state import fallback_engine, search_availability

logger = logging.getLogger(__name__)

MAX_QUERY_CHARS = 200
MAX_FILTER_VALUES = 20
# The engine ranks; deep pages are of no use to anyone and costly to compute.
MAX_RESULTS_WINDOW = 2000
FILTER_KEYS = (*KEYWORD_FACETS, "price")


def _valid_value(facet: str, value: str) -> bool:
    if facet == "ip_type":
        return value in Asset.Type.values
    if facet == "offer_kind":
        return value in OfferKind.values
    if facet == "ipc_section":
        return len(value) == 1 and value in "ABCDEFGH"
    if facet == "ipc_class":
        return len(value) == 3 and value[0] in "ABCDEFGH" and value[1:].isdigit()
    if facet == "nice_class":
        return value.isdigit() and 1 <= int(value) <= 45
    if facet == "region":
        if value.startswith("CN-"):
            return value[3:] in Province.values
        return value in {"CN", "HK", "MO", "TW"} or is_country_code(value)
    if facet == "currency":
        return value in Currency.values
    if facet == "price":
        return value in PRICE_BUCKET_KEYS or value == "negotiable"
    return False


def _number(params: Mapping[str, object], name: str) -> float | None:
    raw = params.get(name)
    if raw in (None, ""):
        return None
    try:
        value = float(str(raw))
    except ValueError:
        raise ValidationFailed.for_field(name, _("Enter the price as a number.")) from None
    if not 0 <= value <= 1e13:
        raise ValidationFailed.for_field(name, _("Enter a price between 0 and 10 trillion."))
    return value


def _int(params: Mapping[str, object], name: str, default: int, low: int, high: int) -> int:
    raw = params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(str(raw))
    except ValueError:
        raise ValidationFailed.for_field(name, _("Enter a whole number.")) from None
    if not low <= value <= high:
        raise ValidationFailed.for_field(name, _("Enter a number from %(low)d to %(high)d.")
                                         % {"low": low, "high": high})
    return value


def parse_search(params: Mapping[str, object], getlist: object = None) -> tuple[SearchQuery, int, int]:
    """A SearchQuery from request parameters; bad values raise ValidationFailed naming the field.

    ``getlist(name)`` returns every value of a repeated parameter (QueryDict.getlist);
    comma-separated values work too.
    """
    text = str(params.get("q") or "").strip()
    if len(text) > MAX_QUERY_CHARS:
        raise ValidationFailed.for_field("q", _("Search for at most %(n)d characters.") % {"n": MAX_QUERY_CHARS})
    if "\x00" in text:
        raise ValidationFailed.for_field("q", _("The search text contains a NUL character."))
    filters: dict[str, tuple[str, ...]] = {}
    for facet in FILTER_KEYS:
        raw_values = getlist(facet) if callable(getlist) else [params.get(facet)]
        values: list[str] = []
        for raw in raw_values or []:
            for part in str(raw or "").split(","):
                part = part.strip()
                if part and part not in values:
                    values.append(part)
        if not values:
            continue
        if len(values) > MAX_FILTER_VALUES:
            raise ValidationFailed.for_field(facet, _("Too many values."))
        bad = [v for v in values if not _valid_value(facet, v)]
        if bad:
            raise ValidationFailed.for_field(facet, _("“%(value)s” is not a value of this filter.") % {"value": bad[0]})
        filters[facet] = tuple(values)
    requested = str(params.get("sort") or "relevance")
    sort = next((known for known in SORTS if known == requested), None)
    if sort is None:
        raise ValidationFailed.for_field("sort", _("Sort by one of: %(sorts)s.") % {"sorts": ", ".join(SORTS)})
    price_min, price_max = _number(params, "price_min"), _number(params, "price_max")
    if price_min is not None and price_max is not None and price_min > price_max:
        raise ValidationFailed.for_field("price_max", _("The highest price is below the lowest."))
    size = _int(params, "size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE)
    page = _int(params, "page", 1, 1, MAX_RESULTS_WINDOW)
    if page * size > MAX_RESULTS_WINDOW:
        raise ValidationFailed.for_field("page", _("Only the first %(n)d results can be paged through; refine "
                                                   "the search.") % {"n": MAX_RESULTS_WINDOW})
    query = SearchQuery(text=text, filters=filters, price_min=price_min, price_max=price_max,
                        sort=sort, offset=(page - 1) * size, limit=size)
    return query, page, size


@dataclass
class Hit:
    listing: Listing
    title_html: SafeString
    snippet_html: SafeString


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Facet:
    name: str
    title: str
    options: list[FacetOption] = field(default_factory=list)


@dataclass
class SearchPage:
    query: SearchQuery
    hits: list[Hit]
    total: int
    page: int
    size: int
    facets: list[Facet]
    # The total and the facet counts are estimates (the PostgreSQL engine, many matches).
    total_estimated: bool = False

    @property
    def pages(self) -> int:
        return min(page_count(self.total, self.size), MAX_RESULTS_WINDOW // self.size)


class SearchUnavailable(ApplicationError):
    """No index can answer (missing, from another database, damaged, and the database's own
    not filled yet): saying so beats an empty page that reads as "nothing matches"."""

    status = 503
    code = "search_index_rebuilding"
    retry_after = 30

    def __init__(self, done: int, total: int) -> None:
        super().__init__(_("The search index is being rebuilt (%(done)d of %(total)d listings); results are "
                           "incomplete — try again shortly.") % {"done": done, "total": total})
        self.done, self.total = done, total


def _results(query: SearchQuery) -> SearchResults:
    """The answer of the first engine that can give one truthfully (``search_availability``);
    SearchUnavailable when none can."""
    availability = search_availability()
    engine = availability.engine
    while engine:
        try:
            return get_backend(engine).search(query)
        except Exception:  # damaged files surface here first; the periodic check repairs them
            logger.exception("the %s search index failed to answer", engine)
            engine = fallback_engine(engine)
    raise SearchUnavailable(availability.done, availability.total or published_count())


def search_listings(query: SearchQuery, *, page: int = 1, size: int = DEFAULT_PAGE_SIZE) -> SearchPage:
    """Raises SearchUnavailable when no index can answer truthfully (the configured engine's
    cannot, and the database's own, its fallback, is not filled yet)."""
    results = _results(query)
    listings = listings_by_ids(results.listing_ids, with_claims=False)
    tokens = [t for group in query.groups for t in group]
    hits = []
    for listing_id in results.listing_ids:
        listing = listings.get(listing_id)
        if listing is None:  # withdrawn since the engine last heard; its update is on the way
            continue
        title, body = listing_texts(listing, with_claims=False)
        hits.append(Hit(listing=listing, title_html=highlight(title, tokens), snippet_html=snippet(body, tokens)))
    titles = facet_titles()
    facets: list[Facet] = []
    for name in (*KEYWORD_FACETS, "price"):
        values = results.facets.get(name, [])
        selected = set(query.filters.get(name, ()))
        labels = facet_labels(name, [v.value for v in values] + list(selected))
        options = [FacetOption(v.value, labels.get(v.value, v.value), v.count, v.value in selected) for v in values]
        # A selected value with no results left still shows, so it can be unselected.
        options += [FacetOption(v, labels.get(v, v), 0, True) for v in selected if v not in {o.value for o in options}]
        if options:
            facets.append(Facet(name=name, title=titles[name], options=options))
    return SearchPage(query=query, hits=hits, total=results.total, page=page, size=size, facets=facets,
                      total_estimated=results.estimated)
