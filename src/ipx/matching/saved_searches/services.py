"""Writes for saved listing searches: save, rename, switch alerts, delete.

A saved search keeps the search page's own query parameters (``q`` and the facet filters,
``price_min`` / ``price_max``), checked by the search page's parser and written in one fixed
order, so the same search saved twice is recognised and running it again gives the page the
member saw.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import parse_qsl, urlencode

from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils.translation import gettext as _

from ipx.accounts.models import User
from ipx.core.errors import Conflict, NotFound, ValidationFailed
from ipx.core.validation import FieldErrors, clean_text
from ipx.matching.models import SavedSearch
from ipx.search.query import SearchQuery
from ipx.search.selectors import FILTER_KEYS, parse_search

MAX_SAVED_SEARCHES = 50
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


def _owned(user: User, saved_search_id: int, *, lock: bool = False) -> SavedSearch:
    searches = SavedSearch.objects.select_for_update() if lock else SavedSearch.objects.all()
    saved = searches.filter(pk=saved_search_id, user=user).first()
    if saved is None:
        # Someone else's saved search does not exist for this user.
        raise NotFound(_("No such saved search."))
    return saved


def _clean_name(value: object) -> str:
    errors = FieldErrors()
    name = clean_text(value, field="name", errors=errors, max_length=MAX_NAME, label=_("Name"))
    errors.raise_if_any()
    return name


@transaction.atomic
def saved_search_create(*, user: User, name: str, query: str | Mapping[str, object],
                        alerts: bool = True) -> SavedSearch:
    """Keep a listing search under a name; with ``alerts`` the member hears of new listings
    that match it."""
    errors = FieldErrors()
    canonical = ""
    try:
        name = _clean_name(name)
    except ValidationFailed as exc:
        errors.collect(exc)
    try:
        canonical, _parsed = canonical_query(query)
    except ValidationFailed as exc:
        errors.collect(exc)
    errors.raise_if_any()
    # Lock the user's row so two saves at once cannot both pass the count below.
    User.objects.select_for_update().filter(pk=user.pk).first()
    existing = SavedSearch.objects.filter(user=user, query_string=canonical).first()
    if existing is not None:
        raise Conflict(_("You saved this search already, as “%(name)s”.") % {"name": existing.name})
    if SavedSearch.objects.filter(user=user).count() >= MAX_SAVED_SEARCHES:
        raise Conflict(_("You can keep at most %(n)d saved searches; delete one first.") % {"n": MAX_SAVED_SEARCHES})
    try:
        with transaction.atomic():
            return SavedSearch.objects.create(user=user, name=name, query_string=canonical, alerts=bool(alerts))
    except IntegrityError:
        raise Conflict(_("You saved this search already.")) from None


@transaction.atomic
def saved_search_update(*, saved_search_id: int, user: User, name: str | None = None,
                        alerts: bool | None = None) -> SavedSearch:
    saved = _owned(user, saved_search_id, lock=True)
    if name is not None:
        saved.name = _clean_name(name)
    if alerts is not None:
        saved.alerts = bool(alerts)
    saved.save(update_fields=["name", "alerts"])
    return saved


@transaction.atomic
def saved_search_delete(*, saved_search_id: int, user: User) -> None:
    _owned(user, saved_search_id, lock=True).delete()
