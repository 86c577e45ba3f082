"""Background tasks and domain events: after commit, recorded, never lost."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction

from ipx import events
from ipx.tasks.models import Task
from ipx.tasks.runner import enqueue, run_task

pytestmark = pytest.mark.django_db

CALLS: list[dict[str, Any]] = []


def record(**kwargs: Any) -> None:
    CALLS.append(kwargs)


def explode(**kwargs: Any) -> None:
    raise RuntimeError("boom")


@pytest.fixture(autouse=True)
def _clear_calls() -> None:
    CALLS.clear()


def test_inline_tasks_run_after_commit_only(on_commit: Any) -> None:
    with on_commit():
        task = enqueue(record, listing_id=7)
        assert CALLS == []  # nothing runs before the commit
    task.refresh_from_db()
    assert (CALLS, task.status, task.attempts) == ([{"listing_id": 7}], "done", 1)


def test_failures_are_kept_with_their_error(on_commit: Any) -> None:
    with on_commit():
        task = enqueue(explode)
    task.refresh_from_db()
    assert task.status == "failed"
    assert "RuntimeError: boom" in task.last_error


# serialized_rollback: like the browser test, it gives back the reference tables it flushes.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_worker_mode_leaves_tasks_for_the_worker(settings: Any) -> None:
    # Real commits: the worker, like any long-running process, recycles its connection.
    settings.IPX_TASKS_MODE = "worker"
    first = enqueue(record, n=1)
    second = enqueue("ipx.tasks.tests.test_tasks.record", n=2)
    assert CALLS == []
    call_command("worker", "--burst")
    assert CALLS == [{"n": 1}, {"n": 2}]
    assert set(Task.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)) == {"done"}


def test_a_task_runs_once() -> None:
    task = Task.objects.create(name="ipx.tasks.tests.test_tasks.record", kwargs={"n": 1})
    assert run_task(task.pk) is True
    assert run_task(task.pk) is None
    assert CALLS == [{"n": 1}]


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
