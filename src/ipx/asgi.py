"""The ASGI application (``ipx serve`` runs it under gunicorn with uvicorn workers).

Live streams (``/live/``) go to Django's ASGI handler: each is a coroutine on the event loop,
so a process holds thousands. Every other request (pages, API, static files through
WhiteNoise) is synchronous code from the view to the database; it goes to Django's WSGI
handler on a fixed pool of threads (``ipx.page_bridge``), which answers several times more requests per second
on two cores than Django's ASGI handler adapting the same synchronous middleware and views
(a new thread per request, measured in BENCHMARKS.md). IPX_THREADS sets the pool's size per
process (``ipx serve --threads``)."""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from typing import Any, cast

from a2wsgi.wsgi_typing import WSGIApp
from django.core.asgi import get_asgi_application
from django.core.wsgi import get_wsgi_application

from ipx.page_bridge import PageBridge

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipx.settings")

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[Any], Awaitable[None]]

LIVE_PREFIX = "/live/"

streams = get_asgi_application()
# Django types its WSGI handler with a plain dict environ, a2wsgi with a TypedDict of the same keys.
pages = PageBridge(cast(WSGIApp, get_wsgi_application()), workers=int(os.environ.get("IPX_THREADS", "2")))
# Its ASGI side takes TypedDict scopes and events; the server hands this module plain dicts.
run_page = cast(Callable[[Scope, Receive, Send], Awaitable[None]], pages)


async def application(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "http" and scope["path"].startswith(LIVE_PREFIX):
        await streams(scope, receive, send)
    elif scope["type"] == "http":
        await run_page(scope, receive, send)
    # Django has no start-up or shut-down work for the ASGI "lifespan": nothing to answer.
