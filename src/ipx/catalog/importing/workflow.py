"""An import job's workflow on the kernel: queued → running → done / failed.

Every step is the task runner's: a queued job is started once (the row is locked and its
status read again, so of two runners only the first starts it); a job left "running" by a
crashed process is started again by the same task when it is put back in the queue
(importing is idempotent: rows update what an earlier pass created). Nobody moves a job by
hand, so ``allowed_actions`` is empty for every person; the runner's steps are checked in
the services on the locked row and taken with ``check=False``.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ipx.catalog.models import ImportJob, ImportJobEvent
from ipx.core.errors import PermissionDenied
from ipx.core.workflow import Action, Attempt, Refusal, Workflow

S = ImportJob.Status


def _by_the_runner(attempt: Attempt) -> Refusal | None:
    return Refusal(_("Imports are run by the exchange in the background."), error=PermissionDenied)


IMPORT_JOB: Workflow[ImportJob] = Workflow(
    name="import_job",
    model=ImportJob,
    event_model=ImportJobEvent,
    subject_field="job",
    actions={
        "start": Action(sources=(S.QUEUED,), target=S.RUNNING, guards=(_by_the_runner,)),
        "restart": Action(sources=(S.RUNNING,), target=S.RUNNING, guards=(_by_the_runner,)),
        "finish": Action(sources=(S.RUNNING,), target=S.DONE, guards=(_by_the_runner,)),
        "fail": Action(sources=(S.RUNNING,), target=S.FAILED, guards=(_by_the_runner,)),
    },
    not_found=gettext_lazy("No such import."),
)
