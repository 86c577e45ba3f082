"""A hub reads a new event when it is told of it, not at its next poll: a commit in its own
process wakes it directly, and on PostgreSQL a publisher's notification wakes every hub (other
processes and servers). The polls stay the fallback; here they are ten minutes apart, so an
event that arrives at all was woken for (the guard is not a measurement)."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from django.test import AsyncClient

from ipx.live import publish, services
from ipx.live.hub import current_hub, wake_all
from ipx.live.tests.streaming import GUARD_SECONDS, parse, read_until_open
from ipx.testing.databases import needs_postgres
from ipx.testing.fixtures import Member

threads_beside_a_stream = needs_postgres("threads publishing beside an open stream")


def test_wake_all_reaches_each_hub_of_the_process_from_another_thread() -> None:
    async def scenario() -> bool:
        hub = current_hub()
        threading.Thread(target=wake_all).start()
        return await hub.woken(GUARD_SECONDS)

    assert asyncio.run(scenario())


def _follow_while_another_thread_publishes(owner: Member) -> list[str]:
    stream = f"user-{owner.user.pk}"

    async def scenario() -> list[str]:
        client = AsyncClient()
        await client.aforce_login(owner.user)
        response = await client.get(f"/live/{stream}/")
        chunks, _opening = await read_until_open(response)
        publisher = threading.Thread(target=lambda: publish(stream, "unread", unread=1))
        publisher.start()
        text = ""
        try:
            while not parse(text):
                chunk = await asyncio.wait_for(anext(chunks), GUARD_SECONDS)
                text += chunk.decode() if isinstance(chunk, bytes) else str(chunk)
        finally:
            await chunks.aclose()
            publisher.join()
        return [event.id for event in parse(text)]

    return asyncio.run(scenario())


@threads_beside_a_stream
@pytest.mark.django_db(transaction=True)
def test_a_commit_in_the_process_wakes_its_hub(owner: Member, settings: Any) -> None:
    settings.IPX_LIVE_POLL_SECONDS = 600

    assert _follow_while_another_thread_publishes(owner) == ["1"]


@threads_beside_a_stream
@pytest.mark.django_db(transaction=True)
def test_a_notification_wakes_the_hub_of_another_process(
        owner: Member, settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.IPX_LIVE_POLL_SECONDS = 600
    # As if published by another process: only PostgreSQL's notification can tell this hub.
    monkeypatch.setattr(services, "wake_all", lambda: None)

    assert _follow_while_another_thread_publishes(owner) == ["1"]
