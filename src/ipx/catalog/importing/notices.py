"""What the uploader of a spreadsheet is told when its import ends (it may have left the page
long before a large file is done): done, with what was created, updated and refused, or failed
with the reason, and the link to the job's page with the row report. The catalog sits below the
notifications app, so the notice is asked for through ``core.notices.notify_after_commit``."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ipx.catalog.models import ImportJob
from ipx.core.notices import notify_after_commit, wording


def tell_ended(job: ImportJob) -> None:
    """The uploader (if still a user) hears how ``job`` ended."""
    if job.created_by_id is None:
        return
    failed = job.status == ImportJob.Status.FAILED
    notify_after_commit("import.failed" if failed else "import.done", url=f"/catalog/imports/{job.pk}/",
                        user_ids=[job.created_by_id],
                        params={"file": job.file_name, "created": job.created_count, "updated": job.updated_count,
                                "refused": job.error_count, "reason": job.message if failed else ""})


wording(
    "import.done",
    title=lambda p: _("Import of %(file)s done") % p,
    body=lambda p: _("IP rights created: %(created)s; updated: %(updated)s; rows refused: %(refused)s. The row "
                     "report is on the import's page.") % p,
)
wording(
    "import.failed",
    title=lambda p: _("Import of %(file)s failed") % p,
    body=lambda p: _("%(reason)s Before it stopped, IP rights created: %(created)s; updated: %(updated)s.") % p,
)
