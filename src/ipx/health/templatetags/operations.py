"""``{% waiting_for_operators request.user as rows %}``: the back-office front page's counts of
what waits for the operators, the rows this one may open."""

from __future__ import annotations

from typing import Any

from django import template

from ipx.health.waiting import Waiting
from ipx.health.waiting import waiting_for_operators as count_waiting

register = template.Library()


@register.simple_tag
def waiting_for_operators(user: Any) -> list[Waiting]:
    return count_waiting(user)
