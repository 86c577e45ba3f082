"""A lot's hall, live: stream ``lot-<id>``, followed by whoever may see the lot. Each bid
publishes the sequence numbers it placed, each step of the lot (opened, paused, extended,
closed) that it changed, in the same transaction; each watcher's page gets the standing
rendered for them (their own maximum only to them) and the new rows of the bid history."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.template.loader import render_to_string

from ipx.auctions import selectors
from ipx.auctions.models import Lot, LotEvent
from ipx.core.errors import NotFound
from ipx.live import streams
from ipx.live.services import publish

STREAM = "lot"
BIDS = "bids"
CHANGED = "changed"


def published_bids(lot: Lot, first_seq: int, last_seq: int) -> None:
    publish(streams.stream_name(STREAM, lot.pk), BIDS, first=first_seq, last=last_seq)


def _may_follow(viewer: Any, key: int) -> bool:
    try:
        selectors.lot_for(viewer, key)
    except NotFound:
        return False
    return True


def _render(viewer: Any, events: Sequence[streams.Delivered]) -> list[streams.Message]:
    if not events:
        return []
    lot_id = int(events[0].stream.rsplit("-", 1)[1])
    lot = selectors.lot_for(viewer, lot_id)
    bids = [e for e in events if e.kind == BIDS]
    messages = []
    if bids:
        # Exactly the rows these events announce: rows placed since are announced (and sent) by
        # their own events, and a row sent twice would show twice in the watcher's history.
        first = min(int(e.payload.get("first", 0)) for e in bids)
        last = max(int(e.payload.get("last", 0)) for e in bids)
        # Oldest first: each row goes on top of the history, so the newest ends up first.
        for line in selectors.bid_history(lot, after=first - 1, upto=last, limit=500):
            messages.append(streams.Message("bid", render_to_string("auctions/_bid_row.html", {
                "line": line, "currency": lot.session.currency})))
    view = selectors.lot_view(lot, viewer)
    messages.append(streams.Message("state", render_to_string("auctions/_state.html", {"lot": lot, "view": view})))
    return messages


def _on_event(sender: type[LotEvent], instance: LotEvent, created: bool, **kwargs: Any) -> None:
    if created and not kwargs.get("raw"):
        publish(streams.stream_name(STREAM, instance.lot_id), CHANGED)


def register() -> None:
    from django.db.models.signals import post_save

    streams.register(STREAM, may_follow=_may_follow, render=_render)
    # Every step of a lot's workflow (the kernel writes a LotEvent) is a change of its standing.
    post_save.connect(_on_event, sender=LotEvent, dispatch_uid="ipx.auctions.live_lot")
