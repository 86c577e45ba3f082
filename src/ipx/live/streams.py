"""The kinds of live stream and who may follow them.

The live app sits at the bottom of the layers so that any app may publish; the apps above it
say here, when they start, what their streams are called, who may follow one and how its
events read as HTML (``register``). A stream is named ``<kind>-<number>``: ``user-7`` (one
member's notifications), ``deal-12`` (one deal's timeline)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

# PostgreSQL's notification channel: every publisher's transaction notifies it, and each
# app server's hub listens (``hub``).
NOTIFY_CHANNEL = "ipx_live"

STREAM_NAME = re.compile(r"(?P<kind>[a-z][a-z_]{0,29})-(?P<key>[1-9][0-9]{0,17})")


@dataclass(frozen=True, slots=True)
class Delivered:
    """One stored event as the hub and the stream view pass it around (no model instance:
    it crosses threads and event loops)."""

    id: int
    stream: str
    seq: int
    kind: str
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Message:
    """One server-sent event: its name (what ``sse-swap`` listens for) and its data (HTML)."""

    event: str
    data: str


# may_follow(viewer, key): True when the viewer may see the stream; anything else is answered
# like a stream that does not exist. render(viewer, events): the messages for these events,
# in the active language (the view sets the reader's). Both run in a worker thread and may
# read the database.
Follow = Callable[[Any, int], bool]
Render = Callable[[Any, Sequence[Delivered]], list[Message]]


@dataclass(frozen=True, slots=True)
class StreamKind:
    name: str
    may_follow: Follow
    render: Render


_KINDS: dict[str, StreamKind] = {}


def register(name: str, *, may_follow: Follow, render: Render) -> None:
    """Called from an app's ``ready()``; registering a name twice replaces it (test reloads)."""
    if not re.fullmatch(r"[a-z][a-z_]{0,29}", name):
        raise ValueError(f"bad live stream kind {name!r}")
    _KINDS[name] = StreamKind(name=name, may_follow=may_follow, render=render)


def stream_name(kind: str, key: int) -> str:
    return f"{kind}-{int(key)}"


def parse(stream: str) -> tuple[StreamKind, int] | None:
    """The kind and key of a stream name, or None when it names no registered kind."""
    match = STREAM_NAME.fullmatch(stream)
    if match is None or match["kind"] not in _KINDS:
        return None
    return _KINDS[match["kind"]], int(match["key"])


def is_valid_name(stream: str) -> bool:
    return STREAM_NAME.fullmatch(stream) is not None
