"""Pages reach the event loop whole when small, piece by piece when large (ipx.page_bridge),
with the same status, headers and bytes as a2wsgi's bridge gives."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from typing import Any, cast

import pytest
from a2wsgi import WSGIMiddleware

from ipx.page_bridge import HELD_BYTES, PREFETCHED_BYTES, PageBridge

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def app_answering(pieces: list[bytes], status: str = "200 OK") -> WSGIApp:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        start_response(status, [("Content-Type", "text/plain"), ("X-Piece-Count", str(len(pieces)))])
        return pieces

    return app


def echo(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    body = environ["wsgi.input"].read()
    start_response("201 Created", [("Content-Type", "application/octet-stream")])
    return [environ["REQUEST_METHOD"].encode(), b":", body]


def failing(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    start_response("200 OK", [])
    yield b"half a page"
    raise RuntimeError("the view failed while the page was being sent")


def through(bridge_class: type[WSGIMiddleware], app: WSGIApp, method: str = "GET", body: bytes = b"",
            sent: list[dict[str, Any]] | None = None, length: bytes | None = None,
            parts: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """The messages ``app`` behind the bridge sends for a request whose body comes in two
    pieces (or ``parts``), with a Content-Length header of ``length`` when given."""
    sent = [] if sent is None else sent
    if parts is None:
        parts = [{"type": "http.request", "body": body[:3], "more_body": True},
                 {"type": "http.request", "body": body[3:], "more_body": False}]

    async def receive() -> dict[str, Any]:
        return parts.pop(0) if parts else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
             "scheme": "http", "path": "/", "raw_path": b"/", "query_string": b"", "root_path": "",
             "headers": [(b"host", b"testserver"), *([(b"content-length", length)] if length is not None else [])],
             "client": ("127.0.0.1", 5000), "server": ("testserver", 80)}

    async def run() -> None:
        # a2wsgi types the app and the events as its own typed dicts; these are plain ones.
        bridge: Any = bridge_class(cast(Any, app), workers=2)
        await bridge(scope, receive, send)

    asyncio.run(run())
    return sent


def answer(sent: list[dict[str, Any]]) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    start, *bodies = sent
    assert start["type"] == "http.response.start"
    assert [body["type"] for body in bodies] == ["http.response.body"] * len(bodies)
    assert not bodies[-1].get("more_body", False)
    return start["status"], start["headers"], b"".join(body["body"] for body in bodies)


def test_a_page_goes_to_the_loop_as_a_start_and_one_body() -> None:
    app = app_answering([b"<html>", "页面".encode(), b"</html>"])

    sent = through(PageBridge, app)

    assert len(sent) == 2
    assert answer(sent) == answer(through(WSGIMiddleware, app))


def test_a_large_body_goes_on_piece_by_piece() -> None:
    piece = b"x" * (64 * 1024)
    app = app_answering([piece] * (2 * HELD_BYTES // len(piece)))

    sent = through(PageBridge, app)

    assert len(sent) > 2 + HELD_BYTES // len(piece)
    assert answer(sent) == answer(through(WSGIMiddleware, app))


@pytest.mark.parametrize("pieces", [[], [b""], [b"a"] * 50])
def test_empty_and_many_small_pieces(pieces: list[bytes]) -> None:
    app = app_answering(pieces, status="304 Not Modified")

    assert answer(through(PageBridge, app)) == answer(through(WSGIMiddleware, app))


def test_the_request_body_is_read_as_before() -> None:
    sent = through(PageBridge, echo, method="POST", body="询价内容".encode())

    assert answer(sent) == (201, [(b"content-type", b"application/octet-stream")], "POST:询价内容".encode())


def reader_of_input(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """Says what the view reads the body from, and the body."""
    body = environ["wsgi.input"].read()
    start_response("200 OK", [])
    return [type(environ["wsgi.input"]).__name__.encode(), b":", body]


def test_a_small_body_of_declared_length_is_read_on_the_loop_before_the_view_runs() -> None:
    body = "询价内容".encode()

    assert answer(through(PageBridge, reader_of_input, "POST", body, length=str(len(body)).encode()))[2] == \
        b"BytesIO:" + body


@pytest.mark.parametrize("length", [None, b"0", str(PREFETCHED_BYTES + 1).encode(), b"12, 12", b"-3"])
def test_other_bodies_are_read_by_the_view_from_the_loop_as_before(length: bytes | None) -> None:
    body = b"x" * (PREFETCHED_BYTES + 1) if length == str(PREFETCHED_BYTES + 1).encode() else b"a body"

    assert answer(through(PageBridge, reader_of_input, "POST", body, length=length))[2] == b"Body:" + body


def test_a_client_gone_midway_leaves_the_view_the_part_that_came() -> None:
    parts = [{"type": "http.request", "body": b"half", "more_body": True}, {"type": "http.disconnect"}]

    assert answer(through(PageBridge, reader_of_input, "POST", length=b"8", parts=parts))[2] == b"BytesIO:half"


def test_a_view_failing_midway_sends_nothing_of_its_page() -> None:
    # The server then answers 500 itself: no half page with a 200 reaches the client.
    sent: list[dict[str, Any]] = []
    with pytest.raises(RuntimeError, match="the view failed"):
        through(PageBridge, failing, sent=sent)
    assert sent == []
    # a2wsgi's bridge had sent the start and the first piece by then.
    with pytest.raises(RuntimeError, match="the view failed"):
        through(WSGIMiddleware, failing, sent=sent)
    assert [message["type"] for message in sent][:1] == ["http.response.start"]
