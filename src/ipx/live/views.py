"""``GET /live/<stream>/``: a stream of server-sent events for a page (HTMX's SSE extension).

Every event carries ``id: <sequence number>``. A client that reconnects sends the last one it
got (``Last-Event-ID``, or ``?after=`` when a page opens the stream at the number it was
rendered with) and is first given what it missed, from the database. Anonymous requests get
401; a stream the viewer may not follow, or that does not exist, gets the same 404.

Under an ASGI server the stream stays open (heartbeat comments keep proxies from closing it;
access is checked again with each heartbeat). Under a WSGI server (the test server, tools) a
held-open request would hold a thread, so the answer is what is there now and a ``retry:``
hint: the browser comes back with ``Last-Event-ID``, which amounts to polling."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any, ParamSpec, TypeVar

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.db import connections
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotAllowed,
    StreamingHttpResponse,
)
from django.utils import translation
from django.utils.translation import gettext as _

from ipx.live.hub import Subscription, current_hub, in_thread
from ipx.live.selectors import BATCH, current_seq, events_after
from ipx.live.streams import Delivered, Message, StreamKind, parse

P = ParamSpec("P")
R = TypeVar("R")

RESYNC = "resync"
MAX_POSITION = 10**18


def frame(seq: int, message: Message) -> str:
    """One event in the text/event-stream format; each line of the HTML its own data line."""
    lines = message.data.splitlines() or [""]
    return f"id: {seq}\nevent: {message.event}\n" + "".join(f"data: {line}\n" for line in lines) + "\n"


def position_frame(seq: int) -> str:
    """An id without data sets the client's last event id and dispatches nothing."""
    return f"id: {seq}\n\n"


class BadPosition(ValueError):
    pass


def requested_position(request: HttpRequest) -> int | None:
    """Where the client stands: Last-Event-ID (a reconnect), else ``?after=``, else None."""
    for value in (request.headers.get("Last-Event-ID"), request.GET.get("after")):
        if value is None or value == "":
            continue
        if not value.isascii() or not value.isdigit() or int(value) > MAX_POSITION:
            raise BadPosition(value)
        return int(value)
    return None


def _render(kind: StreamKind, viewer: Any, events: Sequence[Delivered], language: str) -> str:
    with translation.override(language):
        return "".join(frame(event.seq, message) for event in events for message in kind.render(viewer, [event]))


def _backlog(stream: str, after: int) -> tuple[list[Delivered], bool, int]:
    """What the client missed; whether it must reload what it shows instead (events it lacks
    were pruned, or it stands past the stream's end: a database restored from a backup); and
    the stream's last number, read first, so every number up to it is committed."""
    newest = current_seq(stream)
    if after > newest:
        return [], True, newest
    found: list[Delivered] = []
    cursor = after
    while True:
        batch = events_after(stream, cursor, limit=BATCH)
        found.extend(batch)
        if len(batch) < BATCH:
            break
        cursor = batch[-1].seq
    gone = found[0].seq != after + 1 if found else newest > after
    return found, gone, newest


class Follower:
    """One open stream: the viewer, where they stand, and their hub subscription."""

    def __init__(self, *, kind: StreamKind, key: int, stream: str, viewer: Any, language: str,
                 last: int | None, streaming: bool) -> None:
        self.kind, self.key, self.stream = kind, key, stream
        self.viewer, self.language, self.last = viewer, language, last
        self.request_thread = not streaming

    def db(self, function: Callable[P, R]) -> Callable[P, Any]:
        return in_thread(function, request_thread=self.request_thread)

    async def render(self, events: Sequence[Delivered]) -> str:
        fresh = [event for event in sorted(events, key=lambda e: e.seq) if self.last is None or event.seq > self.last]
        if not fresh:
            return ""
        self.last = fresh[-1].seq
        return str(await self.db(_render)(self.kind, self.viewer, fresh, self.language))

    async def backlog(self, *, opening: bool = False) -> str:
        """What the client missed; on ``opening`` at least where the stream stands."""
        if self.last is None:
            self.last = await self.db(current_seq)(self.stream)
            return position_frame(self.last)
        missed, gone, newest = await self.db(_backlog)(self.stream, self.last)
        if gone:
            # The page reloads what it shows (``hx-trigger="sse:resync"``) and goes on from here.
            self.last = max([newest, *(event.seq for event in missed)])
            return frame(self.last, Message(RESYNC, ""))
        text = await self.render(missed)
        return text or (position_frame(self.last) if opening else "")

    async def fill(self, events: list[Delivered], subscription: Subscription) -> str:
        """The events the hub handed over, with any the hub did not (yet) see filled in."""
        assert self.last is not None
        if subscription.overflowed:
            subscription.overflowed = False
            return await self.backlog()
        fresh = sorted((e for e in events if e.seq > self.last), key=lambda e: e.seq)
        if fresh and fresh[0].seq != self.last + 1:
            return await self.backlog()
        return await self.render(fresh)

    async def still_allowed(self) -> bool:
        return bool(await self.db(self.kind.may_follow)(self.viewer, self.key))


