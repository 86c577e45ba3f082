"""GET /live/<stream>/: who may follow which stream, and what a client that reconnects gets."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.test import AsyncClient, Client

from ipx.accounts.models import User
from ipx.core.notices import wording
from ipx.deals.contracts.tests.helpers import make_deal
from ipx.live import publish
from ipx.live.services import prune
from ipx.live.tests.streaming import parse, read_events, read_until_open
from ipx.notifications.services import notify
from ipx.testing.databases import needs_postgres
from ipx.testing.fixtures import Member

threads_beside_a_stream = needs_postgres("threads publishing beside an open stream")

VERB = "live.test"
wording(VERB, title=lambda params: "Something happened", body=lambda params: "")


def url(stream: str) -> str:
    return f"/live/{stream}/"


# --- Access ------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_anonymous_visitors_are_asked_to_log_in(owner: Member) -> None:
    response = Client().get(url(f"user-{owner.user.pk}"))

    assert response.status_code == 401


@pytest.mark.django_db
def test_a_member_follows_only_their_own_notifications(owner: Member, buyer: Member) -> None:
    assert owner.client.get(url(f"user-{owner.user.pk}")).status_code == 200
    assert owner.client.get(url(f"user-{buyer.user.pk}")).status_code == 404


@pytest.mark.django_db
def test_a_deal_stream_is_for_its_parties_and_operators(owner: Member, buyer: Member, outsider: Member,
                                                        operator_client: Client) -> None:
    deal = make_deal(owner, buyer)

    assert owner.client.get(url(f"deal-{deal.pk}")).status_code == 200
    assert buyer.client.get(url(f"deal-{deal.pk}")).status_code == 200
    assert operator_client.get(url(f"deal-{deal.pk}")).status_code == 200
    # An outsider is told the same as for a deal that does not exist, or a kind of stream that does not.
    assert outsider.client.get(url(f"deal-{deal.pk}")).status_code == 404
    assert outsider.client.get(url(f"deal-{deal.pk + 1000}")).status_code == 404
    assert outsider.client.get(url("auction-1")).status_code == 404
    assert outsider.client.get(url("deal-01")).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("position", ["-1", "1.5", "abc", "٣", "9" * 30])
def test_a_position_that_is_no_sequence_number_is_refused(owner: Member, position: str) -> None:
    response = owner.client.get(url(f"user-{owner.user.pk}"), {"after": position})

    assert response.status_code == 400
    assert b"whole number" in response.content


@pytest.mark.django_db
def test_only_get(owner: Member) -> None:
    assert owner.client.post(url(f"user-{owner.user.pk}")).status_code == 405


# --- Replay (a WSGI server answers what is there and a retry hint) -------------------------------

@pytest.mark.django_db
def test_without_a_position_the_stream_starts_at_its_end(owner: Member) -> None:
    stream = f"user-{owner.user.pk}"
    publish(stream, "unread", unread=1)
    publish(stream, "unread", unread=2)

    response = owner.client.get(url(stream))

    text = response.content.decode()
    assert response["Content-Type"].startswith("text/event-stream")
    assert response["X-Accel-Buffering"] == "no"
    assert text.startswith("retry: ")
    assert "id: 2\n\n" in text
    assert parse(text) == []


@pytest.mark.django_db
def test_a_client_that_reconnects_gets_what_it_missed_in_order(owner: Member) -> None:
    stream = f"user-{owner.user.pk}"
    for count in (1, 2, 3):
        publish(stream, "unread", unread=count)

    # Last-Event-ID (the browser's reconnect) wins over the page's ?after=.
    response = owner.client.get(url(stream), {"after": "0"}, headers={"Last-Event-ID": "1"})

    events = parse(response.content.decode())
    assert [(e.id, e.event) for e in events] == [("2", "unread"), ("3", "unread")]
    assert ">3</span>" in events[-1].data


@pytest.mark.django_db
def test_a_client_behind_pruned_events_is_told_to_reload(owner: Member) -> None:
    stream = f"user-{owner.user.pk}"
    for count in (1, 2, 3):
        publish(stream, "unread", unread=count)
    from datetime import timedelta

    assert prune(older_than=timedelta(0), keep_last=1) == 2

    events = parse(owner.client.get(url(stream), {"after": "0"}).content.decode())

    assert [(e.id, e.event) for e in events] == [("3", "resync")]
    # A position past the end (a database restored from a backup) also reloads.
    events = parse(owner.client.get(url(stream), {"after": "50"}).content.decode())
    assert [(e.id, e.event) for e in events] == [("3", "resync")]


# --- Streaming under ASGI -----------------------------------------------------------------------

async def _signed_in(user: User) -> AsyncClient:
    client = AsyncClient()
    await client.aforce_login(user)
    return client


@threads_beside_a_stream
@pytest.mark.django_db(transaction=True)
def test_an_open_stream_replays_from_last_event_id_then_follows(owner: Member) -> None:
    stream = f"user-{owner.user.pk}"
    publish(stream, "unread", unread=1)
    publish(stream, "unread", unread=2)

    async def scenario() -> list[Any]:
        client = await _signed_in(owner.user)
        response = await client.get(url(stream), headers={"Last-Event-ID": "1"})
        assert response.streaming
        # Published from another thread (as another process or server would) after the replay.
        later = threading.Thread(target=lambda: publish(stream, "unread", unread=3))
        later.start()
        events = await read_events(response, 2)
        later.join()
        return events

    events = asyncio.run(scenario())

    assert [(e.id, e.event) for e in events] == [("2", "unread"), ("3", "unread")]


@threads_beside_a_stream
@pytest.mark.django_db(transaction=True)
def test_the_hub_delivers_what_another_thread_publishes(owner: Member) -> None:
    stream = f"user-{owner.user.pk}"

    async def scenario() -> list[Any]:
        client = await _signed_in(owner.user)
        response = await client.get(url(stream))
        chunks, opening = await read_until_open(response)
        assert "id: 0" in opening
        publisher = threading.Thread(target=lambda: [publish(stream, "unread", unread=n) for n in (1, 2)])
        publisher.start()
        text = ""
        try:
            while len(parse(text)) < 2:
                chunk = await asyncio.wait_for(anext(chunks), 30)
                text += chunk.decode() if isinstance(chunk, bytes) else str(chunk)
        finally:
            await chunks.aclose()
            publisher.join()
        return parse(text)

    events = asyncio.run(scenario())

    assert [e.id for e in events] == ["1", "2"]


@threads_beside_a_stream
@pytest.mark.django_db(transaction=True)
def test_a_notification_updates_the_badge_live(owner: Member) -> None:
    async def scenario() -> list[Any]:
        client = await _signed_in(owner.user)
        response = await client.get(url(f"user-{owner.user.pk}"))
        chunks, _opening = await read_until_open(response)
        worker = threading.Thread(target=lambda: notify(verb=VERB, users=[owner.user]))
        worker.start()
        text = ""
        try:
            while not parse(text):
                chunk = await asyncio.wait_for(anext(chunks), 30)
                text += chunk.decode() if isinstance(chunk, bytes) else str(chunk)
        finally:
            await chunks.aclose()
            worker.join()
        return parse(text)

    [event] = asyncio.run(scenario())

    assert event.event == "unread"
    assert '<span class="badge" aria-hidden="true">1</span><span class="visually-hidden">1 unread</span>' in event.data



@threads_beside_a_stream
@pytest.mark.django_db(transaction=True)
def test_an_open_stream_ends_when_its_follower_loses_access(owner: Member, buyer: Member, settings: Any) -> None:
    settings.IPX_LIVE_HEARTBEAT_SECONDS = 0.05
    deal = make_deal(owner, buyer)

    async def scenario() -> str:
        client = await _signed_in(buyer.user)
        response = await client.get(url(f"deal-{deal.pk}"))
        chunks, text = await read_until_open(response)
        while ": keep-alive" not in text:
            text += (await asyncio.wait_for(anext(chunks), 30)).decode()
        # The buyer's organisation loses its last member: the next heartbeat ends the stream.
        await sync_to_async(lambda: buyer.user.memberships.all().delete())()
        try:
            while True:
                text += (await asyncio.wait_for(anext(chunks), 30)).decode()
        except StopAsyncIteration:
            return text

    text = asyncio.run(scenario())

    assert text.startswith("retry: ")
    assert ": keep-alive" in text
