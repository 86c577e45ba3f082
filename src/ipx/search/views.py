from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ipx.core.errors import ValidationFailed
from ipx.core.htmx import is_htmx_fragment
from ipx.search.query import SORTS
from ipx.search.selectors import SearchUnavailable, parse_search, search_listings


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
            context["result"] = search_listings(query, page=page, size=size)
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
