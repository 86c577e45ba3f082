"""One hub per event loop (an app server process): it follows new live events in the
database and hands each to the open streams that follow its stream name.

The database is the source of truth: a change made by any process or server sharing it
(a request on another app server, a task in the worker) is seen by one cheap query per poll
(IPX_LIVE_POLL_SECONDS) per process, whatever the number of open streams. Streams check the
sequence numbers they are handed and fetch any they lack from the database, so a slow poll or
an id committed out of order delays an update, never loses it.

A poll is not waited for when the hub hears of a new event: a commit in its own process wakes
it at once (``wake_all``), and on PostgreSQL every publisher's transaction sends a
notification (``NOTIFY ipx_live``, delivered at commit) that each hub listens for on a
connection of its own, so other processes and servers wake too. Waking only saves the wait;
a lost notification or listener costs one poll interval (500 watchers at one update a second
on PostgreSQL: p99 1.02 s with polling alone, 0.56 s woken; BENCHMARKS.md)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import weakref
from collections.abc import Callable
from datetime import timedelta
from typing import Any, ParamSpec, TypeVar

import psycopg
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections, connections
from django.utils import timezone

from ipx.live.streams import NOTIFY_CHANNEL, Delivered

logger = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

# Ids skipped by the cursor are looked for again this long (a PostgreSQL transaction that took
# a lower id may commit after a higher one; a rolled-back one never does).
MISSING_SECONDS = 30.0
MISSING_MAX = 2000
QUEUE_SIZE = 1000
# On start, events of the last few seconds are read again: one committed out of order just
# before the hub started is not skipped (streams drop what they already have).
START_LOOKBACK = timedelta(seconds=5)


def in_thread(function: Callable[P, R], *, request_thread: bool = False) -> Callable[P, Any]:
    """``function`` run in a worker thread off the event loop, with a database connection
    that is closed first if it broke or outlived its age (these threads serve no requests,
    so nothing else would close it). ``request_thread``: in the thread of the (WSGI) request
    that awaits it instead, with the request's connection and transaction."""
    if request_thread:
        return sync_to_async(function, thread_sensitive=True)

    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        close_old_connections()
        return function(*args, **kwargs)

    return sync_to_async(run, thread_sensitive=False)


def _start_cursor() -> int:
    from django.db.models import Max

    from ipx.live.models import LiveEvent

    older = LiveEvent.objects.filter(created_at__lt=timezone.now() - START_LOOKBACK)
    return int(older.aggregate(top=Max("id"))["top"] or 0)


def _rows_since(cursor: int, missing: list[int]) -> list[Delivered]:
    from ipx.live.selectors import rows_since

    return rows_since(cursor, missing)


class Subscription:
    """What one open stream receives; ``overflowed`` tells it to reread from the database."""

    def __init__(self, stream: str) -> None:
        self.stream = stream
        self.queue: asyncio.Queue[Delivered] = asyncio.Queue(QUEUE_SIZE)
        self.overflowed = False

    def offer(self, event: Delivered) -> None:
        try:
            self.queue.put_nowait(event)
        except asyncio.QueueFull:
            self.overflowed = True


