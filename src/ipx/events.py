"""Domain events: how a lower app asks for follow-up work higher up without importing it.

A service calls ``publish("listing.published", listing_id=...)``. Handlers that higher apps
registered with ``subscribe`` in ``AppConfig.ready()`` run once the surrounding transaction
commits: small ones right there, heavier ones as background tasks. Events trigger follow-up
work only; business rules stay in services.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)

Handler = Callable[..., Any]


@dataclass(frozen=True, slots=True)
class Subscription:
    handler: Handler
    background: bool


_subscriptions: dict[str, list[Subscription]] = defaultdict(list)


def subscribe(event: str, handler: Handler, *, background: bool = False) -> None:
    """Register ``handler(**payload)`` for ``event``; idempotent so app reloads stay safe."""
    subscription = Subscription(handler=handler, background=background)
    if subscription not in _subscriptions[event]:
        _subscriptions[event].append(subscription)


def publish(event: str, **payload: Any) -> None:
    transaction.on_commit(partial(_dispatch, event, payload))


def _dispatch(event: str, payload: dict[str, Any]) -> None:
    from ipx.tasks.runner import enqueue  # the task runner is an app; import it when needed

    for subscription in list(_subscriptions.get(event, ())):
        if subscription.background:
            enqueue(subscription.handler, **payload)
            continue
        try:
            subscription.handler(**payload)
        except Exception:
            # The change that raised the event has committed; a failed follow-up is logged
            # and can be redone (e.g. `ipx reindex`), it must not fail the caller.
            logger.exception("handler %r for %s failed", subscription.handler, event)
