"""Publishing: numbers without gaps in commit order, nothing told of a change that rolled
back, pruning that keeps each stream's last events; and the first uses' fragments."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction

from ipx.deals.contracts.tests.helpers import make_deal
from ipx.live import publish
from ipx.live.models import LiveEvent
from ipx.live.selectors import current_seq, events_after
from ipx.live.services import prune
from ipx.live.tests.streaming import parse
from ipx.notifications.models import Notification
from ipx.notifications.services import notification_mark_read, notify
from ipx.testing.databases import needs_postgres
from ipx.testing.fixtures import Member

from .test_stream_view import VERB

THREADS = 8
EACH = 10


# bench/live_bench.py publishes from two processes into one SQLite file and checks the numbers there.
@pytest.mark.django_db(transaction=True)
@needs_postgres("concurrent writers")
def test_concurrent_publishers_get_numbers_without_gaps() -> None:
    start = threading.Barrier(THREADS)
    failures: list[str] = []

    def publisher(n: int) -> None:
        try:
            start.wait(timeout=30)
            for i in range(EACH):
                with transaction.atomic():
                    publish("deal-1", "event", event=n * 100 + i)
        except Exception as exc:  # what this test looks for
            failures.append(repr(exc))
        finally:
            connection.close()

    workers = [threading.Thread(target=publisher, args=(n,)) for n in range(THREADS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert failures == []
    seqs = list(LiveEvent.objects.filter(stream="deal-1").order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, THREADS * EACH + 1))
    # Numbered in commit order: each publisher's own events keep their order.
    payloads = [e.payload["event"] for e in events_after("deal-1", 0, limit=1000)]
    for n in range(THREADS):
        mine = [p for p in payloads if p // 100 == n]
        assert mine == sorted(mine)


@pytest.mark.django_db
def test_an_event_rolled_back_with_its_change_is_never_seen_and_gives_its_number_back() -> None:
    publish("user-5", "unread", unread=1)
    with pytest.raises(RuntimeError), transaction.atomic():
        publish("user-5", "unread", unread=2)
        raise RuntimeError("the change failed")

    assert current_seq("user-5") == 1
    assert [e.payload for e in events_after("user-5", 0)] == [{"unread": 1}]
    assert publish("user-5", "unread", unread=3) == 2


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["user", "user-0", "user-1-2", "User-1", "deal-1\n", ""])
def test_a_bad_stream_name_is_refused(name: str) -> None:
    with pytest.raises(ValueError, match="stream name"):
        publish(name, "unread")
    assert not LiveEvent.objects.exists()


@pytest.mark.django_db
def test_prune_keeps_each_streams_last_events_and_recent_ones() -> None:
    for n in range(5):
        publish("user-1", "unread", unread=n)
    publish("user-2", "unread", unread=1)

    assert prune(older_than=timedelta(hours=1), keep_last=1) == 0  # all recent
    assert prune(older_than=timedelta(0), keep_last=2) == 3

    assert list(LiveEvent.objects.order_by("id").values_list("stream", "seq")) == [
        ("user-1", 4), ("user-1", 5), ("user-2", 1)]
    assert publish("user-1", "unread", unread=9) == 6  # numbers never restart


# --- The first uses -------------------------------------------------------------------------------

@pytest.mark.django_db
def test_new_and_read_notifications_publish_the_unread_count(owner: Member) -> None:
    notify(verb=VERB, organisations=[owner.organisation])
    notify(verb=VERB, users=[owner.user])
    notification_mark_read(user=owner.user)
    notification_mark_read(user=owner.user)  # nothing changed: nothing to tell

    stream = f"user-{owner.user.pk}"
    assert [e.payload for e in events_after(stream, 0)] == [{"unread": 1}, {"unread": 2}, {"unread": 0}]
    assert not Notification.objects.filter(read_at__isnull=True).exists()

    events = parse(owner.client.get(f"/live/{stream}/", {"after": "1"}).content.decode())
    assert [(e.id, e.event) for e in events] == [("2", "unread"), ("3", "unread")]
    assert ('<span class="badge" aria-hidden="true">2</span><span class="visually-hidden">2 unread</span>'
            in events[0].data)
    assert "badge" not in events[1].data


@pytest.mark.django_db
def test_the_badge_speaks_the_readers_language(owner: Member) -> None:
    notify(verb=VERB, users=[owner.user])

    response = owner.client.get(f"/live/user-{owner.user.pk}/", {"after": "0"}, HTTP_ACCEPT_LANGUAGE="zh-hans")

    [event] = parse(response.content.decode())
    assert "unread" not in event.data
    assert ">1</span>" in event.data


@pytest.mark.django_db
def test_the_pages_open_their_streams_where_they_were_rendered(owner: Member, buyer: Member) -> None:
    deal = make_deal(owner, buyer)
    notify(verb=VERB, users=[owner.user])
    deal_seq = current_seq(f"deal-{deal.pk}")
    assert deal_seq >= 1

    page = owner.client.get(f"/deals/{deal.pk}/").content.decode()

    assert f'sse-connect="/live/user-{owner.user.pk}/?after=1"' in page
    assert f'sse-connect="/live/deal-{deal.pk}/?after={deal_seq}"' in page
    assert 'sse-swap="timeline"' in page
    assert "htmx-ext-sse-2.2.4.min.js" in page


@pytest.mark.django_db
def test_each_deal_step_reaches_its_timeline_as_a_row(owner: Member, buyer: Member) -> None:
    deal = make_deal(owner, buyer)
    from ipx.deals.contracts import services

    services.deal_cancel(deal_id=deal.pk, actor=owner.user, reason="<b>价格</b> changed")

    events = parse(buyer.client.get(f"/live/deal-{deal.pk}/", {"after": "0"}).content.decode())

    assert [e.event for e in events] == ["timeline", "timeline"]
    assert events[0].data.startswith('<tr id="deal-event-')
    assert "Deal made from the accepted offer" in events[0].data
    assert "Cancelled" in events[1].data
    assert "&lt;b&gt;价格&lt;/b&gt; changed" in events[1].data  # what a person typed stays text