class Hub:
    def __init__(self) -> None:
        self._followers: dict[str, set[Subscription]] = {}
        self._cursor = 0
        self._missing: dict[int, float] = {}
        self._task: asyncio.Task[None] | None = None
        self._listener: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()
        self._wake = asyncio.Event()
        self.polls = 0

    def subscribe(self, stream: str) -> Subscription:
        subscription = Subscription(stream)
        self._followers.setdefault(stream, set()).add(subscription)
        if self._task is None or self._task.done():
            self._ready.clear()
            self._task = asyncio.get_running_loop().create_task(self._follow(), name="ipx-live-hub")
            if listens_for_notifications():
                self._listener = asyncio.get_running_loop().create_task(self._listen(), name="ipx-live-listen")
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        followers = self._followers.get(subscription.stream)
        if followers is not None:
            followers.discard(subscription)
            if not followers:
                del self._followers[subscription.stream]
        if not self._followers and self._task is not None:
            # Nobody listens: stop polling; the next stream starts the hub again.
            self._task.cancel()
            self._task = None
            if self._listener is not None:
                self._listener.cancel()
                self._listener = None

    def wake(self) -> None:
        """Poll now instead of at the end of the interval (in the hub's event loop)."""
        self._wake.set()

    async def ready(self) -> None:
        """Wait until the hub has its starting point: events after it reach subscribers."""
        await self._ready.wait()

    async def _follow(self) -> None:
        poll = float(settings.IPX_LIVE_POLL_SECONDS)
        failures = 0
        while True:
            try:
                if not self._ready.is_set():
                    self._cursor = await in_thread(_start_cursor)()
                    self._missing.clear()
                    self._ready.set()
                full = await self.poll_once()
                if failures:
                    logger.warning("live updates: the database answers again")
                failures = 0
            except asyncio.CancelledError:
                raise
            except Exception:  # the database is away: keep the streams open, try again
                failures += 1
                if failures == 1:
                    logger.exception("live updates: cannot read new events; retrying")
                await asyncio.sleep(min(5.0, poll * 2 ** min(failures, 5)))
                continue
            if not full:
                await self.woken(poll)

    async def woken(self, timeout: float) -> bool:
        """Wait until woken (True; at once if woken since the last wait) or ``timeout``."""
        try:
            await asyncio.wait_for(self._wake.wait(), timeout)
        except TimeoutError:
            return False
        self._wake.clear()
        return True

    async def _listen(self) -> None:
        """PostgreSQL: wake on every publisher's notification, reconnecting after a failure
        (meanwhile the polls carry on)."""
        failures = 0
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(**listener_params(), autocommit=True) as conn:
                    await conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
                    failures = 0
                    async for _notice in conn.notifies():
                        self._wake.set()
            except asyncio.CancelledError:
                raise
            except Exception:
                failures += 1
                if failures == 1:
                    logger.warning("live updates: cannot listen for notifications; polling only", exc_info=True)
                await asyncio.sleep(min(30.0, 2 ** min(failures, 5)))

    async def poll_once(self) -> bool:
        """Read new events and hand them out; True when there may be more right away."""
        self.polls += 1
        missing = list(self._missing)
        rows = await in_thread(_rows_since)(self._cursor, missing)
        now = time.monotonic()
        newer = 0
        for row in sorted(rows, key=lambda r: r.id):
            self._missing.pop(row.id, None)
            if row.id > self._cursor:
                newer += 1
                if row.id - self._cursor <= MISSING_MAX:
                    for skipped in range(self._cursor + 1, row.id):
                        self._missing[skipped] = now
                self._cursor = row.id
            for subscription in self._followers.get(row.stream, ()):
                subscription.offer(row)
        from ipx.live.selectors import BATCH

        full = newer >= 2 * BATCH  # a full page of rows: more may be waiting
        for skipped, since in list(self._missing.items()):
            if now - since > MISSING_SECONDS or len(self._missing) > MISSING_MAX:
                del self._missing[skipped]
        return full


_HUBS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Hub] = weakref.WeakKeyDictionary()


def wake_all() -> None:
    """Wake every hub of this process (from any thread): an event was just committed here."""
    for loop, hub in list(_HUBS.items()):
        if not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                loop.call_soon_threadsafe(hub.wake)


def listens_for_notifications() -> bool:
    return connections["default"].vendor == "postgresql"


def listener_params() -> dict[str, Any]:
    """How to reach the database the requests use, for the hub's own listening connection."""
    db = connections["default"].settings_dict
    params = {"dbname": db["NAME"], "user": db["USER"], "password": db["PASSWORD"], "host": db["HOST"],
              "port": db["PORT"]}
    options = {key: value for key, value in db.get("OPTIONS", {}).items() if key in ("sslmode", "sslrootcert")}
    return {key: value for key, value in (params | options).items() if value not in (None, "")}


def current_hub() -> Hub:
    """This event loop's hub (one per app server process; tests get one per loop)."""
    loop = asyncio.get_running_loop()
    hub = _HUBS.get(loop)
    if hub is None:
        hub = _HUBS[loop] = Hub()
    return hub
