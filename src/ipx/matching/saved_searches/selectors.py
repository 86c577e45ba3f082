"""Reads for saved searches: a member sees only their own."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from ipx.accounts.models import User
from ipx.core.errors import ApplicationError, NotFound
from ipx.matching.models import SavedSearch
from ipx.matching.saved_searches.inputs import canonical_query
from ipx.search.labels import facet_labels, facet_titles


def saved_searches_of(user: User) -> QuerySet[SavedSearch]:
    if not user.is_authenticated:
        return SavedSearch.objects.none()
    return SavedSearch.objects.filter(user=user).annotate(alert_count=Count("alerts_sent")).order_by("-pk")


def saved_search_of(user: User, saved_search_id: int) -> SavedSearch:
    saved = saved_searches_of(user).filter(pk=saved_search_id).first()
    if saved is None:
        raise NotFound(_("No such saved search."))
    return saved


def describe(saved: SavedSearch) -> list[tuple[str, str]]:
    """The saved search in words, e.g. [("Keywords", "锂电池"), ("IP type", "Patent, Trademark")]."""
    try:
        _canonical, query = canonical_query(saved.query_string)
    except ApplicationError:
        return [(_("Search"), saved.query_string)]
    parts: list[tuple[str, str]] = []
    if query.text:
        parts.append((_("Keywords"), query.text))
    titles = facet_titles()
    for facet, values in query.filters.items():
        labels = facet_labels(facet, list(values))
        parts.append((titles.get(facet, facet), ", ".join(labels.get(v, v) for v in values)))
    if query.price_min is not None or query.price_max is not None:
        low = "" if query.price_min is None else f"{query.price_min:,.0f}"
        high = "" if query.price_max is None else f"{query.price_max:,.0f}"
        parts.append((_("Price (CNY)"), f"{low} – {high}"))
    return parts
