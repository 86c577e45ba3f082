"""Imports as background jobs: an upload is checked and stored at once, the task runner
processes its rows, and the job row shows the progress and, at the end, the row report.

The job's steps (queued → running → done / failed, and running again after a crash) are
the table in ``workflow.py``; each is taken on the locked row and written as an
ImportJobEvent (verb + params: the run, the counters, the failure's code).
"""

from __future__ import annotations

import logging
import os
from typing import Any
from uuid import uuid4

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ipx.accounts.models import User
from ipx.accounts.selectors import access_organisation
from ipx.catalog.importing.notices import tell_ended
from ipx.catalog.importing.reading import SpreadsheetRefused, open_sheet
from ipx.catalog.importing.running import Progress, check_patent_file, import_patents
from ipx.catalog.importing.workflow import IMPORT_JOB
from ipx.catalog.models import ImportJob
from ipx.core.errors import ApplicationError, NotFound
from ipx.tasks.runner import enqueue

logger = logging.getLogger(__name__)

Status = ImportJob.Status

def _display_name(name: str | None) -> str:
    base = os.path.basename((name or "").replace("\\", "/")).strip()
    return (base or _("upload"))[:255]


@transaction.atomic
def import_job_create(
    *, organisation_id: int, actor: User, uploaded_file: UploadedFile
) -> ImportJob:
    """Check an uploaded patent inventory, store it and queue its import for the
    organisation; the file's type, size and columns are refused here, before anything is
    stored."""
    organisation = access_organisation(actor, organisation_id)
    fmt = check_patent_file(uploaded_file, size=uploaded_file.size or 0)
    job = ImportJob(
        organisation=organisation,
        created_by=actor,
        kind=ImportJob.Kind.PATENTS,
        file_name=_display_name(uploaded_file.name),
        language=translation.get_language() or "",
    )
    # Our own stored name: the user's name may hold anything a file system dislikes.
    job.file.save(f"{uuid4().hex}.{fmt}", uploaded_file, save=False)
    try:
        job.save()
        IMPORT_JOB.record(job, "queue", actor=actor, from_status="")
        # The task's own name for its run of the job: the same task, put back in the queue
        # after a crash, may start the job again; no other runner may while it runs.
        enqueue(import_job_run, job_id=job.pk, run=uuid4().hex)
    except Exception:
        job.file.delete(save=False)
        raise
    return job


def _counters(progress: Progress) -> dict[str, int]:
    return {
        "total_rows": progress.total_rows,
        "processed_rows": progress.processed_rows,
        "created_count": progress.created,
        "updated_count": progress.updated,
        "error_count": progress.refused_rows,
    }


def _save_progress(job_id: int, progress: Progress) -> None:
    ImportJob.objects.filter(pk=job_id).update(**_counters(progress))


def _record_written(job_id: int, asset_ids: list[int]) -> None:
    """The job's assets, for its page to follow what happens to them after it (a run again
    after a crash writes its rows again: kept once)."""
    through = ImportJob.assets.through
    through.objects.bulk_create([through(importjob_id=job_id, asset_id=asset_id) for asset_id in asset_ids],
                                ignore_conflicts=True)


def _report(progress: Progress) -> dict[str, Any]:
    return {
        "errors": [error.as_dict() for error in progress.errors],
        "errors_omitted": progress.errors_omitted,
    }


def _current_run(job: ImportJob) -> str:
    started = (job.events.filter(verb__in=("start", "restart")).order_by("-id")
               .values_list("params", flat=True).first())
    return str((started or {}).get("run", ""))


@transaction.atomic
def _start(job_id: int, run: str) -> ImportJob | None:
    """Lock the job and start it: a queued one by any runner (the first to lock it), a
    running one only by the run that started it, after a crash. None: not to be run here."""
    try:
        job = IMPORT_JOB.lock(job_id, related=("organisation", "created_by"))
    except NotFound:
        return None  # deleted while it waited
    if job.status == Status.QUEUED:
        action = "start"
    elif job.status == Status.RUNNING and run and run == _current_run(job):
        action = "restart"
    else:
        return None  # finished, or another runner has it
    fields: dict[str, Any] = {"started_at": timezone.now(), "finished_at": None, "message": "",
                              **_counters(Progress()), "errors": [], "errors_omitted": 0}
    for name, value in fields.items():
        setattr(job, name, value)
    IMPORT_JOB.transition(job, action, actor=None, params={"run": run}, fields=fields, check=False)
    return job


@transaction.atomic
def _end(job_id: int, run: str, action: str, *, params: dict[str, Any], **fields: Any) -> None:
    """Finish or fail the job, unless another run has taken it over since (its end counts)."""
    try:
        job = IMPORT_JOB.lock(job_id)
    except NotFound:
        return
    if job.status != Status.RUNNING or _current_run(job) != run:
        return
    for name, value in fields.items():
        setattr(job, name, value)
    IMPORT_JOB.transition(job, action, actor=None, params=params, fields=fields, check=False)
    tell_ended(job)


def import_job_run(*, job_id: int, run: str = "") -> None:
    """Process a queued import (run by the task runner, ``run`` being the task's name for
    this run of it; see ``import_job_create``)."""
    job = _start(job_id, run)
    if job is None:
        return
    with translation.override(job.language or None):
        _run(job, run)


def _run(job: ImportJob, run: str) -> None:
    latest = Progress()

    def on_progress(progress: Progress) -> None:
        nonlocal latest
        latest = progress
        _save_progress(job.pk, progress)

    try:
        if job.created_by is not None:
            # The uploader may have left the organisation while the job waited.
            access_organisation(job.created_by, job.organisation_id)
        try:
            handle = job.file.open("rb")
        except OSError:
            raise SpreadsheetRefused(
                _("The uploaded file is no longer stored; upload it again.")
            ) from None
        with handle:
            progress = import_patents(
                open_sheet(handle),
                job.organisation,
                on_start=on_progress,
                on_progress=on_progress,
                on_written=lambda asset_ids: _record_written(job.pk, asset_ids),
            )
    except ApplicationError as exc:
        _end(job.pk, run, "fail", params={**_counters(latest), "code": exc.code}, message=exc.message,
             finished_at=timezone.now(), **_counters(latest), **_report(latest))
        return
    except Exception:
        logger.exception("import job %s failed", job.pk)
        _end(job.pk, run, "fail", params={**_counters(latest), "code": "internal"},
             finished_at=timezone.now(), **_counters(latest), **_report(latest),
             message=_("The import stopped because of a problem on our side. The rows counted above were "
                       "imported; upload the file again to finish it."))
        raise
    _end(job.pk, run, "finish", params=_counters(progress), finished_at=timezone.now(), **_counters(progress),
         **_report(progress))
