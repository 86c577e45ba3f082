from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.views.decorators.http import require_GET

from ipx.core.errors import ValidationFailed
from ipx.core.htmx import is_htmx_fragment
from ipx.listings.shared import SharedAnswers
from ipx.search.query import SORTS, SearchQuery
from ipx.search.selectors import SearchUnavailable, parse_search, search_listings


@dataclass(frozen=True)
class ShownResults:
    """The results as every reader sees them: the facets and the hits as HTML, and what the
    reader's own parts of the page (saving the search) need."""

    query: SearchQuery
    total: int
    total_estimated: bool
    facets_html: SafeString
    hits_html: SafeString


# One per address: the facets' and the pager's links repeat the query as it was written.
_SHOWN: SharedAnswers[ShownResults] = SharedAnswers(limit=1000)


def _shown(request: HttpRequest, query: SearchQuery, page: int, size: int) -> ShownResults:
    result = search_listings(query, page=page, size=size)
    # Without the request's context processors: these parts hold nothing of the reader's.
    context = {"result": result, "request": request}
    return ShownResults(query=query, total=result.total, total_estimated=result.total_estimated,
                        facets_html=SafeString(render_to_string("search/_facets.html", context)),
                        hits_html=SafeString(render_to_string("search/_hits.html", context)))


@require_GET
def listings(request: HttpRequest) -> HttpResponse:
    """The search page; HTMX requests get only the results part."""
    context: dict[str, object] = {"q": request.GET.get("q", ""), "sorts": SORTS,
                                  "sort": request.GET.get("sort", "relevance")}
    status = 200
    try:
        query, page, size = parse_search(request.GET, request.GET.getlist)
    except ValidationFailed as exc:
        context["error"] = exc
        status = 400
    else:
        try:
            context["shown"] = _SHOWN.get(request.get_full_path(), lambda: _shown(request, query, page, size))
        except SearchUnavailable as exc:
            context["unavailable"] = exc
            # A whole page says 503 (crawlers and monitors retry); an HTMX fragment stays 200,
            # since HTMX does not swap error responses in and the notice would not show.
            status = 200 if is_htmx_fragment(request) else exc.status
    template = "search/_results.html" if is_htmx_fragment(request) else "search/listings.html"
    response = render(request, template, context, status=status)
    if "unavailable" in context:
        response["Retry-After"] = str(SearchUnavailable.retry_after)
    return response
