"""Version counters of the kept engines, and which documents each raise was for.

Every process keeps its own engines (``index``) with the counter they were built at. A
raise that names its listings or demands leaves a ``MatchingChange`` row, so a process a
few counts behind adds just those documents to its engine; a raise without them (a demo
load, a full re-rank, vectors computed for everything) makes every process rebuild.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.db import transaction
from django.db.models import F

from ipx.matching.models import MatchingChange, MatchingVersion

# Changes kept per engine: a process further behind than this rebuilds its engine.
KEPT_CHANGES = 10_000

Key = tuple[str, int]


def _row(name: str) -> MatchingVersion:
    row, _created = MatchingVersion.objects.get_or_create(pk=name, defaults={"token": uuid.uuid4().hex})
    return row


def raise_version(name: str, object_ids: Iterable[int] | None = None) -> None:
    """Something the engine ``name`` indexes changed (called after the change committed):
    the listings or demands ``object_ids``, or anything (None)."""
    ids = None if object_ids is None else sorted(set(object_ids))
    with transaction.atomic():
        # The update takes the row's lock first, so the count read back is this raise's own.
        if not MatchingVersion.objects.filter(pk=name).update(version=F("version") + 1):
            _row(name)
            MatchingVersion.objects.filter(pk=name).update(version=F("version") + 1)
        if ids is None:
            return
        version = MatchingVersion.objects.values_list("version", flat=True).get(pk=name)
        MatchingChange.objects.create(name=name, version=version, object_ids=ids)
        MatchingChange.objects.filter(name=name, version__lte=version - KEPT_CHANGES).delete()


def current_version(name: str) -> Key:
    row = _row(name)
    return row.token, row.version


def changed_between(name: str, since: Key, now: Key) -> set[int] | None:
    """The listings or demands changed after ``since`` up to ``now``; None when that is
    not known (another database, a raise that named nothing, changes pruned)."""
    if since[0] != now[0] or since[1] > now[1]:
        return None
    rows = list(MatchingChange.objects.filter(name=name, version__gt=since[1], version__lte=now[1])
                .values_list("object_ids", flat=True))
    if len(rows) != now[1] - since[1]:
        return None
    return {int(pk) for ids in rows for pk in ids}
