"""The ASGI application sends live streams to Django's ASGI handler and everything else to
its WSGI handler on the thread pool; the "lifespan" is answered by nothing."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from ipx.asgi import application


def call(path: str) -> tuple[int, dict[bytes, bytes], bytes]:
    async def scenario() -> tuple[int, dict[bytes, bytes], bytes]:
        sent: list[dict[str, Any]] = []
        requested = False

        async def receive() -> dict[str, Any]:
            nonlocal requested
            if not requested:
                requested = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await asyncio.sleep(3600)  # the client stays connected
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
                 "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
                 "headers": [(b"host", b"127.0.0.1")], "client": ("127.0.0.1", 50000),
                 "server": ("127.0.0.1", 8000)}
        await asyncio.wait_for(application(scope, receive, send), 60)
        start = next(m for m in sent if m["type"] == "http.response.start")
        body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
        return start["status"], dict(start["headers"]), body

    return asyncio.run(scenario())


@pytest.mark.django_db(transaction=True)
def test_pages_and_api_go_to_the_thread_pool_and_live_streams_to_the_event_loop() -> None:
    status, _headers, body = call("/live/user-1/")
    assert (status, body) == (401, b"Log in to follow live updates.")

    status, headers, body = call("/api/v1/openapi.json")
    assert status == 200
    assert headers[b"content-type"].startswith(b"application/json")


def test_the_lifespan_is_answered_by_nothing() -> None:
    async def scenario() -> None:
        async def receive() -> dict[str, Any]:
            return {"type": "lifespan.startup"}

        async def send(message: dict[str, Any]) -> None:
            raise AssertionError(message)

        await application({"type": "lifespan", "asgi": {"version": "3.0"}}, receive, send)

    asyncio.run(scenario())
