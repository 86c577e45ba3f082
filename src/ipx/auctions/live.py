"""A lot's hall, live: stream ``lot-<id>``, followed by whoever may see the lot. Each bid
publishes the sequence numbers it placed, each step of the lot (opened, paused, extended,
closed) that it changed, in the same transaction; each watcher's page gets the standing
rendered for them (their own maximum only to them) and the new rows of the bid history."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, TypeVar, cast

from django.template.loader import render_to_string
from django.utils import timezone, translation

from ipx.auctions import selectors
from ipx.auctions.models import Lot, LotEvent, Registration
from ipx.core.errors import NotFound
from ipx.live import streams
from ipx.live.services import publish

STREAM = "lot"
T = TypeVar("T")
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
    """One watcher's frames for ``events``. Whether the watcher may follow the lot is asked
    when it connects and again from time to time (``may_follow``), so here the lot is read
    once per event for every watcher (``_lot_at``), and only a bidder's own standing is
    rendered for it alone."""
    if not events:
        return []
    lot_id = int(events[0].stream.rsplit("-", 1)[1])
    lot = _lot_at(lot_id, max(e.seq for e in events))
    bids = [e for e in events if e.kind == BIDS]
    messages = []
    if bids:
        # Exactly the rows these events announce: rows placed since are announced (and sent) by
        # their own events, and a row sent twice would show twice in the watcher's history.
        first = min(int(e.payload.get("first", 0)) for e in bids)
        last = max(int(e.payload.get("last", 0)) for e in bids)
        # Oldest first: each row goes on top of the history, so the newest ends up first.
        rows = _rendered(_ROWS, (lot_id, first, last), partial(_rows, lot, first, last))
        messages += [streams.Message("bid", row) for row in rows]
    if _bids_here(viewer, lot.session_id):
        state = _state(lot, viewer)
    else:
        state = _rendered(_STATES, _state_key(lot), partial(_state, lot, None))
    messages.append(streams.Message("state", state))
    return messages


# Hundreds of watchers are sent the same rows and, but for the bidders' own standing, the same
# state: each is read and rendered once per event (and language and time zone) and kept, not
# once per watcher. Rows never change; the state's key holds everything it shows.
_LOTS: OrderedDict[tuple[object, ...], Any] = OrderedDict()
_ROWS: OrderedDict[tuple[object, ...], Any] = OrderedDict()
_STATES: OrderedDict[tuple[object, ...], Any] = OrderedDict()
# Whether a signed-in watcher bids in the session: admissions are rare, so the answer is kept
# for a few seconds (its key holds the time slot) rather than asked at every price update.
_BIDDERS: OrderedDict[tuple[object, ...], Any] = OrderedDict()
BIDDER_SECONDS = 5.0
_KEPT = 512
_lock = threading.Lock()


def _kept(cache: OrderedDict[tuple[object, ...], Any], key: tuple[object, ...], make: Callable[[], T]) -> T:
    """``make()``'s value under ``key``, made once and kept among the cache's latest _KEPT."""
    with _lock:
        found = cache.get(key)
    if found is None:
        found = make()
        with _lock:
            cache[key] = found
            while len(cache) > _KEPT:
                cache.popitem(last=False)
    return cast(T, found)


def _rendered(cache: OrderedDict[tuple[object, ...], Any], key: tuple[object, ...], make: Callable[[], T]) -> T:
    """As ``_kept``, for HTML: in the viewer's language and time zone."""
    return _kept(cache, (*key, translation.get_language(), timezone.get_current_timezone_name()), make)


def forget() -> None:
    """Drop what is kept (a database emptied and filled again numbers lots and events anew)."""
    with _lock:
        for cache in (_LOTS, _ROWS, _STATES, _BIDDERS):
            cache.clear()


def _lot_at(lot_id: int, seq: int) -> Lot:
    return _kept(_LOTS, (lot_id, seq), partial(
        Lot.objects.select_related("session", "listing", "listing__organisation", "leader").get, pk=lot_id))


def _bids_here(viewer: Any, session_id: int) -> bool:
    if not getattr(viewer, "is_authenticated", False):
        return False
    slot = int(time.monotonic() // BIDDER_SECONDS)
    return _kept(_BIDDERS, (int(viewer.pk), session_id, slot), Registration.objects.filter(
        session_id=session_id, status=Registration.Status.ADMITTED, organisation__memberships__user=viewer).exists)


def _rows(lot: Lot, first: int, last: int) -> list[str]:
    return [render_to_string("auctions/_bid_row.html", {"line": line, "currency": lot.session.currency})
            for line in selectors.bid_history(lot, after=first - 1, upto=last, limit=500)]


def _state_key(lot: Lot) -> tuple[object, ...]:
    return (lot.pk, lot.last_seq, lot.status, lot.price, lot.leader_id, lot.closes_at, lot.hard_end)


def _state(lot: Lot, viewer: Any) -> str:
    return render_to_string("auctions/_state.html", {"lot": lot, "view": selectors.lot_view(lot, viewer)})


def _on_event(sender: type[LotEvent], instance: LotEvent, created: bool, **kwargs: Any) -> None:
    if created and not kwargs.get("raw"):
        publish(streams.stream_name(STREAM, instance.lot_id), CHANGED)


def register() -> None:
    from django.db.models.signals import post_save

    streams.register(STREAM, may_follow=_may_follow, render=_render)
    # Every step of a lot's workflow (the kernel writes a LotEvent) is a change of its standing.
    post_save.connect(_on_event, sender=LotEvent, dispatch_uid="ipx.auctions.live_lot")
