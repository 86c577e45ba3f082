"""The unread-notifications badge, live: stream ``user-<id>``, followed only by that member.

Each change of a member's unread notifications (new ones, read ones) publishes the new count,
read once the stream's number is held (so counts arrive in commit order); the page swaps the
badge rendered from it, in the reader's language."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.template.loader import render_to_string

from ipx.live import streams
from ipx.live.services import publish_each
from ipx.notifications.models import Notification

STREAM = "user"
UNREAD = "unread"


def _may_follow(viewer: Any, key: int) -> bool:
    return bool(viewer.pk == key)


def badge(unread: int) -> str:
    return render_to_string("notifications/_unread_badge.html", {"unread_notifications": unread})


def _render(viewer: Any, events: Sequence[streams.Delivered]) -> list[streams.Message]:
    return [streams.Message(UNREAD, badge(int(event.payload.get("unread", 0))))
            for event in events if event.kind == UNREAD]


def register() -> None:
    streams.register(STREAM, may_follow=_may_follow, render=_render)


def publish_unread(user_ids: Iterable[int]) -> None:
    """Tell each member's open pages their unread count (in the caller's transaction)."""

    def count(stream: str) -> dict[str, int]:
        user_id = int(stream.rsplit("-", 1)[1])
        return {"unread": Notification.objects.filter(user_id=user_id, read_at__isnull=True).count()}

    publish_each((streams.stream_name(STREAM, pk) for pk in user_ids), UNREAD, count)
