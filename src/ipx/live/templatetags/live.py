"""``{% live_url "deal" deal.pk %}``: the address of a live stream, opened at the number the
page is rendered with, so nothing published between rendering and connecting is missed."""

from __future__ import annotations

from django import template

from ipx.live.selectors import stream_url

register = template.Library()


@register.simple_tag
def live_url(kind: str, key: int) -> str:
    """Read the number before what the page shows when that can be arranged: a view that
    reads its data first should put ``stream_url`` in its context instead."""
    return stream_url(kind, key)
