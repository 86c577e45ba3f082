"""Reading server-sent events in tests: a bounded number of events from a streaming answer."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from typing import Any

# A guard against a test hanging forever, not a measurement: nothing asserts on time.
GUARD_SECONDS = 30


@dataclass
class Event:
    id: str
    event: str
    data: str


def parse(text: str) -> list[Event]:
    """Dispatched events (those with data or a name) in ``text``; comments and bare ids skipped."""
    found = []
    for block in text.split("\n\n"):
        fields: dict[str, list[str]] = {}
        for line in block.split("\n"):
            if not line or line.startswith(":"):
                continue
            name, _, value = line.partition(": ")
            fields.setdefault(name, []).append(value)
        if "event" in fields:
            found.append(Event(id=fields.get("id", [""])[-1], event=fields["event"][-1],
                               data="\n".join(fields.get("data", []))))
    return found


async def read_events(response: Any, count: int) -> list[Event]:
    """The first ``count`` events of a streaming answer; then the stream is closed."""
    chunks: AsyncGenerator[bytes, None] = aiter(response.streaming_content)
    text = ""
    try:
        while len(parse(text)) < count:
            chunk = await asyncio.wait_for(anext(chunks), GUARD_SECONDS)
            text += chunk.decode() if isinstance(chunk, bytes) else str(chunk)
    finally:
        await chunks.aclose()
    return parse(text)[:count]


async def read_until_open(response: Any) -> tuple[AsyncGenerator[bytes, None], str]:
    """Read the opening (retry hint and position) and hand back the rest of the stream."""
    chunks: AsyncGenerator[bytes, None] = aiter(response.streaming_content)
    text = ""
    while "id: " not in text:
        chunk = await asyncio.wait_for(anext(chunks), GUARD_SECONDS)
        text += chunk.decode() if isinstance(chunk, bytes) else str(chunk)
    return chunks, text
