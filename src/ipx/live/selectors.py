"""Reads of live events: what a stream holds after a given number, and where it stands."""

from __future__ import annotations

from django.db.models import Max
from django.urls import reverse

from ipx.core.prepared import PreparedQuery
from ipx.live.models import LiveEvent, LiveStream
from ipx.live.streams import Delivered, stream_name

BATCH = 500


def _delivered(row: LiveEvent) -> Delivered:
    return Delivered(id=row.pk, stream=row.stream, seq=row.seq, kind=row.kind,
                     payload=row.payload if isinstance(row.payload, dict) else {})


# Read for every signed-in page (its notification stream) and live page: compiled once
# (ipx.core.prepared).
_LAST_SEQ = PreparedQuery(lambda p: LiveStream.objects.filter(name=p.str("stream")).order_by().values_list("last_seq"))


def current_seq(stream: str) -> int:
    """The stream's last committed number (0 before its first event)."""
    found = _LAST_SEQ.rows(stream=stream)  # the name is the primary key: one row at most
    return int(found[0][0]) if found else 0


def events_after(stream: str, after: int, *, up_to: int | None = None, limit: int = BATCH) -> list[Delivered]:
    rows = LiveEvent.objects.filter(stream=stream, seq__gt=after)
    if up_to is not None:
        rows = rows.filter(seq__lte=up_to)
    return [_delivered(row) for row in rows.order_by("seq")[:limit]]


def newest_id() -> int:
    return int(LiveEvent.objects.aggregate(top=Max("id"))["top"] or 0)


def rows_since(cursor: int, missing: list[int], *, limit: int = 2 * BATCH) -> list[Delivered]:
    """Events of every stream with an id above ``cursor`` or among ``missing`` (ids skipped
    earlier: on PostgreSQL a transaction may commit after one that took a higher id)."""
    newer = LiveEvent.objects.filter(id__gt=cursor).order_by("id")[:limit]
    found = [_delivered(row) for row in newer]
    if missing:
        found.extend(_delivered(row) for row in LiveEvent.objects.filter(id__in=missing))
    return found


def stream_url(kind: str, key: int) -> str:
    """The address a page opens the stream with: at its current number. Read it before the
    data the page shows: an event committed in between is then shown twice at worst, never
    missed."""
    name = stream_name(kind, key)
    return f"{reverse('live:stream', args=[name])}?after={current_seq(name)}"
