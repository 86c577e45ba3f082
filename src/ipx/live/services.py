"""Publishing live events, and pruning old ones.

An event is numbered and stored inside the publisher's transaction: if the change rolls
back, so does its event (and its number), and nobody is told about a change that never was.
Publishers of one stream queue on its counter row until the first commits, so sequence
numbers follow commit order without gaps; a page that reconnects asks for "after N" and gets
exactly what it missed."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from ipx.live.hub import wake_all
from ipx.live.models import LiveEvent, LiveStream
from ipx.live.streams import NOTIFY_CHANNEL, is_valid_name


def publish(stream: str, kind: str, **params: Any) -> int:
    """Store an event on ``stream`` in the current transaction; returns its sequence number.
    ``params`` must be JSON values (ids, counts, short strings), not rendered text: each
    reader's page puts them into words in its own language."""
    return publish_with(stream, kind, lambda: params)


def publish_with(stream: str, kind: str, payload: Callable[[], Mapping[str, Any]]) -> int:
    """As ``publish``, with the payload computed once the stream's number is held: a count
    read then already includes every earlier event's change (those publishers committed
    before this one got the number)."""
    if not is_valid_name(stream):
        raise ValueError(f"bad live stream name {stream!r}")
    with transaction.atomic():
        seq = _next_seq(stream)
        LiveEvent.objects.create(stream=stream, seq=seq, kind=kind, payload=dict(payload()))
        announce()
    return seq


def _next_seq(stream: str) -> int:
    """The stream's next number, its counter row made or raised and locked until the
    transaction ends, in one statement (SQLite 3.35+ and PostgreSQL: an upsert returning the
    row). The ORM would take three — make the row, raise it, read it back — on every event."""
    connection = transaction.get_connection()
    table, name, last_seq = (connection.ops.quote_name(part) for part in (
        LiveStream._meta.db_table, LiveStream._meta.get_field("name").column,
        LiveStream._meta.get_field("last_seq").column))
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({name}, {last_seq}) VALUES (%s, 1) "  # noqa: S608 - names from the model
                       f"ON CONFLICT ({name}) DO UPDATE SET {last_seq} = {table}.{last_seq} + 1 "
                       f"RETURNING {last_seq}", [stream])
        row = cursor.fetchone()
    return int(row[0])


def announce() -> None:
    """Tell the hubs of a new event once it commits, so they read it before their next poll:
    on PostgreSQL by a notification (sent at commit, once per transaction however many
    events), and this process's own hubs directly."""
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"NOTIFY {NOTIFY_CHANNEL}")
    transaction.on_commit(wake_all)


def publish_each(streams: Iterable[str], kind: str, payload: Callable[[str], Mapping[str, Any]]) -> None:
    """One event on each stream, in name order: two transactions publishing to the same
    streams take their counters in the same order and cannot deadlock."""
    for stream in sorted(set(streams)):
        publish_with(stream, kind, partial(payload, stream))


def prune(*, older_than: timedelta | None = None, keep_last: int | None = None) -> int:
    """Delete events older than ``older_than`` (IPX_LIVE_RETENTION_HOURS) except each
    stream's last ``keep_last`` (IPX_LIVE_KEEP_LAST); returns how many went. Counters stay,
    so numbers never restart; a client asking for a pruned range is told to resync. For the
    task queue's schedule (hourly is plenty)."""
    if older_than is None:
        older_than = timedelta(hours=settings.IPX_LIVE_RETENTION_HOURS)
    if keep_last is None:
        keep_last = settings.IPX_LIVE_KEEP_LAST
    last = Subquery(LiveStream.objects.filter(name=OuterRef("stream")).values("last_seq")[:1])
    deleted, _by_model = (LiveEvent.objects.filter(created_at__lt=timezone.now() - older_than)
                          .annotate(stream_last=last).filter(seq__lte=F("stream_last") - keep_last).delete())
    return deleted
