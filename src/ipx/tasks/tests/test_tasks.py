"""Background tasks and domain events: after commit, recorded in the journal, never lost,
retried, visible when they cannot run (here in the engine's immediate mode; test_engine.py
runs the real consumer)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from ipx import events
from ipx.tasks import engine, runner, schedules
from ipx.tasks.models import Task
from ipx.tasks.runner import enqueue, run_at, run_task
from ipx.testing.factories import UserFactory
from ipx.testing.second_factor import sign_in

pytestmark = pytest.mark.django_db

CALLS: list[dict[str, Any]] = []


def record(**kwargs: Any) -> None:
    CALLS.append(kwargs)


def explode(**kwargs: Any) -> None:
    raise RuntimeError("boom")


@pytest.fixture(autouse=True)
def _clear_calls() -> None:
    CALLS.clear()


def test_a_task_runs_after_its_transaction_commits_never_before(on_commit: Any) -> None:
    with on_commit():
        task = enqueue(record, listing_id=7)
        assert CALLS == []  # nothing runs before the commit
    task.refresh_from_db()
    assert (CALLS, task.status, task.attempts) == ([{"listing_id": 7}], "done", 1)


def test_a_rolled_back_transaction_queues_nothing(on_commit: Any) -> None:
    with on_commit():
        try:
            with transaction.atomic():
                enqueue(record, n=1)
                raise ValueError("abort")
        except ValueError:
            pass
    assert (CALLS, Task.objects.count()) == ([], 0)


def test_a_failure_is_recorded_with_its_error_and_retried_later(on_commit: Any) -> None:
    with on_commit():
        task = enqueue(explode)
    task.refresh_from_db()
    # The engine's retry is scheduled (immediate mode holds it); the row says when.
    assert (task.status, task.attempts) == ("retrying", 1)
    assert "RuntimeError: boom" in task.last_error
    assert task.run_after is not None and task.run_after > task.created_at


def test_retries_back_off_and_the_last_failure_is_final() -> None:
    task = Task.objects.create(name="ipx.tasks.tests.test_tasks.explode")
    with pytest.raises(RuntimeError):
        run_task(task.pk, retries_left=1, retry_delay=8)
    task.refresh_from_db()
    assert (task.status, task.attempts) == ("retrying", 1)
    assert task.run_after is not None
    assert timedelta(seconds=7) < task.run_after - timezone.now() <= timedelta(seconds=8)
    assert run_task(task.pk, retries_left=0) is False  # no retry left: failed, not raised
    task.refresh_from_db()
    assert (task.status, task.attempts) == ("failed", 2)


def test_a_task_whose_function_is_gone_fails_visibly_without_retrying(on_commit: Any) -> None:
    with on_commit():
        task = enqueue("ipx.tasks.tests.test_tasks.renamed_long_ago", n=1)
    task.refresh_from_db()
    assert (task.status, task.attempts) == ("failed", 1)
    assert "ipx.tasks.tests.test_tasks.renamed_long_ago no longer exists" in task.last_error
    with on_commit():
        enqueue("ipx.nowhere.at_all")
    assert Task.objects.get(name="ipx.nowhere.at_all").status == "failed"


def test_a_task_runs_once_however_often_it_is_delivered() -> None:
    task = Task.objects.create(name="ipx.tasks.tests.test_tasks.record", kwargs={"n": 1})
    assert run_task(task.pk) is True
    assert run_task(task.pk) is None
    assert CALLS == [{"n": 1}]


@pytest.fixture
def superuser_client() -> Client:
    client = Client()
    sign_in(client, UserFactory.create(is_staff=True, is_superuser=True))
    return client


def test_the_admin_runs_failed_tasks_again_through_the_queue(on_commit: Any, superuser_client: Client) -> None:
    failed = Task.objects.create(name="ipx.tasks.tests.test_tasks.record", kwargs={"n": 2},
                                 status="failed", attempts=4, last_error="boom")
    done = Task.objects.create(name="ipx.tasks.tests.test_tasks.record", status="done")
    with on_commit():
        response = superuser_client.post("/admin/tasks/task/", {
            "action": "run_again", "_selected_action": [failed.pk, done.pk]})
    assert response.status_code == 302
    failed.refresh_from_db()
    assert (failed.status, failed.attempts, CALLS) == ("done", 1, [{"n": 2}])
    assert Task.objects.get(pk=done.pk).attempts == 0  # a finished task is not run again


def test_the_admin_lists_failed_tasks_with_their_error(superuser_client: Client) -> None:
    Task.objects.create(name="ipx.tasks.tests.test_tasks.record", status="failed",
                        last_error="The function x no longer exists")
    Task.objects.create(name="ipx.tasks.tests.test_tasks.explode", status="done")
    failed = superuser_client.get("/admin/tasks/task/?status__exact=failed").context["cl"].result_list
    assert [task.name for task in failed] == ["ipx.tasks.tests.test_tasks.record"]
    by_name = superuser_client.get("/admin/tasks/task/?name=ipx.tasks.tests.test_tasks.explode").context["cl"]
    assert [task.status for task in by_name.result_list] == ["done"]
    task = Task.objects.get(status="failed")
    assert "no longer exists" in superuser_client.get(f"/admin/tasks/task/{task.pk}/change/").content.decode()


def test_two_schedulers_firing_the_same_slot_run_it_once(on_commit: Any) -> None:
    schedule = schedules.Schedule("ipx.tasks.tests.test_tasks.record", 10)
    at = datetime(2026, 12, 2, 8, 13, 5, tzinfo=UTC)
    with on_commit():
        first = schedules.fire(schedule, now=at)
        second = schedules.fire(schedule, now=at + timedelta(minutes=1))  # same ten minutes
    assert (first, second, CALLS) == (True, False, [{}])
    assert Task.objects.get().key == "ipx.tasks.tests.test_tasks.record@2026-12-02T08:10Z"
    with on_commit():
        assert schedules.fire(schedule, now=at + timedelta(minutes=10)) is True  # the next slot
    assert len(CALLS) == 2


def test_every_schedule_names_a_function_that_exists() -> None:
    for schedule in schedules.SCHEDULES:
        assert callable(runner.resolve(schedule.func))


def test_a_run_at_task_waits_for_its_time(on_commit: Any) -> None:
    with on_commit():
        task = run_at(timezone.now() + timedelta(hours=1), record, lot_id=3)
    task.refresh_from_db()
    assert (task.status, CALLS) == ("queued", [])


def test_the_journal_keeps_tasks_while_the_store_is_unreachable(on_commit: Any,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    real_push = engine.push

    def store_down(task_id: int, *, eta: Any = None) -> None:
        raise engine.StoreUnavailable("Connection refused")

    monkeypatch.setattr(engine, "push", store_down)
    with on_commit():
        task = enqueue(record, n=5)  # the caller's change commits; nothing raised
    task.refresh_from_db()
    assert (task.status, task.pushed_at, CALLS) == ("queued", None, [])
    assert runner.push_pending() == 0  # still down: the row waits

    monkeypatch.setattr(engine, "push", real_push)
    assert runner.push_pending() == 1  # back: the maintenance loop hands it over
    task.refresh_from_db()
    assert (task.status, CALLS) == ("done", [{"n": 5}])


def test_a_task_of_a_dead_worker_is_reclaimed_by_one_worker_only() -> None:
    long_ago = timezone.now() - timedelta(minutes=5)
    task = Task.objects.create(name="ipx.tasks.tests.test_tasks.record", kwargs={"n": 6}, status="running",
                               worker="gone:1", heartbeat_at=long_ago, attempts=1)
    alive = Task.objects.create(name="ipx.tasks.tests.test_tasks.record", status="running",
                                worker=runner.WORKER_ID, heartbeat_at=long_ago)
    runner.heartbeat()  # this process's running task is not stale
    assert runner.reclaim_stale() == [task.pk]
    assert runner.reclaim_stale() == []
    task.refresh_from_db()
    assert (task.status, task.attempts, CALLS) == ("done", 2, [{"n": 6}])
    assert Task.objects.get(pk=alive.pk).status == "running"


def test_events_reach_subscribers_after_commit(on_commit: Any) -> None:
    events.subscribe("test.happened", record)
    events.subscribe("test.happened", explode)  # a failing follow-up is logged, not raised
    with on_commit():
        events.publish("test.happened", thing=1)
        assert CALLS == []
    assert CALLS == [{"thing": 1}]


def test_events_of_a_rolled_back_transaction_never_fire(on_commit: Any) -> None:
    events.subscribe("test.rolled_back", record)
    with on_commit():
        try:
            with transaction.atomic():
                events.publish("test.rolled_back", thing=2)
                raise ValueError("abort")
        except ValueError:
            pass
    assert CALLS == []


def test_background_subscribers_become_tasks(on_commit: Any) -> None:
    events.subscribe("test.background", record, background=True)
    with on_commit():
        events.publish("test.background", thing=3)
    assert CALLS == [{"thing": 3}]
    assert Task.objects.get(name="ipx.tasks.tests.test_tasks.record").status == "done"