def _close_request_connections() -> None:
    for connection in connections.all(initialized_only=True):
        connection.close()


async def _events(follower: Follower) -> AsyncIterator[str]:
    # The middleware (sessions, sign-in) read the database in this request's own thread, and
    # its connection would stay open, idle, for as long as the stream: one per open page, more
    # than PostgreSQL allows. The stream's reads use the hub's few shared threads instead.
    await sync_to_async(_close_request_connections, thread_sensitive=True)()
    hub = current_hub()
    subscription = hub.subscribe(follower.stream)
    try:
        # The retry hint goes first; it also sends the headers, so the client's "open" fires.
        yield f"retry: {int(settings.IPX_LIVE_RETRY_MS)}\n\n"
        heartbeat = float(settings.IPX_LIVE_HEARTBEAT_SECONDS)
        while True:  # the hub's first read waits for the database; proxies keep waiting too
            try:
                await asyncio.wait_for(hub.ready(), heartbeat)
                break
            except TimeoutError:
                yield ": keep-alive\n\n"
        yield await follower.backlog(opening=True)
        ends = time.monotonic() + float(settings.IPX_LIVE_MAX_STREAM_SECONDS)
        check_at = time.monotonic() + heartbeat
        while True:
            try:
                first = await asyncio.wait_for(subscription.queue.get(), max(0.0, check_at - time.monotonic()))
            except TimeoutError:
                first = None
            if first is not None:
                events = [first]
                while not subscription.queue.empty():
                    events.append(subscription.queue.get_nowait())
                text = await follower.fill(events, subscription)
                if text:
                    yield text
            if time.monotonic() >= check_at:
                # Heartbeat, busy stream or not: access may have ended (removed from the
                # organisation); anything the hub missed (only in a long outage) comes here.
                if not await follower.still_allowed() or time.monotonic() > ends:
                    return
                yield (await follower.backlog()) or ": keep-alive\n\n"
                check_at = time.monotonic() + heartbeat
    finally:
        hub.unsubscribe(subscription)


async def stream(request: HttpRequest, name: str) -> HttpResponseBase:
    viewer = await request.auser()
    if not viewer.is_authenticated:
        return HttpResponse(_("Log in to follow live updates."), status=401, content_type="text/plain; charset=utf-8")
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    parsed = parse(name)
    if parsed is None:
        raise Http404(_("No such live stream."))
    kind, key = parsed
    streaming = isinstance(request, ASGIRequest)
    if not await in_thread(kind.may_follow, request_thread=not streaming)(viewer, key):
        raise Http404(_("No such live stream."))
    try:
        last = requested_position(request)
    except BadPosition:
        return HttpResponse(_("The position to resume from must be a whole number (a sequence number)."),
                            status=400, content_type="text/plain; charset=utf-8")
    follower = Follower(kind=kind, key=key, stream=name, viewer=viewer, language=translation.get_language(),
                        last=last, streaming=streaming)
    response: HttpResponseBase
    if streaming:
        response = StreamingHttpResponse(_events(follower), content_type="text/event-stream; charset=utf-8")
    else:
        opening = await follower.backlog(opening=True)
        response = HttpResponse(f"retry: {int(settings.IPX_LIVE_RETRY_MS)}\n\n{opening}",
                                content_type="text/event-stream; charset=utf-8")
    response["Cache-Control"] = "no-cache, no-store"
    # nginx: pass each event on as it comes instead of buffering the answer.
    response["X-Accel-Buffering"] = "no"
    return response
