"""Imports as background jobs: an upload is checked and stored at once, the task runner
processes its rows, and the job row shows the progress and, at the end, the row report."""

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
from ipx.catalog.importing.reading import SpreadsheetRefused, open_sheet
from ipx.catalog.importing.running import Progress, check_patent_file, import_patents
from ipx.catalog.models import ImportJob
from ipx.core.errors import ApplicationError
from ipx.tasks.runner import enqueue

logger = logging.getLogger(__name__)

Status = ImportJob.Status

# A job the runner starts again after a crash is still "running"; importing is idempotent
# (rows update what an earlier pass created), so it may simply start over.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.QUEUED: (Status.RUNNING,),
    Status.RUNNING: (Status.RUNNING, Status.DONE, Status.FAILED),
    Status.DONE: (),
    Status.FAILED: (),
}


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
        enqueue(import_job_run, job_id=job.pk)
    except Exception:
        job.file.delete(save=False)
        raise
    return job


def _move(job_id: int, to_status: str, **fields: Any) -> bool:
    """Change a job's status if the transition is allowed from where it is now."""
    allowed_from = [status for status, targets in TRANSITIONS.items() if to_status in targets]
    return (
        ImportJob.objects.filter(pk=job_id, status__in=allowed_from).update(
            status=to_status, **fields
        )
        == 1
    )


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


def _report(progress: Progress) -> dict[str, Any]:
    return {
        "errors": [error.as_dict() for error in progress.errors],
        "errors_omitted": progress.errors_omitted,
    }


def import_job_run(*, job_id: int) -> None:
    """Process a queued import (run by the task runner)."""
    if not _move(
        job_id,
        Status.RUNNING,
        started_at=timezone.now(),
        finished_at=None,
        message="",
        **_counters(Progress()),
        errors=[],
        errors_omitted=0,
    ):
        return  # gone, or already finished
    job = ImportJob.objects.select_related("organisation", "created_by").get(pk=job_id)
    with translation.override(job.language or None):
        _run(job)


def _run(job: ImportJob) -> None:
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
            )
    except ApplicationError as exc:
        _move(
            job.pk,
            Status.FAILED,
            message=exc.message,
            finished_at=timezone.now(),
            **_counters(latest),
            **_report(latest),
        )
        return
    except Exception:
        logger.exception("import job %s failed", job.pk)
        _move(
            job.pk,
            Status.FAILED,
            finished_at=timezone.now(),
            **_counters(latest),
            **_report(latest),
            message=_(
                "The import stopped because of a problem on our side. The rows counted above were "
                "imported; upload the file again to finish it."
            ),
        )
        raise
    _move(
        job.pk, Status.DONE, finished_at=timezone.now(), **_counters(progress), **_report(progress)
    )
