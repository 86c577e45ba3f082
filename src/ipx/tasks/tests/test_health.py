"""The task queue's health check: lag of the oldest due task, failures, dead workers."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from ipx.tasks.health import tasks_check
from ipx.tasks.models import Task

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)
S = Task.Status


def task(*, created: timedelta, status: str = S.QUEUED, **times: Any) -> Task:
    """A journal row created ``created`` before NOW; other times given as offsets from NOW."""
    row = Task.objects.create(name="ipx.tasks.tests.helpers.noop", status=status)
    values = {"created_at": NOW - created} | {field: NOW - ago for field, ago in times.items()}
    Task.objects.filter(pk=row.pk).update(**values)
    return row


def test_an_empty_journal_is_ok() -> None:
    check = tasks_check(now=NOW)

    assert (check.name, check.status, check.remedy) == ("tasks", "ok", "")
    assert check.facts == {"queued": 0, "lag_seconds": 0, "failed_24h": 0, "stale_running": 0,
                           "seconds_since_last_finished": None, "lag_degraded_seconds": 60,
                           "lag_failing_seconds": 600}
    assert check.detail == "0 tasks waiting; the oldest due one has waited 0 seconds."


def test_tasks_taken_promptly_are_ok_and_the_last_finish_is_reported() -> None:
    task(created=timedelta(seconds=30))
    task(created=timedelta(seconds=5))
    task(created=timedelta(minutes=3), status=S.DONE, finished_at=timedelta(seconds=42))

    check = tasks_check(now=NOW)

    assert check.status == "ok"
    assert (check.facts["queued"], check.facts["lag_seconds"], check.facts["seconds_since_last_finished"]) == (
        2, 30, 42)


def test_a_task_waiting_over_a_minute_means_the_workers_are_behind() -> None:
    task(created=timedelta(seconds=130))

    check = tasks_check(now=NOW)

    assert (check.status, check.facts["lag_seconds"]) == ("degraded", 130)
    assert check.detail == "The oldest due task has waited 130 seconds: the workers are behind."
    assert "ipx worker" in check.remedy


def test_a_task_waiting_over_ten_minutes_means_no_worker_and_says_to_start_one() -> None:
    task(created=timedelta(minutes=11))

    check = tasks_check(now=NOW)

    assert (check.status, check.facts["lag_seconds"]) == ("failing", 660)
    assert "no worker seems to take tasks" in check.detail
    assert check.remedy.startswith("Start ipx worker")


def test_a_task_due_later_does_not_count_as_lag_until_its_time() -> None:
    # Queued an hour ago for tomorrow: nobody is late.
    task(created=timedelta(hours=1), run_after=-timedelta(days=1))
    assert (tasks_check(now=NOW).status, tasks_check(now=NOW).facts["lag_seconds"]) == ("ok", 0)

    # Queued an hour ago for 90 seconds ago (a retry, a closing time): late by 90 s, not an hour.
    task(created=timedelta(hours=1), status=S.RETRYING, run_after=timedelta(seconds=90))
    check = tasks_check(now=NOW)
    assert (check.status, check.facts["lag_seconds"], check.facts["queued"]) == ("degraded", 90, 2)


def test_running_and_finished_tasks_are_not_lag() -> None:
    task(created=timedelta(hours=2), status=S.RUNNING, heartbeat_at=timedelta(seconds=1))
    task(created=timedelta(hours=2), status=S.DONE, finished_at=timedelta(hours=1))

    check = tasks_check(now=NOW)

    assert (check.status, check.facts["queued"], check.facts["lag_seconds"]) == ("ok", 0, 0)


def test_failures_of_the_last_day_degrade_older_ones_do_not() -> None:
    task(created=timedelta(days=3), status=S.FAILED, finished_at=timedelta(days=2))
    assert tasks_check(now=NOW).status == "ok"

    task(created=timedelta(hours=3), status=S.FAILED, finished_at=timedelta(hours=2))
    check = tasks_check(now=NOW)

    assert (check.status, check.facts["failed_24h"]) == ("degraded", 1)
    assert check.detail == "1 tasks failed in the last 24 hours."
    assert "run them again" in check.remedy


def test_a_running_task_whose_worker_stopped_answering_degrades() -> None:
    task(created=timedelta(minutes=5), status=S.RUNNING, heartbeat_at=timedelta(minutes=4))

    check = tasks_check(now=NOW)

    assert (check.status, check.facts["stale_running"]) == ("degraded", 1)
    assert "stopped answering" in check.detail


def test_several_problems_are_all_said_and_the_worst_decides() -> None:
    task(created=timedelta(minutes=20))
    task(created=timedelta(hours=1), status=S.FAILED, finished_at=timedelta(minutes=30))

    check = tasks_check(now=NOW)

    assert check.status == "failing"
    assert "no worker seems to take tasks" in check.detail and "1 tasks failed" in check.detail
    assert "Start ipx worker" in check.remedy and "run them again" in check.remedy


def test_the_thresholds_are_settings(settings: Any) -> None:
    settings.IPX_TASKS_LAG_DEGRADED_SECONDS = 10
    settings.IPX_TASKS_LAG_FAILING_SECONDS = 20
    task(created=timedelta(seconds=15))
    assert tasks_check(now=NOW).status == "degraded"

    settings.IPX_TASKS_LAG_FAILING_SECONDS = 12
    assert tasks_check(now=NOW).status == "failing"


def test_the_check_is_json_without_anything_but_numbers_and_words() -> None:
    task(created=timedelta(minutes=2))
    body = json.loads(json.dumps(tasks_check(now=NOW).as_json()))

    assert body["name"] == "tasks" and body["status"] == "degraded"
    assert all(value is None or isinstance(value, int) for value in body["facts"].values())


def test_without_a_given_time_the_check_reads_the_clock() -> None:
    Task.objects.create(name="ipx.tasks.tests.helpers.noop", status=S.DONE, finished_at=timezone.now())
    check = tasks_check()
    assert (check.status, check.facts["queued"], check.facts["lag_seconds"]) == ("ok", 0, 0)
