"""The hall's live stream sends each bid's row once: an event rendered after later bids were
stored carries only the rows it announces (those later rows come with their own events)."""

from __future__ import annotations

import re

import pytest

from ipx.auctions.live import BIDS, CHANGED, _render
from ipx.auctions.models import Lot
from ipx.auctions.tests.scene import bid
from ipx.live.streams import Delivered, Message
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db


def _rows(messages: list[Message]) -> list[str]:
    return [re.sub(r"\s+", " ", m.data) for m in messages if m.event == "bid"]


def test_each_event_carries_exactly_the_rows_it_announces(live: Lot, buyer: Member, outsider: Member) -> None:
    bid(buyer, live, "100000")
    bid(outsider, live, "105000")
    bid(buyer, live, "110000")  # all three stored before any event is rendered
    stream = f"lot-{live.pk}"
    events = [Delivered(id=n, stream=stream, seq=n, kind=BIDS, payload={"first": n, "last": n}) for n in (1, 2, 3)]
    per_event = [_rows(_render(buyer.user, [event])) for event in events]
    assert [len(rows) for rows in per_event] == [1, 1, 1]
    assert "105,000" in per_event[1][0] or "105000" in per_event[1][0]
    together = _rows(_render(buyer.user, events))
    assert len(together) == 3  # a watcher catching up gets each row once
    changed = Delivered(id=4, stream=stream, seq=4, kind=CHANGED)
    assert _rows(_render(buyer.user, [changed])) == []  # a change of the lot sends the standing only
