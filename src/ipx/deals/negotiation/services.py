"""What the negotiation's writes share: who is on which side, telling a side what happened,
the thread's last activity, and the reasons people type.

The writes themselves are by concept: ``threads`` (inquiries, agents, closing),
``messages``, ``ndas`` and ``offers``. Their rules (who may do what, from which status)
are the tables in ``workflow``; their notices are worded in ``notices``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.urls import reverse
from django.utils import timezone

from ipx.accounts.models import Organisation, User
from ipx.core.validation import FieldErrors, clean_text
from ipx.deals.models import Thread, ThreadAgent
from ipx.deals.negotiation import notices  # noqa: F401  (registers the wording of what is sent here)
from ipx.notifications.services import notify

MAX_REASON_LENGTH = 2000


def thread_url(thread: Thread | int) -> str:
    return reverse("negotiation:thread", args=[thread if isinstance(thread, int) else thread.pk])


def other_side(side: str) -> str:
    return "seller" if side == "buyer" else "buyer"


def party(thread: Thread, side: str) -> Organisation:
    return thread.buyer if side == "buyer" else thread.seller


def notify_sides(thread: Thread, sides: Sequence[str], *, verb: str, params: Mapping[str, Any],
                 actor: User | None) -> None:
    """Every member of the parties on ``sides`` and of the agencies acting for them."""
    organisations: list[Organisation] = [party(thread, side) for side in sides]
    agencies = ThreadAgent.objects.filter(thread=thread, side__in=list(sides)).select_related("organisation")
    organisations += [agent.organisation for agent in agencies.order_by("pk")]
    notify(verb=verb, params=params, url=thread_url(thread), organisations=organisations, exclude=actor)


def touch(thread: Thread) -> None:
    thread.last_activity_at = timezone.now()
    thread.save(update_fields=["last_activity_at"])


def clean_reason(reason: object) -> str:
    """A reason a person typed (optional), kept as the event's note."""
    errors = FieldErrors()
    text = clean_text(reason, field="reason", errors=errors, required=False, max_length=MAX_REASON_LENGTH)
    errors.raise_if_any()
    return text
