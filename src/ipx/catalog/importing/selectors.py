"""Reads of import jobs, for members of the importing organisation only."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from ipx.accounts.models import User
from ipx.accounts.selectors import is_member
from ipx.catalog.models import ImportJob
from ipx.core.errors import NotFound


def import_job_visible(user: User, job_id: int) -> ImportJob:
    """The job, if ``user`` belongs to its organisation; to anyone else it does not exist."""
    job = ImportJob.objects.select_related("organisation", "created_by").filter(pk=job_id).first()
    if job is None or not user.is_authenticated or not is_member(user, job.organisation_id):
        raise NotFound(_("No such import."))
    return job


def import_jobs_of(organisation_id: int) -> QuerySet[ImportJob]:
    return (
        ImportJob.objects.filter(organisation_id=organisation_id)
        .select_related("created_by")
        .order_by("-id")
    )
