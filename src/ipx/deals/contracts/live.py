"""A deal's timeline, live: stream ``deal-<id>``, followed by the deal's parties, their agents
and operators (whoever may open the deal; anyone else is told there is no such stream).

Every event row the deal's workflows write (``DealEvent``, through the kernel's ``create``)
publishes its id in the same transaction; each reader's page gets the row rendered in their
language, as the page itself renders it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models.signals import post_save
from django.template.loader import render_to_string

from ipx.core.errors import NotFound
from ipx.deals.access import access_deal
from ipx.deals.models import DealEvent
from ipx.deals.timeline import deal_event_label, deal_event_text, lines
from ipx.live import streams
from ipx.live.services import publish

STREAM = "deal"
EVENT = "event"
TIMELINE = "timeline"


def _may_follow(viewer: Any, key: int) -> bool:
    try:
        access_deal(viewer, key)
    except NotFound:
        return False
    return True


def timeline_row(event: DealEvent) -> str:
    return render_to_string("deals/contracts/_timeline_row.html", {
        "event": event, "label": deal_event_label(event), "texts": lines(deal_event_text(event), event.note)})


def _render(viewer: Any, events: Sequence[streams.Delivered]) -> list[streams.Message]:
    wanted = {int(event.payload.get("event", 0)): event for event in events if event.kind == EVENT}
    rows = DealEvent.objects.select_related("actor").filter(pk__in=list(wanted)).order_by("pk")
    # Only rows of the stream's own deal, whatever a payload says.
    return [streams.Message(TIMELINE, timeline_row(row)) for row in rows
            if streams.stream_name(STREAM, row.deal_id) == wanted[row.pk].stream]


def _published(sender: type[DealEvent], instance: DealEvent, created: bool, **kwargs: Any) -> None:
    if created and not kwargs.get("raw"):
        publish(streams.stream_name(STREAM, instance.deal_id), EVENT, event=instance.pk)


def register() -> None:
    streams.register(STREAM, may_follow=_may_follow, render=_render)
    post_save.connect(_published, sender=DealEvent, dispatch_uid="ipx.deals.live_timeline")
