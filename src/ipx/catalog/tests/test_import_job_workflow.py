"""An import job's workflow: each step an event row with params, a failure recorded by its
code, a job a crash left running started again, one runner at a time, and no action offered to
anyone by hand."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from ipx.accounts.models import User
from ipx.catalog.importing import services
from ipx.catalog.importing.services import import_job_create, import_job_run
from ipx.catalog.importing.workflow import IMPORT_JOB
from ipx.catalog.models import ImportJob, ImportJobEvent
from ipx.catalog.tests.import_files import (
    GOOD_AND_BAD,
    application_number,
    registered_numbers,
    upload,
)
from ipx.tasks.models import Task
from ipx.tasks.runner import run_task
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db


# --- The job's workflow -----------------------------------------------------------------------

class Crash(BaseException):
    """The process dies mid-import (not an error the runner could catch and record)."""


def events(job: ImportJob) -> list[tuple[str, str, str, int | None, dict[str, Any]]]:
    return list(ImportJobEvent.objects.filter(job=job).order_by("id").values_list(
        "verb", "from_status", "to_status", "actor", "params"))


def job_state(job: ImportJob) -> tuple[Any, ...]:
    job = ImportJob.objects.get(pk=job.pk)
    return (job.status, job.started_at, job.finished_at, job.processed_rows, job.created_count,
            job.message, job.events.count())


DONE_COUNTS = {"total_rows": 3, "processed_rows": 3, "created_count": 2, "updated_count": 0, "error_count": 1}


def test_each_step_is_an_event_with_params(owner: Member, on_commit: Callable[..., Any]) -> None:
    with on_commit():
        job = import_job_create(organisation_id=owner.organisation.pk, actor=owner.user,
                                uploaded_file=upload(GOOD_AND_BAD))

    run = Task.objects.get().kwargs["run"]
    assert len(run) == 32
    assert events(job) == [
        ("queue", "", "queued", owner.user.pk, {}),
        ("start", "queued", "running", None, {"run": run}),
        ("finish", "running", "done", None, DONE_COUNTS),
    ]


def test_a_failure_records_its_code_not_its_words(owner: Member) -> None:
    job = import_job_create(organisation_id=owner.organisation.pk, actor=owner.user,
                            uploaded_file=upload(GOOD_AND_BAD))
    owner.user.memberships.all().delete()

    import_job_run(job_id=job.pk)

    zero = dict.fromkeys(DONE_COUNTS, 0)
    assert [verb for verb, *_rest in events(job)] == ["queue", "start", "fail"]
    assert events(job)[-1] == ("fail", "running", "failed", None, {**zero, "code": "forbidden"})
    assert ImportJob.objects.get(pk=job.pk).message == "You are not a member of this organisation."


def test_a_job_left_running_by_a_crash_is_started_again(owner: Member, monkeypatch: pytest.MonkeyPatch) -> None:
    job = import_job_create(organisation_id=owner.organisation.pk, actor=owner.user,
                            uploaded_file=upload(GOOD_AND_BAD))
    task = Task.objects.get()

    def crash(*args: Any, **kwargs: Any) -> Any:
        raise Crash

    with monkeypatch.context() as patch:
        patch.setattr("ipx.catalog.importing.services.import_patents", crash)
        with pytest.raises(Crash):
            run_task(task.pk)
    assert (ImportJob.objects.get(pk=job.pk).status, Task.objects.get().status) == ("running", "running")

    # The worker, started again, puts the task back in the queue and runs it.
    call_command("worker", "--requeue-stale", "--burst", stdout=StringIO())

    job.refresh_from_db()
    assert (job.status, job.created_count, job.error_count, Task.objects.get().status) == ("done", 2, 1, "done")
    run = task.kwargs["run"]
    assert events(job) == [
        ("queue", "", "queued", owner.user.pk, {}),
        ("start", "queued", "running", None, {"run": run}),
        ("restart", "running", "running", None, {"run": run}),
        ("finish", "running", "done", None, DONE_COUNTS),
    ]
    assert registered_numbers() == [application_number(1), application_number(3)]


def test_a_second_runner_is_refused_while_the_job_runs(owner: Member, monkeypatch: pytest.MonkeyPatch,
                                                        on_commit: Callable[..., Any]) -> None:
    real_import = services.import_patents
    seen: list[tuple[tuple[Any, ...], tuple[Any, ...]]] = []

    def import_with_another_runner(*args: Any, **kwargs: Any) -> Any:
        # While the first runner imports, another task for the same job and a runner that
        # names no run try to start it.
        [job] = ImportJob.objects.all()
        before = job_state(job)
        import_job_run(job_id=job.pk, run="another-task")
        import_job_run(job_id=job.pk)
        seen.append((before, job_state(job)))
        return real_import(*args, **kwargs)

    monkeypatch.setattr(services, "import_patents", import_with_another_runner)
    with on_commit():
        job = import_job_create(organisation_id=owner.organisation.pk, actor=owner.user,
                                uploaded_file=upload(GOOD_AND_BAD))

    [(before, after)] = seen
    assert before == after
    assert before[0] == "running"
    assert [verb for verb, *_rest in events(job)] == ["queue", "start", "finish"]
    job.refresh_from_db()
    assert (job.status, job.created_count) == ("done", 2)


def test_a_finished_job_is_not_started_again_even_by_its_own_task(owner: Member,
                                                                   on_commit: Callable[..., Any]) -> None:
    with on_commit():
        job = import_job_create(organisation_id=owner.organisation.pk, actor=owner.user,
                                uploaded_file=upload(GOOD_AND_BAD))
    before = job_state(job)

    import_job_run(job_id=job.pk, run=Task.objects.get().kwargs["run"])

    assert job_state(job) == before


def test_nobody_is_offered_an_action_on_a_job(owner: Member, operator: User) -> None:
    job = import_job_create(organisation_id=owner.organisation.pk, actor=owner.user,
                            uploaded_file=upload(GOOD_AND_BAD))

    assert owner.client.get(f"/api/v1/imports/{job.pk}").json()["allowed_actions"] == []
    for status in ImportJob.Status.values:
        job.status = status
        assert IMPORT_JOB.allowed_actions(job, owner.user) == []
        assert IMPORT_JOB.allowed_actions(job, operator) == []
