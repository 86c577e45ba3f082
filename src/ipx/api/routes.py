"""The API's addresses, grouped by their first segment for the URL resolver.

django-ninja hands Django one flat list of its ~230 addresses; the resolver tries them in
order, so a request to /api/v1/auctions/… was compared with every address before it, a tenth
of the server's CPU on an auction's bid. Grouped under their first segment (``auctions/``,
``listings/``, …) a request is compared with a few dozen. Names, views and the namespace stay
as ninja made them: ``reverse("api-1:…")`` gives the same addresses.
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path
from django.urls.resolvers import RoutePattern


def grouped_by_first_segment(urls: tuple[list[URLPattern | URLResolver], str, str]) -> tuple[
        list[URLPattern | URLResolver], str, str]:
    """ninja's ``api.urls`` with the addresses under each literal first segment gathered in an
    include of their own, placed where the first of them was (an address whose first segment
    is a parameter, or that is one segment only, stays where it was)."""
    patterns, app_name, namespace = urls
    grouped: list[URLPattern | URLResolver] = []
    groups: dict[str, list[URLPattern | URLResolver]] = {}
    for pattern in patterns:
        head, slash, rest = str(pattern.pattern).partition("/")
        if not isinstance(pattern, URLPattern) or not slash or not rest or "<" in head:
            grouped.append(pattern)
            continue
        if head not in groups:
            groups[head] = []
            grouped.append(path(f"{head}/", include(groups[head])))
        # Built as path() builds it; path()'s types refuse a name of None, which an address may have.
        moved = URLPattern(RoutePattern(rest, name=pattern.name, is_endpoint=True), pattern.callback,
                           pattern.default_args, pattern.name)
        groups[head].append(moved)
    return grouped, app_name, namespace
