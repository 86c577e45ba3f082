"""What a member saves: a listing search under a name, typed and checked once.

A saved search keeps the search page's own query parameters (``q`` and the facet filters,
``price_min`` / ``price_max``), checked by the search page's parser and written in one fixed
order, so the same search saved twice is recognised and running it again gives the page the
member saw. ``SavedSearchInput.parse`` reads a new saved search and ``SavedSearchChanges.parse``
a rename or an alerts switch; each raises one ``ValidationFailed`` naming every bad field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

from django.http import QueryDict
from django.utils.translation import gettext as _

from ipx.core.errors import ValidationFailed
from ipx.core.validation import FieldErrors, clean_text
from ipx.search.query import SearchQuery
from ipx.search.selectors import FILTER_KEYS, parse_search

MAX_NAME = 100
MAX_QUERY_STRING = 2000
# The search page's parameters that decide which listings match; sort and page do not.
KEPT_PARAMETERS = ("q", *FILTER_KEYS, "price_min", "price_max")


def _as_query_dict(query: str | Mapping[str, object]) -> QueryDict:
    params = QueryDict(mutable=True)
    if isinstance(query, str):
        text = query.strip().lstrip("?")
        if "\x00" in text:
            raise ValidationFailed.for_field("query", _("The search contains a NUL character."))
        if len(text) > MAX_QUERY_STRING:
            raise ValidationFailed.for_field("query", _("The search is too long to save."))
        for key, value in parse_qsl(text, keep_blank_values=False):
            if key in KEPT_PARAMETERS:
                params.appendlist(key, value)
        return params
    for key, raw in query.items():
        if key not in KEPT_PARAMETERS:
            continue
        for item in raw if isinstance(raw, list | tuple) else [raw]:
            if item not in (None, ""):
                params.appendlist(key, str(item))
    return params


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else repr(value)


def canonical_query(query: str | Mapping[str, object]) -> tuple[str, SearchQuery]:
    """The search's parameters in a fixed order, and the parsed search; only what decides
    which listings match is kept (not the sort or the page)."""
    params = _as_query_dict(query)
    try:
        parsed, _page, _size = parse_search(params, params.getlist)
    except ValidationFailed as exc:
        # The search page's parser names its own parameters; the saved search has one field.
        raise ValidationFailed(exc.message, fields={"query": exc.message}) from None
    pairs: list[tuple[str, str]] = []
    if parsed.text:
        pairs.append(("q", parsed.text))
    for facet in FILTER_KEYS:
        pairs += [(facet, value) for value in sorted(parsed.filters.get(facet, ()))]
    if parsed.price_min is not None:
        pairs.append(("price_min", _number(parsed.price_min)))
    if parsed.price_max is not None:
        pairs.append(("price_max", _number(parsed.price_max)))
    if not pairs:
        raise ValidationFailed.for_field("query", _("Nothing to save: search for some words or choose a filter "
                                                    "first."))
    canonical = urlencode(pairs)
    if len(canonical) > MAX_QUERY_STRING:
        raise ValidationFailed.for_field("query", _("The search is too long to save."))
    return canonical, parsed


def _name(value: object, errors: FieldErrors) -> str:
    return clean_text(value, field="name", errors=errors, max_length=MAX_NAME, label=_("Name"))


@dataclass(frozen=True, slots=True)
class SavedSearchInput:
    """A search to keep: its name, its parameters in their fixed order, and whether the member
    hears of new listings that match it."""

    name: str
    query_string: str
    alerts: bool = True

    @classmethod
    def parse(cls, *, name: object, query: str | Mapping[str, object], alerts: bool = True) -> SavedSearchInput:
        """``query``: the search page's query string, or its parameters by name."""
        errors = FieldErrors()
        clean_name = _name(name, errors)
        canonical = ""
        try:
            canonical, _parsed = canonical_query(query)
        except ValidationFailed as exc:
            errors.collect(exc)
        errors.raise_if_any()
        return cls(clean_name, canonical, alerts)


@dataclass(frozen=True, slots=True)
class SavedSearchChanges:
    """A new name, alerts switched on or off, or both; None leaves a field as it is."""

    name: str | None = None
    alerts: bool | None = None

    @classmethod
    def parse(cls, *, name: object = None, alerts: bool | None = None) -> SavedSearchChanges:
        errors = FieldErrors()
        clean_name = None if name is None else _name(name, errors)
        errors.raise_if_any()
        return cls(clean_name, alerts)
