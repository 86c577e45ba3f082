"""The bridge from the event loop to the synchronous pages and API (``ipx.asgi``): a2wsgi's,
with a response handed to the loop whole when it is small.

a2wsgi's thread hands each part of a response to the event loop and waits for the loop to take
it: the status and headers, each piece of the body, and the end, three waits for a page. Each
wait is a wake-up of the loop, a task and a future, and the thread's turn at the interpreter
lock lost and won back. Here the parts are kept until the view's work is done and handed over
as two messages without waiting; a body past ``HELD_BYTES`` (a download, a large export) goes
on piece by piece as before, so memory stays bounded and the client starts receiving early.

The other way, a2wsgi's thread asks the loop for each piece of the request's body and waits for
it; under load the thread (one of a few per process) sat a sixth of its time in that wait. A
body that says its length and is no longer than ``PREFETCHED_BYTES`` (a form, a JSON call) is
read by the loop before the thread starts, and the thread reads it from memory."""

from __future__ import annotations

import io
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, cast

from a2wsgi.asgi_typing import HTTPScope, Receive, Scope, Send
from a2wsgi.wsgi import WSGIMiddleware, WSGIResponder
from a2wsgi.wsgi_typing import Environ, StartResponse, WSGIApp

HELD_BYTES = 256 * 1024
PREFETCHED_BYTES = 64 * 1024

# a2wsgi's response events (its typed dicts), held as they come.
Message = Any


class HeldResponder(WSGIResponder):
    def __init__(self, app: WSGIApp, executor: ThreadPoolExecutor, send_queue_size: int) -> None:
        super().__init__(app, executor, send_queue_size)
        self._held: list[Message] = []
        self._held_bytes = 0
        self._passing_on = False
        self._body: bytes | None = None

    async def __call__(self, scope: HTTPScope, receive: Receive, send: Send) -> None:
        self._body = await prefetched_body(scope, receive)
        await super().__call__(scope, receive, send)

    def send(self, message: Message) -> None:
        """In the view's thread: keep the message, or pass it on once the body is large."""
        if self._passing_on:
            super().send(message)
            return
        self._held.append(message)
        self._held_bytes += len(message.get("body", b""))
        if self._held_bytes > HELD_BYTES:
            self._passing_on = True
            held, self._held = self._held, []
            for kept in held:
                super().send(kept)

    def wsgi(self, environ: Environ, start_response: StartResponse) -> None:
        if self._body is not None:
            environ["wsgi.input"] = io.BytesIO(self._body)
        super().wsgi(environ, start_response)
        if self._held:
            # The loop puts them in the queue before it hears that this thread is done, so
            # before the end of the response that follows them (a2wsgi's ``__call__``).
            self.loop.call_soon_threadsafe(self._put_all, whole_response(self._held))

    def _put_all(self, messages: list[Message]) -> None:
        for message in messages:
            self.send_queue.put_nowait(message)


async def prefetched_body(scope: HTTPScope, receive: Receive) -> bytes | None:
    """The whole body of a request that declares a length of at most ``PREFETCHED_BYTES``, read
    on the loop; None for any other (the thread reads it, piece by piece)."""
    declared = [value for name, value in scope["headers"] if name.lower() == b"content-length"]
    if len(declared) != 1 or not declared[0].isdigit() or not 0 < int(declared[0]) <= PREFETCHED_BYTES:
        return None
    body = bytearray()
    more = True
    # The server passes on no more than the declared length. A client that goes away mid-body
    # ends it early (``http.disconnect`` has no body): the view reads what came, as it would
    # have from the thread.
    while more:
        message = await receive()
        body += cast(bytes, message.get("body", b""))
        more = bool(message.get("more_body", False))
    return bytes(body)


def whole_response(held: Iterable[Message]) -> list[Message]:
    """The start and one body holding every piece (the queue holds a few messages only)."""
    start, *bodies = held
    body = b"".join(part.get("body", b"") for part in bodies)
    return [start, {"type": "http.response.body", "body": body, "more_body": False}]


class PageBridge(WSGIMiddleware):
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await HeldResponder(self.app, self.executor, self.send_queue_size)(scope, receive, send)
            return
        await super().__call__(scope, receive, send)
