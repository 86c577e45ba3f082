"""Writes for saved listing searches: save, rename, switch alerts, delete.

What a member saves arrives as a ``SavedSearchInput`` or ``SavedSearchChanges``
(``ipx.matching.saved_searches.inputs``), checked once; these services keep the member's
searches few and distinct, and their own.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ipx.accounts.models import User
from ipx.core.errors import Conflict, NotFound
from ipx.matching.models import SavedSearch
from ipx.matching.saved_searches.inputs import SavedSearchChanges, SavedSearchInput

MAX_SAVED_SEARCHES = 50


def _owned(user: User, saved_search_id: int, *, lock: bool = False) -> SavedSearch:
    searches = SavedSearch.objects.select_for_update() if lock else SavedSearch.objects.all()
    saved = searches.filter(pk=saved_search_id, user=user).first()
    if saved is None:
        # Someone else's saved search does not exist for this user.
        raise NotFound(_("No such saved search."))
    return saved


@transaction.atomic
def saved_search_create(*, user: User, search: SavedSearchInput) -> SavedSearch:
    """Keep a listing search under a name; with alerts the member hears of new listings that
    match it."""
    # Lock the user's row so two saves at once cannot both pass the count below.
    User.objects.select_for_update().filter(pk=user.pk).first()
    existing = SavedSearch.objects.filter(user=user, query_string=search.query_string).first()
    if existing is not None:
        raise Conflict(_("You saved this search already, as “%(name)s”.") % {"name": existing.name})
    if SavedSearch.objects.filter(user=user).count() >= MAX_SAVED_SEARCHES:
        raise Conflict(_("You can keep at most %(n)d saved searches; delete one first.") % {"n": MAX_SAVED_SEARCHES})
    try:
        with transaction.atomic():
            return SavedSearch.objects.create(user=user, name=search.name, query_string=search.query_string,
                                              alerts=search.alerts)
    except IntegrityError:
        raise Conflict(_("You saved this search already.")) from None


@transaction.atomic
def saved_search_update(*, saved_search_id: int, user: User, changes: SavedSearchChanges) -> SavedSearch:
    saved = _owned(user, saved_search_id, lock=True)
    if changes.name is not None:
        saved.name = changes.name
    if changes.alerts is not None:
        saved.alerts = changes.alerts
    saved.save(update_fields=["name", "alerts"])
    return saved


@transaction.atomic
def saved_search_delete(*, saved_search_id: int, user: User) -> None:
    _owned(user, saved_search_id, lock=True).delete()
