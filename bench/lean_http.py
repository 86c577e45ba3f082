"""A keep-alive HTTP/1.1 client with nothing but what the load benchmarks need.

The load generators run on the two vCPUs they measure. httpx spends about 2 ms of CPU per
request (its pool, h11, the header models), so 200 bidders at 500 bids/s took most of a core
from the server; this client writes the request's bytes and reads a ``Content-Length`` answer
(all the server sends to these requests) for a small part of that. One connection per
instance, one request at a time, as one bidder's browser or script would.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from dataclasses import dataclass
from typing import Any


class ProtocolError(Exception):
    """The server's answer was not the HTTP/1.1 this client reads."""


@dataclass(frozen=True)
class Answer:
    status_code: int
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class LeanClient:
    def __init__(self, host: str, port: int, timeout: float = 30) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, headers: dict[str, str], body: bytes = b"") -> Answer:
        try:
            return await asyncio.wait_for(self._exchange(method, path, headers, body), self.timeout)
        except BaseException:
            await self.aclose()  # a half-read answer leaves the connection unusable
            raise

    async def _exchange(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Answer:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}", f"Content-Length: {len(body)}",
                 *(f"{name}: {value}" for name, value in headers.items())]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        parts = status_line.split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/1."):
            raise ProtocolError(f"not an HTTP/1.1 status line: {status_line!r}")
        length, close = None, False
        for line in header_lines:
            name, _colon, value = line.partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "connection" and value.strip().lower() == "close":
                close = True
        if length is None:
            raise ProtocolError("an answer without Content-Length")
        answer = Answer(int(parts[1]), await self.reader.readexactly(length))
        if close:
            await self.aclose()
        return answer

    async def get(self, path: str, headers: dict[str, str]) -> Answer:
        return await self.request("GET", path, headers)

    async def post_json(self, path: str, payload: object, headers: dict[str, str]) -> Answer:
        return await self.request("POST", path, {**headers, "Content-Type": "application/json"},
                                  json.dumps(payload).encode())

    async def aclose(self) -> None:
        writer, self.reader, self.writer = self.writer, None, None
        if writer is not None:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()
