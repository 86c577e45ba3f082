"""Live updates: per-stream numbered events stored with the change that caused them, and a
server-sent-events endpoint that follows them (``ipx.live.views``)."""

from __future__ import annotations

from typing import Any


def publish(stream: str, kind: str, **params: Any) -> int:
    """``ipx.live.services.publish``, importable before the apps are loaded."""
    from ipx.live.services import publish as store

    return store(stream, kind, **params)
